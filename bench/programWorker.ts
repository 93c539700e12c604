// One program-scale measurement in a fresh process (the Pulumi runtime keeps state per process):
//   program <databases>              the program (components) under mocks
//   dump <databases> <file.json>     the program once, untimed, writing what it registered
//   floor <file.json>                the same custom resources (types, names, props) declared flat
// Both time from the first declaration until every registration is answered. BENCH_NO_SOURCE_MAPS=1
// turns source-mapped stack traces off; BENCH_PROFILE=<file> writes a CPU profile of the timed part.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, installMocks } from "../local/pulumi/mocks";
import { buildProgram } from "./program";
import { round, timed } from "./timing";

interface Declared {
    readonly type: string;
    readonly name: string;
    /** The props the program's resource class gave the SDK: its inputs' values, its outputs as undefined. */
    readonly props: Record<string, unknown>;
}

/** Records, per custom resource, the property keys its class hands the SDK (inputs and declared outputs). */
function recordPropertyKeys(): Map<string, string[]> {
    const keys = new Map<string, string[]>();
    const runtime = require("@pulumi/pulumi/runtime/resource") as {
        registerResource: (...args: any[]) => void;
    };
    const register = runtime.registerResource;
    runtime.registerResource = (...args: any[]) => {
        const [, , type, name, custom, , , props] = args;
        if (custom) keys.set(`${type}::${name}`, Object.keys(props));
        return register(...args);
    };
    return keys;
}

/** `work`'s wall time and this process's CPU time (user + system) meanwhile: CPU time shifts less on a shared machine. */
async function measured<T>(work: () => Promise<T>): Promise<{ ms: number; cpuMs: number; result: T }> {
    const cpu = process.cpuUsage();
    const { ms, result } = await timed(work);
    const used = process.cpuUsage(cpu);
    return { ms, cpuMs: (used.user + used.system) / 1000, result };
}

/** With BENCH_PROFILE=<file>, a CPU profile of the timed part only (to find where the time goes). */
async function profiled<T>(work: () => Promise<T>): Promise<T> {
    const file = process.env.BENCH_PROFILE;
    if (file === undefined) return work();
    const inspector = require("node:inspector") as typeof import("node:inspector");
    const session = new inspector.Session();
    session.connect();
    const post = (method: string) =>
        new Promise<any>((resolve, reject) =>
            session.post(method, (err, result) => (err ? reject(err) : resolve(result))),
        );
    await post("Profiler.enable");
    await post("Profiler.start");
    const result = await work();
    const { profile } = await post("Profiler.stop");
    fs.writeFileSync(file, JSON.stringify(profile));
    return result;
}

/** Resolves once every registration sent so far has been answered. */
function allRegistered(): Promise<void> {
    return (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

class FlatResource extends pulumi.CustomResource {}
class FlatProvider extends pulumi.ProviderResource {}

/**
 * The floor: each resource declared on its own, no components, no Outputs between them. Like any
 * program, it keeps the resources it declared (a program reads their outputs and exports them).
 */
async function declareFlat(resources: readonly Declared[], suffix = ""): Promise<pulumi.Resource[]> {
    installMocks();
    const declared: pulumi.Resource[] = [];
    for (const r of resources) {
        const props = Object.fromEntries(Object.entries(r.props).map(([k, v]) => [k, v ?? undefined]));
        declared.push(
            r.type.startsWith("pulumi:providers:")
                ? new FlatProvider(r.type.slice("pulumi:providers:".length), r.name + suffix, props)
                : new FlatResource(r.type, r.name + suffix, props),
        );
    }
    await allRegistered();
    return declared;
}

/** Runs the program once, untimed, and writes what it registered (the floor's input). */
async function dump(databases: number, file: string): Promise<void> {
    const keys = recordPropertyKeys();
    const result = await buildProgram(databases);
    await allRegistered();
    const declared: Declared[] = result
        .filter((r: RecordedResource) => keys.has(`${r.type}::${r.name}`))
        .map((r: RecordedResource) => ({
            type: r.type,
            name: r.name,
            props: Object.fromEntries(
                (keys.get(`${r.type}::${r.name}`) as string[]).map((k) => [k, r.inputs[k] ?? null]),
            ),
        }));
    fs.writeFileSync(file, JSON.stringify(declared));
    process.stdout.write(JSON.stringify({ resources: declared.length }));
}

/**
 * Warms up (loads modules), then times `work` from a collected heap and writes its wall and CPU
 * time, heap growth and resource count as JSON: the same measurement for the program and the floor.
 */
async function measureAndReport(
    warmUp: () => Promise<unknown>,
    work: () => Promise<readonly unknown[]>,
): Promise<void> {
    if (process.env.BENCH_NO_SOURCE_MAPS) process.setSourceMapsEnabled(false);
    await warmUp();
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const { ms, cpuMs, result } = await measured(() => profiled(work));
    global.gc?.();
    process.stdout.write(
        JSON.stringify({
            ms: round(ms),
            cpuMs: round(cpuMs),
            heapMB: round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20),
            resources: result.length,
        }),
    );
}

function program(databases: number): Promise<void> {
    return measureAndReport(
        () => buildProgram(1),
        async () => {
            const resources = await buildProgram(databases);
            await allRegistered();
            return resources;
        },
    );
}

function floor(dump: string): Promise<void> {
    const resources = JSON.parse(fs.readFileSync(dump, "utf8")) as Declared[];
    return measureAndReport(
        () => declareFlat(resources.slice(0, 60), "-warm-up"),
        () => declareFlat(resources),
    );
}

const [mode, arg, file] = process.argv.slice(2);
void (mode === "floor" ? floor(arg) : mode === "dump" ? dump(Number(arg), file) : program(Number(arg)));
