/**
 * `npm run bench`: measures side by side and prints ratios (the machine is noisy; absolute times
 * are context). Writes bench/results/latest.json. Not part of `npm test`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { getTestServers, stopTestServers } from "../local/servers";
import { benchClient } from "./client";
import { benchEngine } from "./engine";
import { benchPolicies } from "./policies";
import { benchProgram, buildProgram } from "./program";
import { benchProvider } from "./provider";
import { benchRunnerBundle } from "./runner";
import { OPERATIONS, WanResults, benchWan } from "./wan";
import { benchWanRunner, runnerRow } from "./wanRunner";
import { benchEngineWan } from "./engineWan";

const RESULTS = path.resolve(__dirname, "results", "latest.json");

/** Writes `key` into bench/results/latest.json, keeping what other runs recorded there. */
function record(key: string, value: unknown): void {
    const previous = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, "utf8")) : {};
    fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
    fs.writeFileSync(RESULTS, JSON.stringify({ ...previous, [key]: value }, null, 2) + "\n");
}

function printTable(rows: [string, string, string][]): void {
    const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length)));
    console.log("");
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i])).join("  "));
}

/** The WAN table: per case and operation, round trips per operation, seconds per 100 users, ratio to the floor. */
function wanRows(wan: WanResults): [string, string, string][] {
    const rows: [string, string, string][] = [];
    for (const c of wan.cases)
        for (const op of OPERATIONS) {
            const p = c.provider[op];
            rows.push([
                `${c.engine} ${c.rttMs === 0 ? "loopback" : `${c.rttMs} ms RTT`} ${c.users} users ×${c.parallel} ${op}`,
                `${c.ratio[op]}× floor, ${p.roundTripsPerOp} RT/op, ${Math.round((p.ms / c.users) * 100) / 1000} s/100 users`,
                `${c.parallel === 10 && c.users === 200 && c.rttMs === 50 ? "≤ 1.5×, " : ""}≤ 3 RT/op warm (${p.connectionsPerOp} connections/op, ${p.errors} errors)`,
            ]);
        }
    return rows;
}

async function wanOnly(): Promise<void> {
    const started = Date.now();
    console.log("provider over a real round trip (userspace latency relay)…");
    const wan = await benchWan();
    console.log("the SQL runner over a real round trip to the Lambda API…");
    const runner = await benchWanRunner();
    console.log("pulumi up and destroy under the real engine, the databases on loopback and 50 ms away…");
    const engine = await benchEngineWan();
    record("wan", {
        date: new Date().toISOString(),
        ...wan,
        runner,
        engine,
        totalSeconds: Math.round((Date.now() - started) / 1000),
    });
    const rows = wanRows(wan);
    for (const [engine, l] of Object.entries(runner.latency))
        rows.push([
            `runner ${engine} ${runner.rttMs} ms RTT one read`,
            `cold ${l.coldMs} ms, warm ${l.warmMs} ms`,
            `context (median of ${l.samples}; cold: a new execution environment)`,
        ]);
    for (const c of runner.cases) for (const op of OPERATIONS) rows.push(runnerRow(c, op));
    if ("unavailable" in engine)
        rows.push(["pulumi up/destroy at 50 ms", "not measured", engine.unavailable]);
    else
        for (const [what, p] of [
            ["up", engine.up],
            ["destroy", engine.destroy],
        ] as const)
            rows.push([
                `pulumi ${what}, ${engine.users} users, ${engine.rttMs} ms RTT (engine ${engine.pulumi})`,
                `${p.wallMs} ms: engine ${p.engineMs}, provider ${p.providerMs}, network ${p.networkMs}`,
                `context (loopback ${p.loopbackWallMs} ms; ${p.operations} user operations, ${p.failedOperations} failed)`,
            ]);
    printTable(rows);
    console.log(
        `\nwrote ${path.relative(process.cwd(), RESULTS)} in ${Math.round((Date.now() - started) / 1000)} s`,
    );
}

async function main(): Promise<void> {
    const started = Date.now();
    console.log("client helper…");
    const client = await benchClient();
    console.log("program scale under mocks…");
    const program = await benchProgram();
    console.log("SQL runner bundle…");
    const runner = benchRunnerBundle();
    console.log("policy pack…");
    const policies = await benchPolicies(await buildProgram(50));
    console.log("provider vs floor on the throwaway servers…");
    const servers = await getTestServers();
    const provider = await benchProvider(servers);
    console.log("pulumi up under the real engine…");
    const engine = await benchEngine(40);
    const results = {
        date: new Date().toISOString(),
        node: process.version,
        client,
        program,
        policies,
        provider,
        runner,
        engine,
        totalSeconds: Math.round((Date.now() - started) / 1000),
    };
    const file = RESULTS;
    for (const [key, value] of Object.entries(results)) record(key, value);

    const rows: [string, string, string][] = [];
    for (const engine of Object.keys(provider)) {
        for (const n of ["n50", "n200"]) {
            const r = provider[engine][n] as { providerMs: number; floorMs: number; ratio: number };
            rows.push([
                `provider/floor ${engine} N=${n.slice(1)}`,
                `${r.ratio}×`,
                `≤ 1.3× (${r.providerMs} / ${r.floorMs} ms)`,
            ]);
        }
        const p = provider[engine].parallel200 as {
            inFlight10Ms: number;
            inFlight50Ms: number;
            errors: number;
            firstError?: string;
        };
        rows.push([
            `${engine} 200 users, 10 / 50 in flight`,
            `${p.inFlight10Ms} / ${p.inFlight50Ms} ms`,
            `no errors (${p.errors})`,
        ]);
        if (p.firstError !== undefined) console.log(`  ${engine} in parallel, first error: ${p.firstError}`);
    }
    const d = (k: string) => program[k] as { ms: number; heapMB: number; resources: number };
    rows.push(["program t(50)/t(25) databases", `${program.ratio50to25}`, "≤ 2.2"]);
    rows.push([
        "program/floor 50×20 (wall, CPU)",
        `${program.programOverFloor}×, ${program.programOverFloorCpu}×`,
        `≤ 1.3× (${d("d50").ms} / ${d("floor50").ms} ms; ${d("d50").resources} / ${d("floor50").resources} resources)`,
    ]);
    rows.push([
        "program 50×20 time, no source-mapped stacks",
        `${program.d50NoSourceMapsMs} ms`,
        "context: where the time goes",
    ]);
    rows.push([
        "SQL runner bundle",
        `${runner.kib} KiB (${runner.gzipKib} KiB gzipped)`,
        "context: one self-contained file",
    ]);
    rows.push(["policy pack 5,000 resources", `${policies.n5000Ms} ms`, "< 1000 ms"]);
    rows.push(["policy pack t(5000)/t(1000)", `${policies.ratio5000to1000}`, "≈ 5 (linear)"]);
    rows.push(["client signings per 10,000 requests", `${client.signingsPer10k}`, "1"]);
    rows.push([
        "client uncached signing / cached request",
        `${client.uncachedOverCached}×`,
        `context (${client.uncachedSigningUs} vs ${client.cachedRequestUs} µs)`,
    ]);
    if ("unavailable" in engine)
        rows.push(["pulumi up under the engine", "not measured", String(engine.unavailable)]);
    else
        rows.push([
            `pulumi up, ${engine.users} users (engine ${engine.pulumi})`,
            `${engine.upMs} ms (${engine.perExtraUserMs} ms per user beyond 2)`,
            `context (stack alone ${engine.baseUpMs} ms)`,
        ]);
    printTable(rows);
    console.log(`\nwrote ${path.relative(process.cwd(), file)} in ${results.totalSeconds} s`);
}

(process.argv.includes("--wan") ? wanOnly() : main()).then(
    () => stopTestServers(),
    async (e) => {
        console.error(e);
        await stopTestServers();
        process.exitCode = 1;
    },
);
