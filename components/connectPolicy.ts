/**
 * Pure builders for `rds-db:connect` ARNs and IAM policy documents.
 *
 * RDS IAM authentication addresses a database user as
 * `arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<user name>`, where the resource id
 * is the instance's DbiResourceId (`db-…`), the Aurora cluster's DbClusterResourceId (`cluster-…`)
 * or an RDS Proxy's id (`prx-…`) — never the identifier you chose for the database.
 */

import {
    PARTITION_NAMES,
    Partition,
    isAccountId,
    isPartition,
    isRegion,
    isResourceId,
    partitionOfRegion,
} from "./awsNames";

export { Partition };

/** Database user names as IAM sees them: case-exact, no characters that would change the ARN. */
const USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.@$-]*$/;

export interface DbUserArnArgs {
    /** AWS partition. @default "aws" */
    readonly partition?: Partition | string;
    /** Region of the database, e.g. "us-east-1". */
    readonly region: string;
    /** 12-digit account id that owns the database. */
    readonly accountId: string;
    /** `db-…` (DbiResourceId), `cluster-…` (DbClusterResourceId) or `prx-…` (RDS Proxy), or "*" with allowWildcard. */
    readonly resourceId: string;
    /** Database user name, case-exact; or "*" with allowWildcard. */
    readonly username: string;
    /**
     * Allow "*" as resource id or user name. Wildcards grant more than one user and are flagged by
     * the policy pack; ask for them explicitly.
     * @default false
     */
    readonly allowWildcard?: boolean;
}

/** A grant: one database user that a principal may log in as. */
export type ConnectGrant = DbUserArnArgs;

/** Explains why a value cannot be used in an rds-db:connect ARN; empty when it can. */
export function dbUserArnProblems(args: DbUserArnArgs): string[] {
    const problems: string[] = [];
    const wildcard = args.allowWildcard === true;
    const partition = args.partition ?? "aws";
    if (!isPartition(partition)) {
        problems.push(`partition "${partition}" is not one of ${PARTITION_NAMES.join(", ")}`);
    }
    if (!isRegion(args.region)) {
        problems.push(`region "${args.region}" is not an AWS region such as "us-east-1"`);
    } else if (isPartition(partition) && partitionOfRegion(args.region) !== partition) {
        problems.push(
            `region "${args.region}" is in partition "${partitionOfRegion(args.region)}", not "${partition}"; ` +
                `use partition "${partitionOfRegion(args.region)}"`,
        );
    }
    if (!isAccountId(args.accountId)) {
        problems.push(`accountId "${args.accountId}" is not a 12-digit AWS account id`);
    }
    if (args.resourceId === "*") {
        if (!wildcard) {
            problems.push(
                `resourceId "*" grants every database in the account; pass allowWildcard: true if you really mean it`,
            );
        }
    } else if (!isResourceId(args.resourceId)) {
        problems.push(
            `resourceId "${args.resourceId}" is not a resource id: use the instance's DbiResourceId ("db-…", ` +
                `aws rds describe-db-instances --query "DBInstances[*].DbiResourceId"), the Aurora cluster's ` +
                `DbClusterResourceId ("cluster-…") or an RDS Proxy id ("prx-…"), not the database identifier, its ARN or a Pulumi autoname`,
        );
    }
    if (args.username === "*") {
        if (!wildcard) {
            problems.push(
                `username "*" grants every database user; pass allowWildcard: true if you really mean it`,
            );
        }
    } else if (!USERNAME.test(args.username ?? "")) {
        problems.push(
            `username ${JSON.stringify(args.username)} is not a database user name (letters, digits, _ . @ $ -)`,
        );
    }
    return problems;
}

/** The `rds-db:connect` resource ARN of one database user. Throws when an argument cannot be used. */
export function dbUserArn(args: DbUserArnArgs): string {
    const problems = dbUserArnProblems(args);
    if (problems.length > 0) {
        throw new Error(`cannot build rds-db:connect ARN: ${problems.join("; ")}`);
    }
    const partition = args.partition ?? "aws";
    return `arn:${partition}:rds-db:${args.region}:${args.accountId}:dbuser:${args.resourceId}/${args.username}`;
}

export interface PolicyStatement {
    readonly Effect: "Allow";
    readonly Action: string[];
    readonly Resource: string[];
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: PolicyStatement[];
}

/**
 * One IAM policy document with a single `rds-db:connect` statement naming every granted user (in
 * the order given, duplicates removed). At least one grant is required: an empty Resource list is
 * not a valid policy.
 */
export function connectPolicyDocument(grants: readonly ConnectGrant[]): PolicyDocument {
    if (grants.length === 0) {
        throw new Error("connectPolicyDocument needs at least one grant");
    }
    const resources = [...new Set(grants.map((g) => dbUserArn(g)))];
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["rds-db:connect"], Resource: resources }],
    };
}
