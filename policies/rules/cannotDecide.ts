import { StackValidationPolicy } from "@pulumi/policy";
import { derivedFrom, indexEngines } from "../lib/sourceEngine";
import { IndexedResource, indexStack } from "../lib/stackIndex";

/** What the mandatory rules could not check because what they need is not in the stack, as [message, urn]. Pure. */
export function undecided(resources: readonly IndexedResource[]): [string, string][] {
    const out: [string, string][] = [];
    const engines = indexEngines(resources);
    for (const db of indexStack(resources).databases) {
        const derived = derivedFrom(db);
        if (derived === undefined || engines.engineOf(db).engine !== undefined) continue;
        out.push([
            `RDS instance "${db.name}" is ${derived.kind} "${derived.source}", whose engine this stack does not show, and states no engine: rds-iam-replica-iam-auth and rds-iam-tls-enforced cannot tell whether it needs IAM authentication (never inherited from the source) and a TLS-forcing parameter group. Set engine to the source's engine, or give it a parameter group in this stack (its family names the engine).`,
            db.urn,
        ]);
    }
    return out;
}

export const cannotDecide: StackValidationPolicy = {
    name: "rds-iam-cannot-decide",
    description:
        "Says which checks the pack could not make because what they need is outside the stack: the engine of a read replica or restore whose source is elsewhere.",
    enforcementLevel: "advisory",
    severity: "medium",
    remediationSteps:
        "Manage the source database in this stack, or state what the pack cannot see (engine on a replica; a parameter group whose family names the engine); then check the finding's concern by hand.",
    validateStack: (args, reportViolation) => {
        for (const [message, urn] of undecided(args.resources)) reportViolation(message, urn);
    },
};
