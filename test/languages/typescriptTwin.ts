/**
 * The TypeScript program deployed beside a plugin program with the same declaration, so that the two
 * can be compared (#26, acceptance: the same child resources, IAM JSON and SQL whatever the
 * language): `pulumi up` of the repository's own program with a given stack file, in a local cloud of
 * its own (the local cloud names some resources by their Pulumi names alone), destroyed afterwards.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import { EngineFound, REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { destroyAndClose, ok, onlyDatabase } from "../engine/harness";
import { GraphNode, differences, resourceGraph } from "./resourceGraph";

/** The TypeScript program's stack (project rds-iam, stack dev) as deployed, and its graph. */
export interface TypeScriptTwin {
    readonly ws: Workspace;
    readonly cloud: LocalCloud;
    readonly graph: Record<string, GraphNode>;
}

/** The graph of a deployed stack, the cloud's CA as a placeholder (each cloud has its own). */
export async function stackGraph(
    ws: Workspace,
    cloud: LocalCloud,
    stackPrefix: string,
): Promise<Record<string, GraphNode>> {
    return resourceGraph((await ws.exportState()).deployment.resources ?? [], stackPrefix, {
        "<the local cloud's CA>": fs.readFileSync(cloud.caFile, "utf8"),
    });
}

/** Pulumi.dev.yaml's reports workload, the last of its config: what the plugin examples leave out or route through a proxy. */
export const REPORTS_WORKLOAD = "    - name: reports\n      service: lambda\n      users: [reporting_ro]\n";

/** Pulumi.dev.yaml as shipped, changed by `edits` (each `from` must be in it: the test says when it no longer is). */
export function devStackWith(edits: readonly { from: string; to: string }[]): string {
    let text = fs.readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8");
    for (const { from, to } of edits) {
        assert.ok(
            text.includes(from),
            `Pulumi.dev.yaml no longer says ${JSON.stringify(from)}, which the test changes`,
        );
        text = text.replace(from, to);
    }
    return text;
}

/** Deploys the TypeScript program with `stackFile` (its text), runs `work` on it, then destroys it. */
export async function withTypeScriptTwin(
    engine: EngineFound,
    stackFile: string,
    work: (twin: TypeScriptTwin) => Promise<void>,
): Promise<void> {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-twin-"));
    const file = path.join(scratch, "Pulumi.dev.yaml");
    fs.writeFileSync(file, stackFile);
    const cloud = await startLocalCloud();
    const ws = createWorkspace({ engine, cloudEnv: cloud.env, stackFiles: { "Pulumi.dev.yaml": file } });
    try {
        await ok(ws.pulumi(["stack", "init", "dev"]));
        await ok(ws.pulumi(["config", "set", "rds-iam:caBundleFile", cloud.caFile]));
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
        await work({ ws, cloud, graph: await stackGraph(ws, cloud, "rds-iam/dev/") });
    } finally {
        await destroyAndClose(ws, cloud);
        fs.rmSync(scratch, { recursive: true, force: true });
    }
}

/** Asserts two graphs are equal, naming each resource that differs (`first` is the plugin program's). */
export function assertSameGraph(
    first: Record<string, GraphNode>,
    twin: Record<string, GraphNode>,
    label: string,
): void {
    assert.deepEqual(differences(first, twin), [], `${label} (first) and TypeScript differ`);
    assert.deepEqual(first, twin);
    assert.ok(Object.keys(first).length >= 20, "the graphs compared hold the stack's resources");
}

/** The statements for `users` that a database's server logged, the stack's name as a placeholder, sorted. */
export async function userStatements(
    cloud: LocalCloud,
    users: readonly string[],
    stackPrefix: string,
): Promise<string[]> {
    const pattern = new RegExp(users.join("|"));
    return (await onlyDatabase(cloud).server.statementsSince(0))
        .filter((s) => pattern.test(s))
        .map((s) => s.split(stackPrefix).join("<stack>/"))
        .sort();
}
