import * as assert from "node:assert/strict";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { PROVIDER_MATRIX, ThrowawayServer } from "../../local/servers";
import {
    assertMasterKeepsPasswordLogin,
    createVia,
    inAppDb,
    removeAsSuperuser,
    serverWithTable,
} from "../support/providerHarness";
import { accountGrants, iamAccountGrants, isMysqlFamily, serverOrSkip } from "../support/matrix";

/**
 * Privileges granted or revoked outside Pulumi: read() reports exactly what the user may do beyond
 * what it declares, diff() sees a change, and update() takes it back to exactly the declared set.
 */
for (const name of PROVIDER_MATRIX) {
    describe(`privilege drift on ${name}`, function () {
        this.timeout(60_000);
        let server: ThrowawayServer;
        before(async function () {
            server = await serverOrSkip(this, name, serverWithTable);
            if (server.engine === "postgres") {
                await server.inspect("CREATE DATABASE otherdb OWNER master_admin").catch(() => undefined);
            } else {
                await server.inspect("CREATE DATABASE IF NOT EXISTS otherdb");
            }
        });
        afterEach(async () => {
            await assertMasterKeepsPasswordLogin(server);
            await removeAsSuperuser(server, "drifter");
        });

        async function refreshAndRepair(id: string, outs: Record<string, any>, expected: string[]) {
            const read = await provider.read!(id, outs);
            assert.deepEqual(read.props!.unmanagedPrivileges, expected);
            assert.equal((await provider.diff!(id, read.props!, read.inputs!)).changes, true);
            const updated = await provider.update!(id, read.props!, outs);
            assert.deepEqual(updated.outs!.unmanagedPrivileges, []);
            const after = await provider.read!(id, outs);
            assert.deepEqual(
                [after.props!.unmanagedPrivileges, after.props!.privileges, after.props!.iamAuthentication],
                [[], ["SELECT"], true],
            );
            assert.equal((await provider.diff!(id, after.props!, outs)).changes, false);
        }

        if (isMysqlFamily(name)) {
            it("sees a global grant, a grant on another database and on one table, and removes them", async () => {
                const { id, outs } = await createVia(server, "drifter", { privileges: ["SELECT"] });
                await server.inspect("CREATE TABLE IF NOT EXISTS otherdb.t (id int)");
                // MySQL 8.0: granted by the master, which holds neither SUPER nor SYSTEM_USER on RDS.
                const globalGrant = server.engine === "mysql" ? "PROCESS on *.*" : "SUPER on *.*";
                if (server.engine === "mysql")
                    await server.query("GRANT PROCESS, SELECT ON *.* TO 'drifter'@'%'");
                else await server.inspect("GRANT ALL PRIVILEGES ON *.* TO 'drifter'@'%'");
                await server.inspect("GRANT SELECT ON otherdb.* TO 'drifter'@'%'");
                await server.inspect("GRANT UPDATE ON otherdb.t TO 'drifter'@'%'");
                const read = await provider.read!(id, outs);
                assert.equal(read.props!.unmanagedPrivileges.includes(globalGrant), true);
                assert.equal(read.props!.unmanagedPrivileges.includes("SELECT on database `otherdb`"), true);
                assert.equal(read.props!.unmanagedPrivileges.includes("UPDATE on table otherdb.t"), true);
                await refreshAndRepair(id, outs, read.props!.unmanagedPrivileges);
                assert.deepEqual(
                    await accountGrants(server, "drifter"),
                    iamAccountGrants(server, "drifter", ["GRANT SELECT ON `appdb`.* TO `drifter`@`%`"]),
                );
            });

            it("sees a second account of the same name that logs in with a password, and drops it", async () => {
                const { id, outs } = await createVia(server, "drifter", { privileges: ["SELECT"] });
                await server.inspect(
                    "CREATE USER 'drifter'@'127.0.0.1' IDENTIFIED BY 'backdoor' REQUIRE SSL",
                );
                await refreshAndRepair(id, outs, [
                    "another account 'drifter'@'127.0.0.1' that logs in without IAM",
                ]);
                assert.deepEqual(await server.inspect("SELECT Host FROM mysql.user WHERE User = 'drifter'"), [
                    { Host: "%" },
                ]);
            });
        } else {
            it("sees pg_write_all_data, CREATEDB, a grant in another database and an extra table privilege, and removes them", async () => {
                const { id, outs } = await createVia(server, "drifter", { privileges: ["SELECT"] });
                // Out of band, by someone holding the master credentials.
                await server.query("ALTER ROLE drifter CREATEDB");
                await server.query("GRANT CONNECT, TEMPORARY ON DATABASE otherdb TO drifter");
                await inAppDb(server, "GRANT DELETE ON public.orders TO drifter");
                await server.query("CREATE TABLE IF NOT EXISTS public.elsewhere (id int)", [], "otherdb");
                await server.query("GRANT SELECT ON public.elsewhere TO drifter", [], "otherdb");
                // …and by an administrator: a predefined role the master could not grant itself.
                await server.inspect("GRANT pg_write_all_data TO drifter");
                const read = await provider.read!(id, outs);
                assert.deepEqual(read.props!.unmanagedPrivileges, [
                    'CONNECT on database "otherdb"',
                    "DELETE on table public.orders",
                    'TEMPORARY on database "otherdb"',
                    'member of role "pg_write_all_data"',
                    "privileges in database otherdb: 1 tables, views or sequences",
                    "role attribute CREATEDB",
                ]);
                assert.equal((await provider.diff!(id, read.props!, read.inputs!)).changes, true);
                if (server.version === "15") {
                    // On 15 CREATEROLE may revoke any non-superuser role: everything goes at once.
                    await refreshAndRepair(id, outs, read.props!.unmanagedPrivileges);
                    return;
                }
                // On 16+ the master cannot revoke pg_write_all_data (no ADMIN on it, as on RDS): refused, nothing changed.
                await assert.rejects(provider.update!(id, read.props!, outs), (e: Error) => {
                    assert.match(
                        e.message,
                        /^cannot take over database user "drifter": it would have to lose .*member of role "pg_write_all_data".*which the master cannot remove/,
                    );
                    return true;
                });
                assert.deepEqual(
                    (await provider.read!(id, outs)).props!.unmanagedPrivileges,
                    read.props!.unmanagedPrivileges,
                );
                // Once an administrator takes that back, the update removes the rest.
                await server.inspect("REVOKE pg_write_all_data FROM drifter");
                await refreshAndRepair(
                    id,
                    outs,
                    read.props!.unmanagedPrivileges.filter((p: string) => !p.includes("pg_write_all_data")),
                );
                assert.deepEqual(
                    await server.query(
                        "SELECT has_table_privilege('drifter', 'public.elsewhere', 'SELECT') AS sel",
                        [],
                        "otherdb",
                    ),
                    [{ sel: false }],
                );
            });

            it("sees a revoked table privilege as drift and grants it again", async () => {
                const { id, outs } = await createVia(server, "drifter", { privileges: ["SELECT"] });
                await inAppDb(server, "REVOKE SELECT ON public.orders FROM drifter");
                const read = await provider.read!(id, outs);
                // USAGE on the schema is left: it is what the read finds, written out.
                assert.deepEqual(
                    [read.props!.privileges, read.props!.unmanagedPrivileges],
                    [["USAGE ON SCHEMA public"], []],
                );
                assert.equal((await provider.diff!(id, outs, read.inputs!)).changes, true);
                await provider.update!(id, read.props!, outs);
                assert.deepEqual(
                    await inAppDb(
                        server,
                        "SELECT has_table_privilege('drifter', 'public.orders', 'SELECT') AS sel",
                    ),
                    [{ sel: true }],
                );
            });
        }
    });
}
