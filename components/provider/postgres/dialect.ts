/**
 * The PostgreSQL dialect: IAM users as RDS's non-superuser master manages them. Every change runs
 * in a transaction that, before COMMIT, checks the master would not log in with IAM afterwards
 * (a master with rds_iam's privileges is locked out of password login on RDS) and rolls back if so.
 */
import { type Row, type Session, sessionTimeouts } from "../connection";
import { Dialect, NOT_THERE, ObservedUser, UserSpec } from "../dialect";
import { CONCURRENT_UPDATE_POLICY, isConcurrentUpdate, withRetry } from "../retry";
import * as catalog from "./catalog";
import * as sql from "./sql";

async function serverMajor(session: Session): Promise<number> {
    const [row] = await session.query(catalog.SERVER_VERSION);
    return Math.floor(Number(row.version) / 10_000);
}

/**
 * Waits, inside the transaction, until earlier rds-iam changes in this database have committed
 * (sql.takeTurnStatements). A queue of short transactions can take longer than one lock wait, so
 * the wait is bounded by the statement limit instead; the lock limit applies again afterwards.
 */
async function takeTurn(session: Session): Promise<void> {
    const { statementMs, lockMs } = sessionTimeouts();
    const [setQueueLimit, lock, setLockLimit] = sql.takeTurnStatements(statementMs, lockMs);
    await session.query(setQueueLimit);
    try {
        await session.query(lock);
    } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== "55P03" && code !== "57014") throw e;
        throw Object.assign(
            new Error(
                `other rds-iam changes in database "${session.database ?? "postgres"}" did not finish within ` +
                    `${statementMs / 1000} s (RDS_IAM_STATEMENT_TIMEOUT_MS), so this one did not start: nothing was changed, ` +
                    `retry when they have finished (${(e as Error).message})`,
            ),
            { code },
        );
    }
    await session.query(setLockLimit);
}

/**
 * Runs statements in one transaction, retried when role catalogs are updated concurrently; `verify`
 * runs before COMMIT and may throw to roll everything back.
 */
async function transaction(
    session: Session,
    major: number,
    statements: readonly string[],
    verify?: () => Promise<void>,
): Promise<void> {
    await withRetry(CONCURRENT_UPDATE_POLICY, isConcurrentUpdate, async () => {
        await session.query("BEGIN");
        try {
            await takeTurn(session);
            for (const statement of statements) await session.query(statement);
            await verify?.();
            const [check] = await session.query(catalog.masterIamCheck(major));
            if (check.iam === true) {
                throw new Error(
                    "refusing to commit: this change would give the master user the privileges of rds_iam, which on RDS " +
                        "switches it to IAM login and locks the deployment out of password login. Nothing was changed.",
                );
            }
            await session.query("COMMIT");
        } catch (e) {
            await session.query("ROLLBACK").catch(() => undefined);
            throw e;
        }
    });
}

async function readCatalog(
    session: Session,
    major: number,
    oid: unknown,
    role: Row,
    master: string,
): Promise<catalog.CatalogRows> {
    const [row] = await session.query(catalog.catalogQuery(major), [oid]);
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
        masterRelations: rows("master_relations"),
        defaultAcl: rows("default_acl"),
        dependencies: rows("dependencies"),
        database: session.database ?? "postgres",
        master,
    };
}

async function observeWith(session: Session, major: number, user: UserSpec): Promise<ObservedUser> {
    const [role] = await session.query(catalog.ROLE, [user.username]);
    if (role === undefined) return NOT_THERE;
    const rows = await readCatalog(session, major, role.oid, role, user.master);
    return catalog.observedUser(rows, user.privileges);
}

/** Grants on objects of the current database that are not part of the declared set: best-effort revokes. */
function revokeStrayGrantsStatements(user: string, objectAcl: readonly Row[]): string[] {
    const u = sql.ident(user);
    const schemas = [...new Set(objectAcl.map((a) => String(a.schema)))];
    return schemas.flatMap((schema) => [
        `REVOKE ALL ON ALL TABLES IN SCHEMA ${sql.ident(schema)} FROM ${u}`,
        `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${sql.ident(schema)} FROM ${u}`,
        `REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ${sql.ident(schema)} FROM ${u}`,
        `REVOKE ALL ON SCHEMA ${sql.ident(schema)} FROM ${u}`,
    ]);
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

export const postgresDialect: Dialect = {
    async observe(session, user) {
        return observeWith(session, await serverMajor(session), user);
    },

    async create(session, user) {
        const major = await serverMajor(session);
        await transaction(
            session,
            major,
            sql.createUserStatements(
                major,
                user.username,
                user.database as string,
                user.privileges,
                user.managedBy,
            ),
        );
    },

    async converge(session, user, observed) {
        if (observed.notAdoptable.length > 0) {
            throw new Error(
                `cannot take over database user "${user.username}": ${observed.notAdoptable.join("; ")}. Nothing was changed. Choose another username.`,
            );
        }
        const major = await serverMajor(session);
        const [role] = await session.query(catalog.ROLE, [user.username]);
        const rows = await readCatalog(session, major, role.oid, role, user.master);
        const database = user.database as string;
        const u = sql.ident(user.username);
        const statements = [
            ...sql.roleSessionSettings(major),
            ...sql.useIamAuthenticationStatements(user.username),
            ...rows.memberOf.filter((r) => r !== "rds_iam").map((r) => `REVOKE ${sql.ident(r)} FROM ${u}`),
            ...rows.databaseAcl
                .filter((r) => r.database !== database)
                .map((r) => `REVOKE ALL ON DATABASE ${sql.ident(String(r.database))} FROM ${u}`),
            ...revokeStrayGrantsStatements(user.username, rows.objectAcl),
            ...sql.resetPrivilegesStatements(user.username, database, user.privileges),
            ...(user.managedBy === undefined
                ? []
                : [`COMMENT ON ROLE ${u} IS ${sql.literal(sql.managedByComment(user.managedBy))}`]),
        ];
        // Everything decided here is one transaction: refused whole, nothing changed. Grants held in
        // other databases can only be revoked from sessions there, afterwards.
        const elsewhere = (line: string) => line.startsWith("privileges in database ");
        try {
            await transaction(session, major, statements, async () => {
                const after = await observeWith(session, major, user);
                const left = after.unmanaged.filter((line) => !elsewhere(line));
                if (left.length > 0 || !after.iamAuthentication) {
                    throw refuse("take over", user, left.length > 0 ? left : ["its password login"]);
                }
            });
        } catch (e) {
            const message = (e as Error).message;
            if (message.startsWith("cannot ") || message.startsWith("refusing")) throw e;
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
                await transaction(there, major, revokeStrayGrantsStatements(user.username, acl));
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
        const major = await serverMajor(session);
        await transaction(
            session,
            major,
            sql.changePrivilegesStatements(user.username, user.database as string, from, user.privileges),
        );
    },

    async drop(session, user) {
        const major = await serverMajor(session);
        const [role] = await session.query(catalog.ROLE, [user.username]);
        if (role === undefined) return;
        const policy = user.ownedObjectsOnDelete ?? "fail";
        const dependencies = await session.query(catalog.DEPENDENCIES, [role.oid]);
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
        const database = session.database ?? "postgres";
        for (const other of otherDatabases(dependencies, database)) {
            await session.onDatabase(other, (there) =>
                transaction(there, major, [
                    ...sql.roleSessionSettings(major),
                    sql.temporaryMembership(major, user.username, user.master),
                    ...(policy === "reassign"
                        ? [sql.temporaryMembership(major, user.reassignOwnedTo as string, user.master, true)]
                        : []),
                    ...sql.clearOwnedStatements(user.username, policy, user.reassignOwnedTo),
                    ...(policy === "reassign"
                        ? [sql.endTemporaryMembership(user.reassignOwnedTo as string, user.master)]
                        : []),
                    sql.endTemporaryMembership(user.username, user.master),
                ]),
            );
        }
        await transaction(
            session,
            major,
            sql.dropUserStatements(major, user.username, user.master, policy, user.reassignOwnedTo),
        );
    },

    // Role changes are transactional: a create in progress is invisible until it commits.
    exclusive: (_session, _username, work) => work(),

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
    const rows = await readCatalog(session, major, role.oid, role, user.master);
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
