/** Opening test connections to the throwaway servers as a given user, over verified TLS. */
import type { ThrowawayServer } from "./index";

export interface LoginOptions {
    readonly user: string;
    readonly password: string;
    readonly database?: string;
    /** false: try without TLS (the servers must refuse). */
    readonly tls?: boolean;
}

/** Logs in and runs `SELECT current_user`; resolves the user name the server saw. */
export async function loginAndAsk(server: ThrowawayServer, options: LoginOptions): Promise<string> {
    const tls =
        options.tls === false
            ? undefined
            : { ca: server.caCertificate, servername: server.endpoint, rejectUnauthorized: true };
    if (server.engine === "postgres") {
        const pg = require("pg") as typeof import("pg");
        const client = new pg.Client({
            host: server.host,
            port: server.port,
            user: options.user,
            password: options.password,
            database: options.database ?? "postgres",
            ssl: tls ?? false,
        });
        await client.connect();
        try {
            return (await client.query("SELECT current_user AS u")).rows[0].u;
        } finally {
            await client.end();
        }
    }
    const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
    const net = require("node:net") as typeof import("node:net");
    // mysql2 verifies the certificate against `host`: name the endpoint, and reach it through a "tunnel" stream.
    const connection = await mysql.createConnection({
        host: server.endpoint,
        port: server.port,
        stream: () => net.connect(server.port, server.host),
        user: options.user,
        password: options.password,
        database: options.database,
        ssl: tls && { ...tls, verifyIdentity: true },
        authPlugins: { mysql_clear_password: () => () => Buffer.from(`${options.password}\0`) },
    });
    try {
        const [rows] = await connection.query("SELECT current_user() AS u");
        return (rows as { u: string }[])[0].u;
    } finally {
        await connection.end();
    }
}
