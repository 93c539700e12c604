/**
 * What the master reads about an account on MySQL/MariaDB (RDS's master has SELECT on *.*): its
 * authentication in mysql.user (MariaDB keeps the lock in mysql.global_priv), its privileges in
 * information_schema and mysql.procs_priv, its roles, and other accounts of the same name.
 */
import type { Row } from "../connection";
import { ObservedUser } from "../dialect";
import { DATABASE_PRIVILEGES, databasePattern } from "./sql";

export const VERSION = "SELECT VERSION() AS version";

/** The account's login; parameters [user]. */
export function userQuery(mariadb: boolean): string {
    return mariadb
        ? `SELECT u.plugin, u.authentication_string, u.ssl_type, JSON_VALUE(g.Priv, '$.account_locked') IN ('true', '1') AS locked
  FROM mysql.user u JOIN mysql.global_priv g ON g.User = u.User AND g.Host = u.Host WHERE u.User = ? AND u.Host = '%'`
        : `SELECT plugin, authentication_string, ssl_type, account_locked = 'Y' AS locked FROM mysql.user WHERE User = ? AND Host = '%'`;
}

/** Other accounts of the same user name; parameters [user]. */
export const OTHER_ACCOUNTS =
    "SELECT Host AS host FROM mysql.user WHERE User = ? AND Host <> '%' ORDER BY Host";

/**
 * Every grant of the account, one row each, with the object's parts (db, object, detail: a column,
 * or a routine's type) so that each can be revoked by name; parameters [grantee ×4, user ×2].
 */
export function grantsQuery(mariadb: boolean): string {
    const roles = mariadb
        ? "SELECT 'role', '', Role, '', '', '', '' FROM mysql.roles_mapping WHERE User = ? AND Host = '%'"
        : "SELECT 'role', '', FROM_USER, '', '', '', '' FROM mysql.role_edges WHERE TO_USER = ? AND TO_HOST = '%'";
    return `SELECT 'global' AS kind, '' AS target, PRIVILEGE_TYPE AS privilege, IS_GRANTABLE AS grantable, '' AS db, '' AS object, '' AS detail
    FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ?
  UNION ALL SELECT 'database', TABLE_SCHEMA, PRIVILEGE_TYPE, IS_GRANTABLE, TABLE_SCHEMA, '', ''
    FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ?
  UNION ALL SELECT 'table', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), PRIVILEGE_TYPE, IS_GRANTABLE, TABLE_SCHEMA, TABLE_NAME, ''
    FROM information_schema.TABLE_PRIVILEGES WHERE GRANTEE = ?
  UNION ALL SELECT 'column', CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, '.', COLUMN_NAME), PRIVILEGE_TYPE, IS_GRANTABLE, TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME
    FROM information_schema.COLUMN_PRIVILEGES WHERE GRANTEE = ?
  UNION ALL SELECT 'routine', CONCAT(Db, '.', Routine_name), Proc_priv, '', Db, Routine_name, Routine_type
    FROM mysql.procs_priv WHERE User = ? AND Host = '%'
  UNION ALL ${roles}`;
}

/**
 * The account's login, its other hosts and its grants in one query (one round trip): rows of
 * grantsQuery's shape, led by kind "account" (target: ssl_type, privilege: plugin, grantable:
 * authentication_string, db: locked) and "host" (target: another host of the name);
 * parameters [user, user, grantee ×4, user ×2].
 */
export function accountQuery(mariadb: boolean): string {
    return `SELECT 'account' AS kind, a.ssl_type AS target, a.plugin AS privilege, a.authentication_string AS grantable,
    CAST(a.locked AS CHAR) AS db, '' AS object, '' AS detail FROM (${userQuery(mariadb)}) a
  UNION ALL SELECT 'host', h.host, '', '', '', '', '' FROM (${OTHER_ACCOUNTS}) h
  UNION ALL ${grantsQuery(mariadb)}`;
}

/** A statement with its values written in, quoted by mysql2's format: for a batch, which takes none. */
export function withValues(sql: string, values: readonly unknown[]): string {
    const { format } = require("mysql2") as { format(sql: string, values: readonly unknown[]): string };
    return format(sql, values);
}

/** accountQuery with its values written in: for a batch (a read-back, or a read beside the lock). */
export function accountStatement(mariadb: boolean, username: string): string {
    const g = grantee(username);
    return withValues(accountQuery(mariadb), [username, username, g, g, g, g, username, username]);
}

/** accountQuery's rows as the account's parts, or undefined when there is no such account. */
export function accountRowsOf(username: string, rows: readonly Row[]): AccountRows | undefined {
    const account = rows.find((r) => r.kind === "account");
    if (account === undefined) return undefined;
    return {
        username,
        user: {
            plugin: account.privilege,
            authentication_string: account.grantable,
            ssl_type: account.target,
            locked: account.db,
        },
        otherHosts: rows
            .filter((r) => r.kind === "host")
            .map((r) => String(r.target))
            .sort(),
        grants: rows.filter((r) => r.kind !== "account" && r.kind !== "host"),
    };
}

/** The grantee text information_schema uses: `'user'@'%'`. */
export function grantee(username: string): string {
    return `'${username}'@'%'`;
}

export interface AccountRows {
    readonly username: string;
    readonly user: Row;
    readonly otherHosts: string[];
    readonly grants: Row[];
}

/** The rows as the provider's view of the account, against the declared database. */
export function observedAccount(rows: AccountRows, database: string | undefined): ObservedUser {
    const pattern = database === undefined ? undefined : databasePattern(database);
    const held: string[] = [];
    const unmanaged: string[] = [];
    for (const g of rows.grants) {
        const privilege = String(g.privilege);
        if (g.kind === "global" && privilege === "USAGE" && g.grantable !== "YES") continue;
        if (
            g.kind === "database" &&
            g.target === pattern &&
            g.grantable !== "YES" &&
            DATABASE_PRIVILEGES.includes(privilege)
        ) {
            held.push(privilege);
            continue;
        }
        const grantOption = g.grantable === "YES" ? " WITH GRANT OPTION" : "";
        const where =
            g.kind === "global"
                ? "*.*"
                : g.kind === "database"
                  ? `database \`${g.target}\``
                  : g.kind === "role"
                    ? ""
                    : `${g.kind} ${g.target}`;
        unmanaged.push(g.kind === "role" ? `role ${privilege}` : `${privilege}${grantOption} on ${where}`);
    }
    for (const host of rows.otherHosts) {
        unmanaged.push(`another account '${rows.username}'@'${host}' that logs in without IAM`);
    }
    const iam =
        rows.user.plugin === "AWSAuthenticationPlugin" &&
        rows.user.authentication_string === "RDS" &&
        rows.user.ssl_type === "ANY";
    const locked = Number(rows.user.locked) === 1 || rows.user.locked === true;
    const privileges = DATABASE_PRIVILEGES.every((p) => held.includes(p))
        ? ["ALL"]
        : DATABASE_PRIVILEGES.filter((p) => held.includes(p)).sort();
    return {
        exists: true,
        iamAuthentication: iam && !locked,
        privileges,
        unmanaged: [...new Set(unmanaged)].sort(),
        notAdoptable: [],
        unfinished: iam && locked,
    };
}
