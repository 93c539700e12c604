/** What the engine scenarios share: a command that must succeed, the preview's steps, the state's resources. */
import * as assert from "node:assert/strict";
import type { CloudDatabase, LocalCloud } from "../../local/aws/cloud";
import type { RunResult, Workspace } from "../../local/engine/pulumi";
import { transcript } from "../support/engine";

export async function ok(result: Promise<RunResult>): Promise<RunResult> {
    const r = await result;
    assert.equal(r.code, 0, transcript(r));
    return r;
}

/** `pulumi preview --json` as "<op> <type> <name>" lines, the stack itself left out, sorted. */
export async function previewSteps(ws: Workspace, args: readonly string[] = []): Promise<string[]> {
    const r = await ok(ws.pulumi(["preview", "--json", ...args]));
    return (JSON.parse(r.stdout).steps as { op: string; urn: string }[])
        .map((s) => {
            const parts = s.urn.split("::");
            return `${s.op} ${parts[2].split("$").pop()} ${parts[3]}`;
        })
        .filter((s) => !s.includes("pulumi:pulumi:Stack"))
        .sort();
}

/** The outputs of the state's resources of one type, by the given output. */
export async function stateByOutput(ws: Workspace, type: string, key: string): Promise<Record<string, any>> {
    return Object.fromEntries(
        ((await ws.exportState()).deployment.resources ?? [])
            .filter((r: any) => r.type === type)
            .map((r: any) => [r.outputs[key], r.outputs]),
    );
}

export async function stackOutputs(ws: Workspace): Promise<Record<string, any>> {
    return JSON.parse((await ok(ws.pulumi(["stack", "output", "--json", "--show-secrets"]))).stdout);
}

/** The one database the local cloud runs for the stack. */
export function onlyDatabase(cloud: LocalCloud): CloudDatabase {
    const [db] = [...cloud.databases.values()];
    assert.ok(db, "the local cloud runs the stack's database");
    return db;
}

/** A scenario's teardown: destroy the stack (best effort), remove the workspace, stop the cloud. */
export async function destroyAndClose(
    ws: Workspace | undefined,
    cloud: LocalCloud | undefined,
    env?: Record<string, string>,
): Promise<void> {
    if (ws !== undefined) {
        await ws.pulumi(["destroy", "--yes", "--skip-preview"], env === undefined ? undefined : { env });
        ws.remove();
    }
    await cloud?.close();
}
