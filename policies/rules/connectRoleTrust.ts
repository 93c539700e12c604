import { StackValidationPolicy } from "@pulumi/policy";
import { indexProxies } from "../lib/proxies";
import { RoleIndex, indexRoles, roleConnectGrants } from "../lib/roles";
import { IndexedResource, StackIndex, indexStack, known } from "../lib/stackIndex";
import {
    TrustStatement,
    assumeStatements,
    describePrincipal,
    principalAccount,
    restricts,
} from "../lib/trust";

const ORGANIZATION = ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths"];

/** The account a role lives in: from its ARN, else the stack's AWS provider; undefined when neither says. */
function ownAccount(role: IndexedResource, stack: StackIndex): string | undefined {
    const arn = known(() => role.props.arn);
    return (typeof arn === "string" ? principalAccount(arn) : undefined) ?? stack.stack.accountId;
}

/** Who a trust statement lets in that should not hold database access, as phrases. */
function untrusted(statement: TrustStatement, role: IndexedResource, stack: StackIndex): string[] {
    const conditions = statement.statement.conditions;
    const inOrganization = ORGANIZATION.some((key) => restricts(conditions, key));
    const everyone = statement.notPrincipal
        ? [`every principal but ${statement.principals.map(describePrincipal).join(", ")} (NotPrincipal)`]
        : statement.principals
              .filter((p) => p.kind === "*" || (p.kind === "AWS" && p.value === "*"))
              .map((p) => `every AWS principal (Principal ${p.kind === "*" ? '"*"' : '{"AWS": "*"}'})`);
    if (everyone.length > 0)
        return inOrganization || restricts(conditions, "aws:PrincipalAccount") ? [] : everyone;
    if (inOrganization || restricts(conditions, "sts:ExternalId")) return [];
    const phrases: string[] = [];
    for (const p of statement.principals.filter((p) => p.kind === "AWS")) {
        const account = principalAccount(p.value);
        if (account === undefined) continue;
        let own = ownAccount(role, stack);
        if (own === undefined) {
            const arn = role.props.arn; // unknown while previewing a new role: the rule says it cannot run yet
            own = typeof arn === "string" ? principalAccount(arn) : undefined;
        }
        if (own === account) continue;
        phrases.push(
            `account ${account} (${describePrincipal(p)}; ${own === undefined ? "the role's own account is not known here" : `the role is in ${own}`}) without an sts:ExternalId or aws:PrincipalOrgID condition`,
        );
    }
    return phrases;
}

/** Why roles that may connect are assumable by too many principals, as [message, urn]. Pure. */
export function connectRoleTrustProblems(
    roles: RoleIndex,
    stack: StackIndex,
    proxyRoles: ReadonlySet<IndexedResource>,
): [string, string][] {
    const problems: [string, string][] = [];
    for (const role of roles.roles) {
        if (proxyRoles.has(role)) continue; // rds-iam-proxy-role-trust judges the trust of proxy roles
        const grants = roleConnectGrants(roles, role);
        if (grants.length === 0) continue;
        const via = `${grants[0].from} statement ${grants[0].statement.label}`;
        for (const statement of assumeStatements(role.props.assumeRolePolicy)) {
            for (const who of untrusted(statement, role, stack)) {
                problems.push([
                    `Role "${role.name}" may connect to databases (${via}), and its trust policy statement ${statement.label} lets ${who} assume it: they may log in as its database users. Trust only the workload (its service, or named roles of your account), or add Condition StringEquals sts:ExternalId (a third party) or aws:PrincipalOrgID (your organization).`,
                    role.urn,
                ]);
            }
        }
    }
    return problems;
}

export const connectRoleTrust: StackValidationPolicy = {
    name: "rds-iam-connect-role-trust",
    description:
        'No role that may connect to a database (rds-db:connect, from any policy that reaches it) is assumable by every AWS principal (Principal "*", {"AWS": "*"}, NotPrincipal), or by another account without an sts:ExternalId or organization (aws:PrincipalOrgID) condition.',
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps:
        "Trust the workload's service principal (rds-iam's DatabaseAccessRole does) or named roles of your own account; for another account add Condition StringEquals sts:ExternalId (a third party) or aws:PrincipalOrgID (your AWS Organization); never trust \"*\" without an organization condition.",
    validateStack: (args, reportViolation) => {
        const problems = connectRoleTrustProblems(
            indexRoles(args.resources),
            indexStack(args.resources),
            indexProxies(args.resources).proxyRoles,
        );
        for (const [message, urn] of problems) reportViolation(message, urn);
    },
};
