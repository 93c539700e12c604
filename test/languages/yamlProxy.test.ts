/**
 * DatabaseProxy through the rds-iam provider plugin (#26.1: Construct serves it beside Database and
 * DatabaseAccessRole), under the real engine in the local AWS world: examples/yaml-proxy, the dev
 * stack with its reports workload behind an end-to-end IAM RDS Proxy. The proxy is a component of
 * the plugin that takes the plugin's Database by reference, and a grant takes the proxy by reference
 * (`grants: - proxy: ${db-proxy}`): both references resolve to the objects the same plugin process
 * built (plugin/construct.ts). A grant of a user the proxy does not serve is refused at preview.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import { StackLoginOptions, cloudLogins, createProbeTable, loginSummary } from "../../local/aws/cloudLogins";
import { cloudProxyFor, cloudProxyLogins } from "../../local/aws/cloudProxyLogins";
import { REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { ACCOUNT_ID } from "../../local/pulumi/mockAnswers";
import { transcript } from "../support/engine";
import {
    destroyAndClose,
    mandatoryRules,
    ok,
    onlyDatabase,
    policyResources,
    previewSteps,
    stackOutputs,
    withFileEdit,
} from "../engine/harness";
import { exampleProject, toolsWith } from "./support";
import {
    REPORTS_WORKLOAD,
    assertSameGraph,
    devStackWith,
    stackGraph,
    userStatements,
    withTypeScriptTwin,
} from "./typescriptTwin";

const EXAMPLE = path.join(REPO, "examples", "yaml-proxy", "Pulumi.yaml");

function loginOptions(outputs: Record<string, any>): StackLoginOptions {
    return {
        workloads: [
            { name: "api", service: "ec2", users: ["app_rw"] },
            { name: "reports", service: "lambda", users: ["reporting_ro"], via: "proxy" },
        ],
        users: [
            { username: "app_rw", privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
            { username: "reporting_ro", privileges: ["SELECT"] },
        ],
        roleArns: { api: outputs.apiRoleArn, reports: outputs.reportsRoleArn },
        instanceProfileNames: { api: outputs.apiInstanceProfileName },
        database: "app",
    };
}

describe("a DatabaseProxy from a Pulumi YAML program on the rds-iam plugin under the real Pulumi engine (examples/yaml-proxy)", function () {
    this.timeout(240_000);
    let cloud: LocalCloud;
    let ws: Workspace;
    const project = () => exampleProject(EXAMPLE);
    const projectFile = () => path.join(ws.dir, "Pulumi.yaml");

    before(async function () {
        this.timeout(900_000); // a first run builds the CLI and pulumi-language-yaml
        cloud = await startLocalCloud();
        const { engine, hosts } = toolsWith("pulumi-language-yaml");
        ws = createWorkspace({
            engine,
            cloudEnv: cloud.env,
            projectYaml: project(),
            pathDirs: [hosts.binDir],
        });
        await ok(ws.pulumi(["stack", "init", "dev"]));
        await ok(ws.pulumi(["config", "set", "caBundleFile", cloud.caFile]));
    });

    after(async function () {
        this.timeout(120_000);
        await destroyAndClose(ws, cloud);
    });

    const variants = [
        {
            what: "a grant through the proxy of a user the proxy does not serve",
            from: "        - proxy: ${db-proxy}\n          username: reporting_ro",
            to: "        - proxy: ${db-proxy}\n          username: app_rw",
            error: /grants\[0\]\.username[\s\S]*proxy "db-proxy" does not log in as "app_rw"[\s\S]*add the user to the DatabaseProxy's users or fix the name/,
        },
        {
            what: "a proxy user the database does not define",
            from: "      users: [reporting_ro]\n      allowedCidrBlocks:",
            to: "      users: [reporting]\n      allowedCidrBlocks:",
            error: /users\[0\][\s\S]*database "db" defines no user "reporting"[\s\S]*add it to the Database's users or fix the name/,
        },
    ];
    for (const variant of variants)
        it(`refuses at preview ${variant.what}, naming the input and the fix, and creates nothing`, async () => {
            const preview = await withFileEdit(projectFile(), variant.from, variant.to, () =>
                ws.pulumi(["preview"]),
            );
            assert.notEqual(preview.code, 0, transcript(preview));
            assert.match(preview.stdout + preview.stderr, variant.error, transcript(preview));
            assert.deepEqual(cloud.resources(), []);
        });

    it("previews the proxy the plugin constructs, its role, security group and target, and creates nothing", async () => {
        const steps = await previewSteps(ws);
        assert.deepEqual(
            steps.filter((s) => /DatabaseProxy|rds\/proxy|db-proxy|reports/.test(s)),
            [
                "create aws:ec2/securityGroup:SecurityGroup db-proxy-sg",
                "create aws:iam/policy:Policy reports-connect",
                "create aws:iam/role:Role db-proxy-role",
                "create aws:iam/role:Role reports-role",
                "create aws:iam/rolePolicy:RolePolicy db-proxy-connect",
                "create aws:iam/rolePolicyAttachment:RolePolicyAttachment reports-AWSLambdaBasicExecutionRole",
                "create aws:iam/rolePolicyAttachment:RolePolicyAttachment reports-AWSLambdaVPCAccessExecutionRole",
                "create aws:iam/rolePolicyAttachment:RolePolicyAttachment reports-connect",
                "create aws:rds/proxy:Proxy db-proxy",
                "create aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup db-proxy-targets",
                "create aws:rds/proxyTarget:ProxyTarget db-proxy-target",
                "create aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule db-proxy-to-database",
                "create aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule db-proxy-from-proxy",
                "create aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule db-proxy-ingress-cidr-5cbf6964",
                "create rds-iam:index:DatabaseAccessRole reports",
                "create rds-iam:index:DatabaseProxy db-proxy",
            ],
        );
        assert.deepEqual(cloud.resources(), []);
    });

    it("deploys with pulumi up: the proxy with end-to-end IAM and TLS, its target the instance, its role connecting as reporting_ro only", async () => {
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
        const db = onlyDatabase(cloud);
        const [proxy] = cloud.resources("aws:rds/proxy:Proxy");
        assert.deepEqual(
            [proxy.inputs.engineFamily, proxy.inputs.defaultAuthScheme, proxy.inputs.requireTls],
            ["POSTGRESQL", "IAM_AUTH", true],
        );
        const [instance] = cloud.resources("aws:rds/instance:Instance");
        const [target] = cloud.resources("aws:rds/proxyTarget:ProxyTarget");
        assert.equal(target.inputs.dbInstanceIdentifier, instance.outputs.identifier);
        const found = cloudProxyFor(cloud, db);
        assert.ok(found, "the local cloud holds a proxy whose target is the instance");
        assert.deepEqual(found.users, ["reporting_ro"]);
        const outputs = await stackOutputs(ws);
        assert.deepEqual(
            [outputs.proxyEndpoint, outputs.proxyId, outputs.resourceId],
            [found.endpoint, found.resourceId, db.resourceId],
        );
        // The reports role is granted the proxy's prx- id, and nothing on the database itself.
        assert.deepEqual(policyResources(cloud, "reports-connect"), [
            `arn:aws:rds-db:us-east-1:${ACCOUNT_ID}:dbuser:${outputs.proxyId}/reporting_ro`,
        ]);
    });

    // The pack's proxy rules hold the plugin's stack as they hold the TypeScript one. A change of the
    // proxy's users leaves its role's policy unknown at preview, where the stack rules cannot decide
    // (they say so as advisories); pulumi up runs them again on the values deployed, and fails.
    it("passes the policy pack unchanged (--policy-pack policies); an up of a proxy that may log in as a user no workload reaches through it fails on rds-iam-proxy-role-users alone", async function () {
        this.timeout(300_000);
        const pack = path.join(REPO, "policies");
        const passed = await ok(ws.pulumi(["preview", "--policy-pack", pack]));
        assert.doesNotMatch(passed.stdout, /\[mandatory\]|can't run policy/, transcript(passed));
        const refused = await withFileEdit(
            projectFile(),
            "users: [reporting_ro]",
            "users: [app_rw, reporting_ro]",
            () => ws.pulumi(["up", "--yes", "--skip-preview", "--policy-pack", pack]),
        );
        assert.notEqual(refused.code, 0, transcript(refused));
        assert.deepEqual(mandatoryRules(refused.stdout), ["rds-iam-proxy-role-users"], transcript(refused));
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
        assert.deepEqual(cloudProxyFor(cloud, onlyDatabase(cloud))?.users, ["reporting_ro"]);
    });

    it("lets the reports role log in as reporting_ro through the proxy only, and the api role as app_rw at the database only", async () => {
        const db = onlyDatabase(cloud);
        await createProbeTable(db, "app");
        const options = loginOptions(await stackOutputs(ws));
        assert.deepEqual(loginSummary(await cloudProxyLogins(cloud, db, options)), [
            ["api", "app_rw", "denied", []],
            ["api", "reporting_ro", "denied", []],
            ["reports", "app_rw", "denied", []],
            ["reports", "reporting_ro", "allowed", ["SELECT succeeds", "INSERT refused"]],
            ["outsider", "app_rw", "denied", []],
            ["outsider", "reporting_ro", "denied", []],
        ]);
        assert.deepEqual(loginSummary(await cloudLogins(cloud, db, options)), [
            ["api", "app_rw", "allowed", ["SELECT succeeds", "TRUNCATE refused"]],
            ["api", "reporting_ro", "denied", []],
            ["reports", "app_rw", "denied", []],
            ["reports", "reporting_ro", "denied", []],
            ["outsider", "app_rw", "denied", []],
            ["outsider", "reporting_ro", "denied", []],
        ]);
    });

    it("makes the same resources as the TypeScript program with the dev stack's reports workload via: proxy: the same proxy, roles, IAM JSON and SQL (pulumi stack export of both)", async function () {
        this.timeout(600_000);
        const stackFile = devStackWith([
            {
                from: REPORTS_WORKLOAD,
                to: `${REPORTS_WORKLOAD}      via: proxy\n  rds-iam:proxy:\n    enabled: true\n`,
            },
        ]);
        await withTypeScriptTwin(toolsWith("pulumi-language-yaml").engine, stackFile, async (twin) => {
            const graph = await stackGraph(ws, cloud, "rds-iam-yaml-proxy/dev/");
            assertSameGraph(graph, twin.graph, "YAML");
            assert.ok(graph["aws:rds/proxy:Proxy db-proxy"], "the graphs compared hold the proxy");
            const users = ["app_rw", "reporting_ro"];
            assert.deepEqual(
                await userStatements(cloud, users, "rds-iam-yaml-proxy/dev/"),
                await userStatements(twin.cloud, users, "rds-iam/dev/"),
            );
        });
    });

    it("shows no changes on a second preview", async () => {
        await ok(ws.pulumi(["preview", "--expect-no-changes"]));
    });

    it("destroys everything: no resource left in the cloud or the state", async () => {
        await ok(ws.pulumi(["destroy", "--yes", "--skip-preview"]));
        assert.deepEqual(cloud.resources(), []);
        assert.equal(cloud.databases.size, 0);
        assert.deepEqual((await ws.exportState()).deployment.resources ?? [], []);
    });
});
