/**
 * The dev stack with `rds-iam:masterPassword generated` (#23.7) under the real Pulumi engine: RDS is
 * given a generated password instead of managing one ("Blue/green deployments don't support managing
 * master user passwords with AWS Secrets Manager", RDS User Guide), the local cloud's server runs with
 * exactly that password, and the users' provider (through the SQL runner), the SQL runner and the
 * admin provider log in with it — while the state holds it only as an encrypted secret.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import { cloudLogins, createProbeTable } from "../../local/aws/cloudLogins";
import { REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { stackConfig } from "../../local/pulumi/mocks";
import { requireEngine } from "../support/engine";
import { destroyAndClose, ok, onlyDatabase, stackOutputs } from "./harness";

describe('the dev stack with masterPassword "generated" under the real Pulumi engine (#23.7)', function () {
    this.timeout(240_000);
    let cloud: LocalCloud;
    let ws: Workspace;

    before(async function () {
        this.timeout(900_000);
        const engine = requireEngine(this);
        cloud = await startLocalCloud();
        ws = createWorkspace({
            engine,
            cloudEnv: cloud.env,
            stackFiles: { "Pulumi.dev.yaml": path.join(REPO, "Pulumi.dev.yaml") },
        });
        await ok(ws.pulumi(["stack", "init", "dev"]));
        await ok(ws.pulumi(["config", "set", "rds-iam:caBundleFile", cloud.caFile]));
        await ok(ws.pulumi(["config", "set", "rds-iam:masterPassword", "generated"]));
    });

    after(async function () {
        this.timeout(120_000);
        await destroyAndClose(ws, cloud);
    });

    const database = () => onlyDatabase(cloud);

    it("deploys: RDS is given the generated password, not asked to manage one, and the users are made with it", async () => {
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
        const [instance] = cloud.resources("aws:rds/instance:Instance");
        assert.equal(instance.inputs.manageMasterUserPassword, false);
        const db = database();
        assert.equal(instance.inputs.password, db.server.master.password);
        assert.equal(db.server.master.password.length, 40);
        // No managed secret exists, so nothing in the cloud's Secrets Manager holds the password.
        assert.deepEqual([...cloud.secrets.secrets.keys()], []);
        const roles = await db.server.inspect(
            `SELECT rolname FROM pg_roles WHERE rolname IN ('app_rw', 'reporting_ro') ORDER BY 1`,
        );
        assert.deepEqual(
            roles.map((r) => r.rolname),
            ["app_rw", "reporting_ro"],
        );
        assert.deepEqual(
            cloud.lambda.invocations.map((i) => [i.operation, i.carriesPassword]),
            [
                ["create", true],
                ["create", true],
            ],
        );
        assert.equal((await stackOutputs(ws)).masterSecretArn, undefined);
    });

    it("lets the workloads log in with IAM tokens as their users, as with a managed password", async () => {
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

    it("keeps the generated password in the state only as an encrypted secret (pulumi stack export)", async () => {
        const state = JSON.stringify(await ws.exportState());
        const { password } = database().server.master;
        assert.equal(state.includes(password), false, "the master password is in the state in plaintext");
        const resources = (await ws.exportState()).deployment.resources as any[];
        const secretOf = (type: string, key: string) =>
            resources.find((r) => r.type === type)?.outputs?.[key]?.["4dabf18193072939515e22adb298388d"];
        assert.equal(
            secretOf("random:index/randomPassword:RandomPassword", "result"),
            "1b47061264138c4ac30d75fd1eb44270",
        );
        assert.equal(secretOf("aws:rds/instance:Instance", "password"), "1b47061264138c4ac30d75fd1eb44270");
    });

    it("shows no changes on a second preview, and refreshes and destroys with the generated password", async () => {
        await ok(ws.pulumi(["preview", "--expect-no-changes"]));
        await ok(ws.pulumi(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]));
        await ok(ws.pulumi(["destroy", "--yes", "--skip-preview"]));
        assert.deepEqual(cloud.resources(), []);
        assert.equal(cloud.databases.size, 0);
    });
});
