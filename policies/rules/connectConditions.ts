import { ResourceValidationPolicy } from "@pulumi/policy";
import { connectGrants, mayReachService, readPolicy } from "../lib/grants";
import { ConditionEntry, Statement, evaluateConditions } from "../lib/iam";
import { policyDocumentsOf } from "../lib/resources";

const isGlobal = (key: string) => key.toLowerCase().startsWith("aws:");

function describe(entry: ConditionEntry): string {
    return `${entry.key} passes ${entry.operator} ${entry.values.map((v) => JSON.stringify(v)).join(" or ")}`;
}

/**
 * What the Condition of a statement granting rds-db:connect does, as advice. Global `aws:` keys
 * are valid on rds-db:connect (AWS global condition context keys); rds-db has "no service-specific
 * context keys" (Service Authorization Reference), so any other key is absent from every connect
 * request and its outcome is fixed. Pure.
 */
export function connectConditionNotes(statement: Statement): string[] {
    const notes: string[] = [];
    const global = statement.conditions.filter((e) => isGlobal(e.key));
    const service = statement.conditions.filter((e) => !isGlobal(e.key));
    if (global.length > 0) {
        notes.push(
            `rds-db:connect is allowed only when ${global.map(describe).join(" and ")}. Global condition keys are valid on rds-db:connect; make sure every login path sends ${[...new Set(global.map((e) => e.key))].join(", ")} (a key missing from the request makes a condition false, a negated one true), or remove the Condition and narrow the Resource instead`,
        );
    }
    for (const entry of service) {
        const outcome = evaluateConditions([entry], { isAbsent: () => true }).match;
        notes.push(
            `${entry.key} is not a key of rds-db:connect requests (rds-db has no service-specific condition keys), so "${describe(entry)}" is always ${outcome === "yes" ? "true: it restricts nothing" : "false: this statement never grants rds-db:connect"}; remove it or use a global aws: key`,
        );
    }
    return notes;
}

export const connectConditions: ResourceValidationPolicy = {
    name: "rds-iam-connect-conditions",
    description:
        "Explains what the Condition of a statement granting rds-db:connect does: global aws: keys (aws:SourceIp, aws:PrincipalTag/…) are valid and restrict logins; service keys never appear in rds-db:connect requests.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps:
        "Keep a Condition on global keys if the restriction is intended and every login path sends the key; remove conditions on other keys (rds-db has none), and prefer narrowing the Resource to the users a workload needs.",
    validateResource: (args, reportViolation) => {
        for (const document of policyDocumentsOf(args.type, args.props)) {
            for (const statement of connectGrants(readPolicy(document).statements).filter((s) =>
                mayReachService(s, "rds-db"),
            )) {
                const resources = statement.resource ?? [
                    `every resource but ${JSON.stringify(statement.notResource)}`,
                ];
                for (const note of connectConditionNotes(statement))
                    reportViolation(
                        `"${args.name}" statement ${statement.label} (${resources.join(", ")}): ${note}.`,
                    );
            }
        }
    },
};
