import * as assert from "node:assert/strict";
import { NOT_CONTROL, RDS_CONTROL_ACTIONS } from "../../policies/lib/rdsActions";
import { noRdsFullAccess } from "../../policies/rules";
import { Fixture, runResourceRule } from "../../local/policies/ruleHarness";
import { PERMISSION_SET, attachment, otherAttachments } from "./fixtures";

const mandatory = (...messages: string[]) =>
    messages.map((message) => ({ message, enforcement: "mandatory" }));
const RDS_FULL = "arn:aws:iam::aws:policy/AmazonRDSFullAccess";
const RDS_FULL_GRANTS =
    "full RDS control (rds:*): create, modify (master password included), delete and restore any database";
const FIX = "grant rds-db:connect on the named database users instead (rds-iam's DatabaseAccessRole)";

function withStatement(statement: Record<string, unknown>): Fixture {
    return {
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "inline",
        props: {
            role: "api-role",
            policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
        },
    };
}

describe("rds-iam-no-rds-full-access: every way a broad policy reaches a principal", () => {
    it("flags AmazonRDSFullAccess attached with RolePolicyAttachment", () => {
        assert.deepEqual(
            runResourceRule(noRdsFullAccess, attachment(RDS_FULL)),
            mandatory(
                `"api-attach" attaches AmazonRDSFullAccess (${RDS_FULL}) to role "api-role": it grants ${RDS_FULL_GRANTS}. Detach it and ${FIX}.`,
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
    for (const fixture of otherAttachments(RDS_FULL)) {
        it(`flags AmazonRDSFullAccess attached with ${fixture.type.split(":").pop()}`, () => {
            assert.deepEqual(
                runResourceRule(noRdsFullAccess, fixture),
                mandatory(
                    `"${fixture.name}" attaches AmazonRDSFullAccess (${RDS_FULL}) to ${principals[fixture.name]}: it grants ${RDS_FULL_GRANTS}. Detach it and ${FIX}.`,
                ),
            );
        });
    }

    it("flags AdministratorAccess on a workload role (it allows rds-db:connect as every database user)", () => {
        assert.deepEqual(
            runResourceRule(noRdsFullAccess, attachment("arn:aws:iam::aws:policy/AdministratorAccess")),
            mandatory(
                `"api-attach" attaches AdministratorAccess (arn:aws:iam::aws:policy/AdministratorAccess) to role "api-role": it grants every action on every resource, rds-db:connect as every database user and full RDS control included. Detach it and ${FIX}.`,
            ),
        );
    });

    it("flags AdministratorAccess in an IAM Identity Center permission set (ManagedPolicyAttachment)", () => {
        const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
        const sso = otherAttachments(admin).find((f) => f.name === "dba-permission-set")!;
        assert.deepEqual(
            runResourceRule(noRdsFullAccess, sso),
            mandatory(
                `"dba-permission-set" attaches AdministratorAccess (${admin}) to permission set "${PERMISSION_SET}": it grants every action on every resource, rds-db:connect as every database user and full RDS control included. Detach it and ${FIX}.`,
            ),
        );
    });

    it("flags PowerUserAccess on a workload role, in any partition", () => {
        assert.deepEqual(
            runResourceRule(noRdsFullAccess, attachment("arn:aws-cn:iam::aws:policy/PowerUserAccess")),
            mandatory(
                `"api-attach" attaches PowerUserAccess (arn:aws-cn:iam::aws:policy/PowerUserAccess) to role "api-role": it grants every action except IAM, Organizations and Account management (NotAction), rds-db:connect as every database user and full RDS control included. Detach it and ${FIX}.`,
            ),
        );
    });

    it("leaves a customer policy that only shares the name alone", () => {
        assert.deepEqual(
            runResourceRule(
                noRdsFullAccess,
                attachment("arn:aws:iam::123456789012:policy/AdministratorAccess"),
            ),
            [],
        );
    });

    for (const [action, shown] of [
        [
            "rds:*",
            "rds:AddRoleToDBCluster, rds:AddRoleToDBInstance, rds:ApplyPendingMaintenanceAction, rds:AuthorizeDBSecurityGroupIngress and 104 more",
        ],
        [
            "rds:Modify*",
            "rds:ModifyActivityStream, rds:ModifyCertificates, rds:ModifyCurrentDBClusterCapacity, rds:ModifyCustomDBEngineVersion and 17 more",
        ],
        [
            "rds:Delete*",
            "rds:DeleteBlueGreenDeployment, rds:DeleteCustomDBEngineVersion, rds:DeleteDBCluster, rds:DeleteDBClusterAutomatedBackup and 16 more",
        ],
        [
            "rds:Create*",
            "rds:CreateBlueGreenDeployment, rds:CreateCustomDBEngineVersion, rds:CreateDBCluster, rds:CreateDBClusterEndpoint and 15 more",
        ],
        [
            "rds:restore*",
            "rds:RestoreDBClusterFromS3, rds:RestoreDBClusterFromSnapshot, rds:RestoreDBClusterToPointInTime, rds:RestoreDBInstanceFromDBSnapshot and 2 more",
        ],
    ]) {
        it(`flags ${action} in a policy`, () => {
            assert.deepEqual(
                runResourceRule(
                    noRdsFullAccess,
                    withStatement({ Effect: "Allow", Action: action, Resource: "*" }),
                ),
                mandatory(
                    `"inline" statement 0 allows ${shown} (through "${action}"): control over the databases themselves. Remove those actions and ${FIX}.`,
                ),
            );
        });
    }

    // Each was allowed without a finding before the list was taken whole from the Service Authorization Reference.
    for (const action of [
        "rds:RestoreDBClusterToPointInTime",
        "rds:CreateDBSnapshot",
        "rds:CreateDBClusterSnapshot",
        "rds:StartExportTask",
        "rds:CopyDBClusterSnapshot",
        "rds:StopDBCluster",
        "rds:RebootDBCluster",
        "rds:CreateGlobalCluster",
    ]) {
        it(`flags ${action} alone in a policy`, () => {
            assert.deepEqual(
                runResourceRule(
                    noRdsFullAccess,
                    withStatement({ Effect: "Allow", Action: action, Resource: "*" }),
                ),
                mandatory(
                    `"inline" statement 0 allows ${action} (through "${action}"): control over the databases themselves. Remove those actions and ${FIX}.`,
                ),
            );
        });
    }

    it("takes every Write and Permissions management action of the reference, except the documented non-control ones, once each", () => {
        assert.equal(new Set(RDS_CONTROL_ACTIONS).size, RDS_CONTROL_ACTIONS.length);
        assert.deepEqual(
            RDS_CONTROL_ACTIONS.filter((a) => a in NOT_CONTROL),
            [],
        );
        assert.deepEqual([...RDS_CONTROL_ACTIONS].sort(), RDS_CONTROL_ACTIONS);
        assert.equal(RDS_CONTROL_ACTIONS.length + Object.keys(NOT_CONTROL).length, 116);
    });

    it("flags NotAction that leaves RDS control in", () => {
        assert.deepEqual(
            runResourceRule(
                noRdsFullAccess,
                withStatement({ Effect: "Allow", NotAction: ["iam:*"], Resource: "arn:aws:rds:*:*:db:*" }),
            ),
            mandatory(
                `"inline" statement 0 allows rds:AddRoleToDBCluster, rds:AddRoleToDBInstance, rds:ApplyPendingMaintenanceAction, rds:AuthorizeDBSecurityGroupIngress and 104 more (through NotAction ["iam:*"]): control over the databases themselves. Remove those actions and ${FIX}.`,
            ),
        );
    });

    it("leaves read-only RDS actions, Deny statements and other services' resources alone", () => {
        assert.deepEqual(
            runResourceRule(
                noRdsFullAccess,
                withStatement({ Effect: "Allow", Action: "rds:Describe*", Resource: "*" }),
            ),
            [],
        );
        assert.deepEqual(
            runResourceRule(
                noRdsFullAccess,
                withStatement({ Effect: "Deny", Action: "rds:*", Resource: "*" }),
            ),
            [],
        );
        assert.deepEqual(
            runResourceRule(
                noRdsFullAccess,
                withStatement({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::logs/*" }),
            ),
            [],
        );
    });
});
