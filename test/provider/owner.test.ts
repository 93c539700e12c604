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
 * A migration user that owns the tables, and readers whose privileges follow its tables: default
 * privileges apply only to objects their creator's role makes, so the readers' must be the owner's
 * (ALTER DEFAULT PRIVILEGES FOR ROLE owner). The master acts for the owner — an IAM user, a member
 * of rds_iam — only inside the transaction: afterwards it holds no inheriting or SET membership in
 * it, and never rds_iam's privileges (cyrilgdn/terraform-provider-postgresql's temporary memberships
 * and PostgreSQL 16's CREATEROLE changes are the traps).
 */
const ROLES = ["migrator", "reader", "migrator2", "outsider"];
let counter = 0;

for (const major of POSTGRES_MAJORS) {
    describe(`readers of a migration user's tables on PostgreSQL ${major}`, function () {
        this.timeout(60_000);
        let server: ThrowawayServer;
        let database: string;
        before(async () => {
            server = await getServer(`postgres${major}`);
        });
        beforeEach(async () => {
            database = `ownerdb_${++counter}`;
            await server.inspect(`CREATE DATABASE ${database} OWNER ${server.master.username}`);
        });
        afterEach(async () => {
            await assertMasterKeepsPasswordLogin(server);
            const memberships = await server.inspect(
                `SELECT g.rolname AS role FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                 WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = $1) AND g.rolname = ANY($2)
                 ${major >= 16 ? "AND (m.inherit_option OR m.set_option)" : ""}`,
                [server.master.username, ROLES],
            );
            assert.deepEqual(memberships, [], "the master keeps no membership in the users");
            await server.inspect(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
            for (const u of ROLES) await removeAsSuperuser(server, u);
        });

        /** Runs migrations as the user (the superuser's SET ROLE checks the user's own privileges). */
        const asUser = (user: string, statement: string) =>
            server.inspect(`SET ROLE ${user}; ${statement}; RESET ROLE`, [], database);
        const can = async (user: string, table: string, privilege: string) =>
            (
                await server.inspect(
                    "SELECT has_table_privilege($1, $2, $3) AS ok",
                    [user, table, privilege],
                    database,
                )
            )[0].ok;
        /** Users as DatabaseUser makes them: with rds-iam's marker. */
        const user = (username: string, extra: Record<string, unknown>) =>
            createVia(server, username, { database, managedBy: `rds-iam/dev/${username}`, ...extra });
        const migrator = (extra: Record<string, unknown> = {}) =>
            user("migrator", { privileges: ["CREATE ON SCHEMA public"], ...extra });

        it("gives a reader the owner's tables made before and after it (ALTER DEFAULT PRIVILEGES FOR ROLE owner), and reads it back unchanged", async () => {
            await migrator();
            await asUser("migrator", "CREATE TABLE public.before_t (id serial PRIMARY KEY)");
            const { id, outs, inputs } = await user("reader", {
                privileges: ["SELECT"],
                owner: "migrator",
            });
            await asUser("migrator", "CREATE TABLE public.after_t (id int)");
            assert.deepEqual(
                [
                    await can("reader", "public.before_t", "SELECT"),
                    await can("reader", "public.after_t", "SELECT"),
                    await can("reader", "public.after_t", "INSERT"),
                ],
                [true, true, false],
            );
            assert.deepEqual(
                [outs.privileges, outs.unmanagedPrivileges],
                [["FOR ROLE migrator", "SELECT"], []],
            );
            const read = await provider.read!(id, outs);
            assert.deepEqual(
                [read.props!.privileges, read.props!.unmanagedPrivileges],
                [["FOR ROLE migrator", "SELECT"], []],
            );
            assert.equal((await provider.diff!(id, read.props!, inputs)).changes, false);
        });

        it("creates a reader of the master's tables after the migration user made its own in public, granting on the master's only", async () => {
            await server.query("CREATE TABLE public.master_t (id int)", [], database);
            await migrator();
            await asUser("migrator", "CREATE TABLE public.migrated_t (id serial PRIMARY KEY)");
            const { outs } = await user("reader", {
                privileges: ["INSERT", "SELECT"],
            });
            assert.deepEqual(
                [
                    outs.unmanagedPrivileges,
                    await can("reader", "public.master_t", "INSERT"),
                    await can("reader", "public.migrated_t", "SELECT"),
                ],
                [[], true, false],
            );
        });

        it("moves a reader to another owner's tables on update, taking the first owner's away", async () => {
            await migrator();
            await user("migrator2", { privileges: ["CREATE ON SCHEMA public"] });
            await asUser("migrator", "CREATE TABLE public.one_t (id int)");
            await asUser("migrator2", "CREATE TABLE public.two_t (id int)");
            const created = await user("reader", {
                privileges: ["SELECT"],
                owner: "migrator",
            });
            const news = (
                await provider.check!(created.inputs, {
                    ...created.inputs,
                    owner: "migrator2",
                    privileges: ["SELECT"],
                })
            ).inputs;
            assert.equal((await provider.diff!(created.id, created.outs, news)).changes, true);
            const outs = await updateVia(created, { owner: "migrator2", privileges: ["SELECT"] });
            assert.deepEqual(
                [
                    outs.privileges,
                    outs.unmanagedPrivileges,
                    await can("reader", "public.one_t", "SELECT"),
                    await can("reader", "public.two_t", "SELECT"),
                ],
                [["FOR ROLE migrator2", "SELECT"], [], false, true],
            );
        });

        it("deletes a reader whose grants the owner made, refuses to delete the owner before it, then drops the owner", async () => {
            const owner = await migrator({ ownedObjectsOnDelete: "fail" });
            await asUser("migrator", "CREATE TABLE public.kept_t (id int)");
            const reader = await user("reader", {
                privileges: ["SELECT"],
                owner: "migrator",
            });
            await assert.rejects(provider.delete!(owner.id, owner.outs), {
                message: new RegExp(
                    `^database user "migrator" owns objects \\(${database}: 1 tables, views or sequences, 1 default privileges\\)`,
                ),
            });
            await provider.delete!(reader.id, reader.outs);
            await provider.delete!(owner.id, { ...owner.outs, ownedObjectsOnDelete: "drop" });
            assert.deepEqual(
                await server.inspect("SELECT rolname FROM pg_roles WHERE rolname IN ('migrator', 'reader')"),
                [],
            );
        });

        it("refuses an owner that does not exist yet, naming the fix, and creates nothing", async () => {
            const checked = await provider.check!(
                {},
                userInputs(server, "reader", { database, privileges: ["SELECT"], owner: "migrator" }),
            );
            await assert.rejects(provider.create(checked.inputs), {
                message:
                    'owner "migrator" (FOR ROLE) does not exist on this server: create that user first — give the migration ' +
                    "user's DatabaseUser `username` output as `owner`, so Pulumi creates it first. Nothing was changed.",
            });
            assert.deepEqual(
                await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = 'reader'"),
                [],
            );
        });

        if (major >= 16) {
            it("refuses an owner the master holds no ADMIN OPTION on, naming the fix, and creates nothing", async () => {
                await server.inspect("CREATE ROLE outsider LOGIN");
                const checked = await provider.check!(
                    {},
                    userInputs(server, "reader", { database, privileges: ["SELECT"], owner: "outsider" }),
                );
                await assert.rejects(provider.create(checked.inputs), {
                    message:
                        'the master user cannot act for "outsider" (the owner of the tables, FOR ROLE): on PostgreSQL 16+ that ' +
                        'needs ADMIN OPTION on it, which the master holds on the roles it created. Create "outsider" through ' +
                        `rds-iam (as the master), or grant it: GRANT "outsider" TO "${server.master.username}" WITH ADMIN OPTION. ` +
                        "Nothing was changed.",
                });
                assert.deepEqual(
                    await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = 'reader'"),
                    [],
                );
            });
        }
    });
}
