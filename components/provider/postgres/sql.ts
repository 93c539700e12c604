/**
 * Pure SQL for IAM users on PostgreSQL, as RDS's non-superuser master runs it. Names and literals
 * are quoted by the pg driver's own escapeIdentifier/escapeLiteral (required lazily).
 *
 * Privileges: CONNECT on the database always; CREATE/TEMPORARY on the database; table privileges
 * on every table of schema public, now and (through the master's default privileges) in future;
 * INSERT also gets the sequences so serial keys work.
 *
 * Version rules (PostgreSQL 16 release notes, "Restrict the privileges of CREATEROLE"):
 * - 16+: creating a role grants its creator ADMIN only, and `createrole_self_grant` could add
 *   INHERIT — which would hand the master rds_iam's privileges: it is set empty for the transaction.
 * - 16+: acting on a role's objects (DROP/REASSIGN OWNED) needs that role's privileges: the master
 *   takes a membership WITH INHERIT TRUE, SET FALSE inside the transaction that drops the role, so
 *   it is never committed; on 15 the same membership is a plain GRANT.
 */
import { POSTGRES_DATABASE_PRIVILEGES, PRIVILEGES } from "../../validation";

export function ident(name: string): string {
    return (require("pg") as { escapeIdentifier(value: string): string }).escapeIdentifier(name);
}

export function literal(value: string): string {
    return (require("pg") as { escapeLiteral(value: string): string }).escapeLiteral(value);
}

/** Table privileges of the vocabulary (ALL expands to these). */
export const TABLE_PRIVILEGES: readonly string[] = PRIVILEGES.postgres.filter(
    (p) => p !== "ALL" && !POSTGRES_DATABASE_PRIVILEGES.includes(p),
);

export function splitPrivileges(privileges: readonly string[]): { database: string[]; table: string[] } {
    const all = privileges.includes("ALL");
    return {
        database: POSTGRES_DATABASE_PRIVILEGES.filter((p) => privileges.includes(p)),
        table: all ? [...TABLE_PRIVILEGES] : TABLE_PRIVILEGES.filter((p) => privileges.includes(p)),
    };
}

function grantsOf(
    user: string,
    database: string,
    privileges: readonly string[],
    verb: "GRANT" | "REVOKE",
): string[] {
    const { database: dbPrivileges, table } = splitPrivileges(privileges);
    const to = verb === "GRANT" ? "TO" : "FROM";
    const u = ident(user);
    const statements: string[] = [];
    if (dbPrivileges.length > 0) {
        statements.push(`${verb} ${dbPrivileges.join(", ")} ON DATABASE ${ident(database)} ${to} ${u}`);
    }
    if (table.length > 0) {
        const list = table.join(", ");
        statements.push(
            `${verb} ${list} ON ALL TABLES IN SCHEMA public ${to} ${u}`,
            `ALTER DEFAULT PRIVILEGES IN SCHEMA public ${verb} ${list} ON TABLES ${to} ${u}`,
        );
    }
    if (table.includes("INSERT")) {
        statements.push(
            `${verb} USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public ${to} ${u}`,
            `ALTER DEFAULT PRIVILEGES IN SCHEMA public ${verb} USAGE, SELECT ON SEQUENCES ${to} ${u}`,
        );
    }
    return statements;
}

/**
 * rds-iam's changes to roles and privileges in one database take turns: each transaction first
 * takes this transaction-scoped advisory lock (no privilege needed; released at COMMIT or
 * ROLLBACK). Pulumi runs resource operations in parallel (unbounded by default), and concurrent
 * GRANT/REVOKE on one object — the database's CONNECT, the schema's USAGE, the master's default
 * privileges — fail with "tuple concurrently updated" (cyrilgdn/terraform-provider-postgresql#178).
 * Advisory locks are per database; changes that span databases keep the retry (retry.ts) as backstop.
 * The key is "rds-iam" in ASCII.
 */
export function takeTurnStatements(queueMs: number, lockMs: number): string[] {
    return [
        `SET LOCAL lock_timeout = ${Math.trunc(queueMs)}`,
        "SELECT pg_advisory_xact_lock(32198593190912365)",
        `SET LOCAL lock_timeout = ${Math.trunc(lockMs)}`,
    ];
}

/** First statement of every transaction that creates or changes roles (16+). */
export function roleSessionSettings(major: number): string[] {
    return major >= 16 ? ["SET LOCAL createrole_self_grant = ''"] : [];
}

/** The marker a create leaves on the role, so a retried create recognises its own user. */
export function managedByComment(managedBy: string): string {
    return `managed by rds-iam: ${managedBy}`;
}

/** CREATE ROLE with login, the marker, rds_iam membership (IAM login on RDS), CONNECT and the privileges. */
export function createUserStatements(
    major: number,
    user: string,
    database: string,
    privileges: readonly string[],
    managedBy?: string,
): string[] {
    const u = ident(user);
    return [
        ...roleSessionSettings(major),
        `CREATE ROLE ${u} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT`,
        ...(managedBy === undefined
            ? []
            : [`COMMENT ON ROLE ${u} IS ${literal(managedByComment(managedBy))}`]),
        `GRANT rds_iam TO ${u}`,
        `GRANT CONNECT ON DATABASE ${ident(database)} TO ${u}`,
        ...(splitPrivileges(privileges).table.length > 0 ? [`GRANT USAGE ON SCHEMA public TO ${u}`] : []),
        ...grantsOf(user, database, privileges, "GRANT"),
    ];
}

/** Makes an existing role an IAM login: LOGIN, no password, no role-creating attributes, rds_iam. */
export function useIamAuthenticationStatements(user: string): string[] {
    const u = ident(user);
    return [`ALTER ROLE ${u} WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD NULL`, `GRANT rds_iam TO ${u}`];
}

/** Grants what is new and revokes what is gone (CONNECT stays). */
export function changePrivilegesStatements(
    user: string,
    database: string,
    from: readonly string[],
    to: readonly string[],
): string[] {
    const before = splitPrivileges(from);
    const after = splitPrivileges(to);
    const gone = [
        ...before.database.filter((p) => !after.database.includes(p)),
        ...before.table.filter((p) => !after.table.includes(p)),
    ];
    const added = [
        ...after.database.filter((p) => !before.database.includes(p)),
        ...after.table.filter((p) => !before.table.includes(p)),
    ];
    const u = ident(user);
    const usage =
        after.table.length > 0 && before.table.length === 0
            ? [`GRANT USAGE ON SCHEMA public TO ${u}`]
            : after.table.length === 0 && before.table.length > 0
              ? [`REVOKE USAGE ON SCHEMA public FROM ${u}`]
              : [];
    return [
        ...grantsOf(user, database, gone, "REVOKE"),
        ...usage,
        ...grantsOf(user, database, added, "GRANT"),
    ];
}

/** Sets the privileges on the database to exactly `privileges` (after adoption or drift). */
export function resetPrivilegesStatements(
    user: string,
    database: string,
    privileges: readonly string[],
): string[] {
    const u = ident(user);
    return [
        `REVOKE ALL ON DATABASE ${ident(database)} FROM ${u}`,
        `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${u}`,
        `REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${u}`,
        `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${u}`,
        `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${u}`,
        `REVOKE ALL ON SCHEMA public FROM ${u}`,
        `GRANT CONNECT ON DATABASE ${ident(database)} TO ${u}`,
        ...(splitPrivileges(privileges).table.length > 0 ? [`GRANT USAGE ON SCHEMA public TO ${u}`] : []),
        ...grantsOf(user, database, privileges, "GRANT"),
    ];
}

/**
 * A membership that lets the master act on `role`'s objects, never committed (see the header). The
 * receiver of REASSIGN OWNED also needs SET (16+: "must be able to SET ROLE" the new owner).
 */
export function temporaryMembership(major: number, role: string, master: string, canSet = false): string {
    return major >= 16
        ? `GRANT ${ident(role)} TO ${ident(master)} WITH INHERIT TRUE, SET ${canSet ? "TRUE" : "FALSE"}`
        : `GRANT ${ident(role)} TO ${ident(master)}`;
}

export function endTemporaryMembership(role: string, master: string): string {
    return `REVOKE ${ident(role)} FROM ${ident(master)}`;
}

/**
 * Clears the user out of the current database: its objects dropped or reassigned (as
 * `ownedObjectsOnDelete` says; with "fail" the caller has checked there are none), its privileges
 * and default-privilege entries revoked (DROP OWNED). `reassignTo` must already be vetted.
 */
export function clearOwnedStatements(
    user: string,
    policy: "fail" | "drop" | "reassign",
    reassignTo?: string,
): string[] {
    const u = ident(user);
    return [
        ...(policy === "reassign" ? [`REASSIGN OWNED BY ${u} TO ${ident(reassignTo as string)}`] : []),
        `DROP OWNED BY ${u}`,
    ];
}

/**
 * The statements that drop the user in its last database, in one transaction: rds_iam is revoked
 * FIRST, so the temporary membership can never hand the master rds_iam (which on RDS switches the
 * master to IAM login and locks the deployment out).
 */
export function dropUserStatements(
    major: number,
    user: string,
    master: string,
    policy: "fail" | "drop" | "reassign",
    reassignTo?: string,
): string[] {
    return [
        ...roleSessionSettings(major),
        `REVOKE rds_iam FROM ${ident(user)}`,
        temporaryMembership(major, user, master),
        ...(policy === "reassign" && reassignTo !== undefined
            ? [temporaryMembership(major, reassignTo, master, true)]
            : []),
        ...clearOwnedStatements(user, policy, reassignTo),
        ...(policy === "reassign" && reassignTo !== undefined
            ? [endTemporaryMembership(reassignTo, master)]
            : []),
        `DROP ROLE ${ident(user)}`,
    ];
}
