import { ResourceValidationPolicy } from "@pulumi/policy";
import { CONNECT, connectGrants, mayNameService, mayReachService, readPolicy } from "../lib/grants";
import { Statement, arnSegments, hasPolicyVariable, hasWildcard, matchAction } from "../lib/iam";
import { RESOURCE_ID, policyDocumentsOf } from "../lib/resources";

export interface ConnectStatementsConfig {
    /** Allow wildcards in the resource id or user name of rds-db:connect ARNs (never in partition, region or account). */
    allowWildcards: boolean;
    /** The stack's region; ARNs naming another region are flagged. Empty: not checked here (connect-targets-exist infers it). */
    region: string;
    /** The stack's account id; ARNs naming another account are flagged. Empty: not checked here. */
    accountId: string;
}

const SHAPE = "arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>";

function actionProblems(statement: Statement): string[] {
    if (statement.notAction)
        return [
            `NotAction ${JSON.stringify(statement.notAction)} allows rds-db:connect and every other action it does not list; use Action "rds-db:connect"`,
        ];
    return statement
        .action!.filter((a) => a.toLowerCase() !== CONNECT && matchAction(a, CONNECT) !== "no")
        .map((a) =>
            a === "*"
                ? `action "*" grants rds-db:connect and every other action; use "rds-db:connect"`
                : `action "${a}" grants rds-db:connect through a wildcard (and any other action it matches); use "rds-db:connect"`,
        );
}

/** Problems with one Resource pattern of a statement that grants rds-db:connect. */
function resourceProblems(resource: string, config: ConnectStatementsConfig): string[] {
    const grants = `resource "${resource}" grants rds-db:connect`;
    if (resource === "*")
        return [
            `${grants} as every user of every database in every region and account; name the users (${SHAPE})`,
        ];
    if (!mayNameService(resource, "rds-db")) {
        return mayNameService(resource, "rds")
            ? [`resource "${resource}" is an RDS ARN; rds-db:connect needs ${SHAPE}`]
            : [];
    }
    const segments = arnSegments(resource);
    const [, partition, service, region, account, rest] = segments;
    if (segments.length < 6 || hasWildcard(service))
        return [`${grants} in every region and account its wildcards reach; write ${SHAPE}`];
    const problems: string[] = [];
    const spread = (
        [
            ["partition", partition],
            ["region", region],
            ["account", account],
        ] as const
    ).filter(([, value]) => hasWildcard(value));
    for (const [what, value] of spread)
        problems.push(`${grants} in every ${what} "${value}" matches; write the database's ${what}`);
    const user = /^dbuser:([^/]*)\/(.*)$/.exec(rest);
    if (user === null) {
        if (hasWildcard(rest)) {
            if (!config.allowWildcards)
                problems.push(
                    `${grants} as every user of every database "${rest}" matches; name the resource id and the user`,
                );
        } else problems.push(`resource "${resource}" is not an rds-db dbuser ARN (${SHAPE})`);
        return problems;
    }
    const [, resourceId, username] = user;
    if (hasWildcard(resourceId) || hasWildcard(username)) {
        if (!config.allowWildcards) {
            const variable = hasPolicyVariable(resourceId) || hasPolicyVariable(username);
            problems.push(
                `resource "${resource}" uses a ${variable ? "policy variable (resolved per caller)" : "wildcard"}; name the resource id and the user`,
            );
        }
    } else if (!RESOURCE_ID.test(resourceId)) {
        problems.push(
            `resource "${resource}" names "${resourceId}", not a resource id; use the DbiResourceId (db-…), DbClusterResourceId (cluster-…) or proxy id (prx-…)`,
        );
    }
    if (config.region && !hasWildcard(region) && region !== config.region)
        problems.push(`resource "${resource}" is in region "${region}", not the stack's "${config.region}"`);
    if (config.accountId && !hasWildcard(account) && account !== config.accountId)
        problems.push(
            `resource "${resource}" is in account "${account}", not the stack's "${config.accountId}"`,
        );
    return problems;
}

/** Problems with one statement that might grant rds-db:connect, as messages. Pure, for tests and the benchmark. */
export function connectStatementProblems(statement: Statement, config: ConnectStatementsConfig): string[] {
    // Action problems only where the statement reaches rds-db resources at all ("*" on an S3 bucket grants no login).
    const problems = mayReachService(statement, "rds-db") ? actionProblems(statement) : [];
    if (statement.notResource)
        problems.push(
            `NotResource ${JSON.stringify(statement.notResource)} grants rds-db:connect as every database user it does not list, in every region and account; list the users in Resource`,
        );
    for (const resource of statement.resource ?? []) problems.push(...resourceProblems(resource, config));
    return problems;
}

export const connectStatements: ResourceValidationPolicy = {
    name: "rds-iam-connect-statements",
    description:
        "Every statement that grants rds-db:connect (however its Action, NotAction, Resource or NotResource is written) names database users by resource id, in literal partitions, regions and accounts, without wildcards or broader actions.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Build the statement with rds-iam's connectPolicyDocument or DatabaseAccessRole: Action rds-db:connect, Resource arn:<partition>:rds-db:<region>:<account>:dbuser:<db-…|cluster-…|prx-…>/<user>; no NotAction, no NotResource, no wildcards.",
    configSchema: {
        properties: {
            allowWildcards: { type: "boolean", default: false },
            region: { type: "string", default: "" },
            accountId: { type: "string", default: "" },
        },
    },
    validateResource: (args, reportViolation) => {
        const config = args.getConfig<ConnectStatementsConfig>();
        for (const document of policyDocumentsOf(args.type, args.props)) {
            const policy = readPolicy(document);
            if (policy.problems.length > 0) {
                reportViolation(
                    `"${args.name}": its policy document is malformed and IAM would refuse it: ${policy.problems.join("; ")}.`,
                );
            }
            for (const statement of connectGrants(policy.statements)) {
                for (const problem of connectStatementProblems(statement, config))
                    reportViolation(`"${args.name}" statement ${statement.label}: ${problem}.`);
            }
        }
    },
};
