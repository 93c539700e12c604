/**
 * What a program of another language on the rds-iam provider plugin must do under the real engine in
 * the local AWS world (#26.4), whatever its language: the example programs (examples/yaml,
 * examples/python) make the dev stack's database, its two IAM users and the api workload's role.
 * Preview, up, IAM logins, a second preview with no changes, what the state keeps, destroy; once with
 * the master password kept by RDS (managed, the default) and once with a generated one, a secret of
 * the state that the plugin's users read (its Check must hand it back as a secret). masterPassword
 * "iam" is refused by the plugin at preview (it needs a dynamic resource, pulumi/pulumi#5455).
 */
import * as assert from "node:assert/strict";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import { cloudLogins, createProbeTable, loginSummary } from "../../local/aws/cloudLogins";
import { Workspace } from "../../local/engine/pulumi";
import {
    destroyAndClose,
    ok,
    onlyDatabase,
    previewSteps,
    stackOutputs,
    stateByOutput,
} from "../engine/harness";
import { transcript } from "../support/engine";

export type MasterPassword = "managed" | "generated";

export interface PluginProgram {
    /** "a Pulumi YAML program", "a Python program". */
    readonly title: string;
    /** Its directory in the repository. */
    readonly example: string;
    /** A workspace with the program, its stack "dev" not yet made. */
    workspace(cloud: LocalCloud): Promise<Workspace>;
    /** Tests of its own, run after the second preview and before destroy. */
    more?(context: { cloud(): LocalCloud; ws(): Workspace }): void;
}

const USER = "rds-iam:index:DatabaseUser";
/** What up creates and destroy deletes, the stack itself included: a generated password adds its RandomPassword. */
const RESOURCES = { managed: 24, generated: 25 };
const USERS = [
    { username: "app_rw", privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
    { username: "reporting_ro", privileges: ["SELECT"] },
];

export function describePluginProgram(program: PluginProgram, masterPassword: MasterPassword): void {
    describe(`${program.title} on the rds-iam plugin under the real Pulumi engine (${program.example}, masterPassword ${masterPassword})`, function () {
        this.timeout(240_000);
        let cloud: LocalCloud;
        let ws: Workspace;

        before(async function () {
            this.timeout(900_000); // a first run builds the CLI and pulumi-language-yaml
            cloud = await startLocalCloud();
            ws = await program.workspace(cloud);
            await ok(ws.pulumi(["stack", "init", "dev"]));
            // The local cloud's databases carry certificates of its own CA, not Amazon's.
            await ok(ws.pulumi(["config", "set", "caBundleFile", cloud.caFile]));
            await ok(ws.pulumi(["config", "set", "masterPassword", masterPassword]));
        });

        after(async function () {
            this.timeout(120_000);
            await destroyAndClose(ws, cloud);
        });

        const database = () => onlyDatabase(cloud);

        if (masterPassword === "managed")
            it('refuses masterPassword "iam" at preview, naming why, and creates nothing', async () => {
                await ok(ws.pulumi(["config", "set", "masterPassword", "iam"]));
                try {
                    const preview = await ws.pulumi(["preview"]);
                    assert.notEqual(preview.code, 0, transcript(preview));
                    assert.match(
                        preview.stdout,
                        /masterPassword "iam" needs a dynamic resource .*pulumi\/pulumi#5455/,
                        transcript(preview),
                    );
                    assert.doesNotMatch(preview.stdout, /pulumi-resource-pulumi-nodejs/, transcript(preview));
                } finally {
                    await ok(ws.pulumi(["config", "set", "masterPassword", masterPassword]));
                }
                assert.deepEqual(cloud.resources(), []);
            });

        it("previews the components the plugin constructs and everything inside them, and creates nothing", async () => {
            assert.deepEqual(await previewSteps(ws), [
                "create aws:cloudwatch/logGroup:LogGroup db-iam-auth-errors",
                "create aws:cloudwatch/logGroup:LogGroup db-runner-logs",
                "create aws:ec2/securityGroup:SecurityGroup db-runner-sg",
                "create aws:ec2/securityGroup:SecurityGroup db-sg",
                "create aws:iam/instanceProfile:InstanceProfile api-profile",
                "create aws:iam/policy:Policy api-connect",
                "create aws:iam/role:Role api-role",
                "create aws:iam/role:Role db-runner-role",
                "create aws:iam/rolePolicy:RolePolicy db-runner-policy",
                "create aws:iam/rolePolicyAttachment:RolePolicyAttachment api-connect",
                "create aws:lambda/function:Function db-runner-function",
                "create aws:rds/instance:Instance db-instance",
                "create aws:rds/parameterGroup:ParameterGroup db-params",
                "create aws:rds/subnetGroup:SubnetGroup db-subnets",
                "create aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule db-runner-to-database",
                "create aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule db-ingress-cidr-5cbf6964",
                "create aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule db-runner-from-runner",
                "create pulumi:providers:postgresql db-admin",
                ...(masterPassword === "generated"
                    ? ["create random:index/randomPassword:RandomPassword db-master-password"]
                    : []),
                // The plugin's custom resource, not a dynamic one (pulumi/pulumi#5455).
                "create rds-iam:index:Database db",
                "create rds-iam:index:DatabaseAccessRole api",
                "create rds-iam:index:DatabaseUser db-user-app_rw",
                "create rds-iam:index:DatabaseUser db-user-reporting_ro",
                "create rds-iam:index:SqlRunner db-runner",
            ]);
            assert.deepEqual(cloud.resources(), []);
        });

        it("deploys with pulumi up: PostgreSQL 17 with both IAM users, made by the plugin through the SQL runner", async () => {
            const up = await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
            assert.match(up.stdout, new RegExp(`\\+ ${RESOURCES[masterPassword]} created`));
            const db = database();
            assert.equal(
                `${up.stdout}${up.stderr}`.includes(db.server.master.password),
                false,
                "pulumi up printed the master password",
            );
            assert.equal(db.server.label, "PostgreSQL 17");
            assert.deepEqual(
                await db.server.inspect(
                    `SELECT r.rolname, r.rolcanlogin, pg_has_role(r.rolname, 'rds_iam', 'MEMBER') AS iam
                   FROM pg_roles r WHERE r.rolname IN ('app_rw', 'reporting_ro') ORDER BY 1`,
                ),
                [
                    { rolname: "app_rw", rolcanlogin: true, iam: true },
                    { rolname: "reporting_ro", rolcanlogin: true, iam: true },
                ],
            );
            assert.deepEqual(
                cloud.lambda.invocations.map((i) => i.operation),
                ["create", "create"],
            );
            const users = await stateByOutput(ws, USER, "username");
            assert.deepEqual(users.app_rw.privileges, ["DELETE", "INSERT", "SELECT", "UPDATE"]);
            assert.deepEqual(users.reporting_ro.privileges, ["SELECT"]);
            const outputs = await stackOutputs(ws);
            assert.deepEqual(
                [outputs.address, outputs.port, outputs.resourceId, outputs.userNames],
                [db.address, 5432, db.resourceId, ["app_rw", "reporting_ro"]],
            );
        });

        it("lets the api workload log in with an IAM token as app_rw, with its privileges, and nobody else", async () => {
            const db = database();
            await createProbeTable(db, "app");
            const outputs = await stackOutputs(ws);
            const logins = await cloudLogins(cloud, db, {
                workloads: [{ name: "api", service: "ec2", users: ["app_rw"] }],
                users: USERS,
                roleArns: { api: outputs.roleArn },
                instanceProfileNames: { api: outputs.instanceProfileName },
                database: "app",
            });
            assert.deepEqual(loginSummary(logins), [
                ["api", "app_rw", "allowed", ["SELECT succeeds", "TRUNCATE refused"]],
                ["api", "reporting_ro", "denied", []],
                ["outsider", "app_rw", "denied", []],
                ["outsider", "reporting_ro", "denied", []],
            ]);
        });

        it("shows no changes on a second preview: the plugin's diff of its users agrees with the state", async () => {
            await ok(ws.pulumi(["preview", "--expect-no-changes"]));
        });

        it("keeps neither the master password nor a token in plaintext in the state (pulumi stack export)", async () => {
            const state = JSON.stringify(await ws.exportState());
            const { password } = database().server.master;
            assert.equal(state.includes(password), false, "the master password is in the state in plaintext");
            assert.equal(/X-Amz-Signature|Action=connect/.test(state), false, "an IAM token is in the state");
            assert.match(state, /"ciphertext"/);
            // Every user's master block is a secret output; with a generated password, which the
            // users' inputs carry, their master input too (the plugin's Check hands it back as one).
            const users = (await ws.exportState()).deployment.resources?.filter((r) => r.type === USER) ?? [];
            assert.equal(users.length, 2);
            for (const user of users) {
                assert.ok(user.outputs.master.ciphertext, `${user.urn}: outputs.master is not a secret`);
                if (masterPassword === "generated")
                    assert.ok(user.inputs.master.ciphertext, `${user.urn}: inputs.master is not a secret`);
                else assert.deepEqual(Object.keys(user.inputs.master).sort(), ["secretArn", "username"]);
            }
        });

        program.more?.({ cloud: () => cloud, ws: () => ws });

        it("destroys everything: no resource left in the cloud or the state, no database server", async () => {
            const destroy = await ok(ws.pulumi(["destroy", "--yes", "--skip-preview"]));
            assert.match(destroy.stdout, new RegExp(`- ${RESOURCES[masterPassword]} deleted`));
            assert.deepEqual(cloud.resources(), []);
            assert.equal(cloud.databases.size, 0);
            assert.deepEqual((await ws.exportState()).deployment.resources ?? [], []);
        });
    });
}
