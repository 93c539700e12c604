import * as assert from "node:assert/strict";
import { connectTargetsExist } from "../../policies/rules";
import { accessMapMarkdown, rehearse } from "../../local/rehearsal/rehearsal";
import { recordStack, stackConfig } from "../../local/pulumi/mocks";
import { fromRecorded, runStackRule } from "../../local/policies/ruleHarness";

describe("local rehearsal of the dev stack (npm run local)", function () {
    this.timeout(120_000);

    it("logs every workload in as exactly its users, and nobody else, through the emulated IAM auth", async () => {
        const result = await rehearse("dev");
        assert.deepEqual(
            result.rows.map((r) => [r.role, r.user, r.expected, r.observed]),
            [
                ["api", "app_rw", "allowed", "allowed"],
                ["api", "reporting_ro", "denied", "denied"],
                ["reports", "app_rw", "denied", "denied"],
                ["reports", "reporting_ro", "allowed", "allowed"],
                ["outsider", "app_rw", "denied", "denied"],
                ["outsider", "reporting_ro", "denied", "denied"],
            ],
        );
        assert.match(
            result.rows[1].reason,
            /^policy denies: nothing allows arn:aws:iam::123456789012:role\/api-role rds-db:connect on arn:aws:rds-db:us-east-1:123456789012:dbuser:db-[A-Z2-7]{26}\/reporting_ro$/,
        );
        assert.match(accessMapMarkdown(result), /r_api\(\["role api"\]\) -->\|rds-db:connect\| u_app_rw/);
    });

    it("agrees with the policy pack: the grants the pack accepts are exactly the logins the emulator allows", async () => {
        const result = await rehearse("dev");
        const fixtures = fromRecorded((await recordStack(stackConfig("dev"))).resources);
        assert.deepEqual(runStackRule(connectTargetsExist, fixtures), []);
        const grantedUsers = fixtures
            .filter((f) => f.type === "aws:iam/policy:Policy")
            .flatMap((f) => JSON.parse(f.props.policy).Statement[0].Resource as string[])
            .map((arn) => arn.split("/").pop())
            .sort();
        assert.deepEqual(
            result.rows
                .filter((r) => r.observed === "allowed")
                .map((r) => r.user)
                .sort(),
            grantedUsers,
        );
    });
});
