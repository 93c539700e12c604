/** Program scale under mocks: D databases × 20 users, 5 roles per database granted 4 users each. */
import * as pulumi from "@pulumi/pulumi";
import { DatabaseAccessRole } from "../components/accessRole";
import { Database } from "../components/database";
import { RecordedResource, installMocks, settle, valueOf } from "../test/support/mocks";
import { round, timed } from "./timing";

export async function buildProgram(databases: number): Promise<RecordedResource[]> {
    const session = installMocks();
    const waits: pulumi.Output<unknown>[] = [];
    for (let d = 0; d < databases; d++) {
        const users = Array.from({ length: 20 }, (_, u) => ({ username: `user_${u}`, privileges: ["SELECT"] }));
        const db = new Database(`db${d}`, { engine: d % 2 ? "mysql" : "postgres", vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"],
            databaseName: "app", users, allowedCidrBlocks: ["10.0.0.0/16"] });
        for (let r = 0; r < 5; r++) {
            const role = new DatabaseAccessRole(`db${d}-role${r}`, { service: "ecs-tasks",
                grants: users.slice(r * 4, r * 4 + 4).map((u) => ({ database: db, username: u.username })) });
            waits.push(role.roleArn, role.policyDocument);
        }
        waits.push(db.masterSecretArn, db.resourceId);
    }
    await Promise.all(waits.map((w) => valueOf(w)));
    await settle();
    return session.resources;
}

export async function benchProgram(): Promise<{ [k: string]: { ms: number; heapMB: number; resources: number } | number }> {
    const out: { [k: string]: { ms: number; heapMB: number; resources: number } | number } = {};
    await buildProgram(2); // warm up module loading
    for (const d of [10, 25, 50]) {
        global.gc?.();
        const heapBefore = process.memoryUsage().heapUsed;
        const { ms, result } = await timed(() => buildProgram(d));
        out[`d${d}`] = { ms: round(ms), heapMB: round((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20), resources: result.length };
    }
    out.ratio50to25 = round((out.d50 as { ms: number }).ms / (out.d25 as { ms: number }).ms);
    return out;
}
