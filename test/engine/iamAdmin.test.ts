/**
 * The dev stack on MariaDB with `rds-iam:iamAdmin true` (#23.11) under the real Pulumi engine. RDS
 * has no IAM-only master for MySQL-family engines ("only valid for RDS for PostgreSQL and Aurora
 * PostgreSQL", RDS API Reference, MasterUserAuthenticationType), and the master must keep its
 * password login, so the master makes a separate IAM admin (`iam_admin`) once — the one step that
 * reads the master password — and everything after that logs in as the admin with IAM tokens: the
 * SQL runner signs with its role, the deployer with its credentials, each checked by the IAM login
 * emulator against the signer's real policies. Requests for this: cyrilgdn/terraform-provider-
 * postgresql#134, petoju/terraform-provider-mysql#236, crossplane-contrib/provider-sql#396.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import {
    cloudLogins,
    cloudRolePrincipal,
    createProbeTable,
    decideLoginsAt,
    deployerPrincipal,
} from "../../local/aws/cloudLogins";
import { REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { stackConfig } from "../../local/pulumi/mocks";
import { loginLog, resetLoginDecider } from "../../local/servers/loginHook";
import { requireEngine } from "../support/engine";
import { destroyAndClose, ok, onlyDatabase, stackOutputs } from "./harness";

describe("the dev stack on MariaDB with iamAdmin (an IAM admin, not the master) under the real Pulumi engine (#23.11)", function () {
    this.timeout(240_000);
    let cloud: LocalCloud;
    let ws: Workspace;
    let logStart = 0;

    const database = () => onlyDatabase(cloud);
    const runnerRoleArn = () => {
        const fn = cloud.resources("aws:lambda/function:Function")[0];
        return fn === undefined ? undefined : String(fn.inputs.role);
    };
    const decideAdminLogins = () =>
        decideLoginsAt(cloud, database(), () => {
            const runner = runnerRoleArn();
            return [deployerPrincipal(cloud), ...(runner ? [cloudRolePrincipal(cloud, runner)] : [])];
        });
    const adminLogins = () => loginLog.slice(logStart).filter((l) => l.user === "iam_admin");
    const globalGrants = async (user: string) =>
        (
            await database().server.inspect(
                "SELECT PRIVILEGE_TYPE AS p, IS_GRANTABLE AS g FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ? ORDER BY 1",
                [`'${user}'@'%'`],
            )
        ).map((r) => `${r.p}${r.g === "YES" ? " WITH GRANT OPTION" : ""}`);

    before(async function () {
        this.timeout(900_000);
        const engine = requireEngine(this);
        logStart = loginLog.length;
        cloud = await startLocalCloud();
        ws = createWorkspace({
            engine,
            cloudEnv: cloud.env,
            stackFiles: { "Pulumi.dev.yaml": path.join(REPO, "Pulumi.dev.yaml") },
        });
        await ok(ws.pulumi(["stack", "init", "dev"]));
        await ok(ws.pulumi(["config", "set", "rds-iam:caBundleFile", cloud.caFile]));
        await ok(ws.pulumi(["config", "set", "rds-iam:engine", "mariadb"]));
        await ok(ws.pulumi(["config", "set", "rds-iam:iamAdmin", "true"]));
    });

    after(async function () {
        this.timeout(120_000);
        resetLoginDecider();
        if (ws !== undefined && cloud.databases.size > 0) decideAdminLogins();
        await destroyAndClose(ws, cloud);
        resetLoginDecider();
    });

    let secretReads = 0;

    it("deploys: the master makes the IAM admin through the runner, and the admin makes the users with the runner role's tokens", async () => {
        const up = ws.pulumi(["up", "--yes", "--skip-preview"]);
        const started = Date.now();
        while (cloud.databases.size === 0 && Date.now() - started < 200_000)
            await new Promise((r) => setTimeout(r, 50));
        decideAdminLogins();
        await ok(up);

        const db = database();
        const [admin] = await db.server.inspect(
            "SELECT plugin, authentication_string AS auth, ssl_type FROM mysql.user WHERE User = 'iam_admin' AND Host = '%'",
        );
        assert.deepEqual(admin, { plugin: "AWSAuthenticationPlugin", auth: "RDS", ssl_type: "ANY" });
        // Exactly what the master may grant, and no more (no SUPER, FILE, SHUTDOWN).
        assert.deepEqual(await globalGrants("iam_admin"), await globalGrants(db.server.master.username));
        const [master] = await db.server.inspect(
            "SELECT plugin FROM mysql.user WHERE User = ? AND Host = '%'",
            [db.server.master.username],
        );
        assert.notEqual(master.plugin, "AWSAuthenticationPlugin", "the master keeps its password login");

        const users = await db.server.inspect(
            "SELECT User AS u FROM mysql.user WHERE User IN ('app_rw', 'reporting_ro') AND plugin = 'AWSAuthenticationPlugin' ORDER BY 1",
        );
        assert.deepEqual(
            users.map((r) => r.u),
            ["app_rw", "reporting_ro"],
        );
        // The admin's create carried the master password; the users' creates carried none.
        assert.deepEqual(
            cloud.lambda.invocations.map((i) => [i.operation, i.carriesPassword]),
            [
                ["create", true],
                ["create", false],
                ["create", false],
            ],
        );
        const runner = runnerRoleArn()!;
        const allowed = adminLogins().filter((l) => l.allow);
        assert.equal(allowed.length, 2, "the runner logged in as the admin once per user");
        for (const login of allowed) assert.match(login.reason, new RegExp(runner.split("/").pop()!));
        secretReads = cloud.secrets.requests.length;
        assert.equal(secretReads, 1, "the master secret was read once, for the admin");
    });

    it("refreshes and previews with no change and no master password: the admin reads itself, the users are read as the admin", async () => {
        await ok(ws.pulumi(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]));
        await ok(ws.pulumi(["preview", "--expect-no-changes"]));
        assert.equal(cloud.secrets.requests.length, secretReads);
        const reads = cloud.lambda.invocations.filter((i) => i.operation === "read");
        assert.deepEqual(
            reads.map((i) => i.carriesPassword),
            [false, false, false],
        );
    });

    it("lets the workloads log in with IAM tokens as their users", async () => {
        const db = database();
        await createProbeTable(db, "app");
        const outputs = await stackOutputs(ws);
        const dev = stackConfig("dev") as Record<string, any>;
        const logins = await cloudLogins(cloud, db, {
            workloads: dev["rds-iam:workloads"],
            users: dev["rds-iam:users"],
            roleArns: outputs.roleArns,
            instanceProfileNames: outputs.instanceProfileNames,
            database: "app",
        });
        assert.deepEqual(
            logins.filter((l) => l.observed === "allowed").map((l) => `${l.principal} ${l.user}`),
            ["api app_rw", "reports reporting_ro"],
        );
    });

    it('changes a privilege with sqlRunner "deployer": the deployer signs the admin token with the shipped policy, and reads no secret', async () => {
        decideAdminLogins();
        const before = loginLog.length;
        await ok(ws.pulumi(["config", "set", "rds-iam:sqlRunner", "deployer"]));
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
        const deployer = loginLog
            .slice(before)
            .filter((l) => l.user === "iam_admin" && l.allow && /user\/deployer/.test(l.reason));
        assert.ok(deployer.length > 0, "the deployer logged in as the admin with its own token");
        assert.equal(
            cloud.secrets.requests.length,
            secretReads,
            "no master secret read after the admin exists",
        );
        await ok(ws.pulumi(["preview", "--expect-no-changes"]));
    });

    it("destroys", async () => {
        decideAdminLogins();
        await ok(ws.pulumi(["destroy", "--yes", "--skip-preview"]));
        assert.deepEqual(cloud.resources(), []);
    });
});
