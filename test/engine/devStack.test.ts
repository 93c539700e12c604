/**
 * The shipped dev stack under the real Pulumi engine (the CLI built from its Go module), Pulumi.dev.yaml
 * copied verbatim: preview, up, a second preview with no changes, a privilege change, a grant revoked
 * by hand seen by refresh, what the state keeps, destroy. The one setting added is rds-iam:caBundleFile:
 * the local cloud's databases carry certificates of its own CA, not Amazon's.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import { cloudLogins, createProbeTable, loginSummary } from "../../local/aws/cloudLogins";
import { REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { stackConfig } from "../../local/pulumi/mocks";
import { requireEngine } from "../support/engine";
import { destroyAndClose, ok, onlyDatabase, previewSteps, stackOutputs, stateByOutput } from "./harness";

const USER = "pulumi-nodejs:dynamic/rds-iam:DatabaseUser";

describe("the dev stack under the real Pulumi engine (Pulumi.dev.yaml verbatim)", function () {
    this.timeout(240_000);
    let cloud: LocalCloud;
    let ws: Workspace;

    before(async function () {
        this.timeout(900_000); // a first run builds the CLI (scripts/pulumi-engine.sh)
        const engine = requireEngine(this);
        cloud = await startLocalCloud();
        ws = createWorkspace({
            engine,
            cloudEnv: cloud.env,
            stackFiles: { "Pulumi.dev.yaml": path.join(REPO, "Pulumi.dev.yaml") },
        });
        await ok(ws.pulumi(["stack", "init", "dev"]));
        await ok(ws.pulumi(["config", "set", "rds-iam:caBundleFile", cloud.caFile]));
    });

    after(async function () {
        this.timeout(120_000);
        await destroyAndClose(ws, cloud);
    });

    const database = () => onlyDatabase(cloud);
    const stateUsers = () => stateByOutput(ws, USER, "username");

    it("previews every resource the program declares, and creates nothing", async () => {
        assert.deepEqual(await previewSteps(ws), [
            "create aws:cloudwatch/logGroup:LogGroup db-iam-auth-errors",
            "create aws:cloudwatch/logGroup:LogGroup db-runner-logs",
            "create aws:ec2/securityGroup:SecurityGroup db-runner-sg",
            "create aws:ec2/securityGroup:SecurityGroup db-sg",
            "create aws:iam/instanceProfile:InstanceProfile api-profile",
            "create aws:iam/policy:Policy api-connect",
            "create aws:iam/policy:Policy reports-connect",
            "create aws:iam/role:Role api-role",
            "create aws:iam/role:Role db-runner-role",
            "create aws:iam/role:Role reports-role",
            "create aws:iam/rolePolicy:RolePolicy db-runner-policy",
            "create aws:iam/rolePolicyAttachment:RolePolicyAttachment api-connect",
            "create aws:iam/rolePolicyAttachment:RolePolicyAttachment reports-AWSLambdaBasicExecutionRole",
            "create aws:iam/rolePolicyAttachment:RolePolicyAttachment reports-AWSLambdaVPCAccessExecutionRole",
            "create aws:iam/rolePolicyAttachment:RolePolicyAttachment reports-connect",
            "create aws:lambda/function:Function db-runner-function",
            "create aws:rds/instance:Instance db-instance",
            "create aws:rds/parameterGroup:ParameterGroup db-params",
            "create aws:rds/subnetGroup:SubnetGroup db-subnets",
            "create aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule db-runner-to-database",
            "create aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule db-ingress-cidr-5cbf6964",
            "create aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule db-runner-from-runner",
            "create pulumi-nodejs:dynamic/rds-iam:DatabaseUser db-user-app_rw",
            "create pulumi-nodejs:dynamic/rds-iam:DatabaseUser db-user-reporting_ro",
            "create pulumi:providers:postgresql db-admin",
            "create rds-iam:index:Database db",
            "create rds-iam:index:DatabaseAccessRole api",
            "create rds-iam:index:DatabaseAccessRole reports",
            "create rds-iam:index:SqlRunner db-runner",
        ]);
        assert.deepEqual(cloud.resources(), []);
    });

    it("deploys with pulumi up: the database runs PostgreSQL 17 and its IAM users exist with rds_iam, made through the SQL runner", async () => {
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
        const db = database();
        assert.equal(db.server.label, "PostgreSQL 17");
        const roles = await db.server.inspect(
            `SELECT r.rolname, r.rolcanlogin, pg_has_role(r.rolname, 'rds_iam', 'MEMBER') AS iam
               FROM pg_roles r WHERE r.rolname IN ('app_rw', 'reporting_ro') ORDER BY 1`,
        );
        assert.deepEqual(roles, [
            { rolname: "app_rw", rolcanlogin: true, iam: true },
            { rolname: "reporting_ro", rolcanlogin: true, iam: true },
        ]);
        assert.deepEqual(
            cloud.lambda.invocations.map((i) => i.operation),
            ["create", "create"],
        );
        const outputs = await stackOutputs(ws);
        assert.deepEqual(
            [outputs.address, outputs.port, outputs.resourceId],
            [db.address, 5432, db.resourceId],
        );
    });

    it("lets every workload log in with an IAM token as exactly its users, with exactly their privileges, and nobody else", async () => {
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
        assert.deepEqual(loginSummary(logins), [
            ["api", "app_rw", "allowed", ["SELECT succeeds", "TRUNCATE refused"]],
            ["api", "reporting_ro", "denied", []],
            ["reports", "app_rw", "denied", []],
            ["reports", "reporting_ro", "allowed", ["SELECT succeeds", "INSERT refused"]],
            ["outsider", "app_rw", "denied", []],
            ["outsider", "reporting_ro", "denied", []],
        ]);
        // The emulator's reasons name the database by its real resource id, as the policies do.
        assert.equal(
            logins.find((l) => l.principal === "api" && l.user === "reporting_ro")?.reason,
            `policy denies: nothing allows ${outputs.roleArns.api} rds-db:connect on arn:aws:rds-db:us-east-1:123456789012:dbuser:${db.resourceId}/reporting_ro`,
        );
    });

    it("publishes the refused IAM logins to the iam-db-auth-error log group the stack made, kept 30 days (#23.9)", async () => {
        const [instance] = cloud.resources("aws:rds/instance:Instance");
        assert.deepEqual(instance.outputs.enabledCloudwatchLogsExports, ["iam-db-auth-error"]);
        const group = `/aws/rds/instance/${instance.outputs.identifier}/iam-db-auth-error`;
        const [logGroup] = cloud
            .resources("aws:cloudwatch/logGroup:LogGroup")
            .filter((g) => g.outputs.name === group);
        assert.ok(logGroup, `the stack made ${group}`);
        assert.equal(logGroup.outputs.retentionInDays, 30);
        // The previous test's four refusals (api as reporting_ro, reports as app_rw, the outsider twice).
        const events = cloud.logEvents.get(group) ?? [];
        assert.equal(events.length, 4, events.join("\n"));
        assert.ok(
            events.some((e) => e.includes('user "reporting_ro"') && e.includes("nothing allows")),
            events.join("\n"),
        );
    });

    it("shows no changes on a second preview (pulumi preview --expect-no-changes)", async () => {
        await ok(ws.pulumi(["preview", "--expect-no-changes"]));
    });

    it("converges a privilege change made in the stack config: one update, then no changes", async () => {
        await ok(ws.pulumi(["config", "set", "--path", "rds-iam:users[1].privileges[1]", "INSERT"]));
        const up = await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
        assert.match(up.stdout, /~ 1 updated/);
        assert.deepEqual((await stateUsers()).reporting_ro.privileges, ["INSERT", "SELECT"]);
        assert.deepEqual(
            await database().server.inspect(
                `SELECT a.privilege_type AS p FROM pg_default_acl d, aclexplode(d.defaclacl) a
                  WHERE a.grantee = 'reporting_ro'::regrole AND d.defaclobjtype = 'r' ORDER BY 1`,
                [],
                "app",
            ),
            [{ p: "INSERT" }, { p: "SELECT" }],
        );
        await ok(ws.pulumi(["preview", "--expect-no-changes"]));
    });

    it("sees in pulumi refresh a grant revoked by hand, and the next up restores it", async () => {
        await database().server.inspect(
            "ALTER DEFAULT PRIVILEGES FOR ROLE dbmaster IN SCHEMA public REVOKE INSERT ON TABLES FROM reporting_ro",
            [],
            "app",
        );
        await ok(ws.pulumi(["refresh", "--yes", "--skip-preview"]));
        assert.deepEqual((await stateUsers()).reporting_ro.privileges, ["SELECT"]);
        const preview = await ws.pulumi(["preview", "--expect-no-changes"]);
        assert.notEqual(preview.code, 0, "the preview must show the repair");
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
        assert.deepEqual((await stateUsers()).reporting_ro.privileges, ["INSERT", "SELECT"]);
    });

    it("keeps neither the master password nor a token in plaintext in the state (pulumi stack export)", async () => {
        const state = JSON.stringify(await ws.exportState());
        const { password } = database().server.master;
        assert.equal(state.includes(password), false, "the master password is in the state in plaintext");
        assert.equal(/X-Amz-Signature|Action=connect/.test(state), false, "an IAM token is in the state");
        assert.match(state, /"ciphertext"/); // the admin provider's password, as an encrypted secret
    });

    it("destroys everything: no resource left in the cloud or the state, no database server", async () => {
        await ok(ws.pulumi(["destroy", "--yes", "--skip-preview"]));
        assert.deepEqual(cloud.resources(), []);
        assert.equal(cloud.databases.size, 0);
        assert.deepEqual((await ws.exportState()).deployment.resources ?? [], []);
    });
});
