/**
 * What the rules need to know about resources: the database types and engines, and where IAM
 * policy documents live. Pure; shared by the rules.
 */

export const INSTANCE = "aws:rds/instance:Instance";
export const CLUSTER = "aws:rds/cluster:Cluster";
export const CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
export const PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup";
export const CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup";
export const DATABASE_USER = "pulumi-nodejs:dynamic/rds-iam:DatabaseUser";

/** Engines with IAM database authentication, and the parameter that forces TLS on each. */
const IAM_ENGINES: Readonly<Record<string, string>> = {
    mysql: "require_secure_transport",
    mariadb: "require_secure_transport",
    postgres: "rds.force_ssl",
    "aurora-mysql": "require_secure_transport",
    "aurora-postgresql": "rds.force_ssl",
    aurora: "require_secure_transport",
};

export function supportsIamAuth(engine: unknown): boolean {
    return typeof engine === "string" && engine in IAM_ENGINES;
}

export function tlsParameterFor(engine: string): string {
    return IAM_ENGINES[engine];
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
        case "aws:iam/role:Role":
            return (props.inlinePolicies ?? []).map((p: { policy?: unknown }) => p.policy);
        default:
            return [];
    }
}

export interface Statement {
    readonly Effect?: string;
    readonly Action?: string | string[];
    readonly NotAction?: string | string[];
    readonly Resource?: string | string[];
    readonly Condition?: unknown;
}

/** The statements of a policy document given as JSON text or as an object; [] when it is not one. */
export function statementsOf(document: unknown): Statement[] {
    let parsed = document;
    if (typeof document === "string") {
        try {
            parsed = JSON.parse(document);
        } catch {
            return [];
        }
    }
    const statement = (parsed as { Statement?: unknown })?.Statement;
    if (statement === undefined) return [];
    return (Array.isArray(statement) ? statement : [statement]) as Statement[];
}

export function list(value: string | string[] | undefined): string[] {
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Does this statement grant rds-db:connect (directly or through a wildcard action)? */
export function grantsConnect(statement: Statement): boolean {
    return (
        (statement.Effect ?? "Allow") === "Allow" &&
        list(statement.Action).some((a) => /^(\*|rds-db:\*|rds-db:connect)$/i.test(a))
    );
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
