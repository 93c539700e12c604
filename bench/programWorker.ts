// One program-scale measurement in a fresh process (the Pulumi runtime keeps state per process).
import { buildProgram } from "./program";
import { round, timed } from "./timing";

async function main(): Promise<void> {
    const databases = Number(process.argv[2]);
    if (process.argv[3] === "no-source-maps") process.setSourceMapsEnabled(false);
    await buildProgram(1); // load modules before timing
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const { ms, result } = await timed(() => buildProgram(databases));
    process.stdout.write(
        JSON.stringify({
            ms: round(ms),
            heapMB: round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20),
            resources: result.length,
        }),
    );
}

void main();
