/**
 * `npm run bench -- --wan`, the SQL runner's part (#25.3): the deployer reaches the Lambda API across
 * the same userspace latency relay as the databases (50 ms round trip), and the function reaches the
 * database inside its "VPC" (here: loopback, about 0.05 ms; RDS in the same subnets is about 0.5 ms).
 * The runner is the bundle `npm run build` makes, run by the loopback Lambda, whose execution
 * environments are kept warm and frozen between invocations as Lambda's are (local/aws/lambdaEnvironments.ts).
 *
 * Measured: invocations and Lambda API calls per operation (GetFunction, then Invoke), round trips and
 * connections to the Lambda endpoint per operation counted on the wire, cold starts, the latency of
 * one operation cold (a new execution environment: Node.js start, code load, database login) and warm,
 * and 50 users at 1 and 10 in flight against the floor: one round trip to Lambda per operation.
 * The loopback endpoint speaks HTTP, so a new connection to it costs no TLS handshake here: on AWS
 * the first operation of a process pays 1-2 round trips more than measured.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { closeIdleSessions } from "../components/provider/connection";
import { databaseUserProvider as provider } from "../components/provider/provider";
import { buildRunnerBundle } from "../components/runner/bundle";
import { runnerPackage } from "../components/runner/package";
import { FakeLambda, startFakeLambda } from "../local/aws/lambda";
import { startRelay } from "../local/network/relay";
import { ServerName, getServer } from "../local/servers";
import { runnerUserInputs } from "../local/servers/userInputs";
import { inBatches, round, timed } from "./timing";
import { OPERATIONS, Op, StepFailures, providerStep } from "./wan";

const FUNCTION = "bench-sql-runner";
const ROLE = "arn:aws:iam::123456789012:role/bench-sql-runner";

export interface RunnerOpResult {
    readonly ms: number;
    readonly invokesPerOp: number;
    readonly lambdaCallsPerOp: number;
    readonly roundTripsPerOp: number;
    readonly connectionsPerOp: number;
    readonly coldStarts: number;
    readonly errors: number;
    /** provider time over the floor: one round trip to Lambda per operation, `parallel` at a time. */
    readonly ratio: number;
    readonly firstError?: string;
}

export interface RunnerCase {
    readonly engine: string;
    readonly rttMs: number;
    readonly users: number;
    readonly parallel: number;
    readonly operations: Record<Op, RunnerOpResult>;
}

export interface RunnerWanResults {
    readonly rttMs: number;
    /** One read through the runner: median ms of a cold one (new environment) and of a warm one, per engine. */
    readonly latency: Record<string, { coldMs: number; warmMs: number; samples: number }>;
    readonly cases: RunnerCase[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchWanRunner(
    rttMs = 50,
    log: (line: string) => void = console.log,
): Promise<RunnerWanResults> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-bench-runner-"));
    const bundle = path.join(dir, "index.js");
    buildRunnerBundle(bundle);
    const codeSha256 = runnerPackage(bundle).codeSha256;
    let lambda: FakeLambda | undefined;
    let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
    const saved: Record<string, string | undefined> = {};
    try {
        lambda = await startFakeLambda();
        const deploy = () => lambda!.functions.set(FUNCTION, { bundle, role: ROLE, timeoutMs: 30_000 });
        deploy();
        const port = Number(new URL(lambda.endpoint).port);
        relay = await startRelay({
            host: "127.0.0.1",
            port: 0,
            targetHost: "127.0.0.1",
            targetPort: port,
            delayMs: rttMs / 2,
        });
        const env = {
            AWS_ENDPOINT_URL_LAMBDA: `http://${relay.host}:${relay.port}`,
            AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
            AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            AWS_REGION: "us-east-1",
            AWS_EC2_METADATA_DISABLED: "true",
        };
        for (const [k, v] of Object.entries(env)) {
            saved[k] = process.env[k];
            process.env[k] = v;
        }
        const latency: RunnerWanResults["latency"] = {};
        const cases: RunnerCase[] = [];
        for (const name of ["postgres17", "mariadb"] as ServerName[]) {
            const server = await getServer(name);
            const raw = async (username: string, privileges: string[]) =>
                runnerUserInputs(
                    server,
                    username,
                    { functionName: FUNCTION, codeSha256, roleArn: ROLE, region: "us-east-1" },
                    { privileges },
                );

            // Cold and warm: a read of one user, after the function's environments were retired, then again.
            const probe = await provider.create(
                (await provider.check!({}, await raw(`rl_${name}`, ["SELECT"]))).inputs,
            );
            const cold: number[] = [];
            const warm: number[] = [];
            for (let i = 0; i < 5; i++) {
                lambda.functions.delete(FUNCTION); // its environments go with it
                deploy();
                cold.push((await timed(() => provider.read!(probe.id, probe.outs))).ms);
                warm.push((await timed(() => provider.read!(probe.id, probe.outs))).ms);
            }
            await provider.delete!(probe.id, probe.outs);
            latency[name] = { coldMs: round(median(cold)), warmMs: round(median(warm)), samples: 5 };
            log(
                `  runner ${name} ${rttMs} ms RTT: one read cold ${latency[name].coldMs} ms, warm ${latency[name].warmMs} ms`,
            );

            for (const parallel of [1, 10]) {
                const users = 50;
                const names = Array.from({ length: users }, (_, i) => `wr_${parallel}_${i}`);
                const outs = new Map<string, pulumi.dynamic.CreateResult>();
                const operations = {} as Record<Op, RunnerOpResult>;
                for (const op of OPERATIONS) {
                    const [invoked, calls, trips, connections] = [
                        lambda.invocations.length,
                        lambda.calls.length,
                        relay.roundTrips(),
                        relay.connections(),
                    ];
                    const failures: StepFailures = { errors: 0 };
                    const { ms } = await timed(() =>
                        inBatches(names, parallel, (username) =>
                            providerStep(
                                op,
                                username,
                                (privileges) => raw(username, privileges),
                                outs,
                                failures,
                            ),
                        ),
                    );
                    const { errors, firstError } = failures;
                    const ran = lambda.invocations.slice(invoked);
                    operations[op] = {
                        ms: round(ms),
                        invokesPerOp: round(ran.length / users),
                        lambdaCallsPerOp: round((lambda.calls.length - calls) / users),
                        roundTripsPerOp: round((relay.roundTrips() - trips) / users),
                        connectionsPerOp: round((relay.connections() - connections) / users),
                        coldStarts: ran.filter((r) => r.cold).length,
                        errors,
                        ratio: round(ms / ((users / parallel) * rttMs)),
                        ...(firstError === undefined ? {} : { firstError }),
                    };
                }
                cases.push({ engine: name, rttMs, users, parallel, operations });
                log(
                    `  runner ${name} ${rttMs} ms RTT, ${users} users, ${parallel} in flight: ` +
                        OPERATIONS.map(
                            (op) =>
                                `${op} ${operations[op].ms} ms (${operations[op].invokesPerOp} invokes/op, ` +
                                `${operations[op].roundTripsPerOp} RT/op, ${operations[op].coldStarts} cold, ${operations[op].ratio}× floor)`,
                        ).join("; "),
                );
            }
        }
        return { rttMs, latency, cases };
    } finally {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        closeIdleSessions();
        await relay?.close();
        await lambda?.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** For the bench's table: the row of one case and operation. */
export function runnerRow(c: RunnerCase, op: Op): [string, string, string] {
    const r = c.operations[op];
    return [
        `runner ${c.engine} ${c.rttMs} ms RTT ${c.users} users ×${c.parallel} ${op}`,
        `${r.ratio}× floor, ${r.invokesPerOp} invokes/op, ${r.roundTripsPerOp} RT/op, ${Math.round((r.ms / c.users) * 100) / 1000} s/100 users`,
        `≤ 1 invoke/op (${r.lambdaCallsPerOp} Lambda calls/op, ${r.connectionsPerOp} connections/op, ${r.coldStarts} cold, ${r.errors} errors)`,
    ];
}
