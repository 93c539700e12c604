/**
 * Pure SQL for IAM users on PostgreSQL, as RDS's non-superuser master runs it. Names and literals
 * are quoted by the pg driver's own escapeIdentifier/escapeLiteral (required lazily).
 *
 * Privileges (vocabulary.ts, grants.ts): CONNECT on the database always; CREATE/TEMPORARY on the
 * database; USAGE/CREATE on schemas; table privileges on every table of their owner (the master
 * unless `FOR ROLE`) in their schema — each table by name, so tables of other roles in the same
 * schema never make the statement fail ("GRANT … ON ALL TABLES IN SCHEMA" does, with "permission
 * denied for table …") — and, through the owner's default privileges, on its future tables.
 *
 * Version rules (PostgreSQL 16 release notes, "Restrict the privileges of CREATEROLE"):
 * - 16+: creating a role grants its creator ADMIN only, and `createrole_self_grant` could add
 *   INHERIT — which would hand the master rds_iam's privileges: it is set empty for the transaction.
 * - 16+: acting on a role's objects (DROP/REASSIGN OWNED, granting on its tables, ALTER DEFAULT
 *   PRIVILEGES FOR ROLE) needs that role's privileges: the master takes a membership WITH INHERIT
 *   TRUE, SET FALSE inside the transaction and ends it before COMMIT, so it is never committed
 *   (PostgreSQL 16 ALTER DEFAULT PRIVILEGES refuses ADMIN alone); on 15 the same membership is a
 *   plain GRANT.
 */
import { Grant, grantsMissing, grantsOf } from "./grants";

export function ident(name: string): string {
    return (require("pg") as { escapeIdentifier(value: string): string }).escapeIdentifier(name);
}

export function literal(value: string): string {
    return (require("pg") as { escapeLiteral(value: string): string }).escapeLiteral(value);
}

/** The owner's tables and sequences in a schema (unquoted names), read inside the transaction. */
export type RelationsOf = (
    owner: string | undefined,
    schema: string,
) => { tables: string[]; sequences: string[] };

/** What the statements need beyond the declared privileges, read from the catalog by the dialect. */
export interface GrantContext {
    /** The master user: `FOR ROLE <master>` means the default (no FOR ROLE). */
    readonly master?: string;
    /** Objects to grant on by name; without it, `ALL TABLES IN SCHEMA` (every table the master owns). */
    readonly relations?: RelationsOf;
    /** Statements before the role is created (PUBLIC's database privileges taken away, publicAccess.ts). */
    readonly before?: readonly string[];
    /** Temporary memberships taken before the grants … */
    readonly enter?: readonly string[];
    /** … and ended after them, before COMMIT. */
    readonly leave?: readonly string[];
}

function qualified(schema: string, name: string): string {
    return `${ident(schema)}.${ident(name)}`;
}

function defaultsFor(owner: string | undefined, schema: string): string {
    return `ALTER DEFAULT PRIVILEGES${owner === undefined ? "" : ` FOR ROLE ${ident(owner)}`} IN SCHEMA ${ident(schema)}`;
}

/** Grant or revoke exactly these grants. */
export function grantStatements(
    user: string,
    database: string,
    grants: readonly Grant[],
    verb: "GRANT" | "REVOKE",
    relations?: RelationsOf,
): string[] {
    const to = verb === "GRANT" ? "TO" : "FROM";
    const u = ident(user);
    const of = (on: Grant["on"]) => grants.filter((g) => g.on === on);
    const groups = (on: Grant["on"]) => {
        const byKey = new Map<string, { owner?: string; schema: string; privileges: string[] }>();
        for (const g of of(on)) {
            const key = `${g.owner ?? ""}|${g.schema}`;
            const group = byKey.get(key) ?? { owner: g.owner, schema: g.schema as string, privileges: [] };
            group.privileges.push(g.privilege);
            byKey.set(key, group);
        }
        return [...byKey.values()];
    };
    const schemas = groups("schema").map(
        (g) => `${verb} ${g.privileges.join(", ")} ON SCHEMA ${ident(g.schema)} ${to} ${u}`,
    );
    const dbPrivileges = of("database").map((g) => g.privilege);
    const databases =
        dbPrivileges.length === 0
            ? []
            : [`${verb} ${dbPrivileges.join(", ")} ON DATABASE ${ident(database)} ${to} ${u}`];
    const objects = (on: "tables" | "sequences", keyword: string) =>
        groups(on).flatMap((g) => {
            const list = g.privileges.join(", ");
            const names = relations?.(g.owner, g.schema)[on].map((n) => qualified(g.schema, n));
            const present =
                names === undefined
                    ? [`${verb} ${list} ON ALL ${keyword}S IN SCHEMA ${ident(g.schema)} ${to} ${u}`]
                    : names.length === 0
                      ? []
                      : [`${verb} ${list} ON ${keyword} ${names.join(", ")} ${to} ${u}`];
            return [
                ...present,
                `${defaultsFor(g.owner, g.schema)} ${verb} ${list} ON ${keyword}S ${to} ${u}`,
            ];
        });
    const tables = [...objects("tables", "TABLE"), ...objects("sequences", "SEQUENCE")];
    return verb === "GRANT" ? [...schemas, ...databases, ...tables] : [...tables, ...databases, ...schemas];
}

/**
 * rds-iam's changes to roles and privileges in one database take turns where they touch shared
 * rows: concurrent GRANT/REVOKE on one object — the database's CONNECT, the schema's USAGE, the
 * master's default privileges — fail with "tuple concurrently updated"
 * (cyrilgdn/terraform-provider-postgresql#178), and Pulumi runs resource operations in parallel
 * (10 by default). So each change takes this transaction-scoped advisory lock (no privilege
 * needed; released at COMMIT or ROLLBACK; the key is "rds-iam" in ASCII) — but only in the batch
 * that sends its statements and COMMIT together (transaction.ts): it is held for the server's own
 * execution of them, never across a network round trip, so unrelated users do not wait on each
 * other's reads. Advisory locks are per database; changes that span databases keep the retry
 * (retry.ts) as backstop.
 */
export const DATABASE_TURN_LOCK = "SELECT pg_advisory_xact_lock(32198593190912365)";

/** What a turn that did not come says, raised by databaseTurnStatements' lock. */
export const TURN_NOT_COME = "rds-iam: other changes did not finish";

/**
 * Waits for the database's turn, bounded by `queueMs` (a queue of short transactions can outlast
 * one lock wait); the lock limit applies again afterwards. The wait's failure is raised as
 * TURN_NOT_COME, so it is told apart from other lock waits. (One line each: batches split on ends.)
 */
export function databaseTurnStatements(queueMs: number, lockMs: number): string[] {
    return [
        `SET LOCAL lock_timeout = ${Math.trunc(queueMs)}`,
        `DO $rdsiam$ BEGIN PERFORM pg_advisory_xact_lock(32198593190912365); EXCEPTION WHEN lock_not_available OR query_canceled THEN RAISE EXCEPTION '${TURN_NOT_COME}: %', SQLERRM; END $rdsiam$`,
        `SET LOCAL lock_timeout = ${Math.trunc(lockMs)}`,
    ];
}

/**
 * The user's own turn, for the whole transaction: two changes of one user never interleave (a
 * create is read and judged by the next), while other users go on. Keyed by the name's hash in
 * a two-key space of its own (class 0x72696d: "rim").
 */
export function userTurnStatement(username: string): string {
    return `SELECT pg_advisory_xact_lock(7498093, hashtext(${literal(username)}))`;
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
    context: GrantContext = {},
): string[] {
    const u = ident(user);
    return [
        ...roleSessionSettings(major),
        ...(context.before ?? []),
        `CREATE ROLE ${u} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT`,
        ...(managedBy === undefined
            ? []
            : [`COMMENT ON ROLE ${u} IS ${literal(managedByComment(managedBy))}`]),
        `GRANT rds_iam TO ${u}`,
        `GRANT CONNECT ON DATABASE ${ident(database)} TO ${u}`,
        ...(context.enter ?? []),
        ...grantStatements(user, database, grantsOf(privileges, context.master), "GRANT", context.relations),
        ...(context.leave ?? []),
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
    context: GrantContext = {},
): string[] {
    const before = grantsOf(from, context.master);
    const after = grantsOf(to, context.master);
    return [
        ...(context.before ?? []),
        ...(context.enter ?? []),
        ...grantStatements(user, database, grantsMissing(before, after), "REVOKE", context.relations),
        ...grantStatements(user, database, grantsMissing(after, before), "GRANT", context.relations),
        ...(context.leave ?? []),
    ];
}

/** A grant the user holds on an object of the current database, as the catalog names it (SQL-quoted). */
export interface HeldObject {
    readonly kind: "schema" | "table" | "sequence" | "function";
    readonly target: string;
}

/** A default-privilege entry naming the user. */
export interface HeldDefault {
    readonly owner: string;
    readonly schema: string;
    /** pg_default_acl.defaclobjtype: r tables, S sequences, f functions, T types, n schemas. */
    readonly type: string;
}

const OBJECT_KEYWORD: Readonly<Record<string, string>> = {
    schema: "SCHEMA",
    table: "TABLE",
    sequence: "SEQUENCE",
    function: "ROUTINE",
};
const DEFAULT_KEYWORD: Readonly<Record<string, string>> = {
    r: "TABLES",
    S: "SEQUENCES",
    f: "FUNCTIONS",
    T: "TYPES",
    n: "SCHEMAS",
};

/**
 * Sets the privileges on the database to exactly `privileges` (after adoption or drift): every
 * grant the catalog shows is revoked object by object, default-privilege entries of the roles the
 * master acts for too (`actsFor`: the master and the declared owner); then the declared set.
 */
export function resetPrivilegesStatements(
    user: string,
    database: string,
    privileges: readonly string[],
    held: { objects: readonly HeldObject[]; defaults: readonly HeldDefault[]; actsFor: readonly string[] },
    context: GrantContext = {},
): string[] {
    const u = ident(user);
    const objects = [
        ...new Set(held.objects.map((o) => `REVOKE ALL ON ${OBJECT_KEYWORD[o.kind]} ${o.target} FROM ${u}`)),
    ];
    const defaults = [
        ...new Set(
            held.defaults
                .filter((d) => held.actsFor.includes(d.owner) && DEFAULT_KEYWORD[d.type] !== undefined)
                .map(
                    (d) =>
                        `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(d.owner)}${d.schema === "" ? "" : ` IN SCHEMA ${ident(d.schema)}`} ` +
                        `REVOKE ALL ON ${DEFAULT_KEYWORD[d.type]} FROM ${u}`,
                ),
        ),
    ];
    return [
        ...(context.before ?? []),
        ...(context.enter ?? []),
        `REVOKE ALL ON DATABASE ${ident(database)} FROM ${u}`,
        ...objects,
        ...defaults,
        `GRANT CONNECT ON DATABASE ${ident(database)} TO ${u}`,
        ...grantStatements(user, database, grantsOf(privileges, context.master), "GRANT", context.relations),
        ...(context.leave ?? []),
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
 * master to IAM login and locks the deployment out). `acting`: memberships in the owners whose
 * grants to the user DROP OWNED must remove (their default privileges, grants on their tables;
 * memberships.ts); each owner is an IAM user itself, so its membership ends before COMMIT.
 */
export function dropUserStatements(
    major: number,
    user: string,
    master: string,
    policy: "fail" | "drop" | "reassign",
    reassignTo?: string,
    acting: { readonly enter: readonly string[]; readonly leave: readonly string[] } = {
        enter: [],
        leave: [],
    },
): string[] {
    const reassign = policy === "reassign" && reassignTo !== undefined;
    return [
        ...roleSessionSettings(major),
        `REVOKE rds_iam FROM ${ident(user)}`,
        temporaryMembership(major, user, master),
        ...(reassign ? [temporaryMembership(major, reassignTo, master, true)] : []),
        ...acting.enter,
        ...clearOwnedStatements(user, policy, reassignTo),
        ...acting.leave,
        ...(reassign ? [endTemporaryMembership(reassignTo, master)] : []),
        `DROP ROLE ${ident(user)}`,
    ];
}
