import * as assert from "node:assert/strict";
import {
    connectTargetsExist,
    resourceRules,
    stackRules,
    tlsEnforced,
    usersGranted,
} from "../../policies/rules";
import { recordStack, stackConfig } from "../../local/pulumi/mocks";
import {
    Fixture,
    UNKNOWN,
    fromRecorded,
    runResourceRule,
    runStackRule,
} from "../../local/policies/ruleHarness";
import { AURORA_HOST, PG_ID, happyStack, policy, user } from "./fixtures";

const mandatory = (message: string) => [{ message, enforcement: "mandatory" }];

function replace(stack: Fixture[], name: string, props: Record<string, unknown>): Fixture[] {
    return stack.map((f) => (f.name === name ? { ...f, props: { ...f.props, ...props } } : f));
}

describe("policy pack stack rules", () => {
    it("pass on the happy-path stack", () => {
        for (const rule of stackRules) assert.deepEqual(runStackRule(rule, happyStack()), [], rule.name);
    });

    it("rds-iam-tls-enforced flags a parameter group that does not force TLS", () => {
        assert.deepEqual(
            runStackRule(
                tlsEnforced,
                replace(happyStack(), "orders-params", {
                    parameters: [{ name: "rds.force_ssl", value: "0" }],
                }),
            ),
            mandatory(
                '"orders" does not force TLS: parameter group "orders-params" must set rds.force_ssl=1 (it is "0").',
            ),
        );
    });

    it("rds-iam-tls-enforced flags a database on the default parameter group", () => {
        assert.deepEqual(
            runStackRule(tlsEnforced, replace(happyStack(), "orders", { parameterGroupName: undefined })),
            mandatory(
                '"orders" (postgres) uses the default parameter group; give it one in the stack that sets rds.force_ssl=1 (parameterGroupName).',
            ),
        );
    });

    it("rds-iam-tls-enforced flags an Aurora cluster parameter group without require_secure_transport", () => {
        assert.deepEqual(
            runStackRule(tlsEnforced, replace(happyStack(), "ledger-params", { parameters: [] })),
            mandatory(
                '"ledger" does not force TLS: parameter group "ledger-params" must set require_secure_transport=1 (it is not set).',
            ),
        );
    });

    it("rds-iam-tls-enforced flags a parameter group that is not in the stack", () => {
        assert.deepEqual(
            runStackRule(tlsEnforced, replace(happyStack(), "orders", { parameterGroupName: "shared-pg" })),
            mandatory(
                '"orders" uses parameter group "shared-pg", which is not in this stack; manage it here and set rds.force_ssl=1.',
            ),
        );
    });

    it("rds-iam-connect-targets-exist flags a grant for a user the database does not define (case-exact)", () => {
        const stack = [
            ...happyStack().filter((f) => f.name !== "api-connect"),
            policy([`arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/App_RW`]),
        ];
        assert.deepEqual(
            runStackRule(connectTargetsExist, stack),
            mandatory(
                `"api-connect" grants arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/App_RW, but database "orders" has no DatabaseUser named exactly "App_RW".`,
            ),
        );
    });

    it("rds-iam-connect-targets-exist flags a grant on a database that is not in the stack, unless listed as external", () => {
        const stack = [
            ...happyStack().filter((f) => f.name !== "api-connect"),
            policy(["arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ELSEWHERE/app_rw"]),
        ];
        assert.deepEqual(
            runStackRule(connectTargetsExist, stack),
            mandatory(
                '"api-connect" grants arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ELSEWHERE/app_rw, but no database in this stack has resource id db-ELSEWHERE.',
            ),
        );
        assert.deepEqual(
            runStackRule(connectTargetsExist, stack, { externalResourceIds: ["db-ELSEWHERE"] }),
            [],
        );
    });

    it("rds-iam-connect-targets-exist flags a grant on a database without IAM authentication", () => {
        assert.deepEqual(
            runStackRule(
                connectTargetsExist,
                replace(happyStack(), "orders", { iamDatabaseAuthenticationEnabled: false }),
            ),
            mandatory(
                `"api-connect" grants arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/app_rw, but database "orders" does not have IAM authentication enabled.`,
            ),
        );
    });

    it("rds-iam-connect-targets-exist cannot decide while the policy document is unknown and says so as an advisory", () => {
        assert.deepEqual(
            runStackRule(connectTargetsExist, replace(happyStack(), "api-connect", { policy: UNKNOWN })),
            [
                {
                    message:
                        "can't run policy 'rds-iam-connect-targets-exist' during preview: string value at .policy can't be known during preview",
                    enforcement: "advisory",
                },
            ],
        );
    });

    it("rds-iam-users-granted advises about a user nobody may log in as", () => {
        assert.deepEqual(runStackRule(usersGranted, [...happyStack(), user(AURORA_HOST, "orphan")]), [
            {
                message: `DatabaseUser "orphan" on ${AURORA_HOST} is not granted to any principal in this stack.`,
                enforcement: "advisory",
            },
        ]);
    });
});

describe("the dev stack under the policy pack", function () {
    this.timeout(60_000);

    it("passes every rule, mandatory and advisory, on the resources index.ts registers", async () => {
        const fixtures = fromRecorded((await recordStack(stackConfig("dev"))).resources);
        const findings = [
            ...resourceRules.flatMap((rule) =>
                fixtures.flatMap((f) =>
                    runResourceRule(rule, f, { region: "us-east-1", accountId: "123456789012" }),
                ),
            ),
            ...stackRules.flatMap((rule) => runStackRule(rule, fixtures)),
        ];
        assert.deepEqual(findings, []);
    });

    it("would be stopped if a workload were granted a user the database does not define", async () => {
        const fixtures = fromRecorded((await recordStack(stackConfig("dev"))).resources);
        const tampered = fixtures.map((f) =>
            f.type === "aws:iam/policy:Policy" && f.name === "api-connect"
                ? { ...f, props: { ...f.props, policy: f.props.policy.replace("/app_rw", "/App_RW") } }
                : f,
        );
        const findings = runStackRule(connectTargetsExist, tampered);
        assert.equal(findings.length, 1);
        assert.match(
            findings[0].message,
            /^"api-connect" grants arn:aws:rds-db:us-east-1:123456789012:dbuser:db-[A-Z2-7]{26}\/App_RW, but database "db-instance" has no DatabaseUser named exactly "App_RW"\.$/,
        );
    });
});
