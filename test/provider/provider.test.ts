import * as assert from "node:assert/strict";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { PROVIDER_MATRIX, ThrowawayServer } from "../../local/servers";
import { loginAndAsk } from "../../local/servers/login";
import { userInputs } from "../../local/servers/userInputs";
import {
    assertMasterKeepsPasswordLogin,
    createVia,
    inAppDb,
    removeAsSuperuser,
    updateVia,
    serverWithTable,
} from "../support/providerHarness";
import { accountGrants, iamAccountGrants, isMysqlFamily, serverOrSkip } from "../support/matrix";

const USERS = ["iam_app", "iam_app2", "adoptee"];

/** The IAM facts of a user as the superuser sees them, per engine. */
async function iamFacts(server: ThrowawayServer, username: string): Promise<any> {
    if (server.engine !== "postgres") return accountGrants(server, username);
    const [row] = await server.inspect(
        `SELECT rolcanlogin AS login, rolpassword IS NULL AS no_password, rolcreatedb OR rolcreaterole AS creates,
            pg_has_role(rolname, 'rds_iam', 'MEMBER') AS iam FROM pg_authid WHERE rolname = $1`,
        [username],
    );
    return row;
}

for (const name of PROVIDER_MATRIX) {
    describe(`DatabaseUser provider on ${name} as RDS's master`, function () {
        this.timeout(60_000);
        let server: ThrowawayServer;
        before(async function () {
            server = await serverOrSkip(this, name, serverWithTable);
        });
        afterEach(async () => {
            await assertMasterKeepsPasswordLogin(server);
            for (const u of USERS) await removeAsSuperuser(server, u);
        });

        it("creates an IAM user with exactly the asked privileges", async () => {
            const { id, outs } = await createVia(server, "iam_app", { privileges: ["select", "INSERT"] });
            assert.equal(id, `${server.engine}://${server.endpoint}:${server.port}/iam_app`);
            assert.deepEqual(
                {
                    privileges: outs.privileges,
                    iamAuthentication: outs.iamAuthentication,
                    unmanagedPrivileges: outs.unmanagedPrivileges,
                },
                { privileges: ["INSERT", "SELECT"], iamAuthentication: true, unmanagedPrivileges: [] },
            );
            if (server.engine !== "postgres") {
                assert.deepEqual(
                    await iamFacts(server, "iam_app"),
                    iamAccountGrants(server, "iam_app", [
                        "GRANT SELECT, INSERT ON `appdb`.* TO `iam_app`@`%`",
                    ]),
                );
            } else {
                assert.deepEqual(await iamFacts(server, "iam_app"), {
                    login: true,
                    no_password: true,
                    creates: false,
                    iam: true,
                });
                assert.deepEqual(
                    await inAppDb(
                        server,
                        `SELECT has_database_privilege('iam_app', 'appdb', 'CONNECT') AS connect,
                            has_table_privilege('iam_app', 'public.orders', 'SELECT') AS sel,
                            has_table_privilege('iam_app', 'public.orders', 'INSERT') AS ins,
                            has_table_privilege('iam_app', 'public.orders', 'DELETE') AS del,
                            has_sequence_privilege('iam_app', 'public.orders_id_seq', 'USAGE') AS seq`,
                    ),
                    [{ connect: true, sel: true, ins: true, del: false, seq: true }],
                );
            }
        });

        it("writes ALL as the explicit privileges RDS's master may grant, and reads them back as ALL", async () => {
            const { id, outs } = await createVia(server, "iam_app", { privileges: ["ALL"] });
            if (server.engine !== "postgres") {
                // MySQL's SHOW GRANTS prints a complete database-level set as ALL PRIVILEGES; MariaDB's
                // ALL also holds DELETE HISTORY, which the master lacks, so it prints the list.
                assert.equal(
                    (await iamFacts(server, "iam_app")).at(-1),
                    server.engine === "mysql"
                        ? "GRANT ALL PRIVILEGES ON `appdb`.* TO `iam_app`@`%`"
                        : "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER ON `appdb`.* TO `iam_app`@`%`",
                );
            }
            assert.deepEqual((await provider.read!(id, outs)).props!.privileges, ["ALL"]);
        });

        if (name === "postgres15" || isMysqlFamily(name)) {
            it("lets the created user log in with a token through the emulated IAM hook", async () => {
                await createVia(server, "iam_app", { privileges: ["SELECT"] });
                assert.equal(
                    await loginAndAsk(server, { user: "iam_app", password: "a-token", database: "appdb" }),
                    server.engine === "postgres" ? "iam_app" : "iam_app@%",
                );
            });
        }

        it("updates privileges in place: grants the new ones and revokes the dropped ones", async () => {
            const created = await createVia(server, "iam_app", { privileges: ["SELECT", "INSERT"] });
            const news = (
                await provider.check!(created.inputs, { ...created.inputs, privileges: ["SELECT", "UPDATE"] })
            ).inputs;
            assert.deepEqual(await provider.diff!(created.id, created.outs, news), {
                changes: true,
                replaces: [],
                deleteBeforeReplace: true,
                stables: ["engine", "username"],
            });
            const outs = await updateVia(created, { privileges: ["SELECT", "UPDATE"] });
            assert.deepEqual(outs.privileges, ["SELECT", "UPDATE"]);
            assert.deepEqual((await provider.read!(created.id, outs)).props!.privileges, [
                "SELECT",
                "UPDATE",
            ]);
        });

        it("replaces the user, deleting first, when the username changes", async () => {
            const { id, inputs } = await createVia(server, "iam_app");
            const diff = await provider.diff!(id, inputs, { ...inputs, username: "iam_app2" });
            assert.deepEqual([diff.replaces, diff.deleteBeforeReplace], [["username"], true]);
        });

        it("deletes the user, and deleting it again succeeds", async () => {
            const { id, outs } = await createVia(server, "iam_app", { privileges: ["SELECT"] });
            await provider.delete!(id, outs);
            const left =
                server.engine !== "postgres"
                    ? await server.inspect("SELECT User FROM mysql.user WHERE User = 'iam_app'")
                    : await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = 'iam_app'");
            assert.deepEqual(left, []);
            await provider.delete!(id, outs);
        });

        it("reads a user dropped outside Pulumi as gone", async () => {
            const { id, outs } = await createVia(server, "iam_app");
            await removeAsSuperuser(server, "iam_app");
            assert.deepEqual(await provider.read!(id, outs), { id: "", props: {} });
        });

        it("reads a login switched away from IAM as drift, and the next update switches it back", async () => {
            const { id, outs } = await createVia(server, "iam_app", { privileges: ["SELECT"] });
            // Out of band, by someone holding the master credentials.
            await server.query(
                server.engine === "postgres"
                    ? "REVOKE rds_iam FROM iam_app"
                    : server.engine === "mysql"
                      ? // MySQL 8.0 keeps the account's plugin on IDENTIFIED BY, which AWSAuthenticationPlugin refuses (1396).
                        "ALTER USER 'iam_app'@'%' IDENTIFIED WITH caching_sha2_password BY 'sneaky'"
                      : "ALTER USER 'iam_app'@'%' IDENTIFIED BY 'sneaky'",
            );
            const read = await provider.read!(id, outs);
            assert.equal(read.props!.iamAuthentication, false);
            assert.equal((await provider.diff!(id, read.props!, read.inputs!)).changes, true);
            await provider.update!(id, read.props!, read.inputs!);
            assert.equal((await provider.read!(id, outs)).props!.iamAuthentication, true);
        });

        it("refuses to update a user dropped outside Pulumi instead of granting to nobody", async () => {
            const created = await createVia(server, "iam_app", { privileges: ["SELECT"] });
            await removeAsSuperuser(server, "iam_app");
            await assert.rejects(updateVia(created, { privileges: ["SELECT", "INSERT"] }), {
                message: `database user "iam_app" no longer exists on ${server.engine} ${server.endpoint}:${server.port} (dropped outside Pulumi). Nothing was changed: run \`pulumi refresh\` to record that, and the next \`pulumi up\` creates it again.`,
            });
            const accounts =
                server.engine !== "postgres"
                    ? await server.inspect("SELECT User FROM mysql.user WHERE User = 'iam_app'")
                    : await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = 'iam_app'");
            assert.deepEqual(accounts, []);
        });

        it("refuses to create a user that already exists, naming adopt", async () => {
            await server.query(
                server.engine !== "postgres"
                    ? "CREATE USER 'adoptee'@'%' IDENTIFIED BY 'old-password'"
                    : "CREATE ROLE adoptee LOGIN PASSWORD 'old-password'",
            );
            const inputs = (
                await provider.check!({}, userInputs(server, "adoptee", { privileges: ["SELECT"] }))
            ).inputs;
            await assert.rejects(provider.create(inputs), {
                message: `database user "adoptee" already exists on ${server.engine} ${server.endpoint}:${server.port}. Set adopt: true to take it over (its login becomes IAM-only and its privileges are set to exactly [SELECT]), or choose another username.`,
            });
        });

        if (!isMysqlFamily(name)) {
            it("recognises its own user by the marker when a create is retried after its answer was lost", async () => {
                // The COMMIT went through but the answer never came back: Pulumi retries the create.
                const first = await createVia(server, "iam_app", {
                    privileges: ["SELECT"],
                    managedBy: "rds-iam/dev/db-user-iam_app", // what DatabaseUser sets
                });
                const again = await provider.create(first.inputs);
                assert.deepEqual([again.outs.iamAuthentication, again.outs.privileges], [true, ["SELECT"]]);
                // Another stack's create of the same name is still refused.
                await assert.rejects(
                    provider.create({ ...first.inputs, managedBy: "other/stack/user" }),
                    /already exists/,
                );
            });
        }

        it("gives the loser of two concurrent creates of one name the same clear message", async () => {
            const inputs = (await provider.check!({}, userInputs(server, "iam_app"))).inputs;
            const results = await Promise.allSettled([
                provider.create({ ...inputs, managedBy: "stack-a/user" }),
                provider.create({ ...inputs, managedBy: "stack-b/user" }),
            ]);
            assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
            const loser = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
            assert.equal(
                (loser.reason as Error).message,
                `database user "iam_app" already exists on ${server.engine} ${server.endpoint}:${server.port}. Set adopt: true to take it over (its login becomes IAM-only and its privileges are set to exactly []), or choose another username.`,
            );
        });
    });
}
