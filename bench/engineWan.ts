/**
 * `npm run bench -- --wan`, under the real engine (#25.4): `pulumi up` and `pulumi destroy` of the dev
 * stack with 200 users (sqlRunner "deployer": the deployer reaches the databases itself), once with
 * the databases on loopback and once 50 ms away (a delaying relay in front of each endpoint, as in
 * wan.ts). The engine's own AWS calls (the local cloud's API) are not delayed: the subject is the
 * users' SQL.
 *
 * The split of the wall time at 50 ms, each part measured from the provider's RDS_IAM_OPERATION_LOG
 * (each DatabaseUser operation's start and duration in the engine's provider process):
 * - engine: the time no user operation was in flight — the CLI, the language host, the program and
 *   every other resource;
 * - provider: the time at least one was in flight on loopback (the same stack, no delay);
 * - network: what the round trip added to that time (in flight at 50 ms less on loopback).
 * Much of the provider's time overlaps the engine's work on other resources, so the wall time grows
 * by less than the network part; both wall times are reported. A destroy runs no user operation: the
 * users are deleted with their database (deletedWith), the engine skips them.
 */
import { OperationRecord, runDevStack } from "./engine";
import { findEngine } from "../local/engine/pulumi";
import { round } from "./timing";

/** Milliseconds during which at least one of the operations was running. */
export function busyMs(operations: readonly OperationRecord[]): number {
    const spans = operations
        .map((o) => [o.startedAt, o.startedAt + o.ms] as const)
        .sort((a, b) => a[0] - b[0]);
    let total = 0;
    let [from, to] = [-Infinity, -Infinity];
    for (const [start, end] of spans) {
        if (start > to) {
            if (to > from) total += to - from;
            [from, to] = [start, end];
        } else to = Math.max(to, end);
    }
    if (to > from) total += to - from;
    return total;
}

export interface EnginePhase {
    /** At 50 ms, and on loopback. */
    readonly wallMs: number;
    readonly loopbackWallMs: number;
    readonly engineMs: number;
    readonly providerMs: number;
    readonly networkMs: number;
    readonly operations: number;
    readonly failedOperations: number;
}

export type EngineWanResults =
    | { readonly unavailable: string }
    | {
          readonly pulumi: string;
          readonly users: number;
          readonly rttMs: number;
          readonly up: EnginePhase;
          readonly destroy: EnginePhase;
      };

function phase(
    loopback: { ms: number; operations: OperationRecord[] },
    wan: { ms: number; operations: OperationRecord[] },
): EnginePhase {
    const [busyLoopback, busyWan] = [busyMs(loopback.operations), busyMs(wan.operations)];
    return {
        wallMs: round(wan.ms, 0),
        loopbackWallMs: round(loopback.ms, 0),
        engineMs: round(wan.ms - busyWan, 0),
        providerMs: round(busyLoopback, 0),
        networkMs: round(busyWan - busyLoopback, 0),
        operations: wan.operations.length,
        failedOperations: wan.operations.filter((o) => !o.ok).length,
    };
}

export async function benchEngineWan(
    users = 200,
    rttMs = 50,
    log: (line: string) => void = console.log,
): Promise<EngineWanResults> {
    const engine = findEngine();
    if ("unavailable" in engine) return { unavailable: engine.unavailable };
    const config = { "rds-iam:sqlRunner": "deployer" };
    const extra = users - 2; // the dev stack has two
    const loopback = await runDevStack(extra, { config });
    log(
        `  engine, ${users} users on loopback: up ${round(loopback.upMs, 0)} ms, destroy ${round(loopback.destroyMs, 0)} ms`,
    );
    const wan = await runDevStack(extra, { config, roundTripMs: rttMs });
    log(
        `  engine, ${users} users ${rttMs} ms away: up ${round(wan.upMs, 0)} ms, destroy ${round(wan.destroyMs, 0)} ms`,
    );
    return {
        pulumi: engine.version,
        users,
        rttMs,
        up: phase(
            { ms: loopback.upMs, operations: loopback.upOperations },
            { ms: wan.upMs, operations: wan.upOperations },
        ),
        destroy: phase(
            { ms: loopback.destroyMs, operations: loopback.destroyOperations },
            { ms: wan.destroyMs, operations: wan.destroyOperations },
        ),
    };
}
