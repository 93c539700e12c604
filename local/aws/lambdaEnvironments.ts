/**
 * The loopback Lambda's execution environments, kept as Lambda keeps them (Lambda Developer Guide,
 * "Understanding the Lambda execution environment lifecycle"):
 * - Init: a new environment (a Node.js process, inside the function's network namespace when it has
 *   one) loads the code once — a cold start — and then serves invocations, one at a time. An
 *   invocation that arrives while every environment of that version is busy gets a new one.
 * - Between invocations the environment is frozen (SIGSTOP: its timers do not run and its sockets are
 *   not read, as in a frozen microVM) and thawed (SIGCONT) for the next invocation, which finds the
 *   module's state — a kept database session — as the last one left it.
 * - Shutdown: an environment idle for `keepWarmMs`, one whose invocation timed out or whose process
 *   exited, and all of them on close(), are killed; the next invocation starts cold.
 * An environment serves one function version with one configuration; a changed $LATEST gets new ones.
 */
import * as childProcess from "node:child_process";
import * as crypto from "node:crypto";

/** The runtime loop inside an environment: loads the code, then one JSON line in, one JSON line out (fd 3) per invocation. */
const RUNTIME = `
const fs = require("fs");
const [bundle, exported] = process.argv.slice(1);
// Lambda sends both streams to the function's log; one stream keeps an invocation's lines in order.
process.stderr.write = process.stdout.write.bind(process.stdout);
let handler, initError;
try { handler = require(bundle)[exported]; } catch (e) { initError = e; }
const reply = (requestId, body) => {
    fs.writeSync(3, JSON.stringify(body) + "\\n");
    process.stdout.write("END RequestId: " + requestId + "\\n");
};
let pending = "";
process.stdin.on("data", (chunk) => {
    pending += chunk;
    for (let at = pending.indexOf("\\n"); at >= 0; at = pending.indexOf("\\n")) {
        const { event, deadline, requestId } = JSON.parse(pending.slice(0, at));
        pending = pending.slice(at + 1);
        const context = {
            functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
            functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
            invokedFunctionArn: process.env.RDS_IAM_FAKE_INVOKED_ARN,
            memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
            awsRequestId: requestId,
            logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
            logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
            callbackWaitsForEmptyEventLoop: true,
            getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        };
        Promise.resolve()
            .then(() => { if (initError) throw initError; return handler(event, context); })
            .then((result) => reply(requestId, { result: result === undefined ? null : result }))
            .catch((e) => reply(requestId, { error: { errorMessage: String((e && e.message) || e), errorType: (e && e.name) || "Error" } }));
    }
});
`;

export interface EnvironmentSpec {
    readonly functionName: string;
    /** What makes environments interchangeable: the function, its version and its configuration. */
    readonly key: string;
    /** The command and arguments that start the runtime (`[node, args…]`, wrapped for a namespace). */
    readonly command: (base: [string, string[]]) => [string, string[]];
    readonly bundle: string;
    readonly exported: string;
    readonly env: NodeJS.ProcessEnv;
    readonly timeoutMs: number;
}

export interface InvokeOutcome {
    /** The handler's `{result}` or `{error: {errorMessage, errorType}}`, as JSON text. */
    readonly outcome: string;
    /** What the invocation wrote to stdout/stderr. */
    readonly log: string;
    /** Whether a new environment was started (and the code loaded) for it. */
    readonly cold: boolean;
    /** Which environment ran it (1, 2, … in order of start). */
    readonly environment: number;
}

interface Environment {
    readonly id: number;
    readonly key: string;
    readonly functionName: string;
    readonly child: childProcess.ChildProcess;
    busy: boolean;
    exited: boolean;
    idleTimer?: NodeJS.Timeout;
    /** The current invocation's output so far, and what to do when its END line and result arrive. */
    log: string;
    results: string;
    waiting?: () => void;
}

export interface Environments {
    invoke(spec: EnvironmentSpec, event: unknown): Promise<InvokeOutcome>;
    /** Environments alive now (busy or frozen). */
    count(): number;
    /** Kills the idle environments of a deleted function (a busy one ends with its invocation). */
    retire(functionName: string): void;
    /** Kills every environment. */
    close(): void;
}

export function createEnvironments(options: { keepWarmMs: number }): Environments {
    const all = new Set<Environment>();
    let started = 0;

    const kill = (e: Environment) => {
        clearTimeout(e.idleTimer);
        all.delete(e);
        if (!e.exited) e.child.kill("SIGKILL"); // SIGKILL ends a stopped process too
    };
    const killAll = () => [...all].forEach(kill);
    process.once("exit", killAll); // no frozen process outlives the test process

    function start(spec: EnvironmentSpec): Environment {
        const [command, args] = spec.command([process.execPath, ["-e", RUNTIME, spec.bundle, spec.exported]]);
        const child = childProcess.spawn(command, args, {
            env: spec.env,
            cwd: "/",
            stdio: ["pipe", "pipe", "pipe", "pipe"],
        });
        const e: Environment = {
            id: ++started,
            key: spec.key,
            functionName: spec.functionName,
            child,
            busy: false,
            exited: false,
            log: "",
            results: "",
        };
        const settle = () => e.waiting?.();
        child.stdout!.on("data", (d) => ((e.log += d), settle()));
        child.stderr!.on("data", (d) => ((e.log += d), settle())); // what the runtime itself prints before the loop
        (child.stdio[3] as NodeJS.ReadableStream).on("data", (d) => ((e.results += d), settle()));
        child.stdin!.on("error", () => undefined); // an environment that exited before reading
        child.on("close", () => {
            e.exited = true;
            all.delete(e);
            settle();
        });
        all.add(e);
        return e;
    }

    async function invoke(spec: EnvironmentSpec, event: unknown): Promise<InvokeOutcome> {
        let e = [...all].find((c) => c.key === spec.key && !c.busy && !c.exited);
        const cold = e === undefined;
        e ??= start(spec);
        e.busy = true;
        clearTimeout(e.idleTimer);
        if (!cold) e.child.kill("SIGCONT");
        const requestId = crypto.randomUUID();
        const end = `END RequestId: ${requestId}\n`;
        e.log = "";
        e.results = "";
        const deadline = Date.now() + spec.timeoutMs;
        const outcome = await new Promise<string>((resolve) => {
            const timer = setTimeout(() => {
                // "Task timed out": Lambda ends the environment; the next invocation starts cold.
                kill(e);
                resolve(
                    JSON.stringify({
                        error: {
                            errorMessage: `Task timed out after ${(spec.timeoutMs / 1000).toFixed(2)} seconds`,
                            errorType: "Sandbox.Timedout",
                        },
                    }),
                );
            }, spec.timeoutMs);
            e.waiting = () => {
                const line = e.results.indexOf("\n");
                if ((line >= 0 && e.log.includes(end)) || e.exited) {
                    clearTimeout(timer);
                    e.waiting = undefined;
                    resolve(line >= 0 ? e.results.slice(0, line) : "");
                }
            };
            e.child.stdin!.write(JSON.stringify({ event, deadline, requestId }) + "\n");
        });
        const log = e.log.replace(end, "");
        e.busy = false;
        if (e.exited || !all.has(e)) {
            kill(e);
        } else {
            e.child.kill("SIGSTOP");
            e.idleTimer = setTimeout(() => kill(e), options.keepWarmMs);
            e.idleTimer.unref();
        }
        return { outcome, log, cold, environment: e.id };
    }

    return {
        invoke,
        count: () => all.size,
        retire: (functionName) =>
            [...all].filter((e) => e.functionName === functionName && !e.busy).forEach(kill),
        close: () => {
            process.removeListener("exit", killAll);
            killAll();
        },
    };
}
