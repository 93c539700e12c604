/**
 * How the PostgreSQL dialect changes anything: which server it talks to (and whether rds-iam
 * supports it), and one transaction per change that waits its turn behind other rds-iam changes
 * and, before COMMIT, checks that the master would neither log in with IAM afterwards (a master with
 * rds_iam's privileges is locked out of password login on RDS) nor lose CONNECT on the database.
 */
import { type Row, type Session, inBatch, sessionTimeouts } from "../connection";
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

/** The lock wait's own failure (other rds-iam changes took too long), named as such. */
function turnError(session: Session, e: unknown, limitMs: number, user?: string): Error {
    const others =
        user === undefined
            ? `other rds-iam changes in database "${session.database ?? "postgres"}"`
            : `another rds-iam change of user "${user}"`;
    const limit = user === undefined ? "RDS_IAM_STATEMENT_TIMEOUT_MS" : "RDS_IAM_LOCK_TIMEOUT_MS";
    return Object.assign(
        new Error(
            `${others} did not finish within ${limitMs / 1000} s (${limit}), so this one did not start: nothing was changed, ` +
                `retry when they have finished (${(e as Error).message})`,
        ),
        { code: (e as { code?: string }).code },
    );
}

const MASTER_IAM = "rds-iam: the master would log in with IAM";
const MASTER_CONNECT = "rds-iam: the master would lose CONNECT";

/**
 * The check before every COMMIT as one statement that raises (so it travels in the COMMIT's batch):
 * the master would log in with IAM (16+: rds_iam's privileges or SET ROLE to it; 15: a member at
 * all), or lose CONNECT on this database. An IAM-only master belongs to rds_iam by design and logs
 * in with a token: there is no password login to lock out, so only CONNECT is checked. One line:
 * the statement logs split batches on line ends.
 */
export function masterCheckStatement(major: number, masterIamLogin: boolean): string {
    const iam =
        major >= 16
            ? "pg_has_role(current_user, 'rds_iam', 'USAGE') OR pg_has_role(current_user, 'rds_iam', 'SET')"
            : "pg_has_role(current_user, 'rds_iam', 'MEMBER')";
    return (
        "DO $rdsiam$ BEGIN " +
        (masterIamLogin ? "" : `IF ${iam} THEN RAISE EXCEPTION '${MASTER_IAM}'; END IF; `) +
        `IF NOT has_database_privilege(current_database(), 'CONNECT') THEN RAISE EXCEPTION '${MASTER_CONNECT}'; END IF; ` +
        "END $rdsiam$"
    );
}

function checkError(session: Session, e: unknown): unknown {
    const message = (e as Error).message ?? "";
    if (message.includes(MASTER_IAM))
        return new Error(
            "refusing to commit: this change would give the master user the privileges of rds_iam, which on RDS " +
                "switches it to IAM login and locks the deployment out of password login. Nothing was changed.",
        );
    if (message.includes(MASTER_CONNECT))
        return new Error(
            `refusing to commit: this change would take the master user's CONNECT on database "${session.database ?? "postgres"}" away. Nothing was changed.`,
        );
    return e;
}

/** What went wrong in the batch that takes the database's turn and commits, said as such. */
function commitBatchError(session: Session, e: unknown, statementMs: number): unknown {
    if (((e as Error).message ?? "").includes(sql.TURN_NOT_COME)) return turnError(session, e, statementMs);
    return checkError(session, e);
}

export interface TransactionOptions {
    /** The user changed: its own turn is taken at BEGIN (other users' changes go on meanwhile). */
    readonly user?: string;
    /** Runs before COMMIT, may read, and may throw to roll everything back. */
    readonly verify?: () => Promise<void>;
    /** A parameterless query read in the opening batch; its rows go to `statements`. */
    readonly read?: string;
    /** A parameterless query read right after COMMIT, in the same batch (a read-back); its rows are returned. */
    readonly after?: string;
}

/**
 * Runs statements in one transaction, retried when role catalogs are updated concurrently, in as
 * few round trips as the statements allow:
 * 1. BEGIN, the user's own turn (sql.userTurnStatement) and `read` (a parameterless query the
 *    statements are built from) — one batch;
 * 2. the database's turn behind other rds-iam changes (sql.databaseTurnStatements), the statements
 *    (built from the read), the master check and COMMIT — one batch, so the shared lock is held only
 *    while the server runs them; with `verify` (which reads, and may throw to roll everything back)
 *    the check and COMMIT follow it in a third.
 * What `read` saw of shared state (PUBLIC's privileges, the owners' tables) may change before the
 * turn only by other rds-iam changes, whose statements are idempotent grants and revokes of the same.
 */
export async function transaction(
    session: Session,
    major: number,
    statements: readonly string[] | ((read: Row[]) => Promise<readonly string[]>),
    options: TransactionOptions = {},
): Promise<Row[]> {
    const { user, verify, read, after } = options;
    const { statementMs, lockMs } = sessionTimeouts();
    return withRetry(CONCURRENT_UPDATE_POLICY, isConcurrentUpdate, async () => {
        let begun = false;
        try {
            // Nothing to read first: BEGIN travels with the statements, the check and COMMIT, one batch.
            const oneBatch = typeof statements !== "function" && !user && !read && !verify;
            let rows: Row[][] = [];
            if (!oneBatch) {
                const opening = [
                    "BEGIN",
                    ...(user
                        ? [`SET LOCAL lock_timeout = ${Math.trunc(lockMs)}`, sql.userTurnStatement(user)]
                        : []),
                    ...(read ? [read] : []),
                ];
                try {
                    rows = await inBatch(session, opening);
                } catch (e) {
                    begun = true;
                    const code = (e as { code?: string }).code;
                    throw code === "55P03" || code === "57014" ? turnError(session, e, lockMs, user) : e;
                }
            }
            begun = true;
            const built =
                typeof statements === "function"
                    ? await statements(read ? rows[rows.length - 1] : [])
                    : statements;
            const work = [
                ...(oneBatch ? ["BEGIN"] : []),
                ...sql.databaseTurnStatements(statementMs, lockMs),
                ...built,
            ];
            const closing = [
                masterCheckStatement(major, session.masterIamLogin === true),
                "COMMIT",
                ...(after ? [after] : []),
            ];
            let answers: Row[][];
            try {
                if (verify === undefined) {
                    answers = await inBatch(session, [...work, ...closing]);
                } else {
                    await inBatch(session, work);
                    await verify();
                    answers = await inBatch(session, closing);
                }
            } catch (e) {
                throw commitBatchError(session, e, statementMs);
            }
            return after ? answers[answers.length - 1] : [];
        } catch (e) {
            if (begun) await session.query("ROLLBACK").catch(() => undefined);
            throw e;
        }
    });
}
