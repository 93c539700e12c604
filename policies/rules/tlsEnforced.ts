import { StackValidationPolicy } from "@pulumi/policy";
import {
    CLUSTER_PARAMETER_GROUP,
    INSTANCE,
    PARAMETER_GROUP,
    supportsIamAuth,
    tlsParameterFor,
} from "../lib/resources";
import { indexEngines } from "../lib/sourceEngine";
import { IndexedResource, indexStack } from "../lib/stackIndex";

/** Why a database of this engine does not force TLS, or undefined when it does. Pure. */
export function tlsProblem(
    db: IndexedResource,
    groups: Map<string, IndexedResource>,
    engine: string = String(db.props.engine),
): string | undefined {
    const parameter = tlsParameterFor(engine);
    const instance = db.type === INSTANCE;
    const groupName = instance ? db.props.parameterGroupName : db.props.dbClusterParameterGroupName;
    const groupType = instance ? PARAMETER_GROUP : CLUSTER_PARAMETER_GROUP;
    const field = instance ? "parameterGroupName" : "dbClusterParameterGroupName";
    if (groupName === undefined) {
        return `"${db.name}" (${engine}) uses the default ${instance ? "" : "cluster "}parameter group; give it one in the stack that sets ${parameter}=1 (${field}).`;
    }
    const group = groups.get(`${groupType}\u0000${groupName}`);
    if (group === undefined) {
        return `"${db.name}" uses ${instance ? "" : "cluster "}parameter group "${groupName}", which is not in this stack; manage it here and set ${parameter}=1.`;
    }
    const setting = (group.props.parameters ?? []).find((p: { name: string }) => p.name === parameter);
    if (setting === undefined || !["1", "ON", "on", "true"].includes(String(setting.value))) {
        return `"${db.name}" does not force TLS: parameter group "${groupName}" must set ${parameter}=1 (it is ${setting === undefined ? "not set" : JSON.stringify(setting.value)}).`;
    }
    return undefined;
}

export const tlsEnforced: StackValidationPolicy = {
    name: "rds-iam-tls-enforced",
    description:
        "Every RDS instance and Aurora cluster with IAM authentication refuses connections without TLS through its parameter group (require_secure_transport for MySQL and MariaDB, rds.force_ssl for PostgreSQL).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Give the database a parameter group (cluster parameter group for Aurora) in the stack with require_secure_transport=1 (MySQL/MariaDB) or rds.force_ssl=1 (PostgreSQL). IAM tokens travel as cleartext passwords: TLS is what protects them.",
    validateStack: (args, reportViolation) => {
        const index = indexStack(args.resources);
        const engines = indexEngines(args.resources);
        for (const db of index.databases) {
            // A replica or restore takes its engine from its source (rds-iam-cannot-decide names those it cannot find).
            const { engine } = engines.engineOf(db);
            if (engine === undefined || !supportsIamAuth(engine)) continue;
            const problem = tlsProblem(db, index.parameterGroupByName, engine);
            if (problem !== undefined) reportViolation(problem, db.urn);
        }
    },
};
