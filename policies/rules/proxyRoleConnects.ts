import { StackValidationPolicy } from "@pulumi/policy";
import { CONNECT } from "../lib/grants";
import { Evaluation, evaluate } from "../lib/iam";
import { ProxyFacts, indexProxies, targetUserArn } from "../lib/proxies";
import { indexRoles } from "../lib/roles";
import { IndexedResource } from "../lib/stackIndex";

const quoted = (values: Iterable<string>) => [...values].map((v) => `"${v}"`).join(", ");

function why(evaluation: Evaluation): string {
    switch (evaluation.decision) {
        case "malformed":
            return `${evaluation.policy} is malformed: ${evaluation.problems.join("; ")}`;
        case "explicit-deny":
            return `denied by ${evaluation.by}`;
        case "implicit-deny":
            return evaluation.notApplied.length > 0
                ? `no statement surely allows it: ${evaluation.notApplied.join("; ")}`
                : "no statement allows it";
        default:
            return "";
    }
}

/** The logins an end-to-end IAM proxy would fail because its role may not connect as the user, as messages. Pure. */
export function proxyLoginProblems(facts: ProxyFacts, resources: readonly IndexedResource[]): string[] {
    if (!facts.endToEndIam || facts.users.size === 0) return [];
    const name = `RDS Proxy "${facts.proxy.name}"`;
    if (facts.roleArn === undefined)
        return [
            `${name} uses end-to-end IAM (defaultAuthScheme "IAM_AUTH") but has no role (roleArn): it cannot log in to its database as ${quoted(facts.users.keys())}. Give it a role allowed rds-db:connect on those users (rds-iam's DatabaseProxy does).`,
        ];
    if (facts.role === undefined) return []; // outside the stack: rds-iam-cannot-decide says so
    const policies = indexRoles(resources)
        .documentsOf(facts.role)
        .map((d) => ({ name: d.name, document: d.document }));
    const problems: string[] = [];
    for (const db of facts.targets) {
        for (const [username, grantedBy] of facts.users) {
            const arn = targetUserArn(db, username, resources);
            if (arn === undefined) continue; // rds-iam-cannot-decide says so
            const evaluation = evaluate(policies, { action: CONNECT, resource: arn }, "least-access");
            if (evaluation.decision === "allow") continue;
            problems.push(
                `${name} logs in to database "${db.name}" as "${username}" for ${quoted(grantedBy.map((g) => g.name))}, but its role "${facts.role.name}" is not allowed rds-db:connect on ${arn} (${why(evaluation)}): the proxy would fail those logins. Grant its role rds-db:connect on ${arn} (rds-iam's DatabaseProxy does).`,
            );
        }
    }
    return problems;
}

export const proxyRoleConnects: StackValidationPolicy = {
    name: "rds-iam-proxy-role-connects",
    description:
        'Every RDS Proxy with end-to-end IAM authentication (defaultAuthScheme "IAM_AUTH") has a role that is allowed rds-db:connect on its target database as each user that workloads are granted through the proxy; otherwise the proxy fails those logins.',
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Give the proxy a role (roleArn) whose policy allows rds-db:connect on arn:<partition>:rds-db:<region>:<account>:dbuser:<db-…|cluster-…>/<user> of the target database for every user workloads are granted as dbuser:prx-…/<user> (rds-iam's DatabaseProxy builds exactly this).",
    validateStack: (args, reportViolation) => {
        for (const facts of indexProxies(args.resources).proxies) {
            for (const problem of proxyLoginProblems(facts, args.resources))
                reportViolation(problem, facts.proxy.urn);
        }
    },
};
