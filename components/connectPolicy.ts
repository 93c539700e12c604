/**
 * Pure builders for `rds-db:connect` ARNs and IAM policy documents.
 *
 * RDS IAM authentication addresses a database user as
 * `arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<user name>`, where the resource id
 * is the instance's DbiResourceId (`db-…`), the Aurora cluster's DbClusterResourceId (`cluster-…`)
 * or an RDS Proxy's id (`prx-…`) — never the identifier you chose for the database.
 */

import * as pulumi from "@pulumi/pulumi";
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

/** One field of an rds-db:connect ARN that cannot be used, with a stable code and the reason. */
export interface DbUserArnProblem {
    readonly field: "partition" | "region" | "accountId" | "resourceId" | "username";
    readonly code:
        | "unknown-partition"
        | "bad-region"
        | "wrong-partition"
        | "bad-account"
        | "wildcard"
        | "bad-resource-id"
        | "bad-username";
    readonly reason: string;
}

/** Why `resourceId` cannot name a database in an ARN ("*" only with `allowWildcard`). */
export function resourceIdProblems(resourceId: string, allowWildcard = false): DbUserArnProblem[] {
    if (resourceId === "*") {
        return allowWildcard
            ? []
            : [
                  {
                      field: "resourceId",
                      code: "wildcard",
                      reason: `resourceId "*" grants every database in the account; pass allowWildcard: true if you really mean it`,
                  },
              ];
    }
    return isResourceId(resourceId)
        ? []
        : [
              {
                  field: "resourceId",
                  code: "bad-resource-id",
                  reason:
                      `resourceId "${resourceId}" is not a resource id: use the instance's DbiResourceId ("db-…", ` +
                      `aws rds describe-db-instances --query "DBInstances[*].DbiResourceId"), the Aurora cluster's ` +
                      `DbClusterResourceId ("cluster-…") or an RDS Proxy id ("prx-…"), not the database identifier, its ARN or a Pulumi autoname`,
              },
          ];
}

/** Why `username` cannot end an ARN ("*" only with `allowWildcard`). */
export function arnUsernameProblems(username: string, allowWildcard = false): DbUserArnProblem[] {
    if (username === "*") {
        return allowWildcard
            ? []
            : [
                  {
                      field: "username",
                      code: "wildcard",
                      reason: `username "*" grants every database user; pass allowWildcard: true if you really mean it`,
                  },
              ];
    }
    return USERNAME.test(username ?? "")
        ? []
        : [
              {
                  field: "username",
                  code: "bad-username",
                  reason: `username ${JSON.stringify(username)} is not a database user name (letters, digits, _ . @ $ -)`,
              },
          ];
}

/** Why `region` (in `partition`, when given) cannot be used in an ARN. */
export function regionProblems(region: string, partition?: string): DbUserArnProblem[] {
    if (!isRegion(region)) {
        return [
            {
                field: "region",
                code: "bad-region",
                reason: `region "${region}" is not an AWS region such as "us-east-1"`,
            },
        ];
    }
    if (partition !== undefined && isPartition(partition) && partitionOfRegion(region) !== partition) {
        return [
            {
                field: "region",
                code: "wrong-partition",
                reason:
                    `region "${region}" is in partition "${partitionOfRegion(region)}", not "${partition}"; ` +
                    `use partition "${partitionOfRegion(region)}"`,
            },
        ];
    }
    return [];
}

/** Why `accountId` cannot be used in an ARN. */
export function accountIdProblems(accountId: string): DbUserArnProblem[] {
    return isAccountId(accountId)
        ? []
        : [
              {
                  field: "accountId",
                  code: "bad-account",
                  reason: `accountId "${accountId}" is not a 12-digit AWS account id`,
              },
          ];
}

/** Every field of `args` that cannot be used in an rds-db:connect ARN; empty when all can. */
export function dbUserArnFieldProblems(args: DbUserArnArgs): DbUserArnProblem[] {
    const wildcard = args.allowWildcard === true;
    const partition = args.partition ?? "aws";
    const problems: DbUserArnProblem[] = [];
    if (!isPartition(partition)) {
        problems.push({
            field: "partition",
            code: "unknown-partition",
            reason: `partition "${partition}" is not one of ${PARTITION_NAMES.join(", ")}`,
        });
    }
    problems.push(...regionProblems(args.region, partition));
    problems.push(...accountIdProblems(args.accountId));
    problems.push(...resourceIdProblems(args.resourceId, wildcard));
    problems.push(...arnUsernameProblems(args.username, wildcard));
    return problems;
}

/** Explains why a value cannot be used in an rds-db:connect ARN; empty when it can. */
export function dbUserArnProblems(args: DbUserArnArgs): string[] {
    return dbUserArnFieldProblems(args).map((p) => p.reason);
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
 * A user of an rds-iam `DatabaseProxy`, connecting through the proxy: the ARN names the proxy's
 * `prx-…` id, never the database's own resource id. Structural, so these builders need no component.
 */
export interface ProxyConnectGrant {
    readonly proxy: {
        readonly componentName: string;
        /** The users the proxy logs in as; a grant of any other user is refused. */
        readonly userNames: readonly string[];
        /** Partition, region, account and the proxy's `prx-…` id. */
        readonly arnFacts: pulumi.Output<Omit<ConnectGrant, "username">>;
    };
    /** One of the proxy's users, case-exact. */
    readonly username: string;
}

function isProxyConnectGrant(grant: ConnectGrant | ProxyConnectGrant): grant is ProxyConnectGrant {
    return (grant as ProxyConnectGrant).proxy !== undefined;
}

/** Why a grant through a proxy cannot be given (a user the proxy does not log in as); undefined when it can. */
export function proxyGrantProblem(grant: ProxyConnectGrant): string | undefined {
    return grant.proxy.userNames.includes(grant.username)
        ? undefined
        : `proxy "${grant.proxy.componentName}" does not log in as ${JSON.stringify(grant.username)} (its users: ${grant.proxy.userNames.join(", ")}), so a login through it as that user would fail; add the user to the DatabaseProxy's users or fix the name`;
}

function documentOf(grants: readonly ConnectGrant[]): PolicyDocument {
    if (grants.length === 0) {
        throw new Error("connectPolicyDocument needs at least one grant");
    }
    const resources = [...new Set(grants.map((g) => dbUserArn(g)))];
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["rds-db:connect"], Resource: resources }],
    };
}

/**
 * One IAM policy document with a single `rds-db:connect` statement naming every granted user (in
 * the order given, duplicates removed). At least one grant is required: an empty Resource list is
 * not a valid policy.
 *
 * Grants through a `DatabaseProxy` (`{ proxy, username }`) become
 * `arn:<partition>:rds-db:<region>:<account>:dbuser:prx-…/<username>`; the proxy's id is known only
 * at deploy time, so with any of them the document is an Output. A user the proxy does not log in
 * as throws at once (at preview).
 */
export function connectPolicyDocument(grants: readonly ConnectGrant[]): PolicyDocument;
export function connectPolicyDocument(
    grants: readonly (ConnectGrant | ProxyConnectGrant)[],
): pulumi.Output<PolicyDocument>;
export function connectPolicyDocument(
    grants: readonly (ConnectGrant | ProxyConnectGrant)[],
): PolicyDocument | pulumi.Output<PolicyDocument> {
    if (!grants.some(isProxyConnectGrant)) {
        return documentOf(grants as readonly ConnectGrant[]);
    }
    const problems = grants
        .filter(isProxyConnectGrant)
        .map(proxyGrantProblem)
        .filter((p) => p !== undefined);
    if (problems.length > 0) {
        throw new Error(`cannot build rds-db:connect policy: ${problems.join("; ")}`);
    }
    return pulumi
        .all(grants.map((g) => (isProxyConnectGrant(g) ? g.proxy.arnFacts : pulumi.output(g))))
        .apply((resolved) =>
            documentOf(
                resolved.map((facts, i) =>
                    isProxyConnectGrant(grants[i]) ? { ...facts, username: grants[i].username } : grants[i],
                ) as ConnectGrant[],
            ),
        );
}
