/**
 * A local RDS Proxy world for one engine inside a mocha suite (started in `before`, pending when
 * the machine cannot run the engine, stopped in `after`), and the clients the tests log in with:
 * the real pg and mysql2, given the project's client options for the proxy endpoint.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { getMysqlConnectionOptions, getPgConnectionOptions } from "../../components/client";
import { TokenCache } from "../../components/client/tokenCache";
import type { Principal } from "../../local/emulator/verifier";
import type { RdsProxy } from "../../local/proxy";
import { ServerName, resetLoginDecider } from "../../local/servers";
import { serverOrSkip } from "../support/matrix";
import { PROXY_ENDPOINT, REGION, ProxyWorld, credentialsOf, startProxyWorld, tempDir } from "./proxyHarness";

type PgError = Error & { code?: string; severity?: string };
type MysqlError = Error & { errno?: number; sqlState?: string; sqlMessage?: string };

export const PROXY_ENGINES: readonly ServerName[] = ["postgres16", "postgres17", "mariadb", "mysql80"];

export function useProxyWorld(name: ServerName) {
    const postgres = name.startsWith("postgres");
    let world: ProxyWorld | undefined;
    let dir: string | undefined;
    before(async function () {
        this.timeout(180_000);
        dir = tempDir();
        await serverOrSkip(this, name, async (n) => {
            world = await startProxyWorld(n, dir!);
            return world.database.server;
        });
    });
    after(async () => {
        resetLoginDecider();
        await world?.close();
        if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    });
    const w = () => world!;

    const request = (proxy: RdsProxy, principal: Principal, username: string) =>
        ({
            host: PROXY_ENDPOINT,
            port: proxy.port,
            connectHost: "127.0.0.1",
            username,
            region: REGION,
            database: w().database.server.database,
            credentials: credentialsOf(principal),
            caCertificate: w().amazonTrustCa,
            tokenCache: new TokenCache(),
        }) as const;

    /** Logs in through `proxy` with the client helper's options (the password replaced when given); runs two queries. */
    async function login(
        proxy: RdsProxy,
        principal: Principal,
        username: string,
        password?: string,
    ): Promise<unknown[]> {
        if (postgres) {
            const pg = require("pg") as typeof import("pg");
            const options = getPgConnectionOptions({
                engine: "postgres",
                ...request(proxy, principal, username),
            });
            const client = new pg.Client(password === undefined ? options : { ...options, password });
            client.on("error", () => undefined);
            await client.connect();
            try {
                const who = (await client.query("SELECT current_user AS u")).rows[0].u;
                const sum = (await client.query("SELECT $1::int + 1 AS n", [41])).rows[0].n;
                return [who, sum];
            } finally {
                await client.end();
            }
        }
        const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
        const options = await getMysqlConnectionOptions({
            engine: name === "mysql80" ? "mysql" : "mariadb",
            ...request(proxy, principal, username),
        });
        const connection = await mysql.createConnection(
            password === undefined
                ? options
                : {
                      ...options,
                      password,
                      authPlugins: { mysql_clear_password: () => () => Buffer.from(`${password}\0`) },
                  },
        );
        try {
            const [who] = await connection.query("SELECT current_user() AS u");
            const [sum] = await connection.execute("SELECT ? + 1 AS n", [41]);
            return [(who as { u: string }[])[0].u, Number((sum as { n: number }[])[0].n)];
        } finally {
            await connection.end();
        }
    }

    /** The refusal as the client saw it: PostgreSQL [severity, code, message], MySQL [errno, sqlState, message]. */
    async function refusal(attempt: Promise<unknown>): Promise<unknown[]> {
        const error = await attempt.then(
            () => assert.fail("the proxy let the client in"),
            (e: Error) => e,
        );
        if (postgres) {
            const e = error as PgError;
            return [e.severity, e.code, e.message];
        }
        const e = error as MysqlError;
        return [e.errno, e.sqlState, e.sqlMessage];
    }

    const decisionsSince = (proxy: RdsProxy, mark: number) =>
        proxy.decisions.slice(mark).map((d) => [d.stage, d.user, d.allow, d.reason]);

    return {
        postgres,
        get world() {
            return w();
        },
        request,
        login,
        refusal,
        decisionsSince,
    };
}
