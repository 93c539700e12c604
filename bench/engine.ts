/**
 * `pulumi up` of the dev stack with N users under the real engine (the CLI scripts/pulumi-engine.sh
 * built, the local cloud, the SQL runner behind the loopback Lambda): the whole up, and the cost of
 * each user beyond the stack's two, to set beside the provider's own per-user time and its floor.
 * Unavailable engine: the reason, and no figures.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startLocalCloud } from "../local/aws/cloud";
import { REPO, createWorkspace, findEngine } from "../local/engine/pulumi";
import { round, timed } from "./timing";

/** Pulumi.dev.yaml with `extra` more users (u001…), each granted SELECT. */
function stackFileWithUsers(extra: number): string {
    const yaml = require("yaml") as typeof import("yaml");
    const doc = yaml.parse(fs.readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8"));
    const users = doc.config["rds-iam:users"] as { username: string; privileges: string[] }[];
    for (let i = 1; i <= extra; i++)
        users.push({ username: `u${String(i).padStart(3, "0")}`, privileges: ["SELECT"] });
    return yaml.stringify(doc);
}

export interface StackRun {
    readonly upMs: number;
    readonly destroyMs: number;
    /** The provider's operations (RDS_IAM_OPERATION_LOG) during the up and during the destroy. */
    readonly upOperations: OperationRecord[];
    readonly destroyOperations: OperationRecord[];
}

export interface OperationRecord {
    readonly operation: string;
    readonly user: string;
    readonly startedAt: number;
    readonly ms: number;
    readonly ok: boolean;
}

/**
 * `pulumi up`, then `pulumi destroy`, of the dev stack with `extra` more users, in a local cloud of
 * its own (whose databases are `roundTripMs` away), with `config` set on the stack first.
 */
export async function runDevStack(
    extra: number,
    options: { roundTripMs?: number; config?: Record<string, string> } = {},
): Promise<StackRun> {
    const engine = findEngine();
    if ("unavailable" in engine) throw new Error(engine.unavailable);
    const cloud = await startLocalCloud({ roundTripMs: options.roundTripMs });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-bench-"));
    const file = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(file, stackFileWithUsers(extra));
    const operationLog = path.join(dir, "operations.jsonl");
    const ws = createWorkspace({
        engine,
        cloudEnv: { ...cloud.env, RDS_IAM_OPERATION_LOG: operationLog },
        stackFiles: { "Pulumi.dev.yaml": file },
    });
    const operations = (): OperationRecord[] =>
        fs.existsSync(operationLog)
            ? fs
                  .readFileSync(operationLog, "utf8")
                  .split("\n")
                  .filter((l) => l !== "")
                  .map((l) => JSON.parse(l) as OperationRecord)
            : [];
    try {
        const must = async (args: string[]) => {
            const r = await ws.pulumi(args);
            if (r.code !== 0)
                throw new Error(`pulumi ${args.join(" ")}: exit ${r.code}\n${r.stdout.slice(-3000)}`);
        };
        await must(["stack", "init", "dev"]);
        await must(["config", "set", "rds-iam:caBundleFile", cloud.caFile]);
        for (const [k, v] of Object.entries(options.config ?? {})) await must(["config", "set", k, v]);
        const up = await timed(() => must(["up", "--yes", "--skip-preview"]));
        const upOperations = operations();
        const destroy = await timed(() => must(["destroy", "--yes", "--skip-preview"]));
        return {
            upMs: up.ms,
            destroyMs: destroy.ms,
            upOperations,
            destroyOperations: operations().slice(upOperations.length),
        };
    } finally {
        ws.remove();
        await cloud.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export async function benchEngine(extra = 40): Promise<Record<string, unknown>> {
    const engine = findEngine();
    if ("unavailable" in engine) return { unavailable: engine.unavailable };
    const baseMs = (await runDevStack(0)).upMs;
    const withUsersMs = (await runDevStack(extra)).upMs;
    return {
        pulumi: engine.version,
        users: 2 + extra,
        upMs: round(withUsersMs, 0),
        baseUpMs: round(baseMs, 0),
        /** What each user beyond the stack's two added to the up. */
        perExtraUserMs: round((withUsersMs - baseMs) / extra, 1),
    };
}
