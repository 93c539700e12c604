import { StackValidationPolicy } from "@pulumi/policy";
import { hasWildcard } from "../lib/iam";
import { PROXY, RESOURCE_ID } from "../lib/resources";
import {
    IndexedResource,
    Placement,
    StackIndex,
    databaseEndpoint,
    indexStack,
    isIamOnlyMaster,
    parseDbUserArn,
} from "../lib/stackIndex";

export interface ConnectTargetsConfig {
    /** Resource ids of databases managed elsewhere that grants may name. */
    externalResourceIds: string[];
}

type Grant = StackIndex["grants"][number];
type DbUser = NonNullable<ReturnType<typeof parseDbUserArn>>;

/** The parts of a grant's ARN that differ from where its target lives, e.g. `region eu-west-1 (not us-east-1)`. */
function misplaced(arn: DbUser, where: Placement): string[] {
    const parts: [string, string, string | undefined][] = [
        ["partition", arn.partition, where.partition],
        ["region", arn.region, where.region],
        ["account", arn.accountId, where.accountId],
    ];
    return parts
        .filter(([, got, want]) => want !== undefined && got !== want)
        .map(([what, got, want]) => `${what} ${got} (not ${want})`);
}

function fixed(arn: DbUser, where: Placement): string {
    return `arn:${where.partition ?? arn.partition}:rds-db:${where.region ?? arn.region}:${where.accountId ?? arn.accountId}:dbuser:${arn.resourceId}/${arn.username}`;
}

function targetProblem(
    grant: Grant,
    arn: DbUser,
    target: IndexedResource,
    index: StackIndex,
): string | undefined {
    const name = `"${grant.grantedBy.name}" grants ${grant.arn}`;
    const kind = target.type === PROXY ? "RDS Proxy" : "database";
    const where = index.placementOf.get(target)!;
    const wrong = misplaced(arn, where);
    if (wrong.length > 0)
        return `${name}, but ${kind} "${target.name}" is elsewhere by ${where.source}: ${wrong.join(", ")}. IAM compares the whole ARN, so this grant never lets anyone in; grant ${fixed(arn, where)}.`;
    if (target.type === PROXY) return undefined; // proxy-iam-auth checks the proxy itself
    if (target.props.iamDatabaseAuthenticationEnabled !== true)
        return `${name}, but database "${target.name}" does not have IAM authentication enabled.`;
    if (
        !index.userKeys.has(`${databaseEndpoint(target)}\u0000${arn.username}`) &&
        !isIamOnlyMaster(index, target, arn.username)
    )
        return `${name}, but database "${target.name}" has no DatabaseUser named exactly "${arn.username}".`;
    return undefined;
}

/** Why a grant points nowhere useful, or undefined. Pure. */
export function grantProblem(
    grant: Grant,
    index: StackIndex,
    externalResourceIds: readonly string[],
): string | undefined {
    const arn = parseDbUserArn(grant.arn);
    if (arn === undefined || hasWildcard(grant.arn) || !RESOURCE_ID.test(arn.resourceId)) return undefined; // connect-statements reports these
    const target = index.targetByResourceId.get(arn.resourceId);
    if (target !== undefined) return targetProblem(grant, arn, target, index);
    if (index.stack.partition !== undefined && arn.partition !== index.stack.partition)
        return `"${grant.grantedBy.name}" grants ${grant.arn} in partition ${arn.partition}, but this stack's principals live in ${index.stack.partition} (${index.stack.source}); a grant across partitions never applies.`;
    if (externalResourceIds.includes(arn.resourceId)) return undefined;
    return `"${grant.grantedBy.name}" grants ${grant.arn}, but no database or RDS Proxy in this stack has resource id ${arn.resourceId}; grant a user of this stack's databases, or list ${arn.resourceId} in externalResourceIds.`;
}

export const connectTargetsExist: StackValidationPolicy = {
    name: "rds-iam-connect-targets-exist",
    description:
        "Every rds-db:connect ARN points at a database or RDS Proxy of this stack, in its partition, region and account (read from its ARN or the stack's AWS provider config), with IAM authentication on and a DatabaseUser with exactly that (case-sensitive) user name.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Grant users that the Database defines (users: [{ username }]), with the exact case, in the database's own partition, region and account (rds-iam's DatabaseAccessRole builds these ARNs); for databases of other stacks list their resource ids in the externalResourceIds config.",
    configSchema: {
        properties: { externalResourceIds: { type: "array", items: { type: "string" }, default: [] } },
    },
    validateStack: (args, reportViolation) => {
        const { externalResourceIds } = args.getConfig<ConnectTargetsConfig>();
        const index = indexStack(args.resources);
        for (const grant of index.grants) {
            const problem = grantProblem(grant, index, externalResourceIds);
            if (problem !== undefined) reportViolation(problem, grant.grantedBy.urn);
        }
    },
};
