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

async function upOnce(extra: number): Promise<number> {
    const engine = findEngine();
    if ("unavailable" in engine) throw new Error(engine.unavailable);
    const cloud = await startLocalCloud();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-bench-"));
    const file = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(file, stackFileWithUsers(extra));
    const ws = createWorkspace({ engine, cloudEnv: cloud.env, stackFiles: { "Pulumi.dev.yaml": file } });
    try {
        const must = async (args: string[]) => {
            const r = await ws.pulumi(args);
            if (r.code !== 0)
                throw new Error(`pulumi ${args.join(" ")}: exit ${r.code}\n${r.stdout.slice(-3000)}`);
        };
        await must(["stack", "init", "dev"]);
        await must(["config", "set", "rds-iam:caBundleFile", cloud.caFile]);
        const { ms } = await timed(() => must(["up", "--yes", "--skip-preview"]));
        await must(["destroy", "--yes", "--skip-preview"]);
        return ms;
    } finally {
        ws.remove();
        await cloud.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export async function benchEngine(extra = 40): Promise<Record<string, unknown>> {
    const engine = findEngine();
    if ("unavailable" in engine) return { unavailable: engine.unavailable };
    const baseMs = await upOnce(0);
    const withUsersMs = await upOnce(extra);
    return {
        pulumi: engine.version,
        users: 2 + extra,
        upMs: round(withUsersMs, 0),
        baseUpMs: round(baseMs, 0),
        /** What each user beyond the stack's two added to the up. */
        perExtraUserMs: round((withUsersMs - baseMs) / extra, 1),
    };
}
