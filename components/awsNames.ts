/**
 * Pure facts about AWS names that rds-iam reads or builds: regions, partitions, resource ids and
 * RDS endpoint names. One place, so the library, the provider and the client agree on them.
 *
 * Partitions and DNS suffixes follow the AWS SDK's partition table (`@aws-sdk/core`
 * `partition()`); test/unit/awsNames.test.ts checks this table against it.
 */

/** An AWS partition: the `arn:<partition>:` of every ARN. */
export type Partition =
    "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b" | "aws-iso-e" | "aws-iso-f" | "aws-eusc";

interface PartitionFacts {
    readonly name: Partition;
    /** Region names of this partition start with this. */
    readonly regionPrefix: RegExp;
    /** Service endpoints end with this, e.g. `rds.<region>.<dnsSuffix>`. */
    readonly dnsSuffix: string;
}

/** Most specific prefix first: `us-gov-` and `us-iso*-` before the commercial `us-`. */
const PARTITIONS: readonly PartitionFacts[] = [
    { name: "aws-us-gov", regionPrefix: /^us-gov-/, dnsSuffix: "amazonaws.com" },
    { name: "aws-iso", regionPrefix: /^us-iso-/, dnsSuffix: "c2s.ic.gov" },
    { name: "aws-iso-b", regionPrefix: /^us-isob-/, dnsSuffix: "sc2s.sgov.gov" },
    { name: "aws-iso-e", regionPrefix: /^eu-isoe-/, dnsSuffix: "cloud.adc-e.uk" },
    { name: "aws-iso-f", regionPrefix: /^us-isof-/, dnsSuffix: "csp.hci.ic.gov" },
    { name: "aws-cn", regionPrefix: /^cn-/, dnsSuffix: "amazonaws.com.cn" },
    { name: "aws-eusc", regionPrefix: /^eusc-/, dnsSuffix: "amazonaws.eu" },
    { name: "aws", regionPrefix: /^/, dnsSuffix: "amazonaws.com" },
];

export const PARTITION_NAMES: readonly Partition[] = PARTITIONS.map((p) => p.name);

/**
 * A region name: `us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`, `eusc-de-east-1`.
 * (Not an availability zone such as `us-east-1a`.)
 */
const REGION = /^[a-z]{2,4}(-[a-z]+){1,2}-\d{1,2}$/;

export function isRegion(value: unknown): value is string {
    return typeof value === "string" && REGION.test(value);
}

export function isPartition(value: unknown): value is Partition {
    return typeof value === "string" && (PARTITION_NAMES as readonly string[]).includes(value);
}

function factsOf(region: string): PartitionFacts {
    return PARTITIONS.find((p) => p.regionPrefix.test(region)) as PartitionFacts;
}

/** The partition a region belongs to (`cn-north-1` → `aws-cn`). */
export function partitionOfRegion(region: string): Partition {
    return factsOf(region).name;
}

/** The DNS suffix of a region's endpoints (`cn-north-1` → `amazonaws.com.cn`). */
export function dnsSuffixOfRegion(region: string): string {
    return factsOf(region).dnsSuffix;
}

/**
 * What an `rds-db:connect` ARN names the database by: an instance's DbiResourceId (`db-` and
 * upper-case letters and digits, e.g. `db-WWNRBX575KSMSSXPELXI64XVOR`), an Aurora cluster's
 * DbClusterResourceId (`cluster-…`, the same alphabet) or an RDS Proxy's id (`prx-` and 17 letters
 * or digits). A Pulumi autoname such as `db-4f2c1a9` is none of these.
 */
const RESOURCE_ID = /^(?:(?:db|cluster)-[A-Z0-9]{16,40}|prx-[A-Za-z0-9]{17})$/;

export function isResourceId(value: unknown): value is string {
    return typeof value === "string" && RESOURCE_ID.test(value);
}

/** A 12-digit AWS account id. */
export function isAccountId(value: unknown): value is string {
    return typeof value === "string" && /^\d{12}$/.test(value);
}

/**
 * RDS endpoint names: `<name>.<id>.<region>.rds.<dnsSuffix>` for instances, with `cluster-`,
 * `cluster-ro-`, `cluster-custom-` before the id for Aurora and `proxy-` for RDS Proxy.
 * The suffix must be the region's partition's (`….cn-north-1.rds.amazonaws.com.cn`).
 */
const RDS_ENDPOINT =
    /^[a-z0-9-]+\.(cluster-|cluster-ro-|cluster-custom-|proxy-)?[a-z0-9]+\.([a-z0-9-]+)\.rds\.([a-z0-9.-]+)$/;

export interface RdsEndpoint {
    readonly region: string;
    readonly kind: "instance" | "cluster" | "proxy";
}

/** Reads an RDS endpoint name; undefined when `host` is not one. */
export function parseRdsEndpoint(host: string): RdsEndpoint | undefined {
    const m = RDS_ENDPOINT.exec(host.toLowerCase());
    if (m === null || !isRegion(m[2]) || dnsSuffixOfRegion(m[2]) !== m[3]) {
        return undefined;
    }
    const kind = m[1] === undefined ? "instance" : m[1] === "proxy-" ? "proxy" : "cluster";
    return { region: m[2], kind };
}

/** The RDS log type of failed IAM database logins (RDS User Guide, "Troubleshooting for IAM DB authentication"). */
export const IAM_AUTH_ERROR_LOG = "iam-db-auth-error";

/**
 * The log group RDS publishes a database's exported log to: `/aws/rds/instance/<identifier>/<log>`,
 * or `/aws/rds/cluster/<identifier>/<log>` for an Aurora cluster (RDS User Guide, "Publishing
 * database logs to Amazon CloudWatch Logs").
 */
export function iamAuthErrorLogGroupName(kind: "instance" | "cluster", identifier: string): string {
    return `/aws/rds/${kind}/${identifier}/${IAM_AUTH_ERROR_LOG}`;
}
