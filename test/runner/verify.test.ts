import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { buildRunnerBundle } from "../../components/runner/bundle";
import { runnerPackage } from "../../components/runner/package";
import { FakeLambda, LambdaFunction, startFakeLambda } from "../../local/aws/lambda";
import { ThrowawayServer, getServer } from "../../local/servers";
import { runnerUserInputs } from "../../local/servers/userInputs";

/**
 * Whoever may change the runner function must not get the master password: the deployer invokes
 * only the published version it recorded, after GetFunction showed that version is rds-iam's code
 * with nothing added. Behind the loopback Lambda, driven by the real SDK client: a stand-in that
 * writes what it is sent to a file and answers "created".
 */
const FUNCTION = "tamper-runner";
const ROLE = "arn:aws:iam::123456789012:role/tamper-runner-role";
const ENV: Record<string, string> = {
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
};
const FIX =
    "Nothing was sent. rds-iam's runner runs rds-iam's code only, with no layers and no environment variables. If you changed the " +
    "function, undo that and run `pulumi up --refresh`: the SqlRunner publishes a clean version and the users move to it. " +
    "If nobody you know did, someone who may change the function (lambda:UpdateFunctionCode, UpdateFunctionConfiguration, " +
    "PublishVersion, or delete and re-create it) tried to obtain the master password: find who in CloudTrail.";

describe("the deployer sends the master password only to the runner version it verified", function () {
    this.timeout(60_000);
    let server: ThrowawayServer;
    let lambda: FakeLambda;
    let dir: string;
    let good: LambdaFunction;
    let goodSha: string;
    let evilBundle: string;
    let stolen: string;
    let preload: string;
    const saved: Record<string, string | undefined> = {};

    before(async () => {
        server = await getServer("mariadb");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-tamper-"));
        const bundle = path.join(dir, "index.js");
        buildRunnerBundle(bundle);
        goodSha = runnerPackage(bundle).codeSha256;
        good = { bundle, role: ROLE, timeoutMs: 20_000 };
        stolen = path.join(dir, "stolen");
        evilBundle = path.join(dir, "evil.js");
        fs.writeFileSync(
            evilBundle,
            `exports.handler = async (event) => {
                require("fs").writeFileSync(${JSON.stringify(stolen)}, String(event.password));
                return { ok: true, observed: { exists: true, iamAuthentication: true, privileges: [], unmanaged: [], unfinished: false } };
            };`,
        );
        preload = path.join(dir, "preload.js");
        fs.writeFileSync(preload, `require("fs").writeFileSync(${JSON.stringify(stolen)}, "preloaded");`);
        lambda = await startFakeLambda();
        for (const [k, v] of Object.entries({ ...ENV, AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint })) {
            saved[k] = process.env[k];
            process.env[k] = v;
        }
    });
    after(async () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await lambda?.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(() => {
        lambda.functions.delete(FUNCTION);
        fs.rmSync(stolen, { force: true });
    });

    async function checked(username: string) {
        const result = await provider.check!(
            {},
            runnerUserInputs(server, username, {
                functionName: `arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION}`,
                codeSha256: goodSha,
                roleArn: ROLE,
            }),
        );
        assert.equal(result.failures, undefined);
        return result.inputs;
    }
    const accounts = (username: string) =>
        server.inspect("SELECT User AS user FROM mysql.user WHERE User = ?", [username]);

    it("invokes the version it recorded: code swapped in later (UpdateFunctionCode, PublishVersion) never runs", async () => {
        lambda.functions.set(FUNCTION, good);
        lambda.functions.set(FUNCTION, { ...good, bundle: evilBundle }); // $LATEST and version 2
        assert.equal(lambda.latestVersion(FUNCTION), "2");
        const seen = lambda.invocations.length;
        const created = await provider.create(await checked("tamper_a"));
        assert.deepEqual(await accounts("tamper_a"), [{ user: "tamper_a" }]);
        assert.deepEqual(
            lambda.invocations.slice(seen).map((i) => [i.version, i.operation]),
            [["1", "create"]],
        );
        assert.equal(fs.existsSync(stolen), false, "the swapped-in code never ran");
        await provider.delete!(created.id, created.outs);
    });

    it("refuses a function re-created under its name with other code, sending nothing, and names what differs and the fix", async () => {
        lambda.functions.set(FUNCTION, { ...good, bundle: evilBundle }); // a new function: version 1 again
        const evilSha = lambda.codeSha256Of(FUNCTION, "1");
        const calls = lambda.calls.length;
        await assert.rejects(provider.create(await checked("tamper_b")), {
            message:
                `refusing to send the master password to the SQL runner arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION} version 1: ` +
                `its code is not rds-iam's runner (CodeSha256 ${evilSha}, rds-iam deployed ${goodSha}). ${FIX}`,
        });
        assert.deepEqual(lambda.calls.slice(calls), [
            { action: "GetFunction", functionName: FUNCTION, qualifier: "1" },
        ]);
        assert.equal(fs.existsSync(stolen), false);
        assert.deepEqual(await accounts("tamper_b"), []);
    });

    const changes: [string, Partial<LambdaFunction>, () => string][] = [
        [
            "NODE_OPTIONS set",
            { environment: { NODE_OPTIONS: "" } },
            () => "it has environment variables, which can load other code into it (NODE_OPTIONS)",
        ],
        [
            "a layer",
            { layers: ["arn:aws:lambda:us-east-1:210987654321:layer:wrapper:3"] },
            () =>
                "it has layers, whose code runs inside it (arn:aws:lambda:us-east-1:210987654321:layer:wrapper:3)",
        ],
        [
            "another handler",
            { handler: "index.other" },
            () => "its handler is index.other, not index.handler",
        ],
        ["another runtime", { runtime: "nodejs20.x" }, () => "its runtime is nodejs20.x, not nodejs22.x"],
        [
            "another role",
            { role: "arn:aws:iam::123456789012:role/other" },
            () => `its role is arn:aws:iam::123456789012:role/other, not the runner's ${ROLE}`,
        ],
    ];
    for (const [what, change, problem] of changes) {
        it(`refuses rds-iam's code run with ${what}, sending nothing`, async () => {
            const environment = change.environment && { NODE_OPTIONS: `--require ${preload}` };
            lambda.functions.set(FUNCTION, { ...good, ...change, ...(environment ? { environment } : {}) });
            const calls = lambda.calls.length;
            await assert.rejects(provider.create(await checked("tamper_c")), {
                message: `refusing to send the master password to the SQL runner arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION} version 1: ${problem()}. ${FIX}`,
            });
            assert.deepEqual(
                lambda.calls.slice(calls).map((c) => c.action),
                ["GetFunction"],
            );
            assert.equal(fs.existsSync(stolen), false);
        });
    }

    it("refuses when the recorded version no longer exists, naming the permission and the fix", async () => {
        const calls = lambda.calls.length;
        await assert.rejects(provider.create(await checked("tamper_d")), {
            message:
                `cannot check the SQL runner arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION} version 1 before sending it the master password: ` +
                `ResourceNotFoundException: Function not found: arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION}:1. Nothing was sent. ` +
                `The identity running pulumi needs lambda:GetFunction on arn:aws:lambda:us-east-1:123456789012:function:${FUNCTION}:1; ` +
                "if that version no longer exists, the function was deleted or replaced outside Pulumi: run `pulumi up --refresh` to deploy it again.",
        });
        assert.deepEqual(
            lambda.calls.slice(calls).map((c) => c.action),
            ["GetFunction"],
        );
    });
});
