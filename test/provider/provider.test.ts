import * as assert from "node:assert/strict";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { loginAndAsk } from "../../local/servers/login";
import { TestServers, ThrowawayServer, getTestServers } from "../../local/servers";
import { userInputs } from "../../local/servers/userInputs";

/** Runs check like the engine, then create; returns the id and outputs. */
async function createUser(server: ThrowawayServer, username: string, extra: Record<string, unknown> = {}) {
    const checked = await provider.check!({}, userInputs(server, username, extra));
    assert.deepEqual(checked.failures, undefined);
    const created = await provider.create(checked.inputs);
    return {
        id: created.id,
        outs: created.outs as Record<string, any>,
        inputs: checked.inputs as Record<string, any>,
    };
}

describe("DatabaseUser provider on real MariaDB", function () {
    this.timeout(60_000);
    let servers: TestServers;
    let m: ThrowawayServer;
    before(async () => {
        servers = await getTestServers();
        m = servers.mariadb;
    });
    afterEach(async () => {
        for (const u of ["iam_app", "adoptee", "ghost"]) await m.query(`DROP USER IF EXISTS '${u}'@'%'`);
    });

    it("creates the user with AWSAuthenticationPlugin 'RDS', REQUIRE SSL and the asked privileges", async () => {
        const { id, outs } = await createUser(m, "iam_app", { privileges: ["select", "INSERT"] });
        assert.equal(id, `mariadb://${m.endpoint}:${m.port}/iam_app`);
        assert.deepEqual(await m.query("SHOW CREATE USER 'iam_app'@'%'"), [
            {
                "CREATE USER for iam_app@%":
                    "CREATE USER `iam_app`@`%` IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL",
            },
        ]);
        assert.deepEqual(await m.query("SHOW GRANTS FOR 'iam_app'@'%'"), [
            {
                "Grants for iam_app@%":
                    "GRANT USAGE ON *.* TO `iam_app`@`%` IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL",
            },
            { "Grants for iam_app@%": "GRANT SELECT, INSERT ON `appdb`.* TO `iam_app`@`%`" },
        ]);
        assert.deepEqual(
            {
                privileges: outs.privileges,
                masterUsername: outs.masterUsername,
                iamAuthentication: outs.iamAuthentication,
            },
            { privileges: ["INSERT", "SELECT"], masterUsername: "master_admin", iamAuthentication: true },
        );
    });

    it("lets the created user log in with a token through the IAM plugin", async () => {
        await createUser(m, "iam_app", { privileges: ["SELECT"] });
        assert.equal(
            await loginAndAsk(m, { user: "iam_app", password: "a-token", database: "appdb" }),
            "iam_app@%",
        );
    });

    it("updates privileges in place: grants the new ones and revokes the dropped ones", async () => {
        const { id, inputs } = await createUser(m, "iam_app", { privileges: ["SELECT", "INSERT"] });
        const news = (await provider.check!(inputs, { ...inputs, privileges: ["SELECT", "UPDATE"] })).inputs;
        assert.deepEqual(await provider.diff!(id, { ...inputs, iamAuthentication: true }, news), {
            changes: true,
            replaces: [],
            deleteBeforeReplace: true,
            stables: ["engine", "username"],
        });
        await provider.update!(id, { ...inputs, iamAuthentication: true }, news);
        assert.deepEqual((await m.query("SHOW GRANTS FOR 'iam_app'@'%'"))[1], {
            "Grants for iam_app@%": "GRANT SELECT, UPDATE ON `appdb`.* TO `iam_app`@`%`",
        });
    });

    it("replaces the user when the username changes", async () => {
        const { id, inputs } = await createUser(m, "iam_app");
        const diff = await provider.diff!(id, inputs, { ...inputs, username: "iam_app2" });
        assert.deepEqual(diff.replaces, ["username"]);
        assert.equal(diff.deleteBeforeReplace, true);
    });

    it("deletes the user, and deleting it again succeeds", async () => {
        const { id, outs } = await createUser(m, "iam_app");
        await provider.delete!(id, outs);
        assert.deepEqual(await m.query("SELECT User FROM mysql.user WHERE User = 'iam_app'"), []);
        await provider.delete!(id, outs);
    });

    it("reads a user dropped out of band as gone", async () => {
        const { id, outs } = await createUser(m, "iam_app");
        await m.query("DROP USER 'iam_app'@'%'");
        assert.deepEqual(await provider.read!(id, outs), { id: "", props: {} });
    });

    it("reads a user switched to a password as drifted, and the next update switches it back to IAM", async () => {
        const { id, outs } = await createUser(m, "iam_app", { privileges: ["SELECT"] });
        await m.query("ALTER USER 'iam_app'@'%' IDENTIFIED BY 'sneaky'");
        const read = await provider.read!(id, outs);
        assert.equal(read.props!.iamAuthentication, false);
        const diff = await provider.diff!(id, read.props!, read.inputs!);
        assert.equal(diff.changes, true);
        await provider.update!(id, read.props!, read.inputs!);
        assert.equal((await provider.read!(id, outs)).props!.iamAuthentication, true);
    });

    it("reads privileges granted out of band as drift", async () => {
        const { id, outs } = await createUser(m, "iam_app", { privileges: ["SELECT"] });
        await m.query("GRANT DELETE ON appdb.* TO 'iam_app'@'%'");
        assert.deepEqual((await provider.read!(id, outs)).props!.privileges, ["DELETE", "SELECT"]);
    });

    it("refuses to create a user that already exists, and takes it over with adopt", async () => {
        await m.query("CREATE USER 'adoptee'@'%' IDENTIFIED BY 'old-password'");
        await m.query("GRANT DROP ON appdb.* TO 'adoptee'@'%'");
        const inputs = (await provider.check!({}, userInputs(m, "adoptee", { privileges: ["SELECT"] })))
            .inputs;
        await assert.rejects(provider.create(inputs), {
            message: `database user "adoptee" already exists on mariadb ${m.endpoint}:${m.port}. Set adopt: true to take it over (its login becomes IAM-only and its privileges are set to [SELECT]), or choose another username.`,
        });
        await provider.create({ ...inputs, adopt: true });
        assert.deepEqual(await m.query("SHOW GRANTS FOR 'adoptee'@'%'"), [
            {
                "Grants for adoptee@%":
                    "GRANT USAGE ON *.* TO `adoptee`@`%` IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS' REQUIRE SSL",
            },
            { "Grants for adoptee@%": "GRANT SELECT ON `appdb`.* TO `adoptee`@`%`" },
        ]);
    });

    it("leaves nothing half-made when a grant fails after CREATE USER, so the retry converges", async () => {
        const inputs = (
            await provider.check!({}, userInputs(m, "iam_app", { privileges: ["SELECT"], database: "appdb" }))
        ).inputs;
        // The grant fails: the master may not grant on a database it has no rights on.
        await m.query("CREATE OR REPLACE USER 'limited_master'@'%' IDENTIFIED BY 'limited-pw' REQUIRE SSL");
        await m.query("GRANT CREATE USER ON *.* TO 'limited_master'@'%'");
        const limited = { ...inputs, master: { username: "limited_master", password: "limited-pw" } };
        await assert.rejects(
            provider.create(limited),
            /Access denied for user 'limited_master'@'%' to database 'appdb'/,
        );
        assert.deepEqual(await m.query("SELECT User FROM mysql.user WHERE User = 'iam_app'"), []);
        await provider.create(inputs);
        assert.deepEqual(await m.query("SELECT User, plugin FROM mysql.user WHERE User = 'iam_app'"), [
            { User: "iam_app", plugin: "AWSAuthenticationPlugin" },
        ]);
        await m.query("DROP USER 'limited_master'@'%'");
    });
});

describe("DatabaseUser provider on real PostgreSQL", function () {
    this.timeout(60_000);
    let p: ThrowawayServer;
    before(async () => {
        p = (await getTestServers()).postgres;
    });
    afterEach(async () => {
        for (const u of ["iam_app", "adoptee"]) {
            const [exists] = await p.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [u]);
            if (exists) await pgQuery(`REVOKE rds_iam FROM ${u}; DROP OWNED BY ${u}; DROP ROLE ${u}`);
        }
    });

    async function pgQuery(sql: string, params?: unknown[]) {
        // appdb, where the tables are: the server helper connects to "postgres"
        const pg = require("pg") as typeof import("pg");
        const client = new pg.Client({
            host: p.host,
            port: p.port,
            user: p.master.username,
            password: p.master.password,
            database: "appdb",
            ssl: { ca: p.caCertificate, servername: p.endpoint },
        });
        await client.connect();
        try {
            return (await client.query(sql, params)).rows;
        } finally {
            await client.end();
        }
    }

    before(async () => {
        await pgQuery("CREATE TABLE IF NOT EXISTS public.orders (id serial PRIMARY KEY, note text)");
    });

    it("creates a login role in rds_iam with CONNECT and the table privileges", async () => {
        await createUser(p, "iam_app", { privileges: ["SELECT", "INSERT"] });
        assert.deepEqual(
            await pgQuery(`SELECT rolcanlogin, rolpassword IS NULL AS no_password, pg_has_role('iam_app', 'rds_iam', 'MEMBER') AS iam,
            has_database_privilege('iam_app', 'appdb', 'CONNECT') AS connect,
            has_table_privilege('iam_app', 'public.orders', 'SELECT') AS sel, has_table_privilege('iam_app', 'public.orders', 'INSERT') AS ins,
            has_table_privilege('iam_app', 'public.orders', 'DELETE') AS del, has_sequence_privilege('iam_app', 'public.orders_id_seq', 'USAGE') AS seq
            FROM pg_authid WHERE rolname = 'iam_app'`),
            [
                {
                    rolcanlogin: true,
                    no_password: true,
                    iam: true,
                    connect: true,
                    sel: true,
                    ins: true,
                    del: false,
                    seq: true,
                },
            ],
        );
    });

    it("lets the created user log in through the rds_iam hook and read the table", async () => {
        await createUser(p, "iam_app", { privileges: ["SELECT"] });
        assert.equal(
            await loginAndAsk(p, { user: "iam_app", password: "a-token", database: "appdb" }),
            "iam_app",
        );
    });

    it("grants future tables through default privileges", async () => {
        await createUser(p, "iam_app", { privileges: ["SELECT"] });
        await pgQuery("CREATE TABLE public.later (id int)");
        assert.deepEqual(
            await pgQuery("SELECT has_table_privilege('iam_app', 'public.later', 'SELECT') AS sel"),
            [{ sel: true }],
        );
        await pgQuery("DROP TABLE public.later");
    });

    it("updates privileges in place", async () => {
        const { id, inputs } = await createUser(p, "iam_app", { privileges: ["SELECT", "INSERT"] });
        const news = (await provider.check!(inputs, { ...inputs, privileges: ["SELECT", "DELETE"] })).inputs;
        await provider.update!(id, { ...inputs, iamAuthentication: true }, news);
        assert.deepEqual(
            await pgQuery(
                `SELECT has_table_privilege('iam_app', 'public.orders', 'INSERT') AS ins, has_table_privilege('iam_app', 'public.orders', 'DELETE') AS del`,
            ),
            [{ ins: false, del: true }],
        );
        assert.deepEqual((await provider.read!(id, news)).props!.privileges, ["DELETE", "SELECT"]);
    });

    it("reads a revoked rds_iam as drift and repairs it on update", async () => {
        const { id, outs } = await createUser(p, "iam_app");
        await p.query("REVOKE rds_iam FROM iam_app");
        const read = await provider.read!(id, outs);
        assert.equal(read.props!.iamAuthentication, false);
        assert.equal((await provider.diff!(id, read.props!, read.inputs!)).changes, true);
        await provider.update!(id, read.props!, read.inputs!);
        assert.deepEqual(await p.query("SELECT pg_has_role('iam_app', 'rds_iam', 'MEMBER') AS iam"), [
            { iam: true },
        ]);
    });

    it("reads a role dropped out of band as gone", async () => {
        const { id, outs } = await createUser(p, "iam_app");
        await pgQuery("REVOKE rds_iam FROM iam_app; DROP OWNED BY iam_app; DROP ROLE iam_app");
        assert.deepEqual(await provider.read!(id, outs), { id: "", props: {} });
    });

    it("drops the user after giving its objects to the master, who keeps its password login and never joins rds_iam", async () => {
        const { id, outs } = await createUser(p, "iam_app", { privileges: ["ALL"] });
        await pgQuery(
            "CREATE TABLE public.owned_by_app (id int); ALTER TABLE public.owned_by_app OWNER TO iam_app",
        );
        await provider.delete!(id, outs);
        assert.deepEqual(await pgQuery("SELECT tableowner FROM pg_tables WHERE tablename = 'owned_by_app'"), [
            { tableowner: "master_admin" },
        ]);
        assert.deepEqual(await p.query("SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'iam_app'"), [
            { n: 0 },
        ]);
        // Membership through any chain of roles (pg_has_role is always true for a superuser).
        assert.deepEqual(
            await p.query(`WITH RECURSIVE m AS (
                SELECT roleid FROM pg_auth_members WHERE member = (SELECT oid FROM pg_roles WHERE rolname = 'master_admin')
                UNION SELECT a.roleid FROM pg_auth_members a JOIN m ON a.member = m.roleid)
            SELECT count(*)::int AS n FROM m JOIN pg_roles r ON r.oid = m.roleid WHERE r.rolname = 'rds_iam'`),
            [{ n: 0 }],
        );
        assert.equal(
            await loginAndAsk(p, { user: "master_admin", password: p.master.password }),
            "master_admin",
        );
        await provider.delete!(id, outs);
        await pgQuery("DROP TABLE public.owned_by_app");
    });

    it("refuses to create an existing role, and adopts it when asked, removing its password", async () => {
        await p.query("CREATE USER adoptee WITH LOGIN PASSWORD 'old'");
        const inputs = (await provider.check!({}, userInputs(p, "adoptee"))).inputs;
        await assert.rejects(provider.create(inputs), {
            message: `database user "adoptee" already exists on postgres ${p.endpoint}:${p.port}. Set adopt: true to take it over (its login becomes IAM-only and its privileges are set to []), or choose another username.`,
        });
        await provider.create({ ...inputs, adopt: true });
        assert.deepEqual(
            await p.query(
                "SELECT rolpassword IS NULL AS no_password, pg_has_role('adoptee', 'rds_iam', 'MEMBER') AS iam FROM pg_authid WHERE rolname = 'adoptee'",
            ),
            [{ no_password: true, iam: true }],
        );
    });
});
