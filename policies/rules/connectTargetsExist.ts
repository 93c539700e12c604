import { StackValidationPolicy } from "@pulumi/policy";
import { RESOURCE_ID } from "../lib/resources";
import { databaseEndpoint, indexStack, parseDbUserArn } from "../lib/stackIndex";

export interface ConnectTargetsConfig {
    /** Resource ids of databases managed elsewhere that grants may name. */
    externalResourceIds: string[];
}

export const connectTargetsExist: StackValidationPolicy = {
    name: "rds-iam-connect-targets-exist",
    description:
        "Every rds-db:connect ARN points at a database of this stack that has IAM authentication on and a DatabaseUser with exactly that (case-sensitive) user name.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Grant users that the Database defines (users: [{ username }]), with the exact case; for databases of other stacks list their resource ids in the externalResourceIds config.",
    configSchema: {
        properties: { externalResourceIds: { type: "array", items: { type: "string" }, default: [] } },
    },
    validateStack: (args, reportViolation) => {
        const { externalResourceIds } = args.getConfig<ConnectTargetsConfig>();
        const index = indexStack(args.resources);
        for (const { arn, grantedBy } of index.grants) {
            const parsed = parseDbUserArn(arn);
            if (parsed === undefined || !RESOURCE_ID.test(parsed.resourceId) || /[*?]/.test(parsed.username))
                continue; // connect-statements reports these
            if (externalResourceIds.includes(parsed.resourceId)) continue;
            const db = index.databaseByResourceId.get(parsed.resourceId);
            if (db === undefined) {
                reportViolation(
                    `"${grantedBy.name}" grants ${arn}, but no database in this stack has resource id ${parsed.resourceId}.`,
                    grantedBy.urn,
                );
            } else if (db.props.iamDatabaseAuthenticationEnabled !== true) {
                reportViolation(
                    `"${grantedBy.name}" grants ${arn}, but database "${db.name}" does not have IAM authentication enabled.`,
                    grantedBy.urn,
                );
            } else if (!index.userKeys.has(`${databaseEndpoint(db)}\u0000${parsed.username}`)) {
                reportViolation(
                    `"${grantedBy.name}" grants ${arn}, but database "${db.name}" has no DatabaseUser named exactly "${parsed.username}".`,
                    grantedBy.urn,
                );
            }
        }
    },
};
