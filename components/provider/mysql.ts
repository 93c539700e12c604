/**
 * Pure SQL for IAM users on MySQL and MariaDB. Names and literals are quoted by mysql2's own
 * escaping (sqlstring), required lazily so the serialized provider stays small.
 */
import { PRIVILEGES } from "../validation";

interface Quoting {
    escape(value: string): string;
    escapeId(value: string): string;
}

function quoting(): Quoting {
    return require("mysql2") as Quoting;
}

/** `'user'@'%'`: IAM users log in from anywhere the security group admits. */
export function mysqlAccount(username: string): string {
    return `${quoting().escape(username)}@'%'`;
}

/** ALL means every privilege on the database, never global ones. */
function privilegeList(privileges: readonly string[]): string {
    return privileges.includes("ALL") ? "ALL PRIVILEGES" : privileges.join(", ");
}

function grantStatement(username: string, database: string, privileges: readonly string[]): string {
    return `GRANT ${privilegeList(privileges)} ON ${quoting().escapeId(database)}.* TO ${mysqlAccount(username)}`;
}

function revokeStatement(username: string, database: string, privileges: readonly string[]): string {
    return `REVOKE ${privilegeList(privileges)} ON ${quoting().escapeId(database)}.* FROM ${mysqlAccount(username)}`;
}

/** The user authenticates with the IAM token plugin and must use TLS, as RDS documents. */
export function mysqlCreateUser(
    username: string,
    database: string | undefined,
    privileges: readonly string[],
): string[] {
    const statements = [
        `CREATE USER ${mysqlAccount(username)} IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL`,
    ];
    if (privileges.length > 0 && database !== undefined) {
        statements.push(grantStatement(username, database, privileges));
    }
    return statements;
}

/** Switches an existing user to IAM authentication (adoption, or repairing drift). */
export function mysqlUseIamAuthentication(username: string): string[] {
    return [
        `ALTER USER ${mysqlAccount(username)} IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL`,
    ];
}

/** Grants what is new and revokes what is gone, nothing else. */
export function mysqlChangePrivileges(
    username: string,
    database: string | undefined,
    from: readonly string[],
    to: readonly string[],
): string[] {
    if (database === undefined) {
        return [];
    }
    if (from.includes("ALL") !== to.includes("ALL")) {
        // ALL covers the others: replace the whole set rather than diffing through it.
        return [
            ...(from.length > 0 ? [revokeStatement(username, database, from)] : []),
            ...(to.length > 0 ? [grantStatement(username, database, to)] : []),
        ];
    }
    const removed = from.filter((p) => !to.includes(p));
    const added = to.filter((p) => !from.includes(p));
    return [
        ...(removed.length > 0 ? [revokeStatement(username, database, removed)] : []),
        ...(added.length > 0 ? [grantStatement(username, database, added)] : []),
    ];
}

/** Sets the privileges on the database to exactly `privileges` (adoption). */
export function mysqlResetPrivileges(
    username: string,
    database: string | undefined,
    privileges: readonly string[],
): string[] {
    if (database === undefined) {
        return [];
    }
    return [
        `REVOKE ALL PRIVILEGES ON ${quoting().escapeId(database)}.* FROM ${mysqlAccount(username)}`,
        ...(privileges.length > 0 ? [grantStatement(username, database, privileges)] : []),
    ];
}

export function mysqlDropUser(username: string): string[] {
    return [`DROP USER IF EXISTS ${mysqlAccount(username)}`];
}

/** Reads the user's authentication; parameters: [username]. */
export const MYSQL_READ_USER =
    "SELECT plugin, authentication_string, ssl_type FROM mysql.user WHERE User = ? AND Host = '%'";

/** Reads the user's privileges on one database; parameters: ["'user'@'%'", database]. */
export const MYSQL_READ_PRIVILEGES =
    "SELECT PRIVILEGE_TYPE AS privilege FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ?";

/** The grantee text information_schema uses: `'user'@'%'`. */
export function mysqlGrantee(username: string): string {
    return `'${username}'@'%'`;
}

/** Maps the privileges the server reports back onto the vocabulary; the full set reads as ALL. */
export function mysqlObservedPrivileges(reported: readonly string[]): string[] {
    const vocabulary = PRIVILEGES.mysql.filter((p) => p !== "ALL");
    const known = vocabulary.filter((p) => reported.includes(p));
    return known.length === vocabulary.length ? ["ALL"] : known.sort();
}
