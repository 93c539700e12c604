/**
 * The privilege model of an RDS master user, as SQL the harness runs (as the bootstrap superuser)
 * when it sets a throwaway server up. Everything the product does then runs as this master, so a
 * test cannot pass on privileges RDS does not give.
 *
 * PostgreSQL — RDS User Guide, "Understanding the rds_superuser role" and "Understanding PostgreSQL
 * roles and permissions": the instance is bootstrapped by `rdsadmin`; the master is
 * `LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION NOBYPASSRLS` and a member of
 * `rds_superuser`; `rds_iam`, `rds_password`, `rds_replication`, `rds_ad` are NOLOGIN roles. It cannot
 * read `pg_authid`/`pg_shadow`. On 16+ CREATEROLE no longer implies admin over other roles, so
 * `rds_superuser` holds ADMIN (without INHERIT or SET) on the roles RDS lets its members grant.
 *
 * MariaDB/MySQL — RDS User Guide, "Master user account privileges": the master has exactly the
 * listed global privileges WITH GRANT OPTION; no SUPER, FILE, SHUTDOWN or ALL. RDS for MySQL 8.0.36
 * and higher adds CREATE ROLE, DROP ROLE and the dynamic privileges APPLICATION_PASSWORD_ADMIN,
 * ROLE_ADMIN, SET_USER_ID and XA_RECOVER_ADMIN, and grants the master the role
 * `rds_superuser_role` (same guide, "Role-based privilege model for RDS for MySQL"); versions
 * before 8.0.36 have the MariaDB list and no role.
 */

/** The master's global privileges on RDS for MariaDB (and MySQL 8's static ones). */
export const RDS_MYSQL_MASTER_PRIVILEGES: readonly string[] = [
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "DROP",
    "RELOAD",
    "PROCESS",
    "REFERENCES",
    "INDEX",
    "ALTER",
    "SHOW DATABASES",
    "CREATE TEMPORARY TABLES",
    "LOCK TABLES",
    "EXECUTE",
    "REPLICATION SLAVE",
    "REPLICATION CLIENT",
    "CREATE VIEW",
    "SHOW VIEW",
    "CREATE ROUTINE",
    "ALTER ROUTINE",
    "CREATE USER",
    "EVENT",
    "TRIGGER",
];

/** What RDS for MySQL 8.0.36+ adds to that list, static ones first (the master's and rds_superuser_role's). */
export const RDS_MYSQL80_EXTRA_STATIC_PRIVILEGES: readonly string[] = ["CREATE ROLE", "DROP ROLE"];
export const RDS_MYSQL80_DYNAMIC_PRIVILEGES: readonly string[] = [
    "APPLICATION_PASSWORD_ADMIN",
    "ROLE_ADMIN",
    "SET_USER_ID",
    "XA_RECOVER_ADMIN",
];
export const RDS_MYSQL_SUPERUSER_ROLE = "rds_superuser_role";

/**
 * Creates the RDS master as RDS for MySQL 8.0.36+ has it: the privileges above WITH GRANT OPTION,
 * held directly and through `rds_superuser_role` (a role with the same privileges, granted to the
 * master and active by default). The server may be an older 8.0 minor: every one of these
 * privileges exists since 8.0.19 (XA_RECOVER_ADMIN is the newest), so the grants are the same there.
 */
export function rdsMysql80MasterSetup(
    master: string,
    password: string,
    quote: (s: string) => string,
): string[] {
    const account = `${quote(master)}@'%'`;
    const role = `${quote(RDS_MYSQL_SUPERUSER_ROLE)}@'%'`;
    const statics = [...RDS_MYSQL_MASTER_PRIVILEGES, ...RDS_MYSQL80_EXTRA_STATIC_PRIVILEGES].join(", ");
    const dynamics = RDS_MYSQL80_DYNAMIC_PRIVILEGES.join(", ");
    return [
        `CREATE ROLE ${role}`,
        `GRANT ${statics} ON *.* TO ${role} WITH GRANT OPTION`,
        `GRANT ${dynamics} ON *.* TO ${role} WITH GRANT OPTION`,
        `CREATE USER ${account} IDENTIFIED BY ${quote(password)} REQUIRE SSL`,
        `GRANT ${statics} ON *.* TO ${account} WITH GRANT OPTION`,
        `GRANT ${dynamics} ON *.* TO ${account} WITH GRANT OPTION`,
        `GRANT ${role} TO ${account}`,
        `SET DEFAULT ROLE ${role} TO ${account}`,
    ];
}

/** Creates the RDS master on MariaDB; `quote` escapes a string literal. */
export function rdsMysqlMasterSetup(
    master: string,
    password: string,
    quote: (s: string) => string,
): string[] {
    const account = `${quote(master)}@'%'`;
    return [
        `CREATE USER ${account} IDENTIFIED BY ${quote(password)} REQUIRE SSL`,
        `GRANT ${RDS_MYSQL_MASTER_PRIVILEGES.join(", ")} ON *.* TO ${account} WITH GRANT OPTION`,
    ];
}

/** The roles RDS creates on PostgreSQL, all NOLOGIN. */
export const RDS_POSTGRES_ROLES: readonly string[] = [
    "rds_superuser",
    "rds_iam",
    "rds_password",
    "rds_replication",
    "rds_ad",
];

/** Creates RDS's roles and the master on PostgreSQL `major`; `ident`/`literal` quote. */
export function rdsPostgresSetup(
    major: number,
    master: string,
    password: string,
    ident: (s: string) => string,
    literal: (s: string) => string,
): string[] {
    const m = ident(master);
    const statements = RDS_POSTGRES_ROLES.map((role) => `CREATE ROLE ${role} NOLOGIN`);
    if (major >= 16) {
        statements.push(
            // Members of rds_superuser may grant these, but never inherit them: a master that inherited
            // rds_iam would be switched to IAM login.
            "GRANT rds_iam, rds_password, rds_replication TO rds_superuser WITH ADMIN TRUE, INHERIT FALSE, SET FALSE",
            "GRANT pg_monitor, pg_signal_backend TO rds_superuser WITH ADMIN TRUE, INHERIT TRUE, SET TRUE",
        );
    } else {
        statements.push("GRANT pg_monitor, pg_signal_backend TO rds_superuser");
    }
    statements.push(
        `CREATE ROLE ${m} LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${literal(password)}`,
        major >= 16
            ? `GRANT rds_superuser TO ${m} WITH INHERIT TRUE, SET TRUE, ADMIN FALSE`
            : `GRANT rds_superuser TO ${m}`,
    );
    return statements;
}
