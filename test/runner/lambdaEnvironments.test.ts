import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";
import { FakeLambda, startFakeLambda } from "../../local/aws/lambda";

/**
 * The loopback Lambda keeps execution environments as Lambda does (Lambda Developer Guide,
 * "Understanding the Lambda execution environment lifecycle"): the code loads once per environment
 * (cold start), an environment serves one invocation at a time, it is frozen in between, and one that
 * timed out is not used again. The SQL runner's reuse of its database session is only proven if these hold.
 */
const CODE = `
let loadedAt = Date.now();
let invocations = 0;
let ticks = 0;
setInterval(() => ticks++, 10);
exports.handler = async (event) => {
    invocations++;
    const seen = ticks;
    if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
    console.log("invocation " + invocations);
    return { invocations, ticksBefore: seen, pid: process.pid, loadedAt };
};
`;

describe("the loopback Lambda's execution environments", function () {
    this.timeout(60_000);
    let lambda: FakeLambda;
    let client: LambdaClient;
    let bundle: string;

    before(async () => {
        bundle = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-envs-")), "index.js");
        fs.writeFileSync(bundle, CODE);
        lambda = await startFakeLambda({ keepWarmMs: 2_000 });
        client = new LambdaClient({
            region: "us-east-1",
            endpoint: lambda.endpoint,
            credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x" },
        });
    });
    after(async () => {
        client?.destroy();
        await lambda?.close();
        fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
    });

    const invoke = async (name: string, event: Record<string, unknown> = {}) => {
        const answer = await client.send(
            new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }),
        );
        assert.equal(answer.FunctionError, undefined, Buffer.from(answer.Payload!).toString());
        return JSON.parse(Buffer.from(answer.Payload!).toString()) as {
            invocations: number;
            ticksBefore: number;
            pid: number;
            loadedAt: number;
        };
    };

    it("loads the code once and serves the next invocations warm, in the same environment", async () => {
        lambda.functions.set("warm", { bundle });
        const first = await invoke("warm");
        const second = await invoke("warm");
        assert.deepEqual([first.invocations, second.invocations], [1, 2]);
        assert.equal(second.pid, first.pid);
        assert.equal(second.loadedAt, first.loadedAt);
        const mine = lambda.invocations.filter((i) => i.functionName === "warm");
        assert.deepEqual(
            mine.map((i) => [i.cold, i.environment, i.log]),
            [
                [true, mine[0].environment, "invocation 1\n"],
                [false, mine[0].environment, "invocation 2\n"],
            ],
        );
    });

    it("freezes an environment between invocations: its timers do not run", async () => {
        lambda.functions.set("frozen", { bundle });
        await invoke("frozen", { sleepMs: 100 });
        const before = await invoke("frozen");
        await new Promise((r) => setTimeout(r, 500)); // 50 ticks if it were running
        const after = await invoke("frozen");
        assert.ok(
            after.ticksBefore - before.ticksBefore <= 3,
            `ticked ${after.ticksBefore - before.ticksBefore} times while frozen`,
        );
    });

    it("gives invocations that overlap environments of their own (cold starts)", async () => {
        lambda.functions.set("parallel", { bundle });
        const answers = await Promise.all([1, 2, 3].map(() => invoke("parallel", { sleepMs: 200 })));
        assert.equal(new Set(answers.map((a) => a.pid)).size, 3);
        const mine = lambda.invocations.filter((i) => i.functionName === "parallel");
        assert.deepEqual(
            mine.map((i) => i.cold),
            [true, true, true],
        );
    });

    it("starts cold after a timeout, and after the environment sat idle past keepWarmMs", async () => {
        lambda.functions.set("limits", { bundle, timeoutMs: 300 });
        const warm = await invoke("limits");
        const timedOut = await client.send(
            new InvokeCommand({ FunctionName: "limits", Payload: Buffer.from('{"sleepMs":1000}') }),
        );
        assert.equal(timedOut.FunctionError, "Unhandled");
        assert.equal(JSON.parse(Buffer.from(timedOut.Payload!).toString()).errorType, "Sandbox.Timedout");
        const afterTimeout = await invoke("limits");
        assert.notEqual(afterTimeout.pid, warm.pid);
        await new Promise((r) => setTimeout(r, 2_500));
        const afterIdle = await invoke("limits");
        assert.notEqual(afterIdle.pid, afterTimeout.pid);
        assert.deepEqual(
            lambda.invocations.filter((i) => i.functionName === "limits").map((i) => i.cold),
            [true, false, true, true],
        );
    });

    it("runs a changed $LATEST in new environments, and answers a body that is not JSON as Lambda does", async () => {
        lambda.functions.set("changed", { bundle, publish: false });
        const before = await invoke("changed");
        lambda.functions.set("changed", { bundle, publish: false, memorySize: 512 });
        const after = await invoke("changed");
        assert.notEqual(after.pid, before.pid);
        await assert.rejects(
            client.send(new InvokeCommand({ FunctionName: "changed", Payload: Buffer.from("{not json") })),
            (e: Error) => e.name === "InvalidRequestContentException",
        );
    });
});
