/**
 * The dev stack with `rds-iam:masterPassword iam` (#23.11) under the real Pulumi engine: RDS's
 * IAM-only master (MasterUserAuthenticationType iam-db-auth, "only valid for RDS for PostgreSQL and
 * Aurora PostgreSQL engines", RDS API Reference ModifyDBInstance). The database is created with a
 * generated password and switched with one ModifyDBInstance through the real @aws-sdk/client-rds (the
 * local RDS API then grants the master rds_iam, as RDS does); from then on no step reads a master
 * password: the SQL runner signs the master's token with its own execution role, the deployer with
 * its credentials, and every token is checked by the IAM login emulator against the signer's real
 * policies — the runner role's inline policy and the shipped deployer policy. Nothing is let through
 * by default (the servers' allow-anything decider is replaced before the first login).
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import {
    cloudCaCertificate,
    cloudLogins,
    cloudRolePrincipal,
    createProbeTable,
    decideLoginsAt,
    deployerPrincipal,
} from "../../local/aws/cloudLogins";
import { signToken } from "../../local/emulator/principals";
import { REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { stackConfig } from "../../local/pulumi/mocks";
import { loginLog, resetLoginDecider } from "../../local/servers/loginHook";
import { requireEngine, transcript } from "../support/engine";
import { destroyAndClose, ok, onlyDatabase, stackOutputs } from "./harness";

const PACK = path.join(REPO, "policies");
const SWITCH = "pulumi-nodejs:dynamic/rds-iam:MasterAuthentication";

// Each PostgreSQL major the local cloud runs: on 16+ CREATEROLE no longer implies admin over other
// roles, so the IAM-only master creates and grants through rds_superuser's ADMIN on rds_iam.
for (const major of [17, 16, 15])
    describe(`the dev stack with masterPassword "iam" (an IAM-only master) on PostgreSQL ${major} under the real Pulumi engine (#23.11)`, function () {
        this.timeout(240_000);
        let cloud: LocalCloud;
        let ws: Workspace;

        const database = () => onlyDatabase(cloud);
        const runnerRoleArn = () => {
            const fn = cloud.resources("aws:lambda/function:Function")[0];
            return fn === undefined ? undefined : String(fn.inputs.role);
        };
        /** IAM logins at the database decided for the deployer and (once it exists) the runner's role. */
        const decideMasterLogins = () => {
            const db = database();
            decideLoginsAt(cloud, db, () => {
                const runner = runnerRoleArn();
                return [deployerPrincipal(cloud), ...(runner ? [cloudRolePrincipal(cloud, runner)] : [])];
            });
        };
        // The log is the process's: this stack's logins are those after its start.
        let logStart = 0;
        const masterLogins = () => loginLog.slice(logStart).filter((l) => l.user === "dbmaster");

        before(async function () {
            this.timeout(900_000);
            const engine = requireEngine(this);
            logStart = loginLog.length;
            cloud = await startLocalCloud();
            ws = createWorkspace({
                engine,
                cloudEnv: cloud.env,
                stackFiles: { "Pulumi.dev.yaml": path.join(REPO, "Pulumi.dev.yaml") },
                main: "test/fixtures/engine/policyVariants.ts",
            });
            await ok(ws.pulumi(["stack", "init", "dev"]));
            await ok(ws.pulumi(["config", "set", "rds-iam:caBundleFile", cloud.caFile]));
            await ok(ws.pulumi(["config", "set", "rds-iam:masterPassword", "iam"]));
            await ok(ws.pulumi(["config", "set", "rds-iam:engineVersion", String(major)]));
        });

        after(async function () {
            this.timeout(120_000);
            resetLoginDecider();
            if (ws !== undefined && cloud.databases.size > 0) decideMasterLogins();
            await destroyAndClose(ws, cloud);
            resetLoginDecider();
        });

        it("deploys: the master is switched to IAM by ModifyDBInstance, and the runner creates the users with its own token", async () => {
            // The database exists only part-way through the up: decide logins from its first moment.
            const up = ws.pulumi(["up", "--yes", "--skip-preview"]);
            const started = Date.now();
            while (cloud.databases.size === 0 && Date.now() - started < 200_000)
                await new Promise((r) => setTimeout(r, 50));
            decideMasterLogins();
            await ok(up);

            const db = database();
            assert.equal(db.server.version.split(".")[0], String(major));
            const [instance] = cloud.resources("aws:rds/instance:Instance");
            assert.equal(instance.inputs.manageMasterUserPassword, false);
            assert.equal(instance.outputs.masterUserAuthenticationType, "iam-db-auth");
            // One ModifyDBInstance, signed with the deployer's key, then the waiter's Describe.
            const modify = cloud.rdsApi.requests.filter((r) => r.action === "ModifyDBInstance");
            assert.deepEqual(
                modify.map((r) => [r.identifier, r.accessKeyId]),
                [[instance.outputs.identifier, cloud.env.AWS_ACCESS_KEY_ID]],
            );
            assert.ok(cloud.rdsApi.requests.some((r) => r.action === "DescribeDBInstances"));
            const [member] = await db.server.inspect(
                "SELECT pg_has_role('dbmaster', 'rds_iam', 'MEMBER') AS iam",
            );
            assert.equal(member.iam, true, "RDS makes an IAM-only master a member of rds_iam");

            const roles = await db.server.inspect(
                `SELECT rolname FROM pg_roles WHERE rolname IN ('app_rw', 'reporting_ro') ORDER BY 1`,
            );
            assert.deepEqual(
                roles.map((r) => r.rolname),
                ["app_rw", "reporting_ro"],
            );
            // Each create ran in the runner, logged in as the master with a token its role signed.
            assert.deepEqual(
                cloud.lambda.invocations.map((i) => i.operation),
                ["create", "create"],
            );
            const runner = runnerRoleArn()!;
            const allowed = masterLogins().filter((l) => l.allow);
            assert.ok(allowed.length > 0, "the master logged in with IAM");
            for (const login of allowed) assert.match(login.reason, new RegExp(runner.split("/").pop()!));
            // No master secret exists, none was read.
            assert.deepEqual(cloud.secrets.requests, []);
            assert.equal((await stackOutputs(ws)).masterSecretArn, undefined);
        });

        it("sends the runner no password: the invocations carry none, and its role may connect as the master of this database only", async () => {
            assert.ok(cloud.lambda.invocations.length >= 2);
            assert.deepEqual(
                cloud.lambda.invocations.filter((i) => i.carriesPassword),
                [],
                "an invocation carried a password",
            );
            const policies = cloud
                .resources("aws:iam/rolePolicy:RolePolicy")
                .filter((r) => String(r.outputs.policy).includes("rds-db:connect"));
            assert.equal(policies.length, 1);
            const statement = JSON.parse(String(policies[0].outputs.policy)).Statement[0];
            assert.deepEqual(statement.Action, ["rds-db:connect"]);
            assert.deepEqual(statement.Resource, [
                `arn:aws:rds-db:us-east-1:123456789012:dbuser:${database().resourceId}/dbmaster`,
            ]);
        });

        it("refuses the generated password at the endpoint once the master is IAM-only, and takes a deployer's token", async () => {
            const pg = require("pg") as typeof import("pg");
            const db = database();
            const connect = async (password: string) => {
                const client = new pg.Client({
                    host: db.ip,
                    port: db.port,
                    user: "dbmaster",
                    password,
                    database: "app",
                    ssl: { ca: cloudCaCertificate(cloud), servername: db.address, rejectUnauthorized: true },
                });
                try {
                    await client.connect();
                    return (await client.query("SELECT current_user AS u")).rows[0].u as string;
                } finally {
                    await client.end().catch(() => undefined);
                }
            };
            await assert.rejects(
                connect(db.server.master.password),
                /PAM authentication failed for user "dbmaster"/,
            );
            const token = await signToken(
                deployerPrincipal(cloud),
                db.address,
                db.port,
                "dbmaster",
                db.region,
            );
            assert.equal(await connect(token), "dbmaster");
        });

        // The pack does not depend on the version: once is enough.
        if (major === 17)
            it("passes the policy pack, which fails a role that may still read a master secret (rds-iam-iam-master-no-secret-read)", async () => {
                decideMasterLogins();
                await ok(ws.pulumi(["preview", "--policy-pack", PACK]));
                await ok(ws.pulumi(["config", "set", "variant:mistake", "iam-master-secret-read"]));
                try {
                    const r = await ws.pulumi(["preview", "--policy-pack", PACK]);
                    assert.notEqual(r.code, 0, transcript(r));
                    assert.match(r.stdout, /rds-iam-iam-master-no-secret-read/);
                    assert.match(r.stdout, /careless-secret-read/);
                    assert.doesNotMatch(r.stdout, /rds-iam-no-master-secret-read/);
                } finally {
                    await ok(ws.pulumi(["config", "set", "variant:mistake", "none"]));
                }
            });

        it("lets the workloads log in with IAM tokens as their users", async () => {
            const db = database();
            decideMasterLogins();
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

        it('moves the users to sqlRunner "deployer": the deployer signs the master token with the shipped policy\'s rds-db:connect', async () => {
            decideMasterLogins();
            const before = loginLog.length;
            await ok(ws.pulumi(["config", "set", "rds-iam:sqlRunner", "deployer"]));
            await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
            const deployer = loginLog
                .slice(before)
                .filter((l) => l.user === "dbmaster" && l.allow && /deployer/.test(l.reason));
            assert.ok(deployer.length > 0, "the deployer logged in as the master with its own token");
            await ok(ws.pulumi(["preview", "--expect-no-changes"]));
            assert.deepEqual(cloud.secrets.requests, []);
            const state = (await ws.exportState()).deployment.resources as any[];
            assert.deepEqual(
                state.filter((r) => r.type === SWITCH).map((r) => r.urn.split("::").pop()),
                ["db-master-iam"],
            );
        });

        it("refreshes and destroys with IAM tokens only", async () => {
            decideMasterLogins();
            await ok(ws.pulumi(["refresh", "--yes", "--skip-preview", "--expect-no-changes"]));
            await ok(ws.pulumi(["destroy", "--yes", "--skip-preview"]));
            assert.deepEqual(cloud.resources(), []);
            assert.equal(cloud.databases.size, 0);
            assert.deepEqual(cloud.secrets.requests, []);
        });
    });
