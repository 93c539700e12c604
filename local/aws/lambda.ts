/**
 * A loopback stand-in for the Lambda Invoke API (REST-JSON, `POST /2015-03-31/functions/{name}/invocations`)
 * for the real @aws-sdk/client-lambda. Each invocation runs the function's built bundle in a fresh
 * Node.js process — inside a network namespace when given, as Lambda runs a VPC function in the
 * VPC's subnets — with Lambda's contract: the event on input, the handler's result as the response,
 * `X-Amz-Function-Error` and `{errorMessage, errorType}` when the handler throws or times out.
 */
import * as childProcess from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { NetworkNamespace } from "../network/netns";

export interface LambdaFunction {
    /** The function's code: one CommonJS file exporting `handler`. */
    readonly bundle: string;
    /** Lambda's timeout for the function. @default 30000 */
    readonly timeoutMs?: number;
    /** Where it runs: a namespace playing the function's VPC subnets. @default this machine's */
    readonly netns?: NetworkNamespace;
}

export interface Invocation {
    readonly functionName: string;
    readonly operation?: string;
    /** What the function wrote to stdout/stderr (its CloudWatch log). */
    readonly log: string;
}

export interface FakeLambda {
    readonly endpoint: string;
    readonly functions: Map<string, LambdaFunction>;
    readonly invocations: Invocation[];
    close(): Promise<void>;
}

/** Loads the bundle and calls its handler with the event from stdin; prints the result on fd 3. */
const BOOTSTRAP = `
const fs = require("fs");
const event = JSON.parse(fs.readFileSync(0, "utf8"));
Promise.resolve()
    .then(() => require(process.argv[1]).handler(event))
    .then((result) => fs.writeSync(3, JSON.stringify({ result: result === undefined ? null : result })))
    .catch((e) => fs.writeSync(3, JSON.stringify({ error: { errorMessage: String(e && e.message || e), errorType: (e && e.name) || "Error" } })));
`;

function run(fn: LambdaFunction, payload: string): Promise<{ outcome: string; log: string }> {
    const timeoutMs = fn.timeoutMs ?? 30_000;
    // Lambda's environment: no AWS credentials of the caller, no project files.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, AWS_REGION: "us-east-1", NODE_OPTIONS: "" };
    for (const [k, v] of Object.entries(process.env))
        if (k.startsWith("RDS_IAM_") && k.endsWith("_MS")) env[k] = v;
    const base: [string, string[]] = [process.execPath, ["-e", BOOTSTRAP, fn.bundle]];
    const [command, args] = fn.netns ? fn.netns.wrap(...base) : base;
    return new Promise((resolve) => {
        const child = childProcess.spawn(command, args, {
            env,
            cwd: "/",
            stdio: ["pipe", "pipe", "pipe", "pipe"],
        });
        let log = "";
        let outcome = "";
        child.stdout!.on("data", (d) => (log += d));
        child.stderr!.on("data", (d) => (log += d));
        (child.stdio[3] as NodeJS.ReadableStream).on("data", (d) => (outcome += d));
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            outcome = JSON.stringify({
                error: {
                    errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
                    errorType: "Sandbox.Timedout",
                },
            });
        }, timeoutMs);
        child.on("close", () => {
            clearTimeout(timer);
            resolve({ outcome, log });
        });
        child.stdin!.end(payload);
    });
}

export async function startFakeLambda(): Promise<FakeLambda> {
    const functions = new Map<string, LambdaFunction>();
    const invocations: Invocation[] = [];
    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", async () => {
            const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(req.url?.split("?")[0] ?? "");
            const name = m ? decodeURIComponent(m[1]) : "";
            const fn = functions.get(name) ?? functions.get(name.replace(/^arn:.*:function:/, ""));
            if (req.method !== "POST" || fn === undefined) {
                res.writeHead(404, {
                    "content-type": "application/json",
                    "x-amzn-errortype": "ResourceNotFoundException",
                });
                res.end(JSON.stringify({ Type: "User", message: `Function not found: ${name}` }));
                return;
            }
            const { outcome, log } = await run(fn, body);
            let operation: string | undefined;
            try {
                operation = (JSON.parse(body) as { operation?: string }).operation;
            } catch {
                operation = undefined;
            }
            invocations.push({ functionName: name, operation, log });
            const parsed = JSON.parse(
                outcome ||
                    '{"error":{"errorMessage":"Runtime exited without providing a reason","errorType":"Runtime.ExitError"}}',
            ) as {
                result?: unknown;
                error?: unknown;
            };
            const headers: http.OutgoingHttpHeaders = {
                "content-type": "application/json",
                "x-amz-executed-version": "$LATEST",
            };
            if (parsed.error !== undefined) headers["x-amz-function-error"] = "Unhandled";
            res.writeHead(200, headers);
            res.end(JSON.stringify(parsed.error ?? parsed.result));
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        functions,
        invocations,
        close: () => new Promise((r) => server.close(() => r())),
    };
}
