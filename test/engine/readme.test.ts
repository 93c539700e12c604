/**
 * The README's "Deploying for real", run as written: every shell block marked `<!-- deploy-step -->`
 * runs in order, in a workspace with Pulumi.dev.yaml, under the real engine against the local cloud.
 * Replaced: the AWS account (the local cloud's endpoints and credentials in the environment, as a
 * deployer's `aws configure` would set them) and the trust in Amazon's CA (the local cloud's CA as
 * rds-iam:caBundleFile); `pulumi login` finds the throwaway file backend in PULUMI_BACKEND_URL and
 * the confirmations are answered by PULUMI_SKIP_CONFIRMATIONS, as in CI. A README command that does
 * not work fails here.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import { REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { requireEngine, transcript } from "../support/engine";
import { destroyAndClose, ok } from "./harness";

const MARK = "<!-- deploy-step";

/** The marked ```sh blocks of the README's "Deploying for real", in order. */
export function deploySteps(readme: string): string[] {
    const section = readme.slice(readme.indexOf("## Deploying for real"));
    const body = section.slice(0, section.indexOf("\n## ", 1));
    const steps = [...body.matchAll(/<!-- deploy-step[^\n]*-->\n```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.equal(
        steps.length,
        body.split(MARK).length - 1,
        "every deploy-step mark is followed by a ```sh block",
    );
    return steps;
}

describe("the README's deploy commands, run verbatim under the real Pulumi engine", function () {
    this.timeout(300_000);
    let cloud: LocalCloud;
    let ws: Workspace;
    const steps = deploySteps(fs.readFileSync(path.join(REPO, "README.md"), "utf8"));

    before(async function () {
        this.timeout(900_000);
        const engine = requireEngine(this);
        cloud = await startLocalCloud();
        ws = createWorkspace({
            engine,
            cloudEnv: cloud.env,
            stackFiles: { "Pulumi.dev.yaml": path.join(REPO, "Pulumi.dev.yaml") },
        });
    });

    after(async function () {
        this.timeout(120_000);
        await destroyAndClose(ws, cloud);
    });

    it("has the four steps: backend and stack, configuration, preview and deploy, destroy", () => {
        assert.deepEqual(
            steps.map((s) => s.split("\n")[0].split("#")[0].trim()),
            [
                "pulumi login",
                "pulumi config set aws:region eu-west-1",
                "pulumi preview --policy-pack policies",
                "pulumi config set rds-iam:deletionProtection false",
            ],
        );
    });

    const run = async (step: string) => {
        const r = await ws.shell(`set -euo pipefail\n${step}`);
        assert.equal(r.code, 0, `README step failed:\n${step}\n${transcript(r)}`);
        return r;
    };

    it("logs in and creates the stack (step 1)", async () => {
        await run(steps[0]);
        await ok(ws.pulumi(["config", "set", "rds-iam:caBundleFile", cloud.caFile])); // the local CA, not Amazon's
    });

    it("configures it with --path and --secret (step 2): the values land in the stack as the program reads them, the secret one encrypted", async () => {
        await run(steps[1]);
        const config = JSON.parse((await ok(ws.pulumi(["config", "--json"]))).stdout);
        assert.deepEqual(
            [
                config["aws:region"].value,
                config["rds-iam:vpcId"].value,
                JSON.parse(config["rds-iam:workloads"].value)[0],
            ],
            ["eu-west-1", "vpc-0123456789abcdef0", { name: "api", service: "ecs-tasks", users: ["app_rw"] }],
        );
        // The --secret value is encrypted in the stack file, never there in plaintext.
        assert.equal(config["rds-iam:allowedCidrBlocks"].secret, true);
        const stackFile = fs.readFileSync(path.join(ws.dir, "Pulumi.dev.yaml"), "utf8");
        assert.match(stackFile, /secure: /);
        assert.doesNotMatch(stackFile, /10\.30\.0\.0/);
    });

    it("previews with the policy pack and deploys (step 5): the database runs in eu-west-1 with its users", async () => {
        await run(steps[2]);
        const [db] = [...cloud.databases.values()];
        assert.equal(db.region, "eu-west-1");
        assert.deepEqual(
            await db.server.inspect(
                `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
                  WHERE m.roleid = 'rds_iam'::regrole AND m.inherit_option ORDER BY 1`,
            ),
            [{ rolname: "app_rw" }, { rolname: "reporting_ro" }],
        );
        // The secret config value reached the database's ingress like any other.
        assert.match(JSON.stringify(cloud.resources()), /10\.30\.0\.0\/16/);
    });

    it("turns deletion protection off and destroys (Destroying): nothing is left", async () => {
        await run(steps[3]);
        assert.deepEqual([cloud.resources(), cloud.databases.size], [[], 0]);
    });
});
