/** Program scale under mocks: D databases × 20 users, 5 roles per database granted 4 users each. */
import * as childProcess from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseAccessRole } from "../components/accessRole";
import { Database } from "../components/database";
import { RecordedResource, installMocks, settle, valueOf } from "../local/pulumi/mocks";
import { round } from "./timing";

export async function buildProgram(databases: number): Promise<RecordedResource[]> {
    const session = installMocks();
    const waits: pulumi.Output<unknown>[] = [];
    for (let d = 0; d < databases; d++) {
        const users = Array.from({ length: 20 }, (_, u) => ({
            username: `user_${u}`,
            privileges: ["SELECT"],
        }));
        const db = new Database(`db${d}`, {
            engine: d % 2 ? "mysql" : "postgres",
            vpcId: "vpc-1",
            subnetIds: ["subnet-a", "subnet-b"],
            databaseName: "app",
            users,
            allowedCidrBlocks: ["10.0.0.0/16"],
        });
        for (let r = 0; r < 5; r++) {
            const role = new DatabaseAccessRole(`db${d}-role${r}`, {
                service: "ecs-tasks",
                grants: users.slice(r * 4, r * 4 + 4).map((u) => ({ database: db, username: u.username })),
            });
            waits.push(role.roleArn, role.policyDocument);
        }
        waits.push(db.masterSecretArn, db.resourceId);
    }
    await Promise.all(waits.map((w) => valueOf(w)));
    await settle();
    return session.resources;
}

function measureInFreshProcess(
    databases: number,
    mode = "",
): { ms: number; heapMB: number; resources: number } {
    const out = childProcess.execFileSync(
        process.execPath,
        ["--expose-gc", "--import", "tsx", path.join(__dirname, "programWorker.ts"), String(databases), mode],
        { encoding: "utf8" },
    );
    return JSON.parse(out);
}

export async function benchProgram(): Promise<{
    [k: string]: { ms: number; heapMB: number; resources: number } | number;
}> {
    const out: { [k: string]: { ms: number; heapMB: number; resources: number } | number } = {};
    for (const d of [10, 25, 50]) out[`d${d}`] = measureInFreshProcess(d);
    out.ratio50to25 = round((out.d50 as { ms: number }).ms / (out.d25 as { ms: number }).ms);
    // Context: the Pulumi SDK captures a stack trace for every promise it makes, and tsx turns on
    // source-mapped stack traces, which makes each capture expensive. Measure 50×20 without them too.
    out.d50NoSourceMapsMs = measureInFreshProcess(50, "no-source-maps").ms;
    return out;
}
