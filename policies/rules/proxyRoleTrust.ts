import { StackValidationPolicy } from "@pulumi/policy";
import { ProxyFacts, indexProxies } from "../lib/proxies";
import { known } from "../lib/stackIndex";
import { assumeStatements, describePrincipal, restricts } from "../lib/trust";

const RDS = "rds.amazonaws.com";
const DEPUTY_KEYS = ["aws:SourceAccount", "aws:SourceArn"];

/** Why a proxy's role may be assumed by more than RDS acting for this proxy, as messages. Pure. */
export function proxyRoleTrustProblems(facts: ProxyFacts): string[] {
    const role = facts.role;
    if (role === undefined) return [];
    const name = `RDS Proxy "${facts.proxy.name}" role "${role.name}"`;
    const proxyArn = known(() => facts.proxy.props.arn);
    const arn = typeof proxyArn === "string" ? proxyArn : "arn:<partition>:rds:<region>:<account>:db-proxy:*";
    const account =
        (typeof proxyArn === "string" && /^arn:[^:]+:rds:[^:]*:(\d{12}):/.exec(proxyArn)?.[1]) || "<account>";
    const fix = `Add Condition StringEquals aws:SourceAccount "${account}" and ArnLike aws:SourceArn "${arn}"`;
    const statements = assumeStatements(role.props.assumeRolePolicy);
    const isRds = (p: { kind: string; value: string }) => p.kind === "Service" && p.value === RDS;
    const problems: string[] = [];
    if (!statements.some((s) => !s.notPrincipal && s.principals.some(isRds)))
        problems.push(
            `${name} is not trusted by ${RDS}: the proxy cannot assume it. Trust ${RDS} in its assumeRolePolicy; ${fix}.`,
        );
    for (const s of statements) {
        const others = s.notPrincipal
            ? [`every principal but ${s.principals.map(describePrincipal).join(", ")} (NotPrincipal)`]
            : s.principals.filter((p) => !isRds(p)).map(describePrincipal);
        if (others.length > 0)
            problems.push(
                `${name} is also trusted by ${others.join(", ")} (statement ${s.label}): they may act as the proxy's role and connect as its users. Trust only ${RDS}.`,
            );
        if (s.notPrincipal || !s.principals.some(isRds)) continue;
        const missing = DEPUTY_KEYS.filter((key) => !restricts(s.statement.conditions, key));
        if (missing.length > 0)
            problems.push(
                `${name} trusts ${RDS} (statement ${s.label}) without ${missing.join(" and ")}: RDS acting for any other resource${missing.includes("aws:SourceAccount") ? ", in any account," : ""} could assume it and connect as its users (the confused deputy). ${fix}.`,
            );
    }
    return problems;
}

export const proxyRoleTrust: StackValidationPolicy = {
    name: "rds-iam-proxy-role-trust",
    description:
        "The role of every RDS Proxy is trusted by rds.amazonaws.com and by nothing else, under the confused-deputy conditions aws:SourceAccount and aws:SourceArn.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        'Trust only Service "rds.amazonaws.com" for sts:AssumeRole, with Condition StringEquals aws:SourceAccount "<account>" and ArnLike aws:SourceArn "arn:<partition>:rds:<region>:<account>:db-proxy:*" (or the proxy\'s ARN); rds-iam\'s DatabaseProxy writes this trust policy.',
    validateStack: (args, reportViolation) => {
        for (const facts of indexProxies(args.resources).proxies) {
            for (const problem of proxyRoleTrustProblems(facts)) reportViolation(problem, facts.role!.urn);
        }
    },
};
