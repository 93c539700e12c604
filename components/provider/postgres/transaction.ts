/**
 * How the PostgreSQL dialect changes anything: which server it talks to (and whether rds-iam
 * supports it), and one transaction per change that waits its turn behind other rds-iam changes
 * and, before COMMIT, checks that the master would neither log in with IAM afterwards (a master with
 * rds_iam's privileges is locked out of password login on RDS) nor lose CONNECT on the database.
 */
import { type Row, type Session, sessionTimeouts } from "../connection";
import { CONCURRENT_UPDATE_POLICY, isConcurrentUpdate, withRetry } from "../retry";
import { MINIMUM_MAJOR_VERSION, minimumVersionReason } from "../../engineVersions";
import * as catalog from "./catalog";
import * as sql from "./sql";

/** The server's version row, read once per connection (a server restarts, and reconnects, to upgrade). */
async function serverVersion(session: Session): Promise<Row> {
    return session.once("server_version", async () => (await session.query(catalog.SERVER_VERSION))[0]);
}

export async function serverMajor(session: Session): Promise<number> {
    const row = await serverVersion(session);
    return Math.floor(Number(row.version) / 10_000);
}

/**
 * The server's major version, refused when older than rds-iam supports: before 15 every role may
 * CREATE in schema public, so a user's declared privileges would not be all it may do. Only
 * operations that grant ask this; reading and deleting work on any version, so such a stack can
 * still be refreshed and destroyed.
 */
export async function supportedMajor(session: Session): Promise<number> {
    const row = await serverVersion(session);
    const major = Math.floor(Number(row.version) / 10_000);
    const minimum = Number(MINIMUM_MAJOR_VERSION.postgres);
    if (major < minimum) {
        throw new Error(
            `the server runs PostgreSQL ${String(row.name)}, older than rds-iam supports (${minimum} or later): ${minimumVersionReason("postgres")}. ` +
                `Nothing was changed. Upgrade the database to ${minimum} or later (Database engineVersion "17"), then run pulumi up again.`,
        );
    }
    return major;
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
 * Runs statements in one transaction, retried when role catalogs are updated concurrently. The
 * statements may be built inside it (after its turn, so what they read stays true until COMMIT);
 * `verify` runs before COMMIT and may throw to roll everything back.
 */
export async function transaction(
    session: Session,
    major: number,
    statements: readonly string[] | (() => Promise<readonly string[]>),
    verify?: () => Promise<void>,
): Promise<void> {
    await withRetry(CONCURRENT_UPDATE_POLICY, isConcurrentUpdate, async () => {
        await session.query("BEGIN");
        try {
            await takeTurn(session);
            for (const statement of typeof statements === "function" ? await statements() : statements) {
                await session.query(statement);
            }
            await verify?.();
            const [check] = await session.query(catalog.masterCheck(major));
            // An IAM-only master (masterPassword "iam") belongs to rds_iam by RDS's design and logs in
            // with a token: there is no password login to lock out.
            if (check.iam === true && session.masterIamLogin !== true) {
                throw new Error(
                    "refusing to commit: this change would give the master user the privileges of rds_iam, which on RDS " +
                        "switches it to IAM login and locks the deployment out of password login. Nothing was changed.",
                );
            }
            if (check.connect !== true) {
                throw new Error(
                    `refusing to commit: this change would take the master user's CONNECT on database "${session.database ?? "postgres"}" away. Nothing was changed.`,
                );
            }
            await session.query("COMMIT");
        } catch (e) {
            await session.query("ROLLBACK").catch(() => undefined);
            throw e;
        }
    });
}
