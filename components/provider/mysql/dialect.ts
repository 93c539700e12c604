/**
 * The MySQL/MariaDB dialect: IAM users as RDS's master manages them. MySQL DDL is not
 * transactional, so every multi-statement change is ordered to be safe when cut off half-way: the
 * account stays LOCKED (cannot log in) until its grants are exactly right, and a retry finishes it.
 */
import { Row, Session, inBatch, sessionTimeouts } from "../connection";
import { Dialect, NOT_THERE, ObservedUser, UserSpec } from "../dialect";
import { isPluginNotLoaded, pluginNotLoadedPolicy, withRetry } from "../retry";
import * as catalog from "./catalog";
import * as sql from "./sql";

/** Read once per connection (Session.once): the server does not change under an open connection. */
async function isMariadb(session: Session): Promise<boolean> {
    const version = await session.once("version", async () =>
        String((await session.query(catalog.VERSION))[0].version),
    );
    return /mariadb/i.test(version);
}

/** The statements in order, in one round trip (the server stops at the first that fails). */
async function runAll(session: Session, statements: readonly string[]): Promise<void> {
    await inBatch(session, statements);
}

/** Statements that name the IAM plugin, retried while RDS is still applying IAM auth (error 1524). */
async function runWithPlugin(session: Session, statements: readonly string[]): Promise<void> {
    const policy = pluginNotLoadedPolicy();
    await withRetry(
        policy,
        isPluginNotLoaded,
        () => runAll(session, statements),
        (e) =>
            new Error(
                `${(e as Error).message}\nAWSAuthenticationPlugin is not loaded: IAM database authentication is not applied on the ` +
                    `instance yet (the modification is pending). Waited ${policy.attempts} attempts; apply it (apply immediately or ` +
                    "reboot in the maintenance window) and run pulumi up again.",
            ),
    );
}

/** The account's rows, or undefined when there is no such account. */
async function accountRows(session: Session, username: string): Promise<catalog.AccountRows | undefined> {
    const mariadb = await isMariadb(session);
    const g = catalog.grantee(username);
    return catalog.accountRowsOf(
        username,
        await session.query(catalog.accountQuery(mariadb), [
            username,
            username,
            g,
            g,
            g,
            g,
            username,
            username,
        ]),
    );
}

function observedOf(account: readonly Row[], user: UserSpec): ObservedUser {
    const rows = catalog.accountRowsOf(user.username, account);
    return rows === undefined ? NOT_THERE : catalog.observedAccount(rows, user.database);
}

async function observe(session: Session, user: UserSpec): Promise<ObservedUser> {
    const rows = await accountRows(session, user.username);
    return rows === undefined ? NOT_THERE : catalog.observedAccount(rows, user.database);
}

/** The per-user named lock's statements, its values written in so that they can ride in a batch. */
function userLock(username: string) {
    const name = `rds-iam:user:${username}`;
    const seconds = Math.max(1, Math.ceil(sessionTimeouts().lockMs / 1000));
    return {
        take: catalog.withValues("SELECT GET_LOCK(?, ?) AS locked", [name, seconds]),
        release: catalog.withValues("SELECT RELEASE_LOCK(?) AS released", [name]),
        /** GET_LOCK answers 1 when held, 0 after the wait timed out, NULL on an error. */
        check(rows: readonly Row[]) {
            if (Number(rows[0]?.locked) !== 1) {
                throw new Error(
                    `another rds-iam operation on database user "${username}" has been running for over ${seconds} s on this server; retry when it has finished`,
                );
            }
        },
    };
}

export const mysqlDialect: Dialect = {
    observe,

    async create(session, user) {
        const statements = sql.createUserStatements(user.username, user.database, user.privileges);
        // One round trip: CREATE (locked), the grants, the unlock, in that order. A 1524 comes from the
        // CREATE, before anything ran, so the retry sends them all again.
        try {
            await runWithPlugin(session, statements);
        } catch (e) {
            // The CREATE itself failed (the plugin not loaded yet, or the name taken): nothing to undo,
            // and an existing account must never be dropped.
            const cause = (e as { cause?: unknown }).cause; // the last 1524 behind a give-up
            if (isPluginNotLoaded(e) || isPluginNotLoaded(cause) || (e as { errno?: number }).errno === 1396)
                throw e;
            // Undo the CREATE when the session still works; if it does not, the account stays locked
            // and the retry recognises it as its own unfinished create.
            await runAll(session, sql.dropUserStatements(user.username)).catch(() => undefined);
            throw e;
        }
    },

    async converge(session, user) {
        // Lock first: from here on the account cannot log in until it is exactly right.
        await runWithPlugin(session, [sql.lockToIamStatement(user.username)]);
        const rows = (await accountRows(session, user.username)) as catalog.AccountRows;
        const roles = rows.grants.filter((g) => g.kind === "role").map((g) => String(g.privilege));
        await runAll(session, [
            ...rows.otherHosts.map((host) => sql.dropOtherAccountStatement(user.username, host)),
            ...roles.map((role) => sql.revokeRoleStatement(role, user.username)),
            ...sql.resetPrivilegesStatements(
                user.username,
                user.database,
                user.privileges,
                (await isMariadb(session)) ? "all" : (rows.grants as unknown as sql.HeldGrant[]),
            ),
        ]);
        const after = await observe(session, user);
        if (after.unmanaged.length > 0) {
            throw new Error(
                `cannot take over database user "${user.username}": it still has ${after.unmanaged.join("; ")} after the ` +
                    `master revoked everything it could. The account stays locked; remove these as an administrator and run pulumi again.`,
            );
        }
        await runAll(session, [sql.unlockStatement(user.username)]);
    },

    async changePrivileges(session, user, from) {
        // The change and its read-back in one round trip.
        const mariadb = await isMariadb(session);
        const answers = await inBatch(session, [
            ...sql.changePrivilegesStatements(user.username, user.database, from, user.privileges),
            catalog.accountStatement(mariadb, user.username),
        ]);
        const rows = catalog.accountRowsOf(user.username, answers[answers.length - 1]);
        return rows === undefined ? NOT_THERE : catalog.observedAccount(rows, user.database);
    },

    async ensureAdmin(session, user) {
        const mariadb = await isMariadb(session);
        const g = catalog.grantee(user.master);
        const masterGrants = (
            await session.query(catalog.grantsQuery(mariadb), [g, g, g, g, user.master, user.master])
        )
            .filter((r) => r.kind === "global" && r.grantable === "YES")
            .map((r) => String(r.privilege));
        const rows = await accountRows(session, user.username);
        if (rows === undefined) {
            const [create, ...rest] = sql.createAdminStatements(user.username, masterGrants);
            await runWithPlugin(session, [create]);
            await runAll(session, rest);
        } else {
            const observed = catalog.observedAccount(rows, undefined);
            if (!observed.iamAuthentication && !observed.unfinished)
                throw new Error(
                    `an account "${user.username}" that logs in with a password exists on this server: rds-iam makes the IAM admin ` +
                        "itself and does not take over another account. Drop or rename it, or choose another iamAdmin name.",
                );
            await runAll(session, [
                ...sql.adminGrantStatements(user.username, masterGrants),
                sql.unlockStatement(user.username),
            ]);
        }
        return observe(session, user);
    },

    async drop(session, user) {
        await runAll(session, sql.dropUserStatements(user.username));
    },

    isAlreadyExists(error) {
        return (error as { errno?: number }).errno === 1396;
    },

    // A named lock (no privilege needed; released when the session ends, also when it is cut off).
    // With readFirst, the account read rides in the lock's round trip: the server runs it once the
    // lock is held, and a read made without the lock (GET_LOCK timed out) is thrown away.
    async exclusive(session, username, work, readFirst) {
        const lock = userLock(username);
        const mariadb = readFirst === undefined ? false : await isMariadb(session);
        const [locked, account] = await inBatch(session, [
            lock.take,
            ...(readFirst === undefined ? [] : [catalog.accountStatement(mariadb, username)]),
        ]);
        lock.check(locked);
        try {
            return await work(readFirst === undefined ? undefined : observedOf(account, readFirst));
        } finally {
            await session.query(lock.release).catch(() => undefined);
        }
    },

    // Lock, read and release in one round trip: the read runs while the lock is held.
    async observeExclusive(session, user) {
        const lock = userLock(user.username);
        const [locked, account] = await inBatch(session, [
            lock.take,
            catalog.accountStatement(await isMariadb(session), user.username),
            lock.release,
        ]);
        lock.check(locked);
        return observedOf(account, user);
    },
};
