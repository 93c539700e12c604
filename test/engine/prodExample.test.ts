/**
 * The shipped production profile under the real Pulumi engine, as its header tells a user to use it:
 * `cp Pulumi.prod.yaml.example Pulumi.prod.yaml`, every REPLACE_ME replaced (here by fake ids of the
 * right shape; the app tier's security group exists in the account), then `pulumi stack init prod`.
 * Aurora PostgreSQL with two instances, the version resolved by the engine version lookup, deletion
 * protection on (so destroy is refused until it is turned off, as on AWS), and a final snapshot.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import { StackLoginOptions, cloudLogins, createProbeTable } from "../../local/aws/cloudLogins";
import { cloudProxyFor, cloudProxyLogins } from "../../local/aws/cloudProxyLogins";
import { REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { fillPlaceholdersInText } from "../../local/rehearsal/stackFile";
import { requireEngine, transcript } from "../support/engine";
import { destroyAndClose, ok, stackOutputs } from "./harness";

/** The prod example's workloads and users (Pulumi.prod.yaml.example), as the login checks need them. */
function prodLoginOptions(roleArns: Record<string, string>): StackLoginOptions {
    return {
        workloads: [
            { name: "api", service: "ecs-tasks", users: ["app_rw"] },
            { name: "analytics", service: "lambda", users: ["analytics_ro"], via: "proxy" },
        ],
        users: [
            { username: "app_rw", privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
            { username: "analytics_ro", privileges: ["SELECT"] },
        ],
        roleArns,
        database: "app",
    };
}

describe("the prod example under the real Pulumi engine (placeholders filled, nothing else changed)", function () {
    this.timeout(240_000);
    let cloud: LocalCloud;
    let ws: Workspace;
    let filled: Map<string, string>;

    before(async function () {
        this.timeout(900_000);
        const engine = requireEngine(this);
        cloud = await startLocalCloud();
        const example = fillPlaceholdersInText(
            fs.readFileSync(path.join(REPO, "Pulumi.prod.yaml.example"), "utf8"),
        );
        filled = example.filled;
        const appTier = filled.get("sg-REPLACE_ME_APP_TIER") as string;
        cloud.seed("aws:ec2/securityGroup:SecurityGroup", appTier, {
            name: "app-tier",
            vpcId: filled.get("vpc-REPLACE_ME"),
        });
        const file = path.join(cloud.env.RDS_IAM_LOCAL_DNS, "..", "Pulumi.prod.yaml");
        fs.writeFileSync(file, example.text);
        ws = createWorkspace({ engine, cloudEnv: cloud.env, stackFiles: { "Pulumi.prod.yaml": file } });
        await ok(ws.pulumi(["stack", "init", "prod"]));
        await ok(ws.pulumi(["config", "set", "rds-iam:caBundleFile", cloud.caFile]));
    });

    after(async function () {
        this.timeout(120_000);
        if (ws !== undefined) {
            await ws.pulumi(["config", "set", "rds-iam:deletionProtection", "false"]);
            await ws.pulumi(["up", "--yes", "--skip-preview"]);
        }
        await destroyAndClose(ws, cloud);
    });

    it("deploys an Aurora PostgreSQL 17 cluster at AWS's default minor with two instances and its IAM users", async () => {
        await ok(ws.pulumi(["up", "--yes"]));
        const [db] = [...cloud.databases.values()];
        assert.deepEqual(
            [db.type, db.server.label, db.reachable, db.resourceId.startsWith("cluster-")],
            ["aws:rds/cluster:Cluster", "PostgreSQL 17", true, true],
        );
        const [cluster] = cloud.resources("aws:rds/cluster:Cluster");
        assert.equal(cluster.outputs.engineVersion, "17.4");
        assert.equal(cloud.resources("aws:rds/clusterInstance:ClusterInstance").length, 2);
        assert.deepEqual(
            await db.server.inspect(
                // Direct, inheriting members: rds_superuser holds rds_iam with ADMIN only (INHERIT FALSE, SET
                // FALSE), which pg_has_role's MEMBER also counts on PostgreSQL 16+, as it does every role for rdsadmin.
                `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
                  WHERE m.roleid = 'rds_iam'::regrole AND m.inherit_option ORDER BY 1`,
            ),
            [{ rolname: "analytics_ro" }, { rolname: "app_rw" }],
        );
    });

    it("puts the cluster behind an RDS Proxy with end-to-end IAM and TLS, its target the cluster itself", async () => {
        const [proxy] = cloud.resources("aws:rds/proxy:Proxy");
        assert.equal(proxy.inputs.engineFamily, "POSTGRESQL");
        assert.equal(proxy.inputs.defaultAuthScheme, "IAM_AUTH");
        assert.equal(proxy.inputs.requireTls, true);
        const [cluster] = cloud.resources("aws:rds/cluster:Cluster");
        const [target] = cloud.resources("aws:rds/proxyTarget:ProxyTarget");
        assert.equal(target.inputs.dbProxyName, proxy.outputs.name);
        assert.equal(target.inputs.dbClusterIdentifier, cluster.outputs.clusterIdentifier);
        assert.equal(
            target.id,
            `${proxy.outputs.name}/default/TRACKED_CLUSTER/${cluster.outputs.clusterIdentifier}`,
        );
        const outputs = await stackOutputs(ws);
        assert.equal(outputs.proxyEndpoint, proxy.outputs.endpoint);
    });

    it("lets the ECS task role log in as exactly its user through the cluster endpoint, and refuses the Lambda role there (its grant names the proxy's prx- id)", async () => {
        const [db] = [...cloud.databases.values()];
        await createProbeTable(db, "app");
        const outputs = await stackOutputs(ws);
        const logins = await cloudLogins(cloud, db, prodLoginOptions(outputs.roleArns));
        assert.deepEqual(
            logins.map((l) => `${l.principal} ${l.user} ${l.expected} ${l.observed}`),
            [
                "api app_rw allowed allowed",
                "api analytics_ro denied denied",
                "analytics app_rw denied denied",
                "analytics analytics_ro denied denied",
                "outsider app_rw denied denied",
                "outsider analytics_ro denied denied",
            ],
        );
    });

    it("lets the Lambda role log in as exactly its user through the RDS Proxy (its token signed for the proxy endpoint, the proxy logging in with its own role), and refuses the ECS task role there", async () => {
        const [db] = [...cloud.databases.values()];
        const outputs = await stackOutputs(ws);
        const found = cloudProxyFor(cloud, db);
        assert.ok(found, "the local cloud holds a proxy whose target is the cluster");
        // The proxy's role may connect as exactly the users the proxy serves (DatabaseProxyArgs.users).
        assert.deepEqual(found.users, ["analytics_ro"]);
        assert.match(found.resourceId, /^prx-[0-9a-z]+$/);
        const logins = await cloudProxyLogins(cloud, db, prodLoginOptions(outputs.roleArns));
        assert.deepEqual(
            logins.map((l) => `${l.principal} ${l.user} ${l.through} ${l.expected} ${l.observed}`),
            [
                "api app_rw proxy denied denied",
                "api analytics_ro proxy denied denied",
                "analytics app_rw proxy denied denied",
                "analytics analytics_ro proxy allowed allowed",
                "outsider app_rw proxy denied denied",
                "outsider analytics_ro proxy denied denied",
            ],
        );
        // What the allowed login may do is the user's own privileges, through the proxy too.
        const allowed = logins.find((l) => l.observed === "allowed");
        assert.ok(
            allowed && allowed.probes.length > 0 && allowed.probes.every((p) => p.expected === p.observed),
        );
    });

    it("shows no changes on a second preview, the resolved version and everything else included", async () => {
        await ok(ws.pulumi(["preview", "--expect-no-changes"]));
    });

    it("refuses destroy while deletion protection is on, as RDS does, and changes nothing", async () => {
        const r = await ws.pulumi(["destroy", "--yes", "--skip-preview"]);
        assert.notEqual(r.code, 0, transcript(r));
        assert.match(
            r.stdout + r.stderr,
            /InvalidParameterCombination: Cannot delete protected Cluster, please disable deletion protection and try again\./,
        );
        assert.equal(cloud.databases.size, 1);
    });

    it("destroys after deletion protection is turned off and applied, keeping a final snapshot", async () => {
        await ok(ws.pulumi(["config", "set", "rds-iam:deletionProtection", "false"]));
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
        await ok(ws.pulumi(["destroy", "--yes", "--skip-preview"]));
        assert.deepEqual(cloud.resources(), []);
        assert.equal(cloud.snapshots.length, 1);
        assert.match(cloud.snapshots[0], /^db-final-[0-9a-f]+$/);
    });
});
