import * as assert from "node:assert/strict";
import { noMasterSecretRead } from "../../policies/rules";
import { Fixture, runResourceRule } from "../../local/policies/ruleHarness";
import { PERMISSION_SET, attachment, otherAttachments } from "./fixtures";

const mandatory = (...messages: string[]) =>
    messages.map((message) => ({ message, enforcement: "mandatory" }));
const WHY =
    "the RDS-managed master secrets (rds!…) hold each database's master password, a login around IAM database authentication";
const FIX =
    "workloads log in with rds-db:connect on their database users (rds-iam's DatabaseAccessRole); only the identity running pulumi reads a master secret, by its own ARN";
const READ_WRITE = "arn:aws:iam::aws:policy/SecretsManagerReadWrite";
const READ_WRITE_GRANTS =
    "secretsmanager:* on every secret, the RDS-managed master secrets (rds!…) and so every database's master password included";
const ONE_SECRET =
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-3f1c8a52-8d0e-4a51-9b6e-0c2d7e9a1b4f-*";

function withStatement(statement: Record<string, unknown>): Fixture {
    return {
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "inline",
        props: {
            role: "api-role",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] }),
        },
    };
}
const flagged = (through: string, on: string) =>
    mandatory(
        `"inline" statement 0 allows secretsmanager:GetSecretValue (through ${through}) on ${on}: ${WHY}. Remove it; ${FIX}.`,
    );

describe("rds-iam-no-master-secret-read: who may read the RDS-managed master secrets", () => {
    it("passes the happy-path fixtures and a statement naming one database's master secret", () => {
        for (const f of [attachment(), ...otherAttachments()])
            assert.deepEqual(runResourceRule(noMasterSecretRead, f), []);
        assert.deepEqual(
            runResourceRule(
                noMasterSecretRead,
                withStatement({ Action: "secretsmanager:GetSecretValue", Resource: ONE_SECRET }),
            ),
            [],
        );
    });

    it("flags secretsmanager:GetSecretValue on every RDS-managed master secret (secret:rds!*)", () => {
        const rds = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!*";
        assert.deepEqual(
            runResourceRule(
                noMasterSecretRead,
                withStatement({ Action: "secretsmanager:GetSecretValue", Resource: rds }),
            ),
            flagged('"secretsmanager:GetSecretValue"', JSON.stringify(rds)),
        );
    });

    it('flags secretsmanager:GetSecretValue on "*"', () => {
        assert.deepEqual(
            runResourceRule(
                noMasterSecretRead,
                withStatement({ Action: "secretsmanager:GetSecretValue", Resource: "*" }),
            ),
            flagged('"secretsmanager:GetSecretValue"', '"*"'),
        );
    });

    for (const action of ["secretsmanager:*", "secretsmanager:Get*", "SecretsManager:getsecret?alue", "*"]) {
        it(`flags the action "${action}", which grants secretsmanager:GetSecretValue`, () => {
            assert.deepEqual(
                runResourceRule(noMasterSecretRead, withStatement({ Action: action, Resource: "*" })),
                flagged(JSON.stringify(action), '"*"'),
            );
        });
    }

    it("flags NotAction that leaves secretsmanager:GetSecretValue in", () => {
        assert.deepEqual(
            runResourceRule(noMasterSecretRead, withStatement({ NotAction: ["iam:*"], Resource: "*" })),
            flagged('NotAction ["iam:*"]', '"*"'),
        );
    });

    it("flags NotResource: every secret but the ones it lists", () => {
        assert.deepEqual(
            runResourceRule(
                noMasterSecretRead,
                withStatement({ Action: "secretsmanager:GetSecretValue", NotResource: ONE_SECRET }),
            ),
            flagged('"secretsmanager:GetSecretValue"', `every secret but ${JSON.stringify([ONE_SECRET])}`),
        );
    });

    it("flags every instance's master secret (secret:rds!db-*)", () => {
        const dbs = "arn:aws:secretsmanager:*:*:secret:rds!db-*";
        assert.deepEqual(
            runResourceRule(
                noMasterSecretRead,
                withStatement({ Action: "secretsmanager:GetSecretValue", Resource: dbs }),
            ),
            flagged('"secretsmanager:GetSecretValue"', JSON.stringify(dbs)),
        );
    });

    it("leaves other services' wildcards, other secrets and other actions alone", () => {
        for (const statement of [
            { Action: "*", Resource: "arn:aws:s3:::*" },
            { Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:*:*:secret:app/*" },
            { Action: "secretsmanager:DescribeSecret", Resource: "*" },
        ])
            assert.deepEqual(
                runResourceRule(noMasterSecretRead, withStatement(statement)),
                [],
                JSON.stringify(statement),
            );
    });

    it("flags SecretsManagerReadWrite attached with RolePolicyAttachment", () => {
        assert.deepEqual(
            runResourceRule(noMasterSecretRead, attachment(READ_WRITE)),
            mandatory(
                `"api-attach" attaches SecretsManagerReadWrite (${READ_WRITE}) to role "api-role": it grants ${READ_WRITE_GRANTS}. Detach it; ${FIX}.`,
            ),
        );
    });

    const principals: Record<string, string> = {
        "alice-attach": 'user "alice"',
        "dba-attach": 'group "dbas"',
        "shared-attach": 'roles "api-role" and users "alice"',
        "api-exclusive": 'role "api-role"',
        "alice-exclusive": 'user "alice"',
        "dba-exclusive": 'group "dbas"',
        "api-role": 'role "api-role"',
        "dba-permission-set": `permission set "${PERMISSION_SET}"`,
    };
    for (const fixture of otherAttachments(READ_WRITE)) {
        it(`flags SecretsManagerReadWrite attached with ${fixture.type.split(":").pop()}`, () => {
            assert.deepEqual(
                runResourceRule(noMasterSecretRead, fixture),
                mandatory(
                    `"${fixture.name}" attaches SecretsManagerReadWrite (${READ_WRITE}) to ${principals[fixture.name]}: it grants ${READ_WRITE_GRANTS}. Detach it; ${FIX}.`,
                ),
            );
        });
    }
});
