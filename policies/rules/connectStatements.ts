import { ResourceValidationPolicy } from "@pulumi/policy";
import {
    RESOURCE_ID,
    grantsConnect,
    list,
    parseDbUserArn,
    policyDocumentsOf,
    statementsOf,
} from "../lib/resources";

export interface ConnectStatementsConfig {
    /** Allow "*" as resource id or user name in rds-db:connect ARNs. */
    allowWildcards: boolean;
    /** The stack's region; ARNs naming another region are flagged. Empty: not checked. */
    region: string;
    /** The stack's account id; ARNs naming another account are flagged. Empty: not checked. */
    accountId: string;
}

/** Problems with one rds-db:connect statement, as messages. Pure, for tests and the benchmark. */
export function connectStatementProblems(
    statement: { Action?: string | string[]; Resource?: string | string[]; Condition?: unknown },
    config: ConnectStatementsConfig,
): string[] {
    const problems: string[] = [];
    for (const action of list(statement.Action)) {
        if (/^(\*|rds-db:\*)$/i.test(action))
            problems.push(`action "${action}" is broader than needed; use "rds-db:connect"`);
    }
    if (statement.Condition !== undefined) {
        problems.push(
            "rds-db:connect statements do not support a Condition; remove it and narrow the Resource instead",
        );
    }
    for (const resource of list(statement.Resource)) {
        if (/^arn:[a-z-]+:rds:/.test(resource)) {
            problems.push(
                `resource "${resource}" is an RDS ARN; rds-db:connect needs arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>`,
            );
            continue;
        }
        if (resource === "*") {
            if (!config.allowWildcards)
                problems.push(
                    `resource "*" lets the identity log in as any user of any database; name the users`,
                );
            continue;
        }
        const arn = parseDbUserArn(resource);
        if (arn === undefined) {
            problems.push(
                `resource "${resource}" is not an rds-db dbuser ARN (arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>)`,
            );
            continue;
        }
        if (arn.resourceId === "*" || arn.username === "*" || /[*?]/.test(arn.resourceId + arn.username)) {
            if (!config.allowWildcards)
                problems.push(`resource "${resource}" uses a wildcard; name the resource id and the user`);
        } else if (!RESOURCE_ID.test(arn.resourceId)) {
            problems.push(
                `resource "${resource}" names "${arn.resourceId}", not a resource id; use the DbiResourceId (db-…), DbClusterResourceId (cluster-…) or proxy id (prx-…)`,
            );
        }
        if (config.region && arn.region !== config.region) {
            problems.push(
                `resource "${resource}" is in region "${arn.region}", not the stack's "${config.region}"`,
            );
        }
        if (config.accountId && arn.accountId !== config.accountId) {
            problems.push(
                `resource "${resource}" is in account "${arn.accountId}", not the stack's "${config.accountId}"`,
            );
        }
    }
    return problems;
}

export const connectStatements: ResourceValidationPolicy = {
    name: "rds-iam-connect-statements",
    description:
        "Every rds-db:connect statement names database users by resource id, without wildcards, conditions or broader actions, in the stack's region and account.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps:
        "Build the statement with rds-iam's connectPolicyDocument or DatabaseAccessRole: Action rds-db:connect, Resource arn:aws:rds-db:<region>:<account>:dbuser:<db-…|cluster-…|prx-…>/<user>, no Condition.",
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
            for (const statement of statementsOf(document).filter(grantsConnect)) {
                for (const problem of connectStatementProblems(statement, config)) {
                    reportViolation(`"${args.name}": ${problem}.`);
                }
            }
        }
    },
};
