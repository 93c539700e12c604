/**
 * The PostgreSQL dialect: IAM users as RDS's non-superuser master manages them. Every change is
 * one transaction (transaction.ts) that refuses to commit when the master would end up with
 * rds_iam's privileges or without CONNECT; what it grants is read from the catalog inside it.
 */
import { type Row, type Session } from "../connection";
import { Dialect, NOT_THERE, ObservedUser, UserSpec } from "../dialect";
import * as catalog from "./catalog";
import { Grant, grantsOf, ownerOf, ownersOf, schemasOf } from "./grants";
import { actFor, grantingRoles } from "./memberships";
import { observedUser } from "./observe";
import { takePublicAccess } from "./publicAccess";
import * as sql from "./sql";
import { serverMajor, supportedMajor, transaction } from "./transaction";

/** The catalog columns of a row of catalogQuery or observeQuery, as the provider reads them. */
function catalogRowsOf(row: Row, role: Row, database: string, master: string): catalog.CatalogRows {
    const rows = (column: string) => row[column] as Row[];
    const names = (column: string, key: string) =>
        rows(column)
            .map((r) => String(r[key]))
            .sort();
    return {
        role,
        memberOf: names("member_of", "role"),
        members: names("members", "member"),
        databaseAcl: rows("database_acl"),
        objectAcl: rows("object_acl"),
        relations: rows("relations"),
        defaultAcl: rows("default_acl"),
        dependencies: rows("dependencies"),
        publicDatabase: rows("public_database"),
        publicSchemas: rows("public_schemas"),
        database,
        master,
    };
}

/** observeQuery's parameters for a user: the declared owner (null: the master) and schemas. */
function observeParameters(user: UserSpec, privileges: readonly string[] = user.privileges) {
    return {
        owner: ownerOf(privileges, user.master) ?? null,
        schemas: schemasOf(grantsOf(privileges, user.master)),
    };
}

async function readCatalog(
    session: Session,
    major: number,
    role: Row,
    master: string,
    privileges: readonly string[] = [],
): Promise<catalog.CatalogRows> {
    const owner = ownerOf(privileges, master) ?? null;
    const schemas = schemasOf(grantsOf(privileges, master));
    const [row] = await session.query(catalog.catalogQuery(major), [role.oid, owner, schemas]);
    return catalogRowsOf(row, role, session.database ?? "postgres", master);
}

/** The user as observeQuery's row shows it (no row: it does not exist). */
function observedFrom(session: Session, user: UserSpec, row: Row | undefined): ObservedUser {
    if (row === undefined) return NOT_THERE;
    return observedUser(
        catalogRowsOf(row, row.role as Row, session.database ?? "postgres", user.master),
        user.privileges,
    );
}

/** The role and everything it may do, in one round trip. */
async function observeWith(session: Session, major: number, user: UserSpec): Promise<ObservedUser> {
    const { owner, schemas } = observeParameters(user);
    const [row] = await session.query(catalog.observeQuery(major), [user.username, owner, schemas]);
    return observedFrom(session, user, row);
}

/** observeWith as a parameterless statement, to read the user back in a transaction's COMMIT batch. */
function observeRead(major: number, user: UserSpec): string {
    const { owner, schemas } = observeParameters(user);
    return catalog.observeQueryWith(major, user.username, owner, schemas, sql.literal);
}

/** The roles whose tables the grants cover: the master's and the owners'. */
function relationOwners(user: UserSpec, grants: readonly Grant[], actingFor: readonly string[]): string[] {
    return [user.master, ...new Set([...ownersOf(grants), ...actingFor])];
}

/** grantContext's one read (catalog.grantContextQuery), parameterless: it can open the transaction's batch. */
function contextRead(user: UserSpec, grants: readonly Grant[], actingFor: readonly string[] = []): string {
    return catalog.grantContextQuery(schemasOf(grants), relationOwners(user, grants, actingFor), sql.literal);
}

/**
 * What the grants need, read inside the transaction (`row`: contextRead's answer, read in the
 * opening batch, or read here): the schemas exist, the master may act for the owners (temporary
 * memberships), the owners' tables by name, PUBLIC's privileges taken away.
 */
async function grantContext(
    session: Session,
    major: number,
    user: UserSpec,
    grants: readonly Grant[],
    actingFor: readonly string[] = [],
    row?: Row,
): Promise<sql.GrantContext> {
    const read = row ?? (await session.query(contextRead(user, grants, actingFor)))[0];
    const schemas = schemasOf(grants);
    const existing = (read.schemas as Row[]).map((r) => String(r.schema));
    const missing = schemas.filter((s) => !existing.includes(s));
    if (missing.length > 0) {
        throw new Error(
            `schema ${missing.map((s) => `"${s}"`).join(", ")} does not exist in database "${session.database}", so its privileges ` +
                "cannot be granted. Nothing was changed. Create it first (the Database's admin provider, or @pulumi/postgresql " +
                "Schema, made a dependency of this user), then run pulumi up again.",
        );
    }
    const owners = relationOwners(user, grants, actingFor).slice(1);
    const acting = await actFor(session, major, user.master, owners);
    const rows = read.relations as Row[];
    const relations: sql.RelationsOf = (owner, schema) => {
        const of = rows.filter((r) => r.owner === (owner ?? user.master) && r.schema === schema);
        return {
            tables: of.filter((r) => r.sequence !== true).map((r) => String(r.name)),
            sequences: of.filter((r) => r.sequence === true).map((r) => String(r.name)),
        };
    };
    return {
        master: user.master,
        relations,
        before: await takePublicAccess(session, user.username, {
            onDatabase: read.public_database as Row[],
            schemas: read.public_schemas as Row[],
        }),
        enter: acting.enter,
        leave: acting.leave,
    };
}

function refuse(what: string, user: UserSpec, problems: readonly string[], cause?: unknown): Error {
    const why = cause === undefined ? "" : ` (${(cause as Error).message})`;
    return new Error(
        `cannot ${what} database user "${user.username}": it would have to lose ${problems.join("; ")}, ` +
            `which the master cannot remove${why}. Nothing was changed. Remove them as an administrator, or choose another username.`,
    );
}

/** The other databases the role holds grants or objects in (pg_shdepend). */
function otherDatabases(dependencies: readonly Row[], database: string): string[] {
    return [
        ...new Set(dependencies.map((r) => String(r.database)).filter((d) => d !== "" && d !== database)),
    ];
}

/** Revokes every grant the catalog shows (objects, default privileges of the roles the master acts for). */
function heldOf(rows: { objectAcl: readonly Row[]; defaultAcl: readonly Row[] }, actsFor: readonly string[]) {
    return {
        objects: rows.objectAcl.map((a) => ({ kind: a.kind, target: String(a.target) }) as sql.HeldObject),
        defaults: rows.defaultAcl.map((d) => ({
            owner: String(d.owner),
            schema: String(d.schema),
            type: String(d.type),
        })),
        actsFor,
    };
}

export const postgresDialect: Dialect = {
    async observe(session, user) {
        return observeWith(session, await serverMajor(session), user);
    },

    async create(session, user) {
        const major = await supportedMajor(session);
        const database = user.database as string;
        const grants = grantsOf(user.privileges, user.master);
        await transaction(
            session,
            major,
            async ([row]) =>
                sql.createUserStatements(
                    major,
                    user.username,
                    database,
                    user.privileges,
                    user.managedBy,
                    await grantContext(session, major, user, grants, [], row),
                ),
            { read: contextRead(user, grants), user: user.username },
        );
    },

    async converge(session, user, observed) {
        if (observed.notAdoptable.length > 0) {
            throw new Error(
                `cannot take over database user "${user.username}": ${observed.notAdoptable.join("; ")}. Nothing was changed. Choose another username.`,
            );
        }
        const major = await supportedMajor(session);
        const [role] = await session.query(catalog.ROLE, [user.username]);
        const rows = await readCatalog(session, major, role, user.master, user.privileges);
        const database = user.database as string;
        const u = sql.ident(user.username);
        const owner = ownerOf(user.privileges, user.master);
        // Everything decided here is one transaction: refused whole, nothing changed. Grants held in
        // other databases can only be revoked from sessions there, afterwards.
        const statements = async () => {
            const others = await grantingRoles(session, role.oid, user.username, user.master, owner);
            const context = await grantContext(
                session,
                major,
                user,
                grantsOf(user.privileges, user.master),
                others,
            );
            return [
                ...sql.roleSessionSettings(major),
                ...sql.useIamAuthenticationStatements(user.username),
                ...rows.memberOf
                    .filter((r) => r !== "rds_iam")
                    .map((r) => `REVOKE ${sql.ident(r)} FROM ${u}`),
                ...rows.databaseAcl
                    .filter((r) => r.database !== database)
                    .map((r) => `REVOKE ALL ON DATABASE ${sql.ident(String(r.database))} FROM ${u}`),
                ...sql.resetPrivilegesStatements(
                    user.username,
                    database,
                    user.privileges,
                    heldOf(rows, [user.master, ...others]),
                    context,
                ),
                ...(user.managedBy === undefined
                    ? []
                    : [`COMMENT ON ROLE ${u} IS ${sql.literal(sql.managedByComment(user.managedBy))}`]),
            ];
        };
        const elsewhere = (line: string) => line.startsWith("privileges in database ");
        try {
            await transaction(session, major, statements, {
                user: user.username,
                verify: async () => {
                    const after = await observeWith(session, major, user);
                    const left = after.unmanaged.filter((line) => !elsewhere(line));
                    if (left.length > 0 || !after.iamAuthentication) {
                        throw refuse("take over", user, left.length > 0 ? left : ["its password login"]);
                    }
                },
            });
        } catch (e) {
            const message = (e as Error).message;
            if (/^(cannot |refusing|owner |schema |PUBLIC |the master user cannot)/.test(message)) throw e;
            throw refuse(
                "take over",
                user,
                observed.unmanaged.length > 0 ? observed.unmanaged : ["its current login"],
                e,
            );
        }
        for (const other of otherDatabases(rows.dependencies, database)) {
            await session.onDatabase(other, async (there) => {
                const acl = await there.query(catalog.OBJECT_ACL, [role.oid]);
                await transaction(there, major, async () => {
                    const others = await grantingRoles(there, role.oid, user.username, user.master, owner);
                    const acting = await actFor(there, major, user.master, others);
                    const objects = heldOf({ objectAcl: acl, defaultAcl: [] }, []).objects;
                    return [
                        ...acting.enter,
                        ...[
                            ...new Set(
                                objects.map(
                                    (o) =>
                                        `REVOKE ALL ON ${o.kind === "function" ? "ROUTINE" : o.kind.toUpperCase()} ${o.target} FROM ${u}`,
                                ),
                            ),
                        ],
                        ...acting.leave,
                    ];
                });
            });
        }
        const left = (await observeWith(session, major, user)).unmanaged;
        if (left.length > 0) {
            throw new Error(
                `database user "${user.username}" is an IAM user with its declared privileges now, but still has ` +
                    `${left.join("; ")}, which the master could not revoke there. Revoke them as an administrator.`,
            );
        }
    },

    async changePrivileges(session, user, from) {
        const major = await supportedMajor(session);
        const grants = [...grantsOf(from, user.master), ...grantsOf(user.privileges, user.master)];
        // The read-back travels in the COMMIT's batch: the whole change is two round trips.
        const [after] = await transaction(
            session,
            major,
            async ([row]) =>
                sql.changePrivilegesStatements(
                    user.username,
                    user.database as string,
                    from,
                    user.privileges,
                    await grantContext(session, major, user, grants, [], row),
                ),
            { read: contextRead(user, grants), after: observeRead(major, user), user: user.username },
        );
        return observedFrom(session, user, after);
    },

    async drop(session, user) {
        const major = await serverMajor(session);
        const [found] = await session.query(catalog.dropQuery(), [user.username]);
        if (found === undefined) return;
        const role = found.role as Row;
        const policy = user.ownedObjectsOnDelete ?? "fail";
        const dependencies = found.dependencies as Row[];
        const owned = catalog.describeDependencies(dependencies, "o");
        if (policy === "fail" && owned.length > 0) {
            throw new Error(
                `database user "${user.username}" owns objects (${owned.join("; ")}). Deleting it would either drop them with ` +
                    `their data or hand them to another role, so nothing was changed. Set ownedObjectsOnDelete: "drop" to drop them, ` +
                    `or "reassign" with reassignOwnedTo: "<role without privileges>" to keep them, or move them yourself ` +
                    `(REASSIGN OWNED BY "${user.username}" TO …) and run pulumi again.`,
            );
        }
        if (policy === "reassign") {
            await vetReassignTarget(session, major, user);
        }
        // No IAM login from here on; committed on its own so a failure below can be retried safely.
        await transaction(session, major, [
            ...sql.roleSessionSettings(major),
            `REVOKE rds_iam FROM ${sql.ident(user.username)}`,
        ]);
        const owner = ownerOf(user.privileges, user.master);
        // DROP OWNED removes what the owners granted (their tables' ACLs, their default privileges)
        // only while the master acts for them.
        const owners = (s: Session) => grantingRoles(s, role.oid, user.username, user.master, owner);
        const database = session.database ?? "postgres";
        for (const other of otherDatabases(dependencies, database)) {
            await session.onDatabase(other, (there) =>
                transaction(there, major, async () => {
                    const acting = await actFor(there, major, user.master, await owners(there));
                    return [
                        ...sql.roleSessionSettings(major),
                        sql.temporaryMembership(major, user.username, user.master),
                        ...(policy === "reassign"
                            ? [
                                  sql.temporaryMembership(
                                      major,
                                      user.reassignOwnedTo as string,
                                      user.master,
                                      true,
                                  ),
                              ]
                            : []),
                        ...acting.enter,
                        ...sql.clearOwnedStatements(user.username, policy, user.reassignOwnedTo),
                        ...acting.leave,
                        ...(policy === "reassign"
                            ? [sql.endTemporaryMembership(user.reassignOwnedTo as string, user.master)]
                            : []),
                        sql.endTemporaryMembership(user.username, user.master),
                    ];
                }),
            );
        }
        await transaction(
            session,
            major,
            async (granting) => {
                const acting = await actFor(
                    session,
                    major,
                    user.master,
                    await grantingRoles(session, role.oid, user.username, user.master, owner, granting),
                );
                return sql.dropUserStatements(
                    major,
                    user.username,
                    user.master,
                    policy,
                    user.reassignOwnedTo,
                    acting,
                );
            },
            { read: catalog.grantingRolesOf(role.oid) },
        );
    },

    // Role changes are transactional: a create in progress is invisible until it commits.
    exclusive: (_session, _username, work) => work(undefined),

    observeExclusive: (session, user) => postgresDialect.observe(session, user),

    isAlreadyExists(error) {
        const e = error as { code?: string; message?: string };
        return e.code === "42710" || (e.code === "23505" && /rolname_index/.test(e.message ?? ""));
    },
};

/** The reassign target must exist and hold no privilege a deleted user's objects could escalate to. */
async function vetReassignTarget(session: Session, major: number, user: UserSpec): Promise<void> {
    const target = user.reassignOwnedTo;
    if (target === undefined) {
        throw new Error(
            `ownedObjectsOnDelete "reassign" needs reassignOwnedTo: the role that receives the objects`,
        );
    }
    const [role] = await session.query(catalog.ROLE, [target]);
    if (role === undefined) {
        throw new Error(
            `reassignOwnedTo "${target}" does not exist; create that role first or choose another`,
        );
    }
    const rows = await readCatalog(session, major, role, user.master);
    const privileged = [
        ...(target === user.master ? ["it is the master user"] : []),
        ...["superuser", "createrole", "createdb", "replication", "bypassrls"]
            .filter((column) => role[column] === true)
            .map((column) => `it has ${column.toUpperCase()}`),
        ...rows.memberOf
            .filter((r) => r !== "rds_iam" && (r.startsWith("rds_") || r.startsWith("pg_")))
            .map((r) => `it is a member of ${r}`),
    ];
    if (privileged.length > 0) {
        throw new Error(
            `reassignOwnedTo "${target}" is a privileged role (${privileged.join(", ")}): objects such as SECURITY DEFINER ` +
                `functions would then run with its privileges. Reassign to a role without privileges. Nothing was changed.`,
        );
    }
    // 16+: REASSIGN OWNED needs the target's privileges, which the master takes only through ADMIN on it.
    if (major >= 16) {
        const [admin] = await session.query(
            "SELECT pg_has_role(current_user, $1, 'MEMBER WITH ADMIN OPTION') AS admin",
            [target],
        );
        if (admin.admin !== true) {
            throw new Error(
                `the master user cannot act for reassignOwnedTo "${target}": on PostgreSQL 16+ it needs ADMIN OPTION on that ` +
                    `role. Create "${target}" as the master user (which gives it that), or grant it: GRANT "${target}" TO ` +
                    `"${user.master}" WITH ADMIN OPTION. Nothing was changed.`,
            );
        }
    }
}
