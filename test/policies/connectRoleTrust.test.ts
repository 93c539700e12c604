import * as assert from "node:assert/strict";
import { connectRoleTrust } from "../../policies/rules";
import { runStackRule } from "../../local/policies/ruleHarness";
import { proxyStack, trustDocument, workloadRole } from "./proxyFixtures";

const FIX =
    "Trust only the workload (its service, or named roles of your account), or add Condition StringEquals sts:ExternalId (a third party) or aws:PrincipalOrgID (your organization).";
const flagged = (who: string) => [
    {
        message: `Role "api-role" may connect to databases (policy "api-connect" statement 0), and its trust policy statement 0 lets ${who} assume it: they may log in as its database users. ${FIX}`,
        enforcement: "mandatory",
    },
];
/** The stack with the workload role trusting someone else. */
const trusting = (statement: Record<string, unknown>) =>
    proxyStack().map((f) => (f.name === "api-role" ? workloadRole(trustDocument(statement)) : f));
const OTHER = "arn:aws:iam::999999999999:root";

describe("rds-iam-connect-role-trust: who may assume a role that connects", () => {
    it("passes the happy-path stack (the workload role trusts ec2.amazonaws.com)", () => {
        assert.deepEqual(runStackRule(connectRoleTrust, proxyStack()), []);
    });

    it('flags a connect role trusting Principal {"AWS": "*"}', () => {
        assert.deepEqual(
            runStackRule(connectRoleTrust, trusting({ Principal: { AWS: "*" } })),
            flagged('every AWS principal (Principal {"AWS": "*"})'),
        );
    });

    it('flags a connect role trusting Principal "*"', () => {
        assert.deepEqual(
            runStackRule(connectRoleTrust, trusting({ Principal: "*" })),
            flagged('every AWS principal (Principal "*")'),
        );
    });

    it("flags a connect role trusting another account without sts:ExternalId or aws:PrincipalOrgID", () => {
        assert.deepEqual(
            runStackRule(connectRoleTrust, trusting({ Principal: { AWS: OTHER } })),
            flagged(
                `account 999999999999 (AWS "${OTHER}"; the role is in 123456789012) without an sts:ExternalId or aws:PrincipalOrgID condition`,
            ),
        );
    });

    it("accepts another account under an sts:ExternalId condition", () => {
        assert.deepEqual(
            runStackRule(
                connectRoleTrust,
                trusting({
                    Principal: { AWS: OTHER },
                    Condition: { StringEquals: { "sts:ExternalId": "x-7f3a" } },
                }),
            ),
            [],
        );
    });

    it('accepts Principal {"AWS": "*"} restricted to the organization (aws:PrincipalOrgID)', () => {
        assert.deepEqual(
            runStackRule(
                connectRoleTrust,
                trusting({
                    Principal: { AWS: "*" },
                    Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                }),
            ),
            [],
        );
    });

    it("does not count an IfExists condition, which passes when the key is absent", () => {
        assert.deepEqual(
            runStackRule(
                connectRoleTrust,
                trusting({
                    Principal: { AWS: OTHER },
                    Condition: { StringEqualsIfExists: { "sts:ExternalId": "x-7f3a" } },
                }),
            ),
            flagged(
                `account 999999999999 (AWS "${OTHER}"; the role is in 123456789012) without an sts:ExternalId or aws:PrincipalOrgID condition`,
            ),
        );
    });

    it("accepts a role of its own account as principal", () => {
        assert.deepEqual(
            runStackRule(
                connectRoleTrust,
                trusting({ Principal: { AWS: "arn:aws:iam::123456789012:role/ci" } }),
            ),
            [],
        );
    });

    it("leaves a role that cannot connect alone, whoever it trusts", () => {
        const stack = trusting({ Principal: { AWS: "*" } }).filter((f) => f.name !== "api-attach");
        assert.deepEqual(runStackRule(connectRoleTrust, stack), []);
    });
});
