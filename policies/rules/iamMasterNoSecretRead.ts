import { StackValidationPolicy } from "@pulumi/policy";
import { actionsAsWritten, mayCoverAction, mayNameService, readPolicy } from "../lib/grants";
import { arnSegments, matchArn } from "../lib/iam";
import { GET_SECRET_VALUE } from "../lib/masterSecrets";
import { policyDocumentsOf } from "../lib/resources";
import { MASTER_AUTHENTICATION } from "../lib/stackIndex";

/** A managed master secret's name, as RDS makes them (`rds!db-<uuid>-<suffix>`, `rds!cluster-…`). */
const MASTER_SECRETS = [
    "secret:rds!db-3f1c8a52-8d0e-4a51-9b6e-0c2d7e9a1b4f-Qw3rTy",
    "secret:rds!cluster-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d-As5dFg",
];

/** Could this Resource pattern name some RDS-managed master secret (one database's by its ARN, or many)? */
function mayNameMasterSecret(pattern: string): boolean {
    if (pattern === "*") return true;
    if (!mayNameService(pattern, "secretsmanager")) return false;
    if (pattern.includes(":secret:rds!")) return true;
    const segments = arnSegments(pattern);
    if (segments.length < 6) return pattern.endsWith("*");
    const prefix = segments.slice(0, 5).join(":");
    return MASTER_SECRETS.some((probe) => matchArn(pattern, `${prefix}:${probe}`) !== "no");
}

/**
 * With an IAM-only master nothing needs a master secret (the deployer and the SQL runner sign tokens),
 * so any grant still able to read one, even one database's by its ARN, is a password path left open:
 * flagged, as messages. Pure.
 */
export function iamMasterSecretReadProblems(
    resources: readonly { type: string; name: string; props: Record<string, any>; urn: string }[],
): { message: string; urn: string }[] {
    const iamMasters = resources.filter((r) => r.type === MASTER_AUTHENTICATION);
    if (iamMasters.length === 0) return [];
    const which = iamMasters.map((r) => `"${r.name}"`).join(", ");
    const problems: { message: string; urn: string }[] = [];
    for (const r of resources) {
        for (const document of policyDocumentsOf(r.type, r.props)) {
            for (const statement of readPolicy(document).statements) {
                if (statement.effect !== "Allow" || !mayCoverAction(statement, GET_SECRET_VALUE)) continue;
                const reach = statement.notResource
                    ? [`every secret but ${JSON.stringify(statement.notResource)}`]
                    : statement.resource!.filter(mayNameMasterSecret).map((p) => JSON.stringify(p));
                if (reach.length === 0) continue;
                problems.push({
                    urn: r.urn,
                    message: `"${r.name}" statement ${statement.label} allows secretsmanager:GetSecretValue (through ${actionsAsWritten(statement)}) on ${reach.join(", ")} while this stack runs an IAM-only master (${which}, masterPassword "iam"): the deployer and the SQL runner sign IAM tokens as the master, so no role needs an RDS master secret. Remove the grant.`,
                });
            }
        }
    }
    return problems;
}

export const iamMasterNoSecretRead: StackValidationPolicy = {
    name: "rds-iam-iam-master-no-secret-read",
    description:
        'In a stack with an IAM-only master (masterPassword "iam"), no IAM policy may allow secretsmanager:GetSecretValue on an RDS-managed master secret (rds!…), not even one database\'s by its ARN: nothing needs one.',
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Remove secretsmanager:GetSecretValue on rds!… secrets (and on \"*\") from the deployer's and the runner's roles; they log in as the master with rds-db:connect on arn:…:dbuser:<resource id>/<master>.",
    validateStack: (args, reportViolation) => {
        for (const problem of iamMasterSecretReadProblems(args.resources))
            reportViolation(problem.message, problem.urn);
    },
};
