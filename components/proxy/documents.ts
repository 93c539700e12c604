/**
 * The IAM documents of an end-to-end IAM RDS Proxy, as pure functions: the trust policy of its role,
 * the role's `rds-db:connect` policy, and the `prx-…` id the clients' connect ARNs name.
 *
 * - Trust: only `rds.amazonaws.com`, under the confused-deputy conditions `aws:SourceAccount` and
 *   `aws:SourceArn` (IAM User Guide, "The confused deputy problem"; the policy pack's
 *   rds-iam-proxy-role-trust). The proxy's own ARN names its `prx-…` id, which exists only after the
 *   proxy, and the proxy needs the role first, so SourceArn matches the account's proxies in the
 *   region (`db-proxy:*`).
 * - Connect: with end-to-end IAM the proxy logs in to the database with IAM, as the client's user,
 *   so its role needs `rds-db:connect` on `dbuser:<db-…|cluster-…>/<user>` of each user (RDS User
 *   Guide, "Configuring IAM authentication for RDS Proxy", "Creating an end-to-end IAM policy"), and
 *   nothing else: no Secrets Manager, no KMS.
 * - Clients sign tokens for the proxy endpoint and are granted `dbuser:prx-…/<user>` (RDS User
 *   Guide, "Connecting to a database through RDS Proxy", IAM authentication).
 */
import { ConnectGrant, PolicyDocument, connectPolicyDocument } from "../connectPolicy";

export interface ProxyPlacement {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
}

/** The trust policy of a proxy's role, as JSON. */
export function proxyTrustPolicy(placement: ProxyPlacement): string {
    const { partition, region, accountId } = placement;
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "rds.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": accountId },
                    ArnLike: { "aws:SourceArn": `arn:${partition}:rds:${region}:${accountId}:db-proxy:*` },
                },
            },
        ],
    });
}

/**
 * The policy of a proxy's role: `rds-db:connect` as exactly `users` on the database whose ARN facts
 * are given (its `db-…` or `cluster-…` resource id).
 */
export function proxyRolePolicy(
    database: Omit<ConnectGrant, "username">,
    users: readonly string[],
): PolicyDocument {
    return connectPolicyDocument(users.map((username) => ({ ...database, username })));
}

/** A proxy ARN: `arn:<partition>:rds:<region>:<account>:db-proxy:prx-<17 characters>`. */
const PROXY_ARN = /^arn:[a-z-]+:rds:[a-z0-9-]+:\d{12}:db-proxy:(prx-[A-Za-z0-9]{17})$/;

/** The `prx-…` id in a proxy's ARN: what the clients' rds-db:connect ARNs name. Throws on anything else. */
export function proxyIdFromArn(arn: string): string {
    const id = PROXY_ARN.exec(arn)?.[1];
    if (id === undefined) {
        throw new Error(
            `${JSON.stringify(arn)} is not an RDS Proxy ARN (arn:<partition>:rds:<region>:<account>:db-proxy:prx-…)`,
        );
    }
    return id;
}
