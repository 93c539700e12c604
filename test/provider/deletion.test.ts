import * as assert from "node:assert/strict";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { PROVIDER_MATRIX, POSTGRES_MAJORS, ThrowawayServer, getServer } from "../../local/servers";
import { userInputs } from "../../local/servers/userInputs";
import { assertMasterKeepsPasswordLogin, createVia, removeAsSuperuser } from "../support/providerHarness";
import { serverOrSkip } from "../support/matrix";

/** Objects the IAM user creates itself (as it would after logging in): a schema, a table with a serial, a view, a SECURITY DEFINER function and default privileges. */
async function createOwnedObjects(server: ThrowawayServer, username: string): Promise<void> {
    await server.inspect(
        `SET ROLE "${username}";
         CREATE SCHEMA app_owned;
         CREATE TABLE app_owned.items (id serial PRIMARY KEY, note text);
         CREATE VIEW app_owned.item_notes AS SELECT note FROM app_owned.items;
         CREATE FUNCTION app_owned.definer() RETURNS text LANGUAGE sql SECURITY DEFINER AS 'SELECT current_user::text';
         ALTER DEFAULT PRIVILEGES IN SCHEMA app_owned GRANT SELECT ON TABLES TO PUBLIC;
         RESET ROLE;`,
        [],
        server.database,
    );
}

for (const major of POSTGRES_MAJORS) {
    describe(`deleting a PostgreSQL ${major} user that owns objects`, function () {
        this.timeout(60_000);
        let server: ThrowawayServer;
        before(async () => {
            server = await getServer(`postgres${major}`);
            // Made by the master, as a platform team would: on 16+ that gives the master ADMIN on it.
            await server.query("CREATE ROLE archive NOLOGIN").catch(() => undefined);
        });
        afterEach(async () => {
            await assertMasterKeepsPasswordLogin(server);
            await server.inspect("DROP SCHEMA IF EXISTS app_owned CASCADE", [], server.database);
            await removeAsSuperuser(server, "owner_user");
        });

        async function owner(object: string): Promise<string> {
            const [row] = await server.inspect(
                `SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'app_owned'
                 UNION ALL SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = $1`,
                [object],
                server.database,
            );
            return String(row?.owner);
        }

        it("refuses by default, naming the objects by database, and changes nothing", async () => {
            const { id, outs } = await createVia(server, "owner_user", { privileges: ["CREATE"] });
            await createOwnedObjects(server, "owner_user");
            await assert.rejects(provider.delete!(id, outs), {
                message:
                    'database user "owner_user" owns objects (appdb: 3 tables, views or sequences, 1 default privileges, 1 schemas, 1 functions). ' +
                    "Deleting it would either drop them with their data or hand them to another role, so nothing was changed. " +
                    'Set ownedObjectsOnDelete: "drop" to drop them, or "reassign" with reassignOwnedTo: "<role without privileges>" ' +
                    'to keep them, or move them yourself (REASSIGN OWNED BY "owner_user" TO …) and run pulumi again.',
            });
            assert.deepEqual(
                await server.inspect("SELECT pg_has_role('owner_user', 'rds_iam', 'MEMBER') AS iam"),
                [{ iam: true }],
            );
            assert.equal(await owner("definer"), "owner_user");
        });

        it('drops the objects with "drop", and the role with them', async () => {
            const { id, outs } = await createVia(server, "owner_user", {
                privileges: ["CREATE"],
                ownedObjectsOnDelete: "drop",
            });
            await createOwnedObjects(server, "owner_user");
            await provider.delete!(id, outs);
            assert.deepEqual(
                await server.inspect(
                    "SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'app_owned'",
                    [],
                    server.database,
                ),
                [{ n: 0 }],
            );
            assert.deepEqual(
                await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = 'owner_user'"),
                [],
            );
        });

        it('hands the objects — the SECURITY DEFINER function too — to an unprivileged role with "reassign", never to the master', async () => {
            const { id, outs } = await createVia(server, "owner_user", {
                privileges: ["CREATE"],
                ownedObjectsOnDelete: "reassign",
                reassignOwnedTo: "archive",
            });
            await createOwnedObjects(server, "owner_user");
            await provider.delete!(id, outs);
            assert.deepEqual([await owner("definer"), await owner("nothing")], ["archive", "archive"]);
            assert.deepEqual(
                await server.inspect("SELECT pg_has_role($1, 'archive', 'USAGE') AS inherits", [
                    server.master.username,
                ]),
                [{ inherits: false }], // the temporary membership was not kept
            );
        });

        it("refuses to reassign to a privileged role such as the master, changing nothing", async () => {
            const { id, outs } = await createVia(server, "owner_user", {
                privileges: ["CREATE"],
                ownedObjectsOnDelete: "reassign",
                reassignOwnedTo: "archive",
            });
            await createOwnedObjects(server, "owner_user");
            await assert.rejects(provider.delete!(id, { ...outs, reassignOwnedTo: server.master.username }), {
                message: `reassignOwnedTo "${server.master.username}" is a privileged role (it is the master user, it has CREATEROLE, it has CREATEDB, it is a member of rds_superuser): objects such as SECURITY DEFINER functions would then run with its privileges. Reassign to a role without privileges. Nothing was changed.`,
            });
            assert.equal(await owner("definer"), "owner_user");
        });

        it("removes its grants in another database, where the master's session is not", async () => {
            await server.inspect("CREATE DATABASE otherdb OWNER master_admin").catch(() => undefined);
            const { id, outs } = await createVia(server, "owner_user", { privileges: ["SELECT"] });
            await server.query("GRANT CONNECT ON DATABASE otherdb TO owner_user");
            await server.query("CREATE TABLE IF NOT EXISTS public.shared (id int)", [], "otherdb");
            await server.query("GRANT SELECT ON public.shared TO owner_user", [], "otherdb");
            await provider.delete!(id, outs);
            assert.deepEqual(
                await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = 'owner_user'"),
                [],
            );
        });
    });
}

for (const name of PROVIDER_MATRIX) {
    describe(`deleting a user whose database was dropped outside Pulumi on ${name}`, function () {
        this.timeout(60_000);
        it("still drops the user, and read() still finds it until then", async function () {
            const server = await serverOrSkip(this, name);
            await server.inspect(
                server.engine === "postgres"
                    ? "CREATE DATABASE gone_db OWNER master_admin"
                    : "CREATE DATABASE gone_db",
            );
            const { id, outs } = await createVia(server, "orphan_user", {
                database: "gone_db",
                privileges: ["SELECT"],
            });
            await server.inspect(
                server.engine === "postgres" ? "DROP DATABASE gone_db WITH (FORCE)" : "DROP DATABASE gone_db",
            );
            const read = await provider.read!(id, outs);
            // MySQL keeps grants on a dropped database (DROP DATABASE does not revoke them); PostgreSQL's go with it.
            assert.deepEqual(
                [read.id, read.props!.privileges],
                [id, server.engine === "postgres" ? [] : ["SELECT"]],
            );
            await provider.delete!(id, outs);
            const left =
                server.engine === "postgres"
                    ? await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = 'orphan_user'")
                    : await server.inspect("SELECT User FROM mysql.user WHERE User = 'orphan_user'");
            assert.deepEqual(left, []);
            await assertMasterKeepsPasswordLogin(server);
        });
    });
}

describe("ownedObjectsOnDelete on MySQL/MariaDB", () => {
    it("is refused at check(): MySQL users own no objects", async () => {
        const server = await getServer("mariadb");
        const result = await provider.check!({}, userInputs(server, "app", { ownedObjectsOnDelete: "drop" }));
        assert.deepEqual(result.failures, [
            {
                property: "ownedObjectsOnDelete",
                reason: "ownedObjectsOnDelete and reassignOwnedTo apply to PostgreSQL only (MySQL/MariaDB users own no objects); remove them for mariadb",
            },
        ]);
    });
});
