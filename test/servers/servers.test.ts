import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { loginAndAsk } from "../../local/servers/login";
import {
    TestServers,
    getTestServers,
    loginLog,
    resetLoginDecider,
    setLoginDecider,
} from "../../local/servers";

describe("throwaway test servers", function () {
    this.timeout(60_000);
    let servers: TestServers;

    before(async () => {
        servers = await getTestServers();
    });
    afterEach(() => resetLoginDecider());

    it("start both servers in under 5 seconds", () => {
        assert.ok(servers.startupMs < 5_000, `took ${servers.startupMs} ms`);
    });

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
