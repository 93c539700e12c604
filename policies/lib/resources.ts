/**
 * What the rules need to know about resources: the database types and engines, and where IAM
 * policy documents live. Pure; shared by the rules.
 */

export const INSTANCE = "aws:rds/instance:Instance";
export const CLUSTER = "aws:rds/cluster:Cluster";
export const CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
export const PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup";
export const CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup";
/**
 * A database user: the TypeScript library's dynamic resource, or the provider plugin's custom
 * resource that the other languages' programs make (plugin/, rds-iam:index:DatabaseUser). The same
 * inputs and outputs under both types.
 */
export const DATABASE_USER_TYPES: readonly string[] = [
    "pulumi-nodejs:dynamic/rds-iam:DatabaseUser",
    "rds-iam:index:DatabaseUser",
];
export const PROXY = "aws:rds/proxy:Proxy";
export const AWS_PROVIDER = "pulumi:providers:aws";
export const ROLE = "aws:iam/role:Role";
export const PROXY_TARGET = "aws:rds/proxyTarget:ProxyTarget";
export const SNAPSHOT = "aws:rds/snapshot:Snapshot";
export const SNAPSHOT_COPY = "aws:rds/snapshotCopy:SnapshotCopy";
export const SSO_INLINE_POLICY = "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy";

/**
 * Engines with IAM database authentication, and the parameter that forces TLS on each. The same
 * facts as the library's components/engines.ts (ENGINES, tlsParameterName); the pack keeps its own
 * copy so it installs alone, and test/policies/engineFacts.test.ts proves the two are equal.
 */
export const IAM_ENGINES: Readonly<Record<string, string>> = {
    mysql: "require_secure_transport",
    mariadb: "require_secure_transport",
    postgres: "rds.force_ssl",
    "aurora-mysql": "require_secure_transport",
    "aurora-postgresql": "rds.force_ssl",
};

/**
 * Engine names compare case-insensitively: the AWS provider lowercases `engine` before it calls RDS
 * (terraform-provider-aws: `StateFunc: strings.ToLower` on engine), so "Postgres" is postgres.
 */
export function supportsIamAuth(engine: unknown): boolean {
    return (
        typeof engine === "string" && Object.prototype.hasOwnProperty.call(IAM_ENGINES, engine.toLowerCase())
    );
}

export function tlsParameterFor(engine: string): string {
    return IAM_ENGINES[engine.toLowerCase()];
}

export function isDatabase(type: string): boolean {
    return type === INSTANCE || type === CLUSTER;
}

/** Resource types whose props hold IAM policy documents, and where. */
export function policyDocumentsOf(type: string, props: Record<string, any>): unknown[] {
    switch (type) {
        case "aws:iam/policy:Policy":
        case "aws:iam/rolePolicy:RolePolicy":
        case "aws:iam/userPolicy:UserPolicy":
        case "aws:iam/groupPolicy:GroupPolicy":
            return [props.policy];
        case SSO_INLINE_POLICY:
            return [props.inlinePolicy]; // an IAM Identity Center permission set's inline policy
        case ROLE:
            return (props.inlinePolicies ?? []).map((p: { policy?: unknown }) => p.policy);
        default:
            return [];
    }
}

export function list(value: string | string[] | undefined): string[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

export interface DbUserArn {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    readonly resourceId: string;
    readonly username: string;
}

const DBUSER_ARN = /^arn:([a-z-]+):rds-db:([^:]*):([^:]*):dbuser:([^/]*)\/(.*)$/;

export function parseDbUserArn(arn: string): DbUserArn | undefined {
    const m = DBUSER_ARN.exec(arn);
    return m
        ? { partition: m[1], region: m[2], accountId: m[3], resourceId: m[4], username: m[5] }
        : undefined;
}

export const RESOURCE_ID = /^(db|cluster|prx)-[A-Za-z0-9]+$/;
