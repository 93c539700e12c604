import * as assert from "node:assert/strict";
import { connectPolicyDocument } from "../../components/connectPolicy";
import { getMysqlConnectionOptions, getPgConnectionOptions } from "../../components/client";
import { TokenCache } from "../../components/client/tokenCache";
import { NamedDocument } from "../../local/emulator/iamPolicy";
import { fakePrincipal, signToken } from "../../local/emulator/principals";
import { EmulatedDatabase, Principal, createIamLoginVerifier } from "../../local/emulator/verifier";
import { loginAndAsk } from "../../local/servers/login";
import {
    TestServers,
    ThrowawayServer,
    getTestServers,
    loginLog,
    resetLoginDecider,
    setLoginDecider,
} from "../../local/servers";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const IDS = { mariadb: "db-MARIADBTHROWAWAY0000000001", postgres: "db-POSTGRESTHROWAWAY000000001" };

function grantFor(engine: "mariadb" | "postgres", username: string): NamedDocument {
    return {
        name: `${engine}-${username}`,
        document: JSON.stringify(
            connectPolicyDocument([
                { region: REGION, accountId: ACCOUNT, resourceId: IDS[engine], username },
            ]),
        ),
    };
}

describe("IAM logins end to end (emulated RDS IAM auth on the throwaway servers)", function () {
    this.timeout(120_000);
    let servers: TestServers;
    let app: Principal;
    let lastReason: () => string;

    const databases = (s: TestServers): EmulatedDatabase[] =>
        (["mariadb", "postgres"] as const).map((engine) => ({
            engine,
            endpoint: s[engine].endpoint,
            port: s[engine].port,
            region: REGION,
            accountId: ACCOUNT,
            resourceId: IDS[engine],
        }));

    function useVerifier(principals: Principal[], now?: () => number) {
        setLoginDecider(createIamLoginVerifier({ databases: databases(servers), principals, now }));
    }

    function credentialsOf(p: Principal) {
        return {
            accessKeyId: p.accessKeyId,
            secretAccessKey: p.secretAccessKey,
            sessionToken: p.sessionToken,
        };
    }

    function request(
        server: ThrowawayServer,
        principal: Principal,
        username: string,
        extra: Record<string, unknown> = {},
    ) {
        return {
            engine: server.engine,
            host: server.endpoint,
            port: server.port,
            username,
            region: REGION,
            database: server.database,
            credentials: credentialsOf(principal),
            connectHost: server.host,
            caCertificate: server.caCertificate,
            tokenCache: new TokenCache(),
            ...extra,
        } as const;
    }

    async function mysqlQuery(options: object): Promise<string> {
        const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
        const connection = await mysql.createConnection(options);
        try {
            const [rows] = await connection.query("SELECT current_user() AS u");
            return (rows as { u: string }[])[0].u;
        } finally {
            await connection.end();
        }
    }

    async function pgQuery(options: object): Promise<string> {
        const pg = require("pg") as typeof import("pg");
        const client = new pg.Client(options);
        await client.connect();
        try {
            return (await client.query("SELECT current_user AS u")).rows[0].u;
        } finally {
            await client.end();
        }
    }

    before(async () => {
        servers = await getTestServers();
        const m = servers.mariadb;
        const p = servers.postgres;
        await m.query(
            "CREATE OR REPLACE USER 'app_rw'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
        );
        await m.query(
            "CREATE OR REPLACE USER 'other_rw'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
        );
        await m.query("CREATE OR REPLACE USER 'pw_user'@'%' IDENTIFIED BY 'pw' REQUIRE SSL");
        await m.query("GRANT SELECT ON appdb.* TO 'app_rw'@'%'");
        for (const sql of [
            "DROP ROLE IF EXISTS app_rw",
            "DROP ROLE IF EXISTS other_rw",
            "DROP ROLE IF EXISTS no_iam",
            "CREATE USER app_rw WITH LOGIN",
            "GRANT rds_iam TO app_rw",
            "CREATE USER other_rw WITH LOGIN",
            "GRANT rds_iam TO other_rw",
            "CREATE USER no_iam WITH LOGIN PASSWORD 'pw'",
            // Explicit: a provider test may have taken PUBLIC's CONNECT on this shared server away,
            // as the provider does for the databases it grants in.
            `GRANT CONNECT ON DATABASE ${p.database} TO app_rw, other_rw, no_iam`,
        ]) {
            await p.query(sql);
        }
        app = fakePrincipal("arn:aws:iam::123456789012:role/api-role", [
            grantFor("mariadb", "app_rw"),
            grantFor("postgres", "app_rw"),
        ]);
        lastReason = () => String(loginLog.at(-1)?.reason);
    });
    afterEach(() => resetLoginDecider());
    after(async () => {
        for (const u of ["app_rw", "other_rw", "pw_user"])
            await servers.mariadb.query(`DROP USER IF EXISTS '${u}'@'%'`);
        await servers.postgres.query(
            `REVOKE CONNECT ON DATABASE ${servers.postgres.database} FROM app_rw, other_rw, no_iam`,
        );
        for (const u of ["app_rw", "other_rw", "no_iam"])
            await servers.postgres.query(`DROP ROLE IF EXISTS ${u}`);
    });

    it("logs in to MariaDB with the client helper's mysql2 options and a role-session token", async () => {
        useVerifier([app]);
        assert.equal(
            await mysqlQuery(await getMysqlConnectionOptions(request(servers.mariadb, app, "app_rw"))),
            "app_rw@%",
        );
        assert.match(
            lastReason(),
            /^arn:aws:iam::123456789012:role\/api-role may connect as arn:aws:rds-db:us-east-1:123456789012:dbuser:db-MARIADBTHROWAWAY0000000001\/app_rw/,
        );
    });

    it("logs in to PostgreSQL with the client helper's pg options", async () => {
        useVerifier([app]);
        assert.equal(
            await pgQuery(getPgConnectionOptions(request(servers.postgres, app, "app_rw"))),
            "app_rw",
        );
    });

    it("serves pooled connections on both engines with one signing per user", async () => {
        useVerifier([app]);
        const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
        const pg = require("pg") as typeof import("pg");
        const cache = new TokenCache();
        const mysqlPool = mysql.createPool({
            ...(await getMysqlConnectionOptions(
                request(servers.mariadb, app, "app_rw", { tokenCache: cache }),
            )),
            connectionLimit: 4,
        });
        const pgPool = new pg.Pool({
            ...getPgConnectionOptions(request(servers.postgres, app, "app_rw", { tokenCache: cache })),
            max: 4,
        });
        try {
            const results = await Promise.all([
                ...Array.from({ length: 4 }, () =>
                    mysqlPool
                        .query("SELECT SLEEP(0.05), current_user() AS u")
                        .then(([r]) => (r as { u: string }[])[0].u),
                ),
                ...Array.from({ length: 4 }, () =>
                    pgPool
                        .query("SELECT pg_sleep(0.05), current_user AS u")
                        .then((r) => r.rows[0].u as string),
                ),
            ]);
            assert.deepEqual(results, [
                "app_rw@%",
                "app_rw@%",
                "app_rw@%",
                "app_rw@%",
                "app_rw",
                "app_rw",
                "app_rw",
                "app_rw",
            ]);
            assert.equal(cache.signings, 2);
        } finally {
            await mysqlPool.end();
            await pgPool.end();
        }
    });

    for (const engine of ["mariadb", "postgres"] as const) {
        const refused =
            engine === "mariadb" ? /Access denied for user/ : /LDAP authentication failed for user/;
        const login = async (user: string, token: string) =>
            loginAndAsk(servers[engine], { user, password: token, database: servers[engine].database });
        const token = (p: Principal, user: string, over: { port?: number; region?: string } = {}) =>
            signToken(
                p,
                servers[engine].endpoint,
                over.port ?? servers[engine].port,
                user,
                over.region ?? REGION,
            );

        describe(`denials on ${engine}`, () => {
            it("refuses a token for another user", async () => {
                useVerifier([app]);
                await assert.rejects(login("other_rw", await token(app, "app_rw")), refused);
                assert.equal(lastReason(), 'wrong user: token is for "app_rw", login is "other_rw"');
            });

            it("refuses an expired token", async () => {
                useVerifier([app], () => Date.now() + 20 * 60_000);
                await assert.rejects(login("app_rw", await token(app, "app_rw")), refused);
                assert.match(lastReason(), /^expired: /);
            });

            it("refuses a tampered signature", async () => {
                useVerifier([app]);
                const tampered = (await token(app, "app_rw")).replace(
                    /X-Amz-Signature=([0-9a-f])/,
                    (_m, c) => `X-Amz-Signature=${c === "a" ? "b" : "a"}`,
                );
                await assert.rejects(login("app_rw", tampered), refused);
                assert.equal(lastReason(), "bad signature");
            });

            it("refuses a token signed for another region", async () => {
                useVerifier([app]);
                await assert.rejects(
                    login("app_rw", await token(app, "app_rw", { region: "eu-west-1" })),
                    refused,
                );
                assert.equal(
                    lastReason(),
                    "wrong region: token is signed for eu-west-1, the database is in us-east-1",
                );
            });

            it("refuses a token signed for another port", async () => {
                useVerifier([app]);
                await assert.rejects(login("app_rw", await token(app, "app_rw", { port: 1 })), refused);
                assert.equal(
                    lastReason(),
                    `wrong host/port: token is for ${servers[engine].endpoint}:1, this database is ${servers[engine].endpoint}:${servers[engine].port}`,
                );
            });

            it("refuses a principal whose policy is for another user", async () => {
                const other = fakePrincipal("arn:aws:iam::123456789012:role/other", [
                    grantFor(engine, "other_rw"),
                ]);
                useVerifier([other]);
                await assert.rejects(login("app_rw", await token(other, "app_rw")), refused);
                assert.equal(
                    lastReason(),
                    `policy denies: nothing allows arn:aws:iam::123456789012:role/other rds-db:connect on arn:aws:rds-db:us-east-1:123456789012:dbuser:${IDS[engine]}/app_rw`,
                );
            });

            it("refuses a policy that names the database identifier instead of its resource id", async () => {
                const byName = fakePrincipal("arn:aws:iam::123456789012:role/by-name", [
                    {
                        name: "by-name",
                        document: JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Effect: "Allow",
                                    Action: "rds-db:connect",
                                    Resource: `arn:aws:rds-db:us-east-1:123456789012:dbuser:throwaway-${engine}/app_rw`,
                                },
                            ],
                        }),
                    },
                ]);
                useVerifier([byName]);
                await assert.rejects(login("app_rw", await token(byName, "app_rw")), refused);
                assert.match(lastReason(), /^policy denies: /);
            });

            it("lets an explicit Deny win over the grant", async () => {
                const denied = fakePrincipal("arn:aws:iam::123456789012:role/denied", [
                    grantFor(engine, "app_rw"),
                    {
                        name: "deny-all",
                        document: JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [{ Sid: "NoDb", Effect: "Deny", Action: "rds-db:*", Resource: "*" }],
                        }),
                    },
                ]);
                useVerifier([denied]);
                await assert.rejects(login("app_rw", await token(denied, "app_rw")), refused);
                assert.equal(
                    lastReason(),
                    `explicit deny for arn:aws:iam::123456789012:role/denied on arn:aws:rds-db:us-east-1:123456789012:dbuser:${IDS[engine]}/app_rw by policy "deny-all" statement NoDb`,
                );
            });

            it("refuses a login without TLS before any token is checked", async () => {
                useVerifier([app]);
                const before = loginLog.length;
                await assert.rejects(
                    loginAndAsk(servers[engine], {
                        user: "app_rw",
                        password: await token(app, "app_rw"),
                        tls: false,
                    }),
                    engine === "mariadb"
                        ? /Access denied for user 'app_rw'@'127.0.0.1'/
                        : /no pg_hba.conf entry for host "127.0.0.1", user "app_rw", database "postgres", no encryption/,
                );
                if (engine === "postgres") {
                    assert.equal(loginLog.length, before, "pg_hba refuses before the token is read");
                } else {
                    // MariaDB authenticates first and enforces REQUIRE SSL / require_secure_transport after:
                    // the (valid) token was checked, the session is still refused. Clients must never send it without TLS.
                    assert.deepEqual([loginLog.length, loginLog.at(-1)?.allow], [before + 1, true]);
                }
            });

            it(`refuses a valid token for a user that is not an IAM user (${engine === "mariadb" ? "password plugin" : "no rds_iam"})`, async () => {
                useVerifier([
                    fakePrincipal("arn:aws:iam::123456789012:role/pw", [
                        grantFor(engine, engine === "mariadb" ? "pw_user" : "no_iam"),
                    ]),
                ]);
                const user = engine === "mariadb" ? "pw_user" : "no_iam";
                const before = loginLog.length;
                const principal = fakePrincipal("arn:aws:iam::123456789012:role/pw", []);
                await assert.rejects(
                    login(user, await token(principal, user)),
                    engine === "mariadb"
                        ? /Access denied for user 'pw_user'@'127.0.0.1'/
                        : /password authentication failed for user "no_iam"/,
                );
                assert.equal(loginLog.length, before, "the IAM hook is never asked for a non-IAM user");
            });
        });
    }
});
