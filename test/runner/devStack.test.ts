import * as assert from "node:assert/strict";
import { NetworkNamespace, createNetworkNamespace, isolationUnavailable } from "../../local/network/netns";
import { rehearse } from "../../local/rehearsal/rehearsal";
import { readStackFile } from "../../local/rehearsal/stackFile";
import { getServer } from "../../local/servers";

/**
 * The default dev stack as it would run on AWS: its database in a private network this process
 * cannot reach, its users created through its SQL runner running in that network.
 */
describe("the dev stack's users, created through the SQL runner inside an isolated network", function () {
    this.timeout(180_000);
    let netns: NetworkNamespace;
    const unavailable = isolationUnavailable();
    before(function () {
        if (unavailable !== undefined) {
            console.log(`      skipped: ${unavailable}`);
            this.skip();
        }
        netns = createNetworkNamespace("devstack");
    });

    it("creates both users through the runner, as IAM users with their privileges, and drops them again", async () => {
        const report = await rehearse(readStackFile("dev"), { netns });
        assert.equal(
            report.sqlRunner,
            "the SQL runner function db-runner-function (its bundle behind a loopback Lambda endpoint, inside the database's network namespace)",
        );
        assert.deepEqual(report.created, [
            { username: "reporting_ro", iamAuthentication: true, privileges: ["SELECT"] },
            {
                username: "app_rw",
                iamAuthentication: true,
                privileges: ["DELETE", "INSERT", "SELECT", "UPDATE"],
            },
        ]);
        const server = await getServer("postgres15", { netns, endpoint: report.database.address });
        assert.deepEqual(
            await server.inspect("SELECT rolname FROM pg_roles WHERE rolname IN ('app_rw', 'reporting_ro')"),
            [],
            "dropped again through the runner",
        );
    });
});
