import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { getMysqlConnectionOptions, getPgConnectionOptions } from "../../components/client";
import { TokenCache } from "../../components/client/tokenCache";
import { signToken } from "../../local/emulator/principals";
import type { Principal } from "../../local/emulator/verifier";
import type { RdsProxy } from "../../local/proxy";
import { ServerName, loginLog, resetLoginDecider } from "../../local/servers";
import { serverOrSkip } from "../support/matrix";
import { firstAnswer, startupPacket } from "./rawPg";
import {
    DATABASE_ID,
    PASSWORD_USER,
    PROXY_ENDPOINT,
    PROXY_ID,
    REGION,
    UNKNOWN_USER,
    USER,
    ProxyWorld,
    credentialsOf,
    startProxyWorld,
    tempDir,
} from "./proxyHarness";

// Error texts: RDS User Guide, "Troubleshooting for RDS Proxy",
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.troubleshooting.html
const PROXY_ARN = (user: string) => `arn:aws:rds-db:us-east-1:123456789012:dbuser:${PROXY_ID}/${user}`;
const DATABASE_ARN = (user: string) => `arn:aws:rds-db:us-east-1:123456789012:dbuser:${DATABASE_ID}/${user}`;

type PgError = Error & { code?: string; severity?: string };
type MysqlError = Error & { errno?: number; sqlState?: string; sqlMessage?: string };

const ENGINES: readonly ServerName[] = ["postgres16", "postgres17", "mariadb", "mysql80"];

for (const name of ENGINES) {
    const postgres = name.startsWith("postgres");
    describe(`a local RDS Proxy (end-to-end IAM, requireTls) in front of ${name}`, function () {
        this.timeout(180_000);
        let world: ProxyWorld;
        let dir: string;

        before(async function () {
            dir = tempDir();
            await serverOrSkip(this, name, async (n) => {
                world = await startProxyWorld(n, dir);
                return world.database.server;
            });
        });
        after(async () => {
            resetLoginDecider();
            await world?.close();
            if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
        });

        const request = (proxy: RdsProxy, principal: Principal, username: string) =>
            ({
                host: PROXY_ENDPOINT,
                port: proxy.port,
                connectHost: "127.0.0.1",
                username,
                region: REGION,
                database: world.database.server.database,
                credentials: credentialsOf(principal),
                caCertificate: world.amazonTrustCa,
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

        it("lets a workload granted dbuser:prx-…/app_rw in with the client helper's options for the proxy endpoint, logging into the database with the proxy role's token", async () => {
            const mark = world.proxy.decisions.length;
            const databaseMark = loginLog.length;
            assert.deepEqual(await login(world.proxy, world.workload, USER), [
                postgres ? USER : `${USER}@%`,
                42,
            ]);
            assert.deepEqual(decisionsSince(world.proxy, mark), [
                [
                    "client-token",
                    USER,
                    true,
                    `arn:aws:iam::123456789012:role/orders-api may connect as ${PROXY_ARN(USER)} (policy "orders-api-proxy" statement 0)`,
                ],
                ["database-login", USER, true, "logged in"],
            ]);
            // The database decided the proxy's own login: its role, the database's resource id.
            assert.deepEqual(
                loginLog.slice(databaseMark).map((a) => [a.user, a.allow, a.reason]),
                [
                    [
                        USER,
                        true,
                        `arn:aws:iam::123456789012:role/orders-proxy may connect as ${DATABASE_ARN(USER)} (policy "orders-proxy-connect" statement 0)`,
                    ],
                ],
            );
        });

        it("refuses a client without TLS before it reads a token (Require Transport Layer Security: 'This RDS Proxy requires TLS connections.')", async () => {
            const mark = world.proxy.decisions.length;
            const token = await signToken(world.workload, PROXY_ENDPOINT, world.proxy.port, USER, REGION);
            if (postgres) {
                const pg = require("pg") as typeof import("pg");
                const client = new pg.Client({
                    host: "127.0.0.1",
                    port: world.proxy.port,
                    user: USER,
                    password: token,
                    database: world.database.server.database,
                    ssl: false,
                });
                client.on("error", () => undefined);
                assert.deepEqual(await refusal(client.connect()), [
                    "FATAL",
                    "28000",
                    "This RDS Proxy requires TLS connections.",
                ]);
            } else {
                const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
                assert.deepEqual(
                    await refusal(
                        mysql.createConnection({
                            host: "127.0.0.1",
                            port: world.proxy.port,
                            user: USER,
                            password: token,
                            authPlugins: { mysql_clear_password: () => () => Buffer.from(`${token}\0`) },
                        }),
                    ),
                    [3159, "HY000", "This RDS Proxy requires TLS connections."],
                );
            }
            assert.deepEqual(decisionsSince(world.proxy, mark), []);
        });

        const iamRefusal = (user: string) =>
            postgres
                ? [
                      "FATAL",
                      "28000",
                      `The IAM authentication failed for the role ${user}. Check the IAM token for this role and try again.`,
                  ]
                : [1045, "28000", `Access denied for user '${user}'@'%' (using password: YES)`];

        it("refuses a token signed for the database's endpoint instead of the proxy's", async () => {
            const mark = world.proxy.decisions.length;
            const { target } = world.database;
            const forDatabase = await signToken(
                world.workload,
                target.endpoint,
                target.tokenPort,
                USER,
                REGION,
            );
            assert.deepEqual(
                await refusal(login(world.proxy, world.workload, USER, forDatabase)),
                iamRefusal(USER),
            );
            assert.deepEqual(decisionsSince(world.proxy, mark), [
                [
                    "client-token",
                    USER,
                    false,
                    `wrong host/port: token is for ${target.endpoint}:${target.tokenPort}, this database is ${PROXY_ENDPOINT}:${world.proxy.port}`,
                ],
            ]);
        });

        it("refuses a workload granted only dbuser:db-…/app_rw (the database, not the proxy)", async () => {
            const mark = world.proxy.decisions.length;
            assert.deepEqual(await refusal(login(world.proxy, world.databaseOnly, USER)), iamRefusal(USER));
            assert.deepEqual(decisionsSince(world.proxy, mark), [
                [
                    "client-token",
                    USER,
                    false,
                    `policy denies: nothing allows arn:aws:iam::123456789012:role/orders-batch rds-db:connect on ${PROXY_ARN(USER)}`,
                ],
            ]);
        });

        it("fails the login when the proxy's role may not connect as the user: the database refuses the proxy", async () => {
            const mark = world.proxyWithoutUser.decisions.length;
            const databaseMark = loginLog.length;
            const databaseSaid = postgres
                ? `PAM authentication failed for user "${USER}"`
                : `Access denied for user '${USER}'@'127.0.0.1' (using password: YES)`;
            assert.deepEqual(
                await refusal(login(world.proxyWithoutUser, world.workload, USER)),
                postgres
                    ? ["FATAL", "08006", `Request returned an error: ${databaseSaid}`]
                    : [1045, "28000", `Access denied for user '${USER}'@'%' (using password: YES)`],
            );
            assert.deepEqual(decisionsSince(world.proxyWithoutUser, mark), [
                [
                    "client-token",
                    USER,
                    true,
                    `arn:aws:iam::123456789012:role/orders-api may connect as ${PROXY_ARN(USER)} (policy "orders-api-proxy" statement 0)`,
                ],
                ["database-login", USER, false, `the database said: ${databaseSaid}`],
            ]);
            assert.deepEqual(
                loginLog.slice(databaseMark).map((a) => [a.user, a.allow, a.reason]),
                [
                    [
                        USER,
                        false,
                        `policy denies: nothing allows arn:aws:iam::123456789012:role/orders-proxy-stale rds-db:connect on ${DATABASE_ARN(USER)}`,
                    ],
                ],
            );
        });

        it("refuses a user the proxy does not know, though the workload may connect as it and the database has it, without logging into the database", async () => {
            const mark = world.proxy.decisions.length;
            const databaseMark = loginLog.length;
            assert.deepEqual(
                await refusal(login(world.proxy, world.workload, UNKNOWN_USER)),
                postgres
                    ? [
                          "FATAL",
                          "28000",
                          `This RDS proxy has no credentials for the role ${UNKNOWN_USER}. Check the credentials for this role and try again.`,
                      ]
                    : [1045, "28000", `Access denied for user '${UNKNOWN_USER}'@'%' (using password: YES)`],
            );
            assert.deepEqual(decisionsSince(world.proxy, mark), [
                [
                    "client-token",
                    UNKNOWN_USER,
                    true,
                    `arn:aws:iam::123456789012:role/orders-api may connect as ${PROXY_ARN(UNKNOWN_USER)} (policy "orders-api-proxy" statement 0)`,
                ],
                [
                    "proxy-users",
                    UNKNOWN_USER,
                    false,
                    `"${UNKNOWN_USER}" is not one of the proxy's users (${USER}, ${PASSWORD_USER})`,
                ],
            ]);
            assert.equal(loginLog.length, databaseMark, "the database is never asked");
        });

        it("presents a certificate under the Amazon Trust Services stand-in, so a client trusting the RDS CA or the real Amazon roots refuses it before sending a token", async () => {
            const mark = world.proxy.decisions.length;
            for (const caCertificate of [world.database.target.caCertificate, undefined]) {
                const options = { ...request(world.proxy, world.workload, USER), caCertificate };
                const error = (await (
                    postgres
                        ? (() => {
                              const pg = require("pg") as typeof import("pg");
                              const client = new pg.Client(
                                  getPgConnectionOptions({ engine: "postgres", ...options }),
                              );
                              client.on("error", () => undefined);
                              return client.connect();
                          })()
                        : (async () => {
                              const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
                              return mysql.createConnection(
                                  await getMysqlConnectionOptions({ engine: "mariadb", ...options }),
                              );
                          })()
                ).then(
                    () => assert.fail("the client accepted the proxy's certificate"),
                    (e: Error) => e,
                )) as Error & { code?: string };
                assert.deepEqual(
                    [error.code, error.message],
                    [
                        postgres ? "UNABLE_TO_VERIFY_LEAF_SIGNATURE" : "HANDSHAKE_SSL_ERROR",
                        "unable to verify the first certificate",
                    ],
                );
            }
            assert.deepEqual(decisionsSince(world.proxy, mark), []);
        });

        it("serves concurrent connections, each logged into the database on its own", async () => {
            const mark = world.proxy.decisions.length;
            const results = await Promise.all(
                Array.from({ length: 4 }, () => login(world.proxy, world.workload, USER)),
            );
            assert.deepEqual(results, Array(4).fill([postgres ? USER : `${USER}@%`, 42]));
            const stages = decisionsSince(world.proxy, mark).map(([stage, , allow]) => `${stage} ${allow}`);
            assert.deepEqual(
                stages.sort(),
                [...Array(4).fill("client-token true"), ...Array(4).fill("database-login true")].sort(),
            );
        });

        it("logs into the database only with IAM: a user that has a password there is refused, though the proxy knows it", async () => {
            const mark = world.proxy.decisions.length;
            const reason = postgres
                ? `the database asked "${PASSWORD_USER}" for a password (authentication request 10), not an IAM token: the user is not an IAM user (rds_iam)`
                : `the database asked for the ${name === "mysql80" ? "caching_sha2_password" : "mysql_native_password"} plugin, not an IAM token: "${PASSWORD_USER}" is not an IAM user (AWSAuthenticationPlugin)`;
            assert.deepEqual(
                await refusal(login(world.proxy, world.workload, PASSWORD_USER)),
                postgres
                    ? [
                          "FATAL",
                          "08006",
                          `Request returned an error: password authentication failed for user "${PASSWORD_USER}"`,
                      ]
                    : [1045, "28000", `Access denied for user '${PASSWORD_USER}'@'%' (using password: YES)`],
            );
            assert.deepEqual(decisionsSince(world.proxy, mark), [
                [
                    "client-token",
                    PASSWORD_USER,
                    true,
                    `arn:aws:iam::123456789012:role/orders-api may connect as ${PROXY_ARN(PASSWORD_USER)} (policy "orders-api-proxy" statement 0)`,
                ],
                ["database-login", PASSWORD_USER, false, reason],
            ]);
        });

        if (postgres) {
            it("passes the database's own refusal on in the documented form: 'Request returned an error: database \"…\" does not exist'", async () => {
                const pg = require("pg") as typeof import("pg");
                const client = new pg.Client(
                    getPgConnectionOptions({
                        engine: "postgres",
                        ...request(world.proxy, world.workload, USER),
                        database: "no_such_db",
                    }),
                );
                client.on("error", () => undefined);
                assert.deepEqual(await refusal(client.connect()), [
                    "FATAL",
                    "08006",
                    'Request returned an error: database "no_such_db" does not exist',
                ]);
            });

            for (const [what, startup, expected] of [
                [
                    "a start-up without a user",
                    startupPacket(196608, { database: "appdb" }),
                    "A user name is missing from the connection startup packet. Provide a user name for this connection.",
                ],
                [
                    "protocol 2.0",
                    startupPacket(131072, { user: USER, database: "appdb" }),
                    "Feature not supported: RDS Proxy supports only version 3.0 of the PostgreSQL messaging protocol.",
                ],
                [
                    "streaming replication",
                    startupPacket(196608, { user: USER, database: "appdb", replication: "database" }),
                    "Feature not supported: RDS Proxy currently doesn't support streaming replication mode.",
                ],
            ] as const) {
                it(`refuses ${what} over TLS before asking for a token: '${expected}'`, async () => {
                    const mark = world.proxy.decisions.length;
                    assert.deepEqual(
                        await firstAnswer(world.proxy.port, PROXY_ENDPOINT, world.amazonTrustCa, startup),
                        {
                            S: "FATAL",
                            C: expected.startsWith("Feature") ? "0A000" : "28000",
                            M: expected,
                        },
                    );
                    assert.deepEqual(decisionsSince(world.proxy, mark), []);
                });
            }
        }
    });
}
