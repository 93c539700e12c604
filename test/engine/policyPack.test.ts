/**
 * The policy pack through the real engine: `pulumi preview --policy-pack policies` loads it as the
 * analyzer plugin (PulumiPolicy.yaml, runtime nodejs, its dependencies resolved from the checkout),
 * passes the shipped dev stack, and fails each variant with one mistake (test/fixtures/engine/
 * policyVariants.ts, chosen by stack config) with the rule that catches it. Advisories print and
 * do not fail.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import { REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { requireEngine, transcript } from "../support/engine";
import { destroyAndClose, ok } from "./harness";

const PACK = path.join(REPO, "policies");

describe("the policy pack under the real Pulumi engine (--policy-pack policies)", function () {
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
            main: "test/fixtures/engine/policyVariants.ts",
        });
        await ok(ws.pulumi(["stack", "init", "dev"]));
        await ok(ws.pulumi(["config", "set", "rds-iam:caBundleFile", cloud.caFile]));
    });

    after(async function () {
        this.timeout(120_000);
        await ws?.pulumi(["config", "set", "variant:mistake", "none"]);
        await destroyAndClose(ws, cloud);
    });

    it("prints advisories for what it cannot decide before the first up, and does not fail", async () => {
        const r = await ok(ws.pulumi(["preview", "--policy-pack", PACK]));
        assert.match(r.stdout, /advisory/);
        assert.doesNotMatch(r.stdout, /mandatory/);
    });

    it("passes the shipped dev stack with no mandatory violation, through pulumi up too", async () => {
        const r = await ok(ws.pulumi(["up", "--yes", "--policy-pack", PACK]));
        assert.doesNotMatch(r.stdout, /mandatory/);
    });

    const variants: [string, string, RegExp][] = [
        ["public-instance", "rds-iam-not-publicly-accessible", /publicly accessible|publiclyAccessible/],
        ["iam-auth-off", "rds-iam-iam-auth-enabled", /iamDatabaseAuthenticationEnabled/],
        ["storage-unencrypted", "rds-iam-storage-encrypted", /storageEncrypted/],
        ["force-ssl-off", "rds-iam-tls-enforced", /rds\.force_ssl/],
        ["connect-star", "rds-iam-connect-statements", /Resource "\*"|"\*"/],
        ["wrong-account", "rds-iam-connect-targets-exist", /999999999999/],
    ];
    for (const [mistake, rule, message] of variants) {
        it(`fails the preview of the variant "${mistake}" with ${rule}, naming the problem`, async () => {
            await ok(ws.pulumi(["config", "set", "variant:mistake", mistake]));
            const r = await ws.pulumi(["preview", "--policy-pack", PACK]);
            assert.notEqual(r.code, 0, transcript(r));
            const violation = r.stdout
                .split("\n")
                .filter((l) => l.includes(rule))
                .join("\n");
            // The CLI prints "- [mandatory] [severity: high]  <rule>  (<type>: <name>)".
            assert.match(
                violation,
                new RegExp(`\\[mandatory\\]\\s+\\[severity: \\w+\\]\\s+${rule}\\s`),
                transcript(r),
            );
            assert.match(r.stdout, message, transcript(r));
        });
    }
});
