/**
 * `npm run local [-- --stack NAME]`: rehearse a stack end to end on this machine, without AWS.
 * Prints the login table and writes local-output/<stack>/access-report.html (one self-contained
 * page: the picture, every login with its reason, what each login could do, the policy pack's
 * findings) and, when Chromium is installed, a screenshot of it. Exits 1 when anything went
 * otherwise than the stack says, 2 when the stack cannot be rehearsed (each problem named). Under the
 * real engine when it is available (engineRehearsal.ts), else under mocks (rehearsal.ts); it says which.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { accessGraph, renderSvg } from "../report/graph";
import { accessReportHtml } from "../report/html";
import { AccessReport, mismatches } from "../report/model";
import { chromiumPath, screenshot } from "../report/screenshot";
import { stopTestServers } from "../servers";
import { findEngine } from "../engine/pulumi";
import { rehearseWithEngine } from "./engineRehearsal";
import { ConfigurationError, rehearse } from "./rehearsal";
import { readStackFile } from "./stackFile";

const USAGE = `usage: npm run local [-- --stack <name>] [--engine real|mocks]

Rehearses the stack in Pulumi.<name>.yaml (default: dev; a shipped Pulumi.<name>.yaml.example is used
when the stack file does not exist) on this machine: throwaway databases, the real provider, emulated
IAM logins. Writes local-output/<name>/access-report.html.

--engine real   pulumi up / destroy with the real Pulumi CLI (scripts/pulumi-engine.sh) into a local
                cloud, the policy pack as its analyzer (the default when the engine is there)
--engine mocks  the program under Pulumi's runtime mocks, the users made through the dynamic-provider
                host (the default when it is not)`;

/** A problem the person running the command can fix: printed without a stack trace. */
class UsageError extends Error {}

function table(report: AccessReport): string[] {
    const rows = report.logins.map((l) => ({
        principal: l.principal,
        user: l.user,
        endpoint: l.through === "proxy" ? "proxy" : "database",
        expected: l.expected,
        observed: l.observed,
        could: l.probes.map((p) => `${p.needs} ${p.observed === "succeeds" ? "ok" : "refused"}`).join(", "),
        note: l.expected === l.observed ? "" : `  <-- MISMATCH: ${l.reason}`,
    }));
    const columns = ["principal", "user", "endpoint", "expected", "observed", "could"] as const;
    const width = (c: (typeof columns)[number]) => Math.max(c.length, ...rows.map((r) => r[c].length));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => c.padEnd(width(columns[i])))
            .join("  ")
            .trimEnd();
    return [line([...columns]), ...rows.map((r) => line(columns.map((c) => r[c])) + r.note)];
}

async function main(argv: string[]): Promise<number> {
    let values: { stack?: string; engine?: string; help?: boolean };
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                stack: { type: "string", default: "dev" },
                engine: { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (e) {
        throw new UsageError(`${(e as Error).message}\n\n${USAGE}`);
    }
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    const started = Date.now();
    const stackFile = readStackFile(values.stack as string);
    for (const note of stackFile.notes) console.log(`note: ${note}`);
    if (values.engine !== undefined && values.engine !== "real" && values.engine !== "mocks")
        throw new UsageError(`--engine ${values.engine}: use --engine real or --engine mocks\n\n${USAGE}`);
    const engine = values.engine === "mocks" ? undefined : findEngine();
    const log = (line: string) => console.log(line);
    let report: AccessReport;
    if (engine !== undefined && !("unavailable" in engine)) {
        console.log(`engine: the real Pulumi CLI v${engine.version.replace(/^v/, "")} (${engine.binDir})`);
        report = await rehearseWithEngine(stackFile, engine, { log });
    } else {
        if (engine !== undefined && values.engine === "real")
            throw new UsageError(`--engine real: the Pulumi engine is not available: ${engine.unavailable}`);
        console.log(
            `engine: Pulumi's runtime mocks${engine === undefined ? " (--engine mocks)" : ` (the real engine is not available: ${engine.unavailable})`}`,
        );
        report = await rehearse(stackFile, { log });
    }

    console.log("");
    for (const line of table(report)) console.log(line);
    const outDir = path.resolve(__dirname, "..", "..", "local-output", report.stack);
    fs.mkdirSync(outDir, { recursive: true });
    const htmlFile = path.join(outDir, "access-report.html");
    fs.writeFileSync(htmlFile, accessReportHtml(report, await renderSvg(accessGraph(report))));
    console.log(`\naccess report: ${path.relative(process.cwd(), htmlFile)}`);
    if (chromiumPath() !== undefined) {
        const png = path.join(outDir, "access-report.png");
        screenshot(htmlFile, png);
        console.log(`screenshot:    ${path.relative(process.cwd(), png)}`);
    }
    const mandatory = report.findings.filter((f) => f.enforcement === "mandatory");
    for (const f of report.findings) console.log(`policy ${f.enforcement} ${f.rule}: ${f.message}`);
    const problems = mismatches(report);
    const probes = report.logins.reduce((n, l) => n + l.probes.length, 0);
    console.log(
        `${report.logins.length - report.logins.filter((l) => l.expected !== l.observed).length} of ${report.logins.length} logins and ` +
            `${probes} statements as expected, ${problems.length} mismatched, ${mandatory.length} mandatory finding(s) ` +
            `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return problems.length === 0 && mandatory.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
    async (code) => {
        await stopTestServers();
        process.exit(code);
    },
    async (e: unknown) => {
        const known =
            e instanceof UsageError ||
            e instanceof ConfigurationError ||
            /^there is no Pulumi\.|^--stack /.test((e as Error).message);
        console.error(`npm run local: ${known ? (e as Error).message : ((e as Error).stack ?? String(e))}`);
        await stopTestServers();
        process.exit(2);
    },
);
