/**
 * rds-iam-iam-master-no-secret-read (#23.11): with an IAM-only master (masterPassword "iam") no role
 * needs an RDS master secret, so even one database's, granted by its ARN (which
 * rds-iam-no-master-secret-read allows), is flagged.
 */
import * as assert from "node:assert/strict";
import { connectTargetsExist, iamMasterNoSecretRead } from "../../policies/rules";
import { Fixture, runStackRule } from "../../local/policies/ruleHarness";
import { PG_ID, happyStack } from "./fixtures";

const ONE_SECRET =
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1a2b3c4d-0000-4000-8000-000000000000-AbCdEf";

const iamMaster: Fixture = {
    type: "pulumi-nodejs:dynamic/rds-iam:MasterAuthentication",
    name: "orders-master-iam",
    props: { kind: "instance", identifier: "orders", masterUserAuthenticationType: "iam-db-auth" },
};

function rolePolicy(statement: Record<string, unknown>): Fixture {
    return {
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "runner-extra",
        props: {
            role: "orders-runner-role",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Read", ...statement }] }),
        },
    };
}

const read = (resource: unknown) =>
    rolePolicy({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: resource });
const messages = (stack: Fixture[]) => runStackRule(iamMasterNoSecretRead, stack).map((f) => f.message);

describe("rds-iam-iam-master-no-secret-read (#23.11)", () => {
    it("passes the stack without and with an IAM-only master when nothing reads a master secret", () => {
        assert.deepEqual(messages(happyStack()), []);
        assert.deepEqual(messages([...happyStack(), iamMaster]), []);
    });

    it("leaves master-secret reads to the other rule when no database has an IAM-only master", () => {
        assert.deepEqual(messages([...happyStack(), read(ONE_SECRET)]), []);
    });

    for (const [what, resource] of [
        ["one database's secret by its ARN", ONE_SECRET],
        ['every secret ("*")', "*"],
        ["every rds! secret", "arn:aws:secretsmanager:*:*:secret:rds!*"],
        ["every secret of the account", "arn:aws:secretsmanager:us-east-1:123456789012:secret:*"],
    ] as const)
        it(`flags a role that may read ${what}, naming the statement and the IAM-only master`, () => {
            const [message, ...rest] = messages([...happyStack(), iamMaster, read(resource)]);
            assert.deepEqual(rest, []);
            assert.match(message, /^"runner-extra" statement Read allows secretsmanager:GetSecretValue/);
            assert.match(message, /"orders-master-iam", masterPassword "iam"/);
        });

    it("flags NotResource and wildcard actions, not Deny or other secrets", () => {
        assert.equal(
            messages([
                ...happyStack(),
                iamMaster,
                rolePolicy({ Effect: "Allow", Action: "secretsmanager:*", NotResource: ONE_SECRET }),
            ]).length,
            1,
        );
        for (const harmless of [
            rolePolicy({ Effect: "Deny", Action: "secretsmanager:GetSecretValue", Resource: "*" }),
            read("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/config-AbCdEf"),
            rolePolicy({ Effect: "Allow", Action: "secretsmanager:DescribeSecret", Resource: ONE_SECRET }),
        ])
            assert.deepEqual(messages([...happyStack(), iamMaster, harmless]), []);
    });
});

describe("rds-iam-connect-targets-exist and an IAM-only master (#23.11)", () => {
    const masterConnect: Fixture = {
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "orders-runner-master-connect",
        props: {
            role: "orders-runner-role",
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: ["rds-db:connect"],
                        Resource: [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/dbmaster`],
                    },
                ],
            }),
        },
    };
    const withMaster = (stack: Fixture[]) =>
        stack.map((f) =>
            f.type === "aws:rds/instance:Instance"
                ? { ...f, props: { ...f.props, username: "dbmaster" } }
                : f,
        );
    const findings = (stack: Fixture[]) => runStackRule(connectTargetsExist, stack).map((f) => f.message);

    it("lets the SQL runner connect as the master of a database whose master is IAM-only", () => {
        assert.deepEqual(findings([...withMaster(happyStack()), iamMaster, masterConnect]), []);
    });

    it("still flags a grant on a password master (no IAM-only switch, or another database's)", () => {
        assert.match(
            findings([...withMaster(happyStack()), masterConnect])[0] ?? "",
            /has no DatabaseUser named exactly "dbmaster"/,
        );
        const elsewhere = { ...iamMaster, props: { ...iamMaster.props, identifier: "other" } };
        assert.equal(findings([...withMaster(happyStack()), elsewhere, masterConnect]).length, 1);
    });
});
