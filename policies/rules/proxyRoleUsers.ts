import { StackValidationPolicy } from "@pulumi/policy";
import { mayNameService } from "../lib/grants";
import { hasWildcard } from "../lib/iam";
import { ProxyFacts, indexProxies } from "../lib/proxies";
import { parseDbUserArn } from "../lib/resources";
import { indexRoles, roleConnectGrants } from "../lib/roles";
import { IndexedResource, databaseResourceId } from "../lib/stackIndex";

/** What one Resource pattern of the proxy role's connect grants allows beyond the proxy's users, or undefined. */
function beyond(resource: string, facts: ProxyFacts): string | undefined {
    if (resource !== "*" && !mayNameService(resource, "rds-db")) return undefined;
    const arn = parseDbUserArn(resource);
    if (resource === "*" || arn === undefined || hasWildcard(resource))
        return `may connect as every database user "${resource}" matches`;
    const targetIds = facts.targets.map(databaseResourceId);
    if (facts.targets.length > 0 && !targetIds.includes(arn.resourceId))
        return `may connect as "${arn.username}" on ${arn.resourceId} (${resource}), which is not a target of the proxy`;
    if (!facts.users.has(arn.username))
        return `may connect as "${arn.username}" (${resource}), but no workload is granted "${arn.username}" through the proxy`;
    return undefined;
}

/** The users a proxy's role may connect as beyond the proxy's own, as messages. Pure. */
export function proxyRoleUserProblems(facts: ProxyFacts, resources: readonly IndexedResource[]): string[] {
    if (facts.role === undefined) return [];
    const roles = indexRoles(resources);
    const users = facts.users.size > 0 ? [...facts.users.keys()].map((u) => `"${u}"`).join(", ") : "none yet";
    const problems: string[] = [];
    for (const { from, statement } of roleConnectGrants(roles, facts.role)) {
        const phrases = statement.notResource
            ? [
                  `may connect as every database user but ${JSON.stringify(statement.notResource)} (NotResource)`,
              ]
            : statement.resource!.map((r) => beyond(r, facts)).filter((p) => p !== undefined);
        for (const phrase of phrases)
            problems.push(
                `RDS Proxy "${facts.proxy.name}" role "${facts.role.name}" ${phrase} (${from} statement ${statement.label}). A proxy's role needs rds-db:connect only as the users workloads are granted through the proxy (${users}); remove the rest.`,
            );
    }
    return problems;
}

export const proxyRoleUsers: StackValidationPolicy = {
    name: "rds-iam-proxy-role-users",
    description:
        "The role of an RDS Proxy may connect only as the users that workloads are granted through the proxy, on the proxy's target databases: no other users, no wildcards (dbuser:*, dbuser:<id>/*), no NotResource.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "List in the proxy role's policy exactly arn:<partition>:rds-db:<region>:<account>:dbuser:<target resource id>/<user> for each user workloads are granted as dbuser:prx-…/<user> (rds-iam's DatabaseProxy users); anyone who can act as the proxy acts as its role.",
    validateStack: (args, reportViolation) => {
        for (const facts of indexProxies(args.resources).proxies) {
            for (const problem of proxyRoleUserProblems(facts, args.resources))
                reportViolation(problem, facts.role!.urn);
        }
    },
};
