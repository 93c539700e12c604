/**
 * Pure SQL for IAM users on MySQL and MariaDB, as RDS's master (no SUPER, no ALL) runs it. Names
 * and literals are quoted by mysql2's own escaping (sqlstring), required lazily.
 *
 * - IAM login: `IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL` (RDS User Guide,
 *   "Creating a database account using IAM authentication").
 * - `ALL` is written as the explicit list of database privileges: RDS's master cannot grant ALL
 *   (on MariaDB it includes DELETE HISTORY, which the master lacks).
 * - In GRANT and REVOKE, `_` and `%` in a database name are wildcards (MySQL Reference Manual,
 *   "GRANT Statement": "The _ and % wildcards are permitted when specifying database names"): they
 *   are escaped, so `app_db` never also grants `appXdb`.
 * - A new user is created LOCKED and unlocked only once its grants are in place: a create cut off
 *   half-way leaves an account that cannot log in and that the retry recognises as its own.
 */
import { PRIVILEGES } from "../../validation";

interface Quoting {
    escape(value: string): string;
    escapeId(value: string): string;
}

function quoting(): Quoting {
    return require("mysql2") as Quoting;
}

/** The database privileges ALL stands for. */
export const DATABASE_PRIVILEGES: readonly string[] = PRIVILEGES.mysql.filter((p) => p !== "ALL");

/** `'user'@'%'`: IAM users log in from anywhere the security group admits. */
export function account(username: string): string {
    return `${quoting().escape(username)}@'%'`;
}

/** The database name as a GRANT pattern matching only itself: `_` and `%` escaped. */
export function databasePattern(database: string): string {
    return database.replace(/[\\_%]/g, (c) => `\\${c}`);
}

function onDatabase(database: string): string {
    return `${quoting().escapeId(databasePattern(database))}.*`;
}

/** Privileges as written in GRANT/REVOKE: ALL expanded. */
export function expandPrivileges(privileges: readonly string[]): string[] {
    return privileges.includes("ALL")
        ? [...DATABASE_PRIVILEGES]
        : DATABASE_PRIVILEGES.filter((p) => privileges.includes(p));
}

function grant(username: string, database: string, privileges: readonly string[]): string {
    return `GRANT ${expandPrivileges(privileges).join(", ")} ON ${onDatabase(database)} TO ${account(username)}`;
}

function revoke(username: string, database: string, privileges: readonly string[]): string {
    return `REVOKE ${expandPrivileges(privileges).join(", ")} ON ${onDatabase(database)} FROM ${account(username)}`;
}

const IAM_LOGIN = "IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL";

/** CREATE USER (locked), the grants, then the unlock. */
export function createUserStatements(
    username: string,
    database: string | undefined,
    privileges: readonly string[],
): string[] {
    return [
        `CREATE USER ${account(username)} ${IAM_LOGIN} ACCOUNT LOCK`,
        ...(privileges.length > 0 && database !== undefined ? [grant(username, database, privileges)] : []),
        `ALTER USER ${account(username)} ACCOUNT UNLOCK`,
    ];
}

/** Switches an existing user to IAM login and locks it until converge() unlocks it. */
export function lockToIamStatement(username: string): string {
    return `ALTER USER ${account(username)} ${IAM_LOGIN} ACCOUNT LOCK`;
}

export function unlockStatement(username: string): string {
    return `ALTER USER ${account(username)} ACCOUNT UNLOCK`;
}

/** Grants what is new and revokes what is gone, nothing else. */
export function changePrivilegesStatements(
    username: string,
    database: string | undefined,
    from: readonly string[],
    to: readonly string[],
): string[] {
    if (database === undefined) return [];
    const before = expandPrivileges(from);
    const after = expandPrivileges(to);
    const removed = before.filter((p) => !after.includes(p));
    const added = after.filter((p) => !before.includes(p));
    return [
        ...(removed.length > 0 ? [revoke(username, database, removed)] : []),
        ...(added.length > 0 ? [grant(username, database, added)] : []),
    ];
}

/** A grant as the catalog lists it (catalog.grantsQuery): one privilege on one object. */
export interface HeldGrant {
    readonly kind: "global" | "database" | "table" | "column" | "routine" | "role";
    readonly privilege: string;
    readonly grantable: string;
    readonly db: string;
    readonly object: string;
    /** The column of a column grant; FUNCTION or PROCEDURE for a routine grant. */
    readonly detail: string;
}

/** mysql.procs_priv's Proc_priv set, as privileges a REVOKE names. */
const ROUTINE_PRIVILEGES: Record<string, string> = {
    Execute: "EXECUTE",
    "Alter Routine": "ALTER ROUTINE",
    Grant: "GRANT OPTION",
};

/** A privilege name read from the catalog, refused unless it is a plain keyword. */
function privilegeName(privilege: string): string {
    if (!/^[A-Z][A-Z_ ]*$/.test(privilege))
        throw new Error(`unexpected privilege name in the catalog: ${privilege}`);
    return privilege;
}

/**
 * Revokes what the account holds, then grants `privileges` on the database.
 * - `"all"` (MariaDB): `REVOKE ALL PRIVILEGES, GRANT OPTION FROM …`, which needs only CREATE USER,
 *   not the privileges revoked (MariaDB Knowledge Base, REVOKE: "Revoking All Privileges"), so it
 *   also clears privileges the master itself lacks.
 * - the held grants (MySQL 8.0): revoked object by object. On MySQL 8.0 the ALL form also revokes
 *   dynamic privileges and is refused without SYSTEM_USER, which RDS for MySQL's master does not hold
 *   (RDS User Guide, "Role-based privilege model for RDS for MySQL": rds_superuser_role's list).
 */
export function resetPrivilegesStatements(
    username: string,
    database: string | undefined,
    privileges: readonly string[],
    revoke: "all" | readonly HeldGrant[],
): string[] {
    const grants =
        privileges.length > 0 && database !== undefined ? [grant(username, database, privileges)] : [];
    if (revoke === "all") return [`REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${account(username)}`, ...grants];
    return [...revokeHeldStatements(username, revoke), ...grants];
}

/** One REVOKE per object the account holds grants on, naming exactly those privileges. */
function revokeHeldStatements(username: string, held: readonly HeldGrant[]): string[] {
    const q = quoting();
    const on = new Map<string, { privileges: Set<string>; grantOption: boolean }>();
    const add = (target: string, privilege: string | undefined, grantable: boolean) => {
        const entry = on.get(target) ?? { privileges: new Set<string>(), grantOption: false };
        if (privilege !== undefined) entry.privileges.add(privilege);
        entry.grantOption ||= grantable;
        on.set(target, entry);
    };
    for (const g of held) {
        const grantable = g.grantable === "YES";
        switch (g.kind) {
            case "global":
                add("*.*", g.privilege === "USAGE" ? undefined : privilegeName(g.privilege), grantable);
                break;
            case "database": // the catalog holds the GRANT pattern itself (escapes included)
                add(`${q.escapeId(g.db)}.*`, privilegeName(g.privilege), grantable);
                break;
            case "table":
                add(`${q.escapeId(g.db)}.${q.escapeId(g.object)}`, privilegeName(g.privilege), grantable);
                break;
            case "column":
                add(
                    `${q.escapeId(g.db)}.${q.escapeId(g.object)}`,
                    `${privilegeName(g.privilege)} (${q.escapeId(g.detail)})`,
                    grantable,
                );
                break;
            case "routine": {
                const type = g.detail === "FUNCTION" ? "FUNCTION" : "PROCEDURE";
                const target = `${type} ${q.escapeId(g.db)}.${q.escapeId(g.object)}`;
                for (const p of g.privilege.split(",").filter((p) => p !== "")) {
                    const name = ROUTINE_PRIVILEGES[p] ?? privilegeName(p.toUpperCase());
                    add(target, name === "GRANT OPTION" ? undefined : name, name === "GRANT OPTION");
                }
                break;
            }
            case "role":
                break; // revoked by name (revokeRoleStatement)
        }
    }
    const revokes: string[] = [];
    for (const [target, entry] of on) {
        const names = [...entry.privileges, ...(entry.grantOption ? ["GRANT OPTION"] : [])];
        if (names.length > 0)
            revokes.push(`REVOKE ${names.join(", ")} ON ${target} FROM ${account(username)}`);
    }
    return revokes;
}

export function revokeRoleStatement(role: string, username: string): string {
    return `REVOKE ${quoting().escapeId(role)} FROM ${account(username)}`;
}

/** Another account with the same user name (e.g. 'u'@'10.%' with a password). */
export function dropOtherAccountStatement(username: string, host: string): string {
    return `DROP USER IF EXISTS ${quoting().escape(username)}@${quoting().escape(host)}`;
}

export function dropUserStatements(username: string): string[] {
    return [`DROP USER IF EXISTS ${account(username)}`];
}

/**
 * The IAM admin (DatabaseArgs.iamAdmin): an IAM-only account that holds the master's grantable
 * global privileges WITH GRANT OPTION, so it can do for the users what the master does (CREATE USER,
 * GRANT on their databases), while the master keeps its password login. Created locked, unlocked
 * once its grants are in place, as every user here.
 */
export function createAdminStatements(username: string, masterGrants: readonly string[]): string[] {
    return [
        `CREATE USER ${account(username)} ${IAM_LOGIN} ACCOUNT LOCK`,
        ...adminGrantStatements(username, masterGrants),
        unlockStatement(username),
    ];
}

/** The master's grantable global privileges, granted to the admin the same way (idempotent). */
export function adminGrantStatements(username: string, masterGrants: readonly string[]): string[] {
    const privileges = [...new Set(masterGrants.map(privilegeName))].filter((p) => p !== "USAGE").sort();
    if (privileges.length === 0)
        throw new Error(
            "the master holds no grantable global privilege to give the IAM admin: is this the RDS master user?",
        );
    return [`GRANT ${privileges.join(", ")} ON *.* TO ${account(username)} WITH GRANT OPTION`];
}
