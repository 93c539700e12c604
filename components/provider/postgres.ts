/**
 * Pure SQL for IAM users on PostgreSQL, run in one transaction. Identifiers are quoted by
 * pg-format, required lazily so the serialized provider stays small.
 *
 * Privileges: CONNECT on the database always; CREATE/TEMPORARY on the database; table privileges
 * on every table of schema public, now and (through default privileges of the master, who creates
 * the tables) in future; INSERT also gets the sequences so serial keys work.
 */
import { POSTGRES_DATABASE_PRIVILEGES, PRIVILEGES } from "../validation";

function ident(name: string): string {
    const format = require("pg-format") as { ident(value: string): string };
    return format.ident(name);
}

const TABLE_PRIVILEGES = PRIVILEGES.postgres.filter(
    (p) => p !== "ALL" && !POSTGRES_DATABASE_PRIVILEGES.includes(p),
);

function split(privileges: readonly string[]): { database: string[]; table: string[] } {
    const all = privileges.includes("ALL");
    return {
        database: privileges.filter((p) => POSTGRES_DATABASE_PRIVILEGES.includes(p)),
        table: all ? [...TABLE_PRIVILEGES] : privileges.filter((p) => TABLE_PRIVILEGES.includes(p)),
    };
}

function grants(
    user: string,
    database: string,
    privileges: readonly string[],
    verb: "GRANT" | "REVOKE",
): string[] {
    const { database: dbPrivileges, table } = split(privileges);
    const to = verb === "GRANT" ? "TO" : "FROM";
    const statements: string[] = [];
    if (dbPrivileges.length > 0) {
        statements.push(
            `${verb} ${dbPrivileges.join(", ")} ON DATABASE ${ident(database)} ${to} ${ident(user)}`,
        );
    }
    if (table.length > 0) {
        const list = table.join(", ");
        statements.push(
            `${verb} ${list} ON ALL TABLES IN SCHEMA public ${to} ${ident(user)}`,
            `ALTER DEFAULT PRIVILEGES IN SCHEMA public ${verb} ${list} ON TABLES ${to} ${ident(user)}`,
        );
    }
    if (table.includes("INSERT")) {
        statements.push(
            `${verb} USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public ${to} ${ident(user)}`,
            `ALTER DEFAULT PRIVILEGES IN SCHEMA public ${verb} USAGE, SELECT ON SEQUENCES ${to} ${ident(user)}`,
        );
    }
    return statements;
}

/** CREATE USER, rds_iam membership (IAM login on RDS), CONNECT and the privileges. */
export function postgresCreateUser(user: string, database: string, privileges: readonly string[]): string[] {
    return [
        `CREATE USER ${ident(user)} WITH LOGIN`,
        `GRANT rds_iam TO ${ident(user)}`,
        `GRANT CONNECT ON DATABASE ${ident(database)} TO ${ident(user)}`,
        ...(split(privileges).table.length > 0 ? [`GRANT USAGE ON SCHEMA public TO ${ident(user)}`] : []),
        ...grants(user, database, privileges, "GRANT"),
    ];
}

/** Makes an existing role an IAM user: login, no password, member of rds_iam (adoption, drift repair). */
export function postgresUseIamAuthentication(user: string): string[] {
    return [`ALTER ROLE ${ident(user)} WITH LOGIN PASSWORD NULL`, `GRANT rds_iam TO ${ident(user)}`];
}

export function postgresChangePrivileges(
    user: string,
    database: string,
    from: readonly string[],
    to: readonly string[],
): string[] {
    const before = split(from);
    const after = split(to);
    const gone = [
        ...before.database.filter((p) => !after.database.includes(p)),
        ...before.table.filter((p) => !after.table.includes(p)),
    ];
    const added = [
        ...after.database.filter((p) => !before.database.includes(p)),
        ...after.table.filter((p) => !before.table.includes(p)),
    ];
    const usage =
        after.table.length > 0 && before.table.length === 0
            ? [`GRANT USAGE ON SCHEMA public TO ${ident(user)}`]
            : after.table.length === 0 && before.table.length > 0
              ? [`REVOKE USAGE ON SCHEMA public FROM ${ident(user)}`]
              : [];
    return [...grants(user, database, gone, "REVOKE"), ...usage, ...grants(user, database, added, "GRANT")];
}

/**
 * Drops the user. rds_iam is revoked FIRST: REASSIGN/DROP OWNED need the master to be a member of
 * the user (granted here when the master is not a superuser, as on RDS), and a master that
 * inherited rds_iam would be sent to IAM authentication and lose its password login.
 */
export function postgresDropUser(user: string, master: string, masterIsSuperuser: boolean): string[] {
    return [
        `REVOKE rds_iam FROM ${ident(user)}`,
        ...(masterIsSuperuser ? [] : [`GRANT ${ident(user)} TO ${ident(master)}`]),
        `REASSIGN OWNED BY ${ident(user)} TO ${ident(master)}`,
        `DROP OWNED BY ${ident(user)}`,
        `DROP ROLE ${ident(user)}`,
    ];
}

/** Reads login, rds_iam membership and whether the master is superuser; parameters: [user]. */
export const POSTGRES_READ_USER = `SELECT r.rolcanlogin AS login,
    EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid AND g.rolname = 'rds_iam') AS rds_iam,
    r.rolpassword IS NOT NULL AS has_password
  FROM pg_authid r WHERE r.rolname = $1`;

/** Privileges granted explicitly to the user: on the database and by default on tables; parameters: [user, database]. */
export const POSTGRES_READ_PRIVILEGES = `SELECT a.privilege_type AS privilege FROM pg_database d, aclexplode(d.datacl) a
    WHERE d.datname = $2 AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $1) AND a.privilege_type IN ('CREATE', 'TEMPORARY')
  UNION SELECT a.privilege_type FROM pg_default_acl da JOIN pg_namespace n ON n.oid = da.defaclnamespace, aclexplode(da.defaclacl) a
    WHERE n.nspname = 'public' AND da.defaclobjtype = 'r' AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $1)`;

export const POSTGRES_MASTER_IS_SUPERUSER =
    "SELECT rolsuper AS superuser FROM pg_roles WHERE rolname = current_user";

/** Maps the observed privileges onto the vocabulary; every table privilege reads as ALL. */
export function postgresObservedPrivileges(reported: readonly string[]): string[] {
    const table = TABLE_PRIVILEGES.filter((p) => reported.includes(p));
    const database = POSTGRES_DATABASE_PRIVILEGES.filter((p) => reported.includes(p));
    return [...(table.length === TABLE_PRIVILEGES.length ? ["ALL"] : table), ...database].sort();
}
