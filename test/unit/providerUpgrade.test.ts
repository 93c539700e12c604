/**
 * The DatabaseUser provider's answer to an rds-iam upgrade: the dynamic-provider host hands diff the
 * serialized provider of the state (olds) and of the program (news) and does nothing itself when
 * they differ (@pulumi/pulumi cmd/dynamic-provider diff; pulumi/pulumi#6238, #4805). The engine test
 * test/engine/providerUpgrade.test.ts shows which code then runs refresh and destroy.
 */
import * as assert from "node:assert/strict";
import { UNKNOWN } from "../../components/provider/inputs";
import { databaseUserProvider as provider } from "../../components/provider/provider";

const user = {
    engine: "postgres",
    host: "orders.c0ffee0example.us-east-1.rds.amazonaws.com",
    port: 5432,
    username: "app",
    database: "orders",
    privileges: ["SELECT"],
    master: { username: "master_admin", password: "x" },
};

describe("the DatabaseUser provider after an rds-iam upgrade (a changed __provider)", () => {
    it("is an update in place, never a replace, so `pulumi up` stores the new release's code", async () => {
        const diff = await provider.diff!(
            "id",
            { ...user, __provider: "release 1" },
            { ...user, __provider: "release 2" },
        );
        assert.deepEqual([diff.changes, diff.replaces], [true, []]);
    });

    it("shows no change while the code is the same", async () => {
        const diff = await provider.diff!(
            "id",
            { ...user, __provider: "release 1" },
            { ...user, __provider: "release 1" },
        );
        assert.equal(diff.changes, false);
    });

    it("shows no change for a provider still unknown in preview, or missing from old state", async () => {
        const unknown = await provider.diff!(
            "id",
            { ...user, __provider: "release 1" },
            { ...user, __provider: UNKNOWN },
        );
        const missing = await provider.diff!("id", { ...user }, { ...user, __provider: "release 2" });
        assert.deepEqual([unknown.changes, missing.changes], [false, false]);
    });
});
