/**
 * The IAM admin (#23.11) on the MySQL-family servers with RDS's master privileges: the master makes
 * `iam_admin`, an IAM-only account holding exactly the master's grantable global privileges WITH
 * GRANT OPTION (RDS User Guide, "Master user account privileges"), and the admin then makes the
 * users, logging in with a token the IAM login emulator checks against the signer's policy. The
 * master never gets AWSAuthenticationPlugin.
 */
import * as assert from "node:assert/strict";
import { connectPolicyDocument } from "../../components/connectPolicy";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { fakePrincipal } from "../../local/emulator/principals";
import { Principal, createIamLoginVerifier } from "../../local/emulator/verifier";
import { ThrowawayServer, loginLog, resetLoginDecider, setLoginDecider } from "../../local/servers";
import { userInputs } from "../../local/servers/userInputs";
import { createVia, removeAsSuperuser } from "../support/providerHarness";
import { serverOrSkip } from "../support/matrix";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const RESOURCE_ID = "db-IAMADMINTHROWAWAY0000000001";

function principal(name: string, users: string[]): Principal {
    return fakePrincipal(`arn:aws:iam::${ACCOUNT}:role/${name}`, [
        {
            name: `${name}-connect`,
            document: JSON.stringify(
                connectPolicyDocument(
                    users.map((username) => ({
                        region: REGION,
                        accountId: ACCOUNT,
                        resourceId: RESOURCE_ID,
                        username,
                    })),
                ),
            ),
        },
    ]);
}

for (const name of ["mariadb", "mysql80"] as const) {
    describe(`the IAM admin on ${name} (#23.11)`, function () {
        this.timeout(120_000);
        let server: ThrowawayServer;
        const deployer = principal("deployer", ["iam_admin"]);
        const outsider = principal("outsider", ["someone_else"]);
        const saved = { ...process.env };
        const signAs = (p: Principal) =>
            Object.assign(process.env, {
                AWS_ACCESS_KEY_ID: p.accessKeyId,
                AWS_SECRET_ACCESS_KEY: p.secretAccessKey,
                AWS_SESSION_TOKEN: p.sessionToken,
            });
        const grants = async (user: string) =>
            (
                await server.inspect(
                    "SELECT PRIVILEGE_TYPE AS p, IS_GRANTABLE AS g FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ? ORDER BY 1",
                    [`'${user}'@'%'`],
                )
            ).map((r) => `${r.p}${r.g === "YES" ? " WITH GRANT OPTION" : ""}`);
        const asAdmin = (extra: Record<string, unknown> = {}) => ({
            master: { username: "iam_admin", iamAuth: true, masterUsername: server.master.username },
            region: REGION,
            ...extra,
        });

        before(async function () {
            server = await serverOrSkip(this, name);
            setLoginDecider(
                createIamLoginVerifier({
                    databases: [
                        {
                            engine: server.engine,
                            endpoint: server.endpoint,
                            port: server.port,
                            region: REGION,
                            accountId: ACCOUNT,
                            resourceId: RESOURCE_ID,
                        },
                    ],
                    principals: [deployer, outsider],
                }),
            );
        });
        after(async () => {
            resetLoginDecider();
            for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"])
                if (saved[k] === undefined) delete process.env[k];
                else process.env[k] = saved[k];
            if (server !== undefined)
                for (const u of ["iam_admin", "app_by_admin", "app_outsider"])
                    await removeAsSuperuser(server, u);
        });

        it("is made by the master: IAM-only, with exactly the master's grantable global privileges, the master unchanged", async () => {
            const masterBefore = await grants(server.master.username);
            const created = await createVia(server, "iam_admin", { iamAdmin: true, region: REGION });
            assert.equal(created.outs.iamAuthentication, true);
            assert.deepEqual(created.outs.unmanagedPrivileges, []);
            const [account] = await server.inspect(
                "SELECT plugin, authentication_string AS auth FROM mysql.user WHERE User = 'iam_admin' AND Host = '%'",
            );
            assert.deepEqual(account, { plugin: "AWSAuthenticationPlugin", auth: "RDS" });
            const expected = masterBefore.filter(
                (g) => g.endsWith("WITH GRANT OPTION") && !g.startsWith("USAGE"),
            );
            assert.ok(expected.includes("CREATE USER WITH GRANT OPTION"));
            assert.deepEqual(await grants("iam_admin"), expected);
            assert.deepEqual(await grants(server.master.username), masterBefore);
            const [master] = await server.inspect(
                "SELECT plugin FROM mysql.user WHERE User = ? AND Host = '%'",
                [server.master.username],
            );
            assert.notEqual(master.plugin, "AWSAuthenticationPlugin");
        });

        it("makes, changes and drops a user, logged in with a token the deployer signs", async () => {
            signAs(deployer);
            const from = loginLog.length;
            const created = await createVia(
                server,
                "app_by_admin",
                asAdmin({ database: server.database, privileges: ["SELECT"] }),
            );
            assert.deepEqual(created.outs.privileges, ["SELECT"]);
            const logins = loginLog.slice(from).filter((l) => l.user === "iam_admin");
            assert.ok(logins.length > 0 && logins.every((l) => l.allow), JSON.stringify(logins));
            assert.match(logins[0].reason, /role\/deployer may connect/);
            const news = { ...created.inputs, privileges: ["SELECT", "INSERT"] };
            const updated = await provider.update!(created.id, created.outs, news);
            assert.deepEqual([...updated.outs!.privileges].sort(), ["INSERT", "SELECT"]);
            await provider.delete!(created.id, updated.outs!);
            assert.deepEqual(
                await server.inspect("SELECT User FROM mysql.user WHERE User = 'app_by_admin'"),
                [],
            );
        });

        it("refreshes itself with its own token, and stays an exact copy", async () => {
            signAs(deployer);
            const inputs = (
                await provider.check!({}, userInputs(server, "iam_admin", { iamAdmin: true, region: REGION }))
            ).inputs;
            const read = await provider.read!("iam_admin", inputs);
            assert.equal(read.props!.iamAuthentication, true);
            const logins = loginLog.filter((l) => l.user === "iam_admin");
            assert.ok(logins.at(-1)!.allow);
        });

        it("is refused to a signer without rds-db:connect on it, changing nothing", async () => {
            signAs(outsider);
            const inputs = (await provider.check!({}, userInputs(server, "app_outsider", asAdmin()))).inputs;
            await assert.rejects(provider.create!(inputs), /as iam_admin: .*Access denied/);
            assert.deepEqual(
                await server.inspect("SELECT User FROM mysql.user WHERE User = 'app_outsider'"),
                [],
            );
        });

        it("will not take over an account of its name that logs in with a password", async () => {
            await removeAsSuperuser(server, "iam_admin");
            await server.inspect("CREATE USER 'iam_admin'@'%' IDENTIFIED BY 'Some-Password-1'");
            const inputs = (
                await provider.check!({}, userInputs(server, "iam_admin", { iamAdmin: true, region: REGION }))
            ).inputs;
            await assert.rejects(provider.create!(inputs), /logs in with a password exists on this server/);
            await removeAsSuperuser(server, "iam_admin");
        });
    });
}
