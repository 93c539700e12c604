import { ResourceValidationPolicy } from "@pulumi/policy";
import { actionsAsWritten, rdsControlGranted, readPolicy } from "../lib/grants";
import { broadManagedPolicy, managedAttachments } from "../lib/managedPolicies";
import { policyDocumentsOf } from "../lib/resources";

const FIX = "grant rds-db:connect on the named database users instead (rds-iam's DatabaseAccessRole)";

/** Problems of one resource: broad managed policies it attaches, RDS control its documents grant. Pure. */
export function rdsFullAccessProblems(type: string, name: string, props: Record<string, any>): string[] {
    const problems: string[] = [];
    for (const { principal, policyArns } of managedAttachments(type, name, props)) {
        for (const arn of policyArns) {
            const broad = broadManagedPolicy(arn);
            if (broad)
                problems.push(
                    `"${name}" attaches ${broad.name} (${arn}) to ${principal}: it grants ${broad.grants}. Detach it and ${FIX}.`,
                );
        }
    }
    for (const document of policyDocumentsOf(type, props)) {
        for (const statement of readPolicy(document).statements) {
            const granted = rdsControlGranted(statement);
            if (granted.length === 0) continue;
            const shown =
                granted.length > 4
                    ? `${granted.slice(0, 4).join(", ")} and ${granted.length - 4} more`
                    : granted.join(", ");
            problems.push(
                `"${name}" statement ${statement.label} allows ${shown} (through ${actionsAsWritten(statement)}): control over the databases themselves. Remove those actions and ${FIX}.`,
            );
        }
    }
    return problems;
}

export const noRdsFullAccess: ResourceValidationPolicy = {
    name: "rds-iam-no-rds-full-access",
    description:
        "No IAM principal carries AdministratorAccess, PowerUserAccess, AmazonRDSFullAccess or similar AWS managed policies, or statements granting RDS control (create, modify, delete, restore, reboot…); rds-db:connect on named users is all a database identity needs.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Detach the broad managed policy (RolePolicyAttachment, RolePolicyAttachmentsExclusive, PolicyAttachment, User/GroupPolicyAttachment, Role.managedPolicyArns) or remove the rds:Create*/Modify*/Delete*… actions, and grant rds-db:connect on arn:…:dbuser:<resource id>/<user> instead (rds-iam's DatabaseAccessRole).",
    validateResource: (args, reportViolation) => {
        for (const problem of rdsFullAccessProblems(args.type, args.name, args.props))
            reportViolation(problem);
    },
};
