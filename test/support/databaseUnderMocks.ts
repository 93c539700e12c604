/**
 * A Database built under the mocks, for the unit tests of its Args: what it registered, or the
 * InputPropertiesError its constructor threw. Each test file passes its own defaults.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Database, DatabaseArgs } from "../../components/database";
import { RecordedResource, installMocks, settle, valueOf } from "../../local/pulumi/mocks";

export const NETWORK = { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-a", "subnet-b"] };

/** "orders" (PostgreSQL, database "orders", one user "app") with `defaults`, then `args`, and what it registered. */
export async function buildDatabase(
    defaults: Partial<DatabaseArgs>,
    args: Partial<DatabaseArgs>,
): Promise<{ db: Database; resources: RecordedResource[] }> {
    const session = installMocks();
    const db = new Database("orders", {
        engine: "postgres",
        ...NETWORK,
        databaseName: "orders",
        users: [{ username: "app" }],
        ...defaults,
        ...args,
    } as DatabaseArgs);
    await valueOf(db.resourceId);
    await settle();
    return { db, resources: session.resources };
}

/** The errors the constructor refuses `args` with (after `defaults`); fails when it does not refuse. */
export function databaseErrors(
    defaults: Partial<DatabaseArgs>,
    args: Partial<DatabaseArgs>,
): { propertyPath: string; reason: string }[] {
    installMocks();
    try {
        new Database("bad", { engine: "postgres", ...NETWORK, ...defaults, ...args } as DatabaseArgs);
    } catch (e) {
        assert.ok(pulumi.InputPropertiesError.isInstance(e), `expected InputPropertiesError, got ${e}`);
        return (e as pulumi.InputPropertiesError).errors;
    }
    assert.fail("expected the constructor to throw");
}
