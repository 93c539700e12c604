import * as assert from "node:assert/strict";
import { getMysqlConnectionOptions, getPgConnectionOptions } from "../../components/client";
import { PROXY_ENGINES, useProxyWorld } from "./proxyClients";
import { PASSWORD_USER, PROXY_ENDPOINT, PROXY_ID, USER } from "./proxyHarness";
import { firstAnswer, startupPacket } from "./rawPg";

// How the RDS Proxy stand-in holds up beyond the login decisions: its certificate, concurrent
// sessions, a database user it cannot log in as, and the PostgreSQL start-ups RDS Proxy refuses.
// Error texts: RDS User Guide, "Troubleshooting for RDS Proxy",
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.troubleshooting.html
const PROXY_ARN = (user: string) => `arn:aws:rds-db:us-east-1:123456789012:dbuser:${PROXY_ID}/${user}`;

for (const name of PROXY_ENGINES) {
    describe(`a local RDS Proxy (end-to-end IAM, requireTls) in front of ${name}`, function () {
        this.timeout(60_000);
        const t = useProxyWorld(name);
        const { postgres, login, refusal, decisionsSince } = t;

        it("presents a certificate under the Amazon Trust Services stand-in, so a client trusting the RDS CA or the real Amazon roots refuses it before sending a token", async () => {
            const mark = t.world.proxy.decisions.length;
            for (const caCertificate of [t.world.database.target.caCertificate, undefined]) {
                const options = { ...t.request(t.world.proxy, t.world.workload, USER), caCertificate };
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
            assert.deepEqual(decisionsSince(t.world.proxy, mark), []);
        });

        it("serves concurrent connections, each logged into the database on its own", async () => {
            const mark = t.world.proxy.decisions.length;
            const results = await Promise.all(
                Array.from({ length: 4 }, () => login(t.world.proxy, t.world.workload, USER)),
            );
            assert.deepEqual(results, Array(4).fill([postgres ? USER : `${USER}@%`, 42]));
            const stages = decisionsSince(t.world.proxy, mark).map(([stage, , allow]) => `${stage} ${allow}`);
            assert.deepEqual(
                stages.sort(),
                [...Array(4).fill("client-token true"), ...Array(4).fill("database-login true")].sort(),
            );
        });

        it("logs into the database only with IAM: a user that has a password there is refused, though the proxy knows it", async () => {
            const mark = t.world.proxy.decisions.length;
            const reason = postgres
                ? `the database asked "${PASSWORD_USER}" for a password (authentication request 10), not an IAM token: the user is not an IAM user (rds_iam)`
                : `the database asked for the ${name === "mysql80" ? "caching_sha2_password" : "mysql_native_password"} plugin, not an IAM token: "${PASSWORD_USER}" is not an IAM user (AWSAuthenticationPlugin)`;
            assert.deepEqual(
                await refusal(login(t.world.proxy, t.world.workload, PASSWORD_USER)),
                postgres
                    ? [
                          "FATAL",
                          "08006",
                          `Request returned an error: password authentication failed for user "${PASSWORD_USER}"`,
                      ]
                    : [1045, "28000", `Access denied for user '${PASSWORD_USER}'@'%' (using password: YES)`],
            );
            assert.deepEqual(decisionsSince(t.world.proxy, mark), [
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
                        ...t.request(t.world.proxy, t.world.workload, USER),
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
                    const mark = t.world.proxy.decisions.length;
                    assert.deepEqual(
                        await firstAnswer(t.world.proxy.port, PROXY_ENDPOINT, t.world.amazonTrustCa, startup),
                        {
                            S: "FATAL",
                            C: expected.startsWith("Feature") ? "0A000" : "28000",
                            M: expected,
                        },
                    );
                    assert.deepEqual(decisionsSince(t.world.proxy, mark), []);
                });
            }
        }
    });
}
