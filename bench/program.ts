/**
 * Program scale under mocks: D databases × 20 users, 5 roles per database granted 4 users each,
 * each size in a fresh process; and the program against its floor.
 *
 * The floor is the least any program declaring the same resources can cost: every custom resource
 * the program registered, declared flat as a plain CustomResource under the same mocks, with the
 * same type, name and props (the values its inputs resolved to; its declared outputs undefined) —
 * no components, no Outputs between resources, no invokes, no dynamic-provider serialization, no
 * dependsOn/deletedWith. program/floor is what the components cost on top (target ≤ 1.3×). Both
 * are the best of a few alternating runs, as the machine is shared.
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseAccessRole } from "../components/accessRole";
import { Database } from "../components/database";
import { RecordedResource, installMocks, settle, valueOf } from "../local/pulumi/mocks";
import { round } from "./timing";

export async function buildProgram(databases: number): Promise<RecordedResource[]> {
    const session = installMocks();
    const waits: pulumi.Output<unknown>[] = [];
    for (let d = 0; d < databases; d++) {
        const users = Array.from({ length: 20 }, (_, u) => ({
            username: `user_${u}`,
            privileges: ["SELECT"],
        }));
        const db = new Database(`db${d}`, {
            engine: d % 2 ? "mysql" : "postgres",
            vpcId: "vpc-1",
            subnetIds: ["subnet-a", "subnet-b"],
            databaseName: "app",
            users,
            allowedCidrBlocks: ["10.0.0.0/16"],
        });
        for (let r = 0; r < 5; r++) {
            const role = new DatabaseAccessRole(`db${d}-role${r}`, {
                service: "ecs-tasks",
                grants: users.slice(r * 4, r * 4 + 4).map((u) => ({ database: db, username: u.username })),
            });
            waits.push(role.roleArn, role.policyDocument);
        }
        waits.push(db.masterSecretArn, db.resourceId);
    }
    await Promise.all(waits.map((w) => valueOf(w)));
    await settle();
    return session.resources;
}

interface Measurement {
    readonly ms: number;
    /** CPU time (user + system) of the worker meanwhile: less moved by other work on the machine. */
    readonly cpuMs: number;
    readonly heapMB?: number;
    readonly resources: number;
}

function worker(args: string[], env: Record<string, string> = {}): Measurement {
    const out = childProcess.execFileSync(
        process.execPath,
        ["--expose-gc", "--import", "tsx", path.join(__dirname, "programWorker.ts"), ...args],
        { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 20 },
    );
    return JSON.parse(out);
}

/** Program and floor at `databases`, alternating, best of `runs` each (wall time, and CPU time apart). */
export function programOverFloor(
    databases: number,
    runs: number,
): { program: Measurement; floor: Measurement; ratio: number; cpuRatio: number } {
    const dump = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-bench-")), "registered.json");
    try {
        worker(["dump", String(databases), dump]);
        const programs: Measurement[] = [];
        const floors: Measurement[] = [];
        for (let i = 0; i < runs; i++) {
            programs.push(worker(["program", String(databases)]));
            floors.push(worker(["floor", dump]));
        }
        const best = (list: Measurement[], key: "ms" | "cpuMs") =>
            list.reduce((a, b) => (b[key] < a[key] ? b : a));
        const [program, floor] = [best(programs, "ms"), best(floors, "ms")];
        return {
            program,
            floor,
            ratio: round(program.ms / floor.ms),
            cpuRatio: round(best(programs, "cpuMs").cpuMs / best(floors, "cpuMs").cpuMs),
        };
    } finally {
        fs.rmSync(path.dirname(dump), { recursive: true, force: true });
    }
}

export async function benchProgram(): Promise<{ [k: string]: Measurement | number }> {
    const runs = Number(process.env.BENCH_RUNS ?? 3);
    const out: { [k: string]: Measurement | number } = {};
    for (const d of [10, 25]) out[`d${d}`] = worker(["program", String(d)]);
    const vsFloor = programOverFloor(50, runs);
    out.d50 = vsFloor.program;
    out.floor50 = vsFloor.floor;
    out.programOverFloor = vsFloor.ratio;
    out.programOverFloorCpu = vsFloor.cpuRatio;
    out.ratio50to25 = round((out.d50 as Measurement).ms / (out.d25 as Measurement).ms);
    // Context: the Pulumi SDK captures a stack trace for every promise it makes, and tsx turns on
    // source-mapped stack traces, which makes each capture expensive. Measure 50×20 without them too.
    out.d50NoSourceMapsMs = worker(["program", "50"], { BENCH_NO_SOURCE_MAPS: "1" }).ms;
    console.log(
        `  program/floor 50×20: ${vsFloor.ratio}× wall (${vsFloor.program.ms} / ${vsFloor.floor.ms} ms), ` +
            `${vsFloor.cpuRatio}× CPU; ${vsFloor.program.resources} / ${vsFloor.floor.resources} resources, ` +
            `best of ${runs} alternating runs; target ≤ 1.3×`,
    );
    return out;
}
