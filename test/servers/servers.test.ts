import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { loginAndAsk } from "../../local/servers/login";
import {
    PROVIDER_MATRIX,
    TestServers,
    ThrowawayServer,
    getTestServers,
    loginLog,
    resetLoginDecider,
    setLoginDecider,
} from "../../local/servers";
import { RDS_MYSQL_MASTER_PRIVILEGES } from "../../local/servers/rdsPrivileges";
import { serverOrSkip } from "../support/matrix";

describe("throwaway test servers", function () {
    this.timeout(60_000);
    let servers: TestServers;

    before(async () => {
        servers = await getTestServers();
    });
    afterEach(() => resetLoginDecider());

    it("serve TLS verified against their own certificate for the RDS-like endpoint name", async () => {
        assert.deepEqual(
            await servers.postgres.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"),
            [{ ssl: true }],
        );
        const [row] = await servers.mariadb.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
        assert.match(String(row.Value), /^TLSv1\.[23]$/);
    });

    it("refuse a certificate check against another host name", async () => {
        await assert.rejects(
            loginAndAsk(
                { ...servers.postgres, endpoint: "other.example.com" },
                { user: "master_admin", password: servers.postgres.master.password },
            ),
            /Hostname\/IP does not match certificate's altnames/,
        );
        await assert.rejects(
            loginAndAsk(
                { ...servers.mariadb, endpoint: "other.example.com" },
                { user: "master_admin", password: servers.mariadb.master.password },
            ),
            /Hostname\/IP does not match certificate's altnames/,
        );
    });

    it("refuse plain TCP without TLS on both engines", async () => {
        await assert.rejects(
            loginAndAsk(servers.postgres, {
                user: "master_admin",
                password: servers.postgres.master.password,
                tls: false,
            }),
            /no pg_hba.conf entry for host "127.0.0.1", user "master_admin", database "postgres", no encryption/,
        );
        await servers.mariadb.query("CREATE OR REPLACE USER 'plain_user'@'%' IDENTIFIED BY 'pw'");
        assert.equal(
            await loginAndAsk(servers.mariadb, { user: "plain_user", password: "pw" }),
            "plain_user@%",
        );
        await assert.rejects(
            loginAndAsk(servers.mariadb, { user: "plain_user", password: "pw", tls: false }),
            /Access denied for user 'plain_user'@'127.0.0.1' \(using password: YES\)/,
        );
        await servers.mariadb.query("DROP USER 'plain_user'@'%'");
    });

    it("have rds_iam on PostgreSQL as a role that cannot log in, as on RDS", async () => {
        assert.deepEqual(
            await servers.postgres.query(
                "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname = 'rds_iam'",
            ),
            [{ rolname: "rds_iam", rolcanlogin: false }],
        );
    });

    it("have the test AWSAuthenticationPlugin active on MariaDB", async () => {
        assert.deepEqual(
            await servers.mariadb.query(
                "SELECT PLUGIN_NAME, PLUGIN_STATUS, PLUGIN_MATURITY FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'AWSAuthenticationPlugin'",
            ),
            [{ PLUGIN_NAME: "AWSAuthenticationPlugin", PLUGIN_STATUS: "ACTIVE", PLUGIN_MATURITY: "Stable" }],
        );
    });

    it("let a MariaDB user created with the RDS SQL log in through the plugin, and refuse it when the decider says no", async () => {
        const m = servers.mariadb;
        await m.query("DROP USER IF EXISTS 'hook_user'@'%'");
        await m.query(
            "CREATE USER 'hook_user'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
        );
        assert.equal(await loginAndAsk(m, { user: "hook_user", password: "token-abc" }), "hook_user@%");
        assert.deepEqual(loginLog.at(-1), {
            engine: "mariadb",
            user: "hook_user",
            clientHost: "127.0.0.1",
            password: "token-abc",
            allow: true,
            reason: "default decider: any non-empty token",
        });
        setLoginDecider(() => ({ allow: false, reason: "test says no" }));
        await assert.rejects(
            loginAndAsk(m, { user: "hook_user", password: "token-abc" }),
            /Access denied for user 'hook_user'@'127.0.0.1' \(using password: YES\)/,
        );
        await m.query("DROP USER 'hook_user'@'%'");
    });

    it("let a PostgreSQL member of rds_iam log in through LDAP with a 1,600-byte token, and refuse it when the decider says no", async () => {
        const p = servers.postgres;
        await p.query("DROP ROLE IF EXISTS hook_user");
        await p.query("CREATE USER hook_user WITH LOGIN");
        await p.query("GRANT rds_iam TO hook_user");
        const token = "t".repeat(1600);
        let seen = "";
        setLoginDecider((a) => {
            seen = `${a.engine}:${a.user}:${a.password.length}`;
            return { allow: true, reason: "ok" };
        });
        assert.equal(await loginAndAsk(p, { user: "hook_user", password: token }), "hook_user");
        assert.equal(seen, "postgres:hook_user:1600");
        setLoginDecider(() => ({ allow: false, reason: "test says no" }));
        await assert.rejects(
            loginAndAsk(p, { user: "hook_user", password: token }),
            /LDAP authentication failed for user "hook_user"/,
        );
        await p.query("DROP ROLE hook_user");
    });

    it("keep scram password login for PostgreSQL roles outside rds_iam", async () => {
        const p = servers.postgres;
        await p.query("DROP ROLE IF EXISTS pw_user");
        await p.query("CREATE USER pw_user WITH LOGIN PASSWORD 'right-password'");
        setLoginDecider(() => {
            throw new Error("the hook must not be asked");
        });
        assert.equal(await loginAndAsk(p, { user: "pw_user", password: "right-password" }), "pw_user");
        await assert.rejects(
            loginAndAsk(p, { user: "pw_user", password: "wrong" }),
            /password authentication failed for user "pw_user"/,
        );
        await p.query("DROP ROLE pw_user");
    });

    it("return exactly the statements sent after a log mark", async () => {
        for (const server of [servers.postgres, servers.mariadb]) {
            const mark = await server.logMark();
            await server.query("SELECT 'marked statement' AS x");
            const statements = await server.statementsSince(mark);
            assert.deepEqual(
                statements.filter((s) => s.includes("marked statement")),
                ["SELECT 'marked statement' AS x"],
            );
        }
    });

    it("keep their files in a temp dir that exists while they run", () => {
        assert.ok(fs.existsSync(servers.postgres.dataDir));
        assert.ok(fs.existsSync(servers.mariadb.dataDir));
    });
});

describe("the throwaway MySQL 8.0 server", function () {
    this.timeout(120_000);
    let m: ThrowawayServer;

    before(async function () {
        m = await serverOrSkip(this, "mysql80");
    });
    afterEach(async () => {
        resetLoginDecider();
        for (const user of ["plain_user", "hook_user", "bad_user"]) {
            await m.inspect("DROP USER IF EXISTS ?@'%'", [user]);
        }
    });

    it("is Oracle MySQL 8.0, serving TLS verified against its own certificate for the RDS-like endpoint name", async () => {
        assert.match(m.label, /^MySQL 8\.0\.\d+$/);
        const [row] = await m.query("SHOW SESSION STATUS LIKE 'Ssl_version'");
        assert.match(String(row.Value), /^TLSv1\.[23]$/);
        await assert.rejects(
            loginAndAsk(
                { ...m, endpoint: "other.example.com" },
                { user: "master_admin", password: m.master.password },
            ),
            /Hostname\/IP does not match certificate's altnames/,
        );
    });

    it("refuses plain TCP without TLS", async () => {
        await m.query("CREATE USER 'plain_user'@'%' IDENTIFIED BY 'pw'");
        assert.equal(await loginAndAsk(m, { user: "plain_user", password: "pw" }), "plain_user@%");
        await assert.rejects(loginAndAsk(m, { user: "plain_user", password: "pw", tls: false }), {
            message:
                "Connections using insecure transport are prohibited while --require_secure_transport=ON.",
        });
    });

    it("has the test AWSAuthenticationPlugin active, taking only AS 'RDS'", async () => {
        assert.deepEqual(
            await m.query(
                "SELECT PLUGIN_NAME, PLUGIN_STATUS, PLUGIN_TYPE FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'AWSAuthenticationPlugin'",
            ),
            [
                {
                    PLUGIN_NAME: "AWSAuthenticationPlugin",
                    PLUGIN_STATUS: "ACTIVE",
                    PLUGIN_TYPE: "AUTHENTICATION",
                },
            ],
        );
        await assert.rejects(
            m.query("CREATE USER 'bad_user'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'rds'"),
            {
                message: "The password hash doesn't have the expected format.",
            },
        );
        await assert.rejects(
            m.query("CREATE USER 'bad_user'@'%' IDENTIFIED WITH AWSAuthenticationPlugin BY 'pw'"),
            {
                message: "Operation CREATE USER failed for 'bad_user'@'%'",
            },
        );
    });

    it("lets a user created with the RDS SQL log in through the plugin, and refuses it when the decider says no", async () => {
        await m.query(
            "CREATE USER 'hook_user'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
        );
        assert.equal(await loginAndAsk(m, { user: "hook_user", password: "token-abc" }), "hook_user@%");
        assert.deepEqual(loginLog.at(-1), {
            engine: "mysql",
            user: "hook_user",
            clientHost: "127.0.0.1",
            password: "token-abc",
            allow: true,
            reason: "default decider: any non-empty token",
        });
        setLoginDecider(() => ({ allow: false, reason: "test says no" }));
        await assert.rejects(loginAndAsk(m, { user: "hook_user", password: "token-abc" }), {
            message: "Access denied for user 'hook_user'@'127.0.0.1' (using password: YES)",
        });
        // Without TLS: an account created REQUIRE SSL is refused as a failed login (acl_authenticate checks
        // the account's SSL type first), any other account by require_secure_transport.
        setLoginDecider(() => ({ allow: true, reason: "test says yes" }));
        await assert.rejects(loginAndAsk(m, { user: "hook_user", password: "token-abc", tls: false }), {
            message: "Access denied for user 'hook_user'@'127.0.0.1' (using password: YES)",
        });
        await m.query("CREATE USER 'plain_tcp'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'");
        await assert.rejects(loginAndAsk(m, { user: "plain_tcp", password: "token-abc", tls: false }), {
            message:
                "Connections using insecure transport are prohibited while --require_secure_transport=ON.",
        });
    });

    it("returns exactly the statements sent after a log mark, with passwords left out", async () => {
        const mark = await m.logMark();
        await m.query("SELECT 'marked\nstatement' AS x");
        await m.query("CREATE USER 'plain_user'@'%' IDENTIFIED BY 'a-password'");
        assert.deepEqual(await m.statementsSince(mark), [
            "SELECT 'marked\nstatement' AS x",
            "CREATE USER 'plain_user'@'%' IDENTIFIED BY <secret>",
        ]);
    });

    it("keeps its files in a temp dir that exists while it runs", () => {
        assert.ok(fs.existsSync(m.dataDir));
    });
});

/**
 * The servers' masters have exactly RDS's privileges — checked here so nobody can quietly give the
 * harness a superuser again (RDS User Guide: "Understanding the rds_superuser role", "Master user
 * account privileges").
 */
for (const name of PROVIDER_MATRIX) {
    describe(`the ${name} master, as on RDS`, function () {
        this.timeout(60_000);
        let server: ThrowawayServer;
        before(async function () {
            server = await serverOrSkip(this, name);
        });

        if (name === "mysql80") {
            it("holds RDS for MySQL 8.0.36+'s grant list and rds_superuser_role: no SUPER, no SYSTEM_USER, no ALL", async () => {
                const statics = `${RDS_MYSQL_MASTER_PRIVILEGES.join(", ")}, CREATE ROLE, DROP ROLE`;
                const dynamics = "APPLICATION_PASSWORD_ADMIN,ROLE_ADMIN,SET_USER_ID,XA_RECOVER_ADMIN";
                assert.deepEqual(
                    (await server.query("SHOW GRANTS")).map((r) => Object.values(r)[0]),
                    [
                        `GRANT ${statics} ON *.* TO \`master_admin\`@\`%\` WITH GRANT OPTION`,
                        `GRANT ${dynamics} ON *.* TO \`master_admin\`@\`%\` WITH GRANT OPTION`,
                        "GRANT `rds_superuser_role`@`%` TO `master_admin`@`%`",
                    ],
                );
                assert.deepEqual(
                    (await server.query("SHOW GRANTS FOR rds_superuser_role")).map(
                        (r) => Object.values(r)[0],
                    ),
                    [
                        `GRANT ${statics} ON *.* TO \`rds_superuser_role\`@\`%\` WITH GRANT OPTION`,
                        `GRANT ${dynamics} ON *.* TO \`rds_superuser_role\`@\`%\` WITH GRANT OPTION`,
                    ],
                );
                assert.deepEqual(
                    // @@ssl_cipher is the server's cipher list on MySQL; the session's cipher is a status variable.
                    await server.query(
                        "SELECT CURRENT_ROLE() AS r, (SELECT VARIABLE_VALUE <> '' FROM performance_schema.session_status WHERE VARIABLE_NAME = 'Ssl_cipher') AS tls",
                    ),
                    [{ r: "`rds_superuser_role`@`%`", tls: 1 }],
                );
                await assert.rejects(server.query("SET GLOBAL general_log = OFF"), {
                    message:
                        "Access denied; you need (at least one of) the SUPER or SYSTEM_VARIABLES_ADMIN privilege(s) for this operation",
                });
                await assert.rejects(server.query("ALTER USER 'root'@'localhost' ACCOUNT LOCK"), {
                    message:
                        "Access denied; you need (at least one of) the SYSTEM_USER privilege(s) for this operation",
                });
            });
        } else if (name === "mariadb") {
            it("holds RDS's global grant list: no SUPER, no FILE, no ALL", async () => {
                assert.deepEqual(await server.query("SHOW GRANTS"), [
                    {
                        "Grants for master_admin@%": `GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, BINLOG MONITOR, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER ON *.* TO \`master_admin\`@\`%\` IDENTIFIED BY PASSWORD '${(await server.inspect("SELECT authentication_string AS h FROM mysql.user WHERE User = 'master_admin'"))[0].h}' REQUIRE SSL WITH GRANT OPTION`,
                    },
                ]);
                await assert.rejects(server.query("GRANT ALL PRIVILEGES ON appdb.* TO 'master_admin'@'%'"), {
                    message: "Access denied for user 'master_admin'@'%' to database 'appdb'",
                });
            });
        } else {
            it("is LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION NOBYPASSRLS in rds_superuser, bootstrapped by rdsadmin", async () => {
                assert.deepEqual(
                    await server.query(
                        `SELECT rolcanlogin, rolsuper, rolinherit, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls,
                            pg_has_role(current_user, 'rds_superuser', 'MEMBER') AS rds_superuser,
                            pg_has_role(current_user, 'rds_iam', 'USAGE') AS rds_iam,
                            (SELECT rolname FROM pg_roles WHERE oid = 10) AS bootstrap
                         FROM pg_roles WHERE rolname = current_user`,
                    ),
                    [
                        {
                            rolcanlogin: true,
                            rolsuper: false,
                            rolinherit: true,
                            rolcreatedb: true,
                            rolcreaterole: true,
                            rolreplication: false,
                            rolbypassrls: false,
                            rds_superuser: true,
                            rds_iam: false,
                            bootstrap: "rdsadmin",
                        },
                    ],
                );
            });

            it("cannot read pg_authid or pg_shadow", async () => {
                await assert.rejects(server.query("SELECT rolname FROM pg_authid"), {
                    message: "permission denied for table pg_authid",
                });
                await assert.rejects(server.query("SELECT usename FROM pg_shadow"), {
                    message: "permission denied for view pg_shadow",
                });
            });

            it("owns the app database and has RDS's roles, none of which can log in", async () => {
                assert.deepEqual(
                    await server.query(
                        `SELECT (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'appdb') AS owner,
                            ARRAY(SELECT rolname::text FROM pg_roles WHERE rolname LIKE 'rds%' AND NOT rolcanlogin ORDER BY 1) AS roles`,
                    ),
                    [
                        {
                            owner: "master_admin",
                            roles: ["rds_ad", "rds_iam", "rds_password", "rds_replication", "rds_superuser"],
                        },
                    ],
                );
            });
        }
    });
}
