import { ResourceValidationPolicy } from "@pulumi/policy";
import { actionsAsWritten, readPolicy } from "../lib/grants";
import { managedAttachments, secretReaderPolicy } from "../lib/managedPolicies";
import { masterSecretReach } from "../lib/masterSecrets";
import { policyDocumentsOf } from "../lib/resources";

const WHY =
    "the RDS-managed master secrets (rds!…) hold each database's master password, a login around IAM database authentication";
const FIX =
    "workloads log in with rds-db:connect on their database users (rds-iam's DatabaseAccessRole); only the identity running pulumi reads a master secret, by its own ARN";

/** Ways a resource lets a principal read every RDS-managed master secret it reaches, as messages. Pure. */
export function masterSecretProblems(type: string, name: string, props: Record<string, any>): string[] {
    const problems: string[] = [];
    for (const { principal, policyArns } of managedAttachments(type, name, props)) {
        for (const arn of policyArns) {
            const reader = secretReaderPolicy(arn);
            if (reader)
                problems.push(
                    `"${name}" attaches ${reader.name} (${arn}) to ${principal}: it grants ${reader.grants}. Detach it; ${FIX}.`,
                );
        }
    }
    for (const document of policyDocumentsOf(type, props)) {
        for (const statement of readPolicy(document).statements) {
            const reach = masterSecretReach(statement);
            if (reach.length === 0) continue;
            problems.push(
                `"${name}" statement ${statement.label} allows secretsmanager:GetSecretValue (through ${actionsAsWritten(statement)}) on ${reach.join(", ")}: ${WHY}. Remove it; ${FIX}.`,
            );
        }
    }
    return problems;
}

export const noMasterSecretRead: ResourceValidationPolicy = {
    name: "rds-iam-no-master-secret-read",
    description:
        'No IAM principal may read the RDS-managed master secrets (rds!…) of every database it reaches: no Allow of secretsmanager:GetSecretValue (however spelled) on "*", secret:*, secret:rds!* or similar patterns, and no SecretsManagerReadWrite by any attachment route.',
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
        "Remove secretsmanager:GetSecretValue on wildcard secrets (or NotResource) and detach SecretsManagerReadWrite; grant rds-db:connect on arn:…:dbuser:<resource id>/<user> instead. A principal that really needs one database's master secret names that secret's ARN.",
    validateResource: (args, reportViolation) => {
        for (const problem of masterSecretProblems(args.type, args.name, args.props))
            reportViolation(problem);
    },
};
