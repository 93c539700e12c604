/**
 * Connections as the master user, always over TLS verified against the RDS CA bundle or a given CA,
 * and always against the real database host name — also when the TCP connection goes through a
 * tunnel (connectHost/connectPort). Every session is bounded in time: connect, statement and lock
 * timeouts, each named in the error when it fires. Sessions are kept for the next operation on the
 * same target (sessionPool.ts). Drivers are required lazily (the provider is
 * serialized into the Pulumi state).
 */
import { parseRdsEndpoint } from "../awsNames";
import { EngineFamily } from "../engines";
import { rdsCaCertificates, rdsCaCoverageProblem } from "../rdsCa";
import { PoolHandle, SessionPool, createSessionPool, isLostSession, poolKey } from "./sessionPool";

export interface ConnectionTarget {
    readonly family: EngineFamily;
    /** The RDS host name the certificate must name. */
    readonly host: string;
    readonly port: number;
    readonly connectHost?: string;
    readonly connectPort?: number;
    readonly caCertificate?: string;
    /** The database's region, when `host` does not name it (for the CA coverage check). */
    readonly region?: string;
    readonly database?: string;
    readonly user: string;
    /** The master password, or its IAM token when `masterIamLogin`. */
    readonly password: string;
    /**
     * `user` logs in with an IAM token: the IAM-only master (masterPassword "iam", a member of rds_iam
     * by design) or the IAM admin acting for the master (iamAdmin, MySQL-family engines).
     */
    readonly masterIamLogin?: boolean;
}

export type Row = Record<string, unknown>;

/** Between the statements of one batch: what the test servers' statement logs split on, too. */
export const BATCH_SEPARATOR = ";\n";

/** Runs parameterless statements in one round trip where the session can, else one by one. */
export async function inBatch(session: Session, statements: readonly string[]): Promise<Row[][]> {
    if (session.batch !== undefined) return session.batch(statements);
    const rows: Row[][] = [];
    for (const statement of statements) rows.push(await session.query(statement));
    return rows;
}

export interface Session {
    /** The database this session is connected to (PostgreSQL), if any. */
    readonly database?: string;
    /** The master logged in with an IAM token (an IAM-only master already belongs to rds_iam). */
    readonly masterIamLogin?: boolean;
    query(sql: string, params?: unknown[]): Promise<Row[]>;
    /**
     * Parameterless statements sent together, in one round trip where the protocol allows (PostgreSQL's
     * simple query protocol runs them in order and stops at the first error); the rows of each.
     * Absent: run them one by one (`inBatch`).
     */
    batch?(statements: readonly string[]): Promise<Row[][]>;
    /**
     * A value that stays true for the connection's life (the server's version), read once per
     * connection and kept with it in the pool: a warm operation does not ask again.
     */
    once<T>(key: string, read: () => Promise<T>): Promise<T>;
    /** Runs `work` in a session on another database of the same server, with the same limits. */
    onDatabase<T>(database: string, work: (session: Session) => Promise<T>): Promise<T>;
}

/** Time limits of every session, in milliseconds (environment overrides exist for tests). */
export interface Timeouts {
    /** TCP connect, TLS handshake and login. */
    readonly connectMs: number;
    /** One statement, enforced by the server and, as a backstop for a stalled server, by the client. */
    readonly statementMs: number;
    /** Waiting for a lock held by another session. */
    readonly lockMs: number;
}

export function sessionTimeouts(env: NodeJS.ProcessEnv = process.env): Timeouts {
    const ms = (name: string, fallback: number) => {
        const value = Number(env[name]);
        return Number.isInteger(value) && value > 0 ? value : fallback;
    };
    return {
        connectMs: ms("RDS_IAM_CONNECT_TIMEOUT_MS", 15_000),
        statementMs: ms("RDS_IAM_STATEMENT_TIMEOUT_MS", 60_000),
        lockMs: ms("RDS_IAM_LOCK_TIMEOUT_MS", 15_000),
    };
}

function certificateAuthorities(target: ConnectionTarget): string | string[] {
    if (target.caCertificate !== undefined) {
        return target.caCertificate;
    }
    const region = parseRdsEndpoint(target.host)?.region ?? target.region;
    const problem =
        region === undefined ? undefined : rdsCaCoverageProblem(target.host, region, "caCertificate");
    if (problem !== undefined) {
        throw new Error(`${label(target)}: ${problem}`);
    }
    return rdsCaCertificates();
}

function label(target: ConnectionTarget): string {
    const via = target.connectHost ? ` via ${target.connectHost}:${target.connectPort ?? target.port}` : "";
    return `${target.family === "postgres" ? "PostgreSQL" : "MySQL"} ${target.host}:${target.port}${via} as ${target.user}`;
}

/**
 * Errors say where and what, and never carry the password: when the server's message contains it
 * anywhere (even as an ordinary word), the message is withheld whole, since cutting the password
 * out would reveal it by the gap. (Not named "describe": a mocha global, it would not serialize.)
 */
function connectionError(target: ConnectionTarget, error: unknown, timeouts: Timeouts): Error {
    const raw = error instanceof Error ? error.message : String(error);
    const code = error as { code?: unknown; errno?: unknown };
    let message = raw;
    if (target.password.length > 0 && raw.includes(target.password)) {
        message = `the server's message is withheld because it contains the master password (code ${String(code.code ?? code.errno ?? "unknown")})`;
    } else if (/timeout|timed out|ETIMEDOUT/i.test(raw) && !/statement timeout|lock timeout/i.test(raw)) {
        message = `${raw} (no answer within ${timeouts.connectMs / 1000} s: check that this machine can reach the database port — security group, VPN or tunnel — or use sqlRunner "lambda")`;
    } else if (code.code === "ECONNREFUSED" || code.code === "EHOSTUNREACH" || code.code === "ENETUNREACH") {
        message = `${raw} (nothing answers there from this machine: the database may be in a private network it cannot reach — use sqlRunner "lambda" or a tunnel (connectHost/connectPort) — or host/port is wrong)`;
    }
    const wrapped = new Error(`${label(target)}: ${message}`);
    Object.assign(wrapped, { code: code.code, errno: code.errno });
    return wrapped;
}

function statementError(target: ConnectionTarget, error: unknown, timeouts: Timeouts): Error {
    const e = error as { code?: string; errno?: number; message?: string };
    const raw = e.message ?? String(error);
    if (e.code === "55P03" || e.errno === 1205 || /lock wait timeout|lock timeout/i.test(raw)) {
        return connectionError(
            target,
            Object.assign(
                new Error(
                    `waited ${timeouts.lockMs / 1000} s for a lock another session holds (${raw}); retry when it is released`,
                ),
                e,
            ),
            timeouts,
        );
    }
    if (
        e.code === "57014" ||
        e.errno === 1969 ||
        e.code === "PROTOCOL_SEQUENCE_TIMEOUT" ||
        /Query read timeout|statement timeout|inactivity timeout/i.test(raw)
    ) {
        return connectionError(
            target,
            Object.assign(
                new Error(`a statement ran longer than ${timeouts.statementMs / 1000} s (${raw})`),
                e,
            ),
            timeouts,
        );
    }
    return connectionError(target, error, timeouts);
}

export async function withSession<T>(
    target: ConnectionTarget,
    work: (session: Session) => Promise<T>,
): Promise<T> {
    const timeouts = sessionTimeouts();
    return target.family === "postgres"
        ? withPostgres(target, timeouts, work)
        : withMysql(target, timeouts, work);
}

/** A driver connection as the pool holds it. */
interface Held<C> extends PoolHandle {
    readonly connection: C;
    /** What `Session.once` read on this connection. */
    readonly remembered: Map<string, unknown>;
    close(): Promise<void>;
}

interface Pools {
    readonly postgres: SessionPool<Held<import("pg").Client>>;
    readonly mysql: SessionPool<Held<import("mysql2/promise").Connection>>;
}

/**
 * The process's pools, made on first use and kept on globalThis: the provider is serialized into the
 * Pulumi state with what its functions capture, and a Map captured at module level would not survive
 * that (DESIGN.md, "Serializable").
 */
function pools(): Pools {
    const global = globalThis as { __rdsIamSessionPools?: Pools };
    return (global.__rdsIamSessionPools ??= { postgres: createSessionPool(), mysql: createSessionPool() });
}

/** Closes the idle master sessions this process keeps (sessionPool.ts). */
export function closeIdleSessions(): void {
    pools().postgres.closeAll();
    pools().mysql.closeAll();
}

/** Idle master sessions this process keeps, for tests and the bench. */
export function idleSessions(): number {
    return pools().postgres.size() + pools().mysql.size();
}

function held<C>(
    connection: C,
    events: { on(event: string, listener: () => void): unknown },
    socket: () => { ref(): void; unref(): void } | undefined,
    close: () => Promise<void>,
): Held<C> {
    let broken = false;
    events.on("error", () => (broken = true)); // surfaced through the failing query instead
    events.on("end", () => (broken = true));
    let closing: Promise<void> | undefined;
    return {
        connection,
        remembered: new Map(),
        broken: () => broken,
        hold: (keep) => (keep ? socket()?.ref() : socket()?.unref()),
        close: () => (closing ??= close()),
    };
}

/**
 * Runs `work` on a session for `target`: a kept one when there is one (sessionPool.ts), else a new
 * one. A kept session the server ended while idle fails before anything ran; the work then starts
 * again on a new connection.
 */
async function pooled<C, T>(
    pool: SessionPool<Held<C>>,
    target: ConnectionTarget,
    connect: () => Promise<Held<C>>,
    work: (handle: Held<C>, ran: () => void) => Promise<T>,
): Promise<T> {
    const key = poolKey(target);
    const reused = pool.take(key);
    const handle = reused ?? (await connect());
    let ran = false;
    let succeeded = false;
    try {
        const result = await work(handle, () => (ran = true));
        succeeded = true;
        return result;
    } catch (e) {
        if (reused !== undefined && !ran && isLostSession(e)) {
            await handle.close();
            return pooled(pool, target, connect, work);
        }
        throw e;
    } finally {
        if (succeeded) pool.give(key, handle);
        else await handle.close();
    }
}

async function connectPostgres(
    target: ConnectionTarget,
    timeouts: Timeouts,
    database: string,
): Promise<Held<import("pg").Client>> {
    const pg = require("pg") as typeof import("pg");
    const tls = require("node:tls") as typeof import("node:tls");
    const client = new pg.Client({
        host: target.connectHost ?? target.host,
        port: target.connectPort ?? target.port,
        user: target.user,
        password: target.password,
        database,
        application_name: "rds-iam",
        connectionTimeoutMillis: timeouts.connectMs,
        statement_timeout: timeouts.statementMs,
        lock_timeout: timeouts.lockMs,
        idle_in_transaction_session_timeout: timeouts.statementMs,
        query_timeout: timeouts.statementMs + 5_000,
        ssl: {
            ca: certificateAuthorities(target),
            rejectUnauthorized: true,
            servername: target.host,
            checkServerIdentity: (_name, cert) => tls.checkServerIdentity(target.host, cert),
        },
    });
    const stream = () =>
        (client as unknown as { connection?: { stream?: import("node:net").Socket } }).connection?.stream;
    const handle = held(client, client, stream, () =>
        closeWithin(client.end(), timeouts.connectMs, () => stream()?.destroy()),
    );
    try {
        await client.connect();
    } catch (e) {
        await client.end().catch(() => undefined);
        throw connectionError(target, e, timeouts);
    }
    return handle;
}

async function withPostgres<T>(
    target: ConnectionTarget,
    timeouts: Timeouts,
    work: (session: Session) => Promise<T>,
): Promise<T> {
    const database = target.database ?? "postgres";
    return pooled(
        pools().postgres,
        { ...target, database },
        () => connectPostgres(target, timeouts, database),
        (handle, ran) => {
            const client = handle.connection;
            return work({
                database,
                masterIamLogin: target.masterIamLogin === true,
                once: (key, read) => remember(handle, key, read),
                async query(sql, params) {
                    try {
                        const rows = (await client.query(sql, params as unknown[])).rows;
                        ran();
                        return rows;
                    } catch (e) {
                        throw statementError(target, e, timeouts);
                    }
                },
                async batch(statements) {
                    if (statements.length === 0) return [];
                    try {
                        const answer = await client.query(statements.join(BATCH_SEPARATOR));
                        ran();
                        const results = Array.isArray(answer) ? answer : [answer];
                        return results.map((r: import("pg").QueryResult) => r.rows ?? []);
                    } catch (e) {
                        throw statementError(target, e, timeouts);
                    }
                },
                onDatabase: (other, next) => withPostgres({ ...target, database: other }, timeouts, next),
            });
        },
    );
}

/** Reads `key` once per connection; a failed read is not kept. */
async function remember<T>(handle: Held<unknown>, key: string, read: () => Promise<T>): Promise<T> {
    if (handle.remembered.has(key)) return handle.remembered.get(key) as T;
    const value = await read();
    handle.remembered.set(key, value);
    return value;
}

/** Closes politely, or tears the socket down when a stalled server does not answer the goodbye. */
async function closeWithin(closing: Promise<unknown>, ms: number, destroy: () => void): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), ms)));
    const outcome = await Promise.race([
        closing.then(
            () => "closed" as const,
            () => "late" as const,
        ),
        late,
    ]);
    clearTimeout(timer);
    if (outcome === "late") {
        try {
            destroy();
        } catch {
            // already gone
        }
    }
}

/**
 * Session settings pinned for every MySQL-family session. MariaDB: NO_AUTO_CREATE_USER so a GRANT
 * can never create a passwordless account (MariaDB KB, "SQL_MODE"); server-side statement and lock
 * limits. MySQL 8 never creates users in GRANT and has no max_statement_time for DDL.
 */
export function mysqlSessionSettings(mariadb: boolean, timeouts: Timeouts): string[] {
    const lockSeconds = Math.max(1, Math.ceil(timeouts.lockMs / 1000));
    return mariadb
        ? [
              "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION'",
              `SET SESSION max_statement_time = ${timeouts.statementMs / 1000}, lock_wait_timeout = ${lockSeconds}, innodb_lock_wait_timeout = ${lockSeconds}`,
          ]
        : [
              "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
              `SET SESSION lock_wait_timeout = ${lockSeconds}, innodb_lock_wait_timeout = ${lockSeconds}`,
          ];
}

async function connectMysql(
    target: ConnectionTarget,
    timeouts: Timeouts,
): Promise<Held<import("mysql2/promise").Connection>> {
    const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
    const net = require("node:net") as typeof import("node:net");
    const tunnel = target.connectHost !== undefined || target.connectPort !== undefined;
    let connection: import("mysql2/promise").Connection;
    try {
        connection = await mysql.createConnection({
            // mysql2 checks the certificate against `host`; a tunnel only changes where the bytes go.
            host: target.host,
            port: target.port,
            stream: tunnel
                ? () => net.connect(target.connectPort ?? target.port, target.connectHost ?? target.host)
                : undefined,
            user: target.user,
            password: target.password,
            // A token login (the IAM admin): AWSAuthenticationPlugin asks for mysql_clear_password, sent
            // only inside this verified TLS session (RDS User Guide, "Connecting to your DB instance
            // using IAM authentication from the command line": --enable-cleartext-plugin).
            enableCleartextPlugin: target.masterIamLogin === true,
            // Session.batch sends a change's statements as one query (one round trip). Every statement
            // rds-iam builds quotes its names and values (mysql2's escapeId/escape, sql.ts) and the
            // inputs are validated first, so no text of a caller reaches SQL unquoted.
            multipleStatements: true,
            connectTimeout: timeouts.connectMs,
            ssl: { ca: certificateAuthorities(target), rejectUnauthorized: true, verifyIdentity: true },
        });
    } catch (e) {
        throw connectionError(target, e, timeouts);
    }
    const stream = () =>
        (connection as unknown as { connection?: { stream?: import("node:net").Socket } }).connection?.stream;
    const handle = held(connection, connection, stream, () =>
        closeWithin(connection.end(), timeouts.connectMs, () => connection.destroy()),
    );
    try {
        const run = mysqlRunner(connection, target, timeouts);
        const [{ version }] = (await run("SELECT VERSION() AS version")) as { version: string }[];
        for (const setting of mysqlSessionSettings(/mariadb/i.test(version), timeouts)) {
            await run(setting);
        }
    } catch (e) {
        await handle.close();
        throw e;
    }
    return handle;
}

function mysqlRunner(
    connection: import("mysql2/promise").Connection,
    target: ConnectionTarget,
    timeouts: Timeouts,
): (sql: string, params?: unknown[]) => Promise<Row[]> {
    return async (sql, params) => {
        try {
            const [rows] = await connection.query({
                sql,
                values: params,
                timeout: timeouts.statementMs + 5_000,
            });
            return rows as Row[];
        } catch (e) {
            throw statementError(target, e, timeouts);
        }
    };
}

async function withMysql<T>(
    target: ConnectionTarget,
    timeouts: Timeouts,
    work: (session: Session) => Promise<T>,
): Promise<T> {
    return pooled(
        pools().mysql,
        { ...target, database: undefined },
        () => connectMysql(target, timeouts),
        (handle, ran) => {
            const run = mysqlRunner(handle.connection, target, timeouts);
            return work({
                once: (key, read) => remember(handle, key, read),
                async query(sql, params) {
                    const rows = await run(sql, params);
                    ran();
                    return rows;
                },
                async batch(statements) {
                    if (statements.length === 0) return [];
                    const answer = (await run(statements.join(BATCH_SEPARATOR))) as unknown;
                    ran();
                    // One statement: its rows (or an OK packet); several: one such answer each.
                    const answers = statements.length === 1 ? [answer] : (answer as unknown[]);
                    return answers.map((a) => (Array.isArray(a) ? (a as Row[]) : []));
                },
                onDatabase: () => {
                    throw new Error("MySQL sessions are not bound to a database");
                },
            });
        },
    );
}
