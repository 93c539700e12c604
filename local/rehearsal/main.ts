/**
 * `npm run local [-- --stack NAME]`: rehearse a stack end to end on this machine, without AWS.
 * Prints the access table and writes local-output/access-map.md (and .png when Graphviz is present).
 * Exits non-zero when any login does not go the way the stack's policies say.
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { stopTestServers } from "../servers";
import { accessMapMarkdown, rehearse } from "./rehearsal";

async function main(): Promise<number> {
    const { values } = parseArgs({ options: { stack: { type: "string", default: "dev" } } });
    const stack = values.stack as string;
    const started = Date.now();
    const result = await rehearse(stack, (line) => console.log(line));
    const width = (k: keyof (typeof result.rows)[0]) =>
        Math.max(k.length, ...result.rows.map((r) => String(r[k]).length));
    const columns = ["role", "user", "database", "expected", "observed"] as const;
    const format = (cells: string[]) => cells.map((c, i) => c.padEnd(width(columns[i]))).join("  ");
    console.log("");
    console.log(format([...columns]));
    for (const r of result.rows)
        console.log(
            format(columns.map((c) => String(r[c]))) +
                (r.expected === r.observed ? "" : "   <-- MISMATCH: " + r.reason),
        );
    const outDir = path.resolve(__dirname, "..", "..", "local-output");
    fs.mkdirSync(outDir, { recursive: true });
    const mapFile = path.join(outDir, "access-map.md");
    fs.writeFileSync(mapFile, accessMapMarkdown(result));
    console.log(`\naccess map: ${path.relative(process.cwd(), mapFile)}`);
    const dot = childProcess.spawnSync("dot", ["-V"]);
    if (dot.status === 0) {
        const graph = [
            "digraph access { rankdir=LR;",
            ...result.rows
                .filter((r) => r.observed === "allowed")
                .map((r) => `  "role ${r.role}" -> "user ${r.user}";`),
            "}",
        ].join("\n");
        childProcess.spawnSync("dot", ["-Tpng", "-o", path.join(outDir, "access-map.png")], { input: graph });
        console.log(
            `access map picture: ${path.relative(process.cwd(), path.join(outDir, "access-map.png"))}`,
        );
    } else {
        console.log("(Graphviz not installed: no PNG; apt-get install -y graphviz for one)");
    }
    console.log(
        `${result.rows.length - result.mismatches.length} as expected, ${result.mismatches.length} mismatched (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return result.mismatches.length === 0 ? 0 : 1;
}

main().then(
    async (code) => {
        await stopTestServers();
        process.exit(code);
    },
    async (e) => {
        console.error(`npm run local failed: ${(e as Error).stack ?? e}`);
        await stopTestServers();
        process.exit(2);
    },
);
