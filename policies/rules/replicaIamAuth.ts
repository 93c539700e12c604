import { StackValidationPolicy } from "@pulumi/policy";
import { supportsIamAuth } from "../lib/resources";
import { derivedFrom, indexEngines } from "../lib/sourceEngine";
import { IndexedResource, indexStack } from "../lib/stackIndex";

/** Why a read replica or restore without an engine of its own lacks IAM authentication, or undefined. Pure. */
export function replicaIamAuthProblem(
    db: IndexedResource,
    resources: readonly IndexedResource[],
): string | undefined {
    const derived = derivedFrom(db);
    if (derived === undefined) return undefined; // states its engine: rds-iam-iam-auth-enabled judges it
    const reading = indexEngines(resources).engineOf(db);
    if (reading.engine === undefined || !supportsIamAuth(reading.engine)) return undefined;
    if (db.props.iamDatabaseAuthenticationEnabled === true) return undefined;
    return `RDS instance "${db.name}" (${derived.kind} "${derived.source}"; ${reading.engine} ${reading.how}) does not enable IAM database authentication. A replica or restore does not inherit it from its source (it is a parameter of its own create call); set iamDatabaseAuthenticationEnabled: true.`;
}

export const replicaIamAuth: StackValidationPolicy = {
    name: "rds-iam-replica-iam-auth",
    description:
        "Every read replica, snapshot restore and point-in-time restore (an aws.rds.Instance that takes its engine from its source) whose engine supports it enables IAM database authentication itself, since it is not inherited; the engine is read from the source in the stack or from the instance's parameter group family.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Set iamDatabaseAuthenticationEnabled: true on the replica or restored instance (and a parameter group that forces TLS), as on its source.",
    validateStack: (args, reportViolation) => {
        for (const db of indexStack(args.resources).databases) {
            const problem = replicaIamAuthProblem(db, args.resources);
            if (problem !== undefined) reportViolation(problem, db.urn);
        }
    },
};
