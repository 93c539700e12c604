import * as assert from "node:assert/strict";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { POSTGRES_MAJORS, ThrowawayServer, getServer } from "../../local/servers";
import { loginAndAsk } from "../../local/servers/login";
import { userInputs } from "../../local/servers/userInputs";
import { assertMasterKeepsPasswordLogin, createVia, removeAsSuperuser } from "../support/providerHarness";

/**
 * PostgreSQL gives PUBLIC — every role — CONNECT and TEMPORARY on every database by default
 * (PostgreSQL manual, DDL "Privileges"), and a database upgraded from 14 keeps PUBLIC's CREATE on
 * schema public (PostgreSQL 15 release notes). A user declared ["SELECT"] must not keep them.
 * Each test gets a fresh database, as RDS creates one from DBName: owned by the master.
 */
let counter = 0;

for (const major of POSTGRES_MAJORS) {
    describe(`PUBLIC's privileges on a PostgreSQL ${major} database rds-iam manages users in`, function () {
        this.timeout(60_000);
        let server: ThrowawayServer;
        let database: string;
        before(async () => {
            server = await getServer(`postgres${major}`);
        });
        beforeEach(async () => {
            database = `pubdb_${++counter}`;
            await server.inspect(`CREATE DATABASE ${database} OWNER ${server.master.username}`);
        });
        afterEach(async () => {
            await assertMasterKeepsPasswordLogin(server);
            await server.inspect(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
            for (const u of ["pub_user", "legacy_app", "later_app", "other_owner"])
                await removeAsSuperuser(server, u);
        });

        const privilegesOf = async (role: string) =>
            (
                await server.inspect(
                    `SELECT has_database_privilege($1, $2, 'CONNECT') AS connect,
                        has_database_privilege($1, $2, 'TEMPORARY') AS temporary`,
                    [role, database],
                )
            )[0];

        it("takes TEMPORARY from a user declared SELECT by taking PUBLIC's away, and reports nothing unmanaged", async () => {
            const { id, outs } = await createVia(server, "pub_user", { database, privileges: ["SELECT"] });
            assert.deepEqual(await privilegesOf("pub_user"), { connect: true, temporary: false });
            await assert.rejects(
                server.inspect("SET ROLE pub_user; CREATE TEMP TABLE scratch (id int)", [], database),
                /permission denied to create temporary tables in database/,
            );
            assert.deepEqual(
                await server.inspect(
                    "SELECT count(*)::int AS n FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = $1 AND a.grantee = 0",
                    [database],
                ),
                [{ n: 0 }],
            );
            const read = await provider.read!(id, outs);
            assert.deepEqual([read.props!.privileges, read.props!.unmanagedPrivileges], [["SELECT"], []]);
        });

        it("keeps CONNECT and TEMPORARY for the roles that could log in before, and the master's as owner; later roles get none", async () => {
            await server.query("CREATE ROLE legacy_app LOGIN PASSWORD 'legacy-password'");
            await createVia(server, "pub_user", { database, privileges: ["SELECT"] });
            await server.query("CREATE ROLE later_app LOGIN PASSWORD 'later-password'");
            assert.deepEqual(
                [
                    await privilegesOf("legacy_app"),
                    await privilegesOf("rds_superuser"),
                    await privilegesOf(server.master.username),
                    await privilegesOf("later_app"),
                ],
                [
                    { connect: true, temporary: true },
                    { connect: true, temporary: true },
                    { connect: true, temporary: true },
                    { connect: false, temporary: false },
                ],
            );
            assert.equal(
                await loginAndAsk(server, { user: "legacy_app", password: "legacy-password", database }),
                "legacy_app",
            );
            await assert.rejects(
                loginAndAsk(server, { user: "later_app", password: "later-password", database }),
                new RegExp(`permission denied for database "?${database}"?`),
            );
        });

        it("reports TEMPORARY given back to PUBLIC out of band as unmanaged, and the update takes it away again", async () => {
            const { id, outs } = await createVia(server, "pub_user", { database, privileges: ["SELECT"] });
            await server.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${database} TO PUBLIC`);
            const read = await provider.read!(id, outs);
            assert.deepEqual(read.props!.unmanagedPrivileges, [
                `TEMPORARY on database "${database}" through PUBLIC`,
            ]);
            assert.equal((await provider.diff!(id, read.props!, outs)).changes, true);
            const updated = await provider.update!(id, read.props!, outs);
            assert.deepEqual(updated.outs!.unmanagedPrivileges, []);
            assert.deepEqual(await privilegesOf("pub_user"), { connect: true, temporary: false });
        });

        it("leaves TEMPORARY to a user that declares it", async () => {
            await createVia(server, "pub_user", { database, privileges: ["SELECT", "TEMPORARY"] });
            assert.deepEqual(await privilegesOf("pub_user"), { connect: true, temporary: true });
        });

        it("takes PUBLIC's CREATE on schema public that an upgrade from 14 kept, keeping it for the roles of then", async () => {
            await server.query("GRANT CREATE ON SCHEMA public TO PUBLIC", [], database);
            await server.query("CREATE ROLE legacy_app LOGIN");
            const { id, outs } = await createVia(server, "pub_user", { database, privileges: ["SELECT"] });
            const create = (role: string) =>
                server.inspect("SELECT has_schema_privilege($1, 'public', 'CREATE') AS c", [role], database);
            assert.deepEqual(
                [await create("pub_user"), await create("legacy_app")],
                [[{ c: false }], [{ c: true }]],
            );
            assert.deepEqual((await provider.read!(id, outs)).props!.unmanagedPrivileges, []);
        });

        it("refuses, changing nothing, when the master does not own the database and cannot take PUBLIC's away", async () => {
            await server.inspect("CREATE ROLE other_owner NOLOGIN");
            await server.inspect(`ALTER DATABASE ${database} OWNER TO other_owner`);
            const checked = await provider.check!(
                {},
                userInputs(server, "pub_user", { database, privileges: ["SELECT"] }),
            );
            await assert.rejects(provider.create(checked.inputs), {
                message:
                    `PUBLIC (every role) has CONNECT, TEMPORARY on database "${database}", so this IAM user could do that too beyond ` +
                    `its declared privileges, and the master user cannot take it away: it does not own database "${database}" (its ` +
                    `owner is "other_owner"). Nothing was changed. Make the master the owner (ALTER DATABASE "${database}" OWNER TO …), ` +
                    `or as the owner run REVOKE CONNECT, TEMPORARY ON DATABASE "${database}" FROM PUBLIC (granting it to the roles ` +
                    "that need it), and run pulumi up again.",
            });
            assert.deepEqual(
                await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = 'pub_user'"),
                [],
            );
        });
    });
}
