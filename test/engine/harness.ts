/** What the engine scenarios share: a command that must succeed, the preview's steps, the state's resources. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
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

/**
 * Runs `work` with `file` (a workspace's program or project) changed from `from` to `to`, then puts
 * it back as it was, whatever `work` did. `from` must be in the file: a variant that changes nothing
 * would test nothing.
 */
export async function withFileEdit<T>(
    file: string,
    from: string,
    to: string,
    work: () => Promise<T>,
): Promise<T> {
    const original = fs.readFileSync(file, "utf8");
    assert.ok(
        original.includes(from),
        `${file} no longer says ${JSON.stringify(from)}, which the variant changes`,
    );
    fs.writeFileSync(file, original.replace(from, to));
    try {
        return await work();
    } finally {
        fs.writeFileSync(file, original);
    }
}

/** The mandatory policy violations a `pulumi preview/up --policy-pack` printed, by rule name, in order. */
export function mandatoryRules(stdout: string): string[] {
    return (stdout.match(/\[mandatory\]\s+\[severity: \w+\]\s+\S+/g) ?? []).map(
        (v) => v.split(/\s+/).pop() as string,
    );
}

/** The Resource ARNs of every statement of the local cloud's customer-managed policy named `<prefix>-…` (its autoname). */
export function policyResources(cloud: LocalCloud, prefix: string): string[] {
    const policy = cloud
        .resources("aws:iam/policy:Policy")
        .find((p) => String(p.outputs.name ?? p.id).startsWith(`${prefix}-`));
    assert.ok(policy, `no ${prefix} policy in the local cloud`);
    return (JSON.parse(String(policy.inputs.policy)).Statement as { Resource: string | string[] }[]).flatMap(
        (st) => [st.Resource].flat(),
    );
}
