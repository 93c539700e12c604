import * as assert from "node:assert/strict";
import { signToken } from "../../local/emulator/principals";
import { loginLog } from "../../local/servers";
import { PROXY_ENGINES, useProxyWorld } from "./proxyClients";
import {
    DATABASE_ID,
    PROXY_ENDPOINT,
    PROXY_ID,
    REGION,
    UNKNOWN_USER,
    USER,
    PASSWORD_USER,
} from "./proxyHarness";

// The right path and each refusal the RDS Proxy stand-in must make, on every engine. Error texts:
// RDS User Guide, "Troubleshooting for RDS Proxy",
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.troubleshooting.html
const PROXY_ARN = (user: string) => `arn:aws:rds-db:us-east-1:123456789012:dbuser:${PROXY_ID}/${user}`;
const DATABASE_ARN = (user: string) => `arn:aws:rds-db:us-east-1:123456789012:dbuser:${DATABASE_ID}/${user}`;

for (const name of PROXY_ENGINES) {
    describe(`a local RDS Proxy (end-to-end IAM, requireTls) in front of ${name}`, function () {
        this.timeout(60_000);
        const t = useProxyWorld(name);
        const { postgres, login, refusal, decisionsSince } = t;

        it("lets a workload granted dbuser:prx-…/app_rw in with the client helper's options for the proxy endpoint, logging into the database with the proxy role's token", async () => {
            const mark = t.world.proxy.decisions.length;
            const databaseMark = loginLog.length;
            assert.deepEqual(await login(t.world.proxy, t.world.workload, USER), [
                postgres ? USER : `${USER}@%`,
                42,
            ]);
            assert.deepEqual(decisionsSince(t.world.proxy, mark), [
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
            const mark = t.world.proxy.decisions.length;
            const token = await signToken(t.world.workload, PROXY_ENDPOINT, t.world.proxy.port, USER, REGION);
            if (postgres) {
                const pg = require("pg") as typeof import("pg");
                const client = new pg.Client({
                    host: "127.0.0.1",
                    port: t.world.proxy.port,
                    user: USER,
                    password: token,
                    database: t.world.database.server.database,
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
                            port: t.world.proxy.port,
                            user: USER,
                            password: token,
                            authPlugins: { mysql_clear_password: () => () => Buffer.from(`${token}\0`) },
                        }),
                    ),
                    [3159, "HY000", "This RDS Proxy requires TLS connections."],
                );
            }
            assert.deepEqual(decisionsSince(t.world.proxy, mark), []);
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
            const mark = t.world.proxy.decisions.length;
            const { target } = t.world.database;
            const forDatabase = await signToken(
                t.world.workload,
                target.endpoint,
                target.tokenPort,
                USER,
                REGION,
            );
            assert.deepEqual(
                await refusal(login(t.world.proxy, t.world.workload, USER, forDatabase)),
                iamRefusal(USER),
            );
            assert.deepEqual(decisionsSince(t.world.proxy, mark), [
                [
                    "client-token",
                    USER,
                    false,
                    `wrong host/port: token is for ${target.endpoint}:${target.tokenPort}, this database is ${PROXY_ENDPOINT}:${t.world.proxy.port}`,
                ],
            ]);
        });

        it("refuses a workload granted only dbuser:db-…/app_rw (the database, not the proxy)", async () => {
            const mark = t.world.proxy.decisions.length;
            assert.deepEqual(
                await refusal(login(t.world.proxy, t.world.databaseOnly, USER)),
                iamRefusal(USER),
            );
            assert.deepEqual(decisionsSince(t.world.proxy, mark), [
                [
                    "client-token",
                    USER,
                    false,
                    `policy denies: nothing allows arn:aws:iam::123456789012:role/orders-batch rds-db:connect on ${PROXY_ARN(USER)}`,
                ],
            ]);
        });

        it("fails the login when the proxy's role may not connect as the user: the database refuses the proxy", async () => {
            const mark = t.world.proxyWithoutUser.decisions.length;
            const databaseMark = loginLog.length;
            const databaseSaid = postgres
                ? `PAM authentication failed for user "${USER}"`
                : `Access denied for user '${USER}'@'127.0.0.1' (using password: YES)`;
            assert.deepEqual(
                await refusal(login(t.world.proxyWithoutUser, t.world.workload, USER)),
                postgres
                    ? ["FATAL", "08006", `Request returned an error: ${databaseSaid}`]
                    : [1045, "28000", `Access denied for user '${USER}'@'%' (using password: YES)`],
            );
            assert.deepEqual(decisionsSince(t.world.proxyWithoutUser, mark), [
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
            const mark = t.world.proxy.decisions.length;
            const databaseMark = loginLog.length;
            assert.deepEqual(
                await refusal(login(t.world.proxy, t.world.workload, UNKNOWN_USER)),
                postgres
                    ? [
                          "FATAL",
                          "28000",
                          `This RDS proxy has no credentials for the role ${UNKNOWN_USER}. Check the credentials for this role and try again.`,
                      ]
                    : [1045, "28000", `Access denied for user '${UNKNOWN_USER}'@'%' (using password: YES)`],
            );
            assert.deepEqual(decisionsSince(t.world.proxy, mark), [
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
    });
}
