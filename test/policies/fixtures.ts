/** Happy-path resources as the analyzer sees them: a PostgreSQL instance, an Aurora MySQL cluster and an RDS Proxy, with users and grants, one fixture per resource type. */
import { Fixture } from "../../local/policies/ruleHarness";

export const PG_HOST = "orders.c0ffee.us-east-1.rds.amazonaws.com";
export const AURORA_HOST = "ledger.cluster-c0ffee.us-east-1.rds.amazonaws.com";
export const PG_ID = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const AURORA_ID = "cluster-ZYXWVUTSRQPONMLKJIHGFEDCBA";
export const PROXY_ID = "prx-0123456789abcdef0";
export const CONNECT_POLICY_ARN = "arn:aws:iam::123456789012:policy/api-connect";
export const SSO_INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
export const PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef";

export function instance(): Fixture {
    return {
        type: "aws:rds/instance:Instance",
        name: "orders",
        props: {
            engine: "postgres",
            iamDatabaseAuthenticationEnabled: true,
            storageEncrypted: true,
            publiclyAccessible: false,
            backupRetentionPeriod: 7,
            parameterGroupName: "orders-params",
            identifier: "orders",
            address: PG_HOST,
            resourceId: PG_ID,
            arn: "arn:aws:rds:us-east-1:123456789012:db:orders",
        },
    };
}

export function cluster(): Fixture {
    return {
        type: "aws:rds/cluster:Cluster",
        name: "ledger",
        props: {
            engine: "aurora-mysql",
            iamDatabaseAuthenticationEnabled: true,
            storageEncrypted: true,
            backupRetentionPeriod: 14,
            dbClusterParameterGroupName: "ledger-params",
            clusterIdentifier: "ledger",
            endpoint: AURORA_HOST,
            clusterResourceId: AURORA_ID,
            arn: "arn:aws:rds:us-east-1:123456789012:cluster:ledger",
        },
    };
}

export function clusterInstance(): Fixture {
    return {
        type: "aws:rds/clusterInstance:ClusterInstance",
        name: "ledger-0",
        props: { engine: "aurora-mysql", publiclyAccessible: false },
    };
}

export function parameterGroup(): Fixture {
    return {
        type: "aws:rds/parameterGroup:ParameterGroup",
        name: "orders-params",
        props: {
            name: "orders-params",
            family: "postgres16",
            parameters: [{ name: "rds.force_ssl", value: "1" }],
        },
    };
}

export function clusterParameterGroup(): Fixture {
    return {
        type: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
        name: "ledger-params",
        props: {
            name: "ledger-params",
            family: "aurora-mysql8.0",
            parameters: [{ name: "require_secure_transport", value: "1" }],
        },
    };
}

export function user(host = PG_HOST, username = "app_rw"): Fixture {
    return {
        type: "pulumi-nodejs:dynamic/rds-iam:DatabaseUser",
        name: `user-${username}`,
        props: { engine: "postgres", host, port: 5432, username },
    };
}

export function connectDocument(resources: string[], extra: Record<string, unknown> = {}): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["rds-db:connect"], Resource: resources, ...extra }],
    });
}

export function policy(
    resources = [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/app_rw`],
    extra: Record<string, unknown> = {},
): Fixture {
    return {
        type: "aws:iam/policy:Policy",
        name: "api-connect",
        props: { name: "api-connect", arn: CONNECT_POLICY_ARN, policy: connectDocument(resources, extra) },
    };
}

export function proxy(): Fixture {
    return {
        type: "aws:rds/proxy:Proxy",
        name: "orders-proxy",
        props: {
            engineFamily: "POSTGRESQL",
            requireTls: true,
            auths: [
                {
                    authScheme: "SECRETS",
                    iamAuth: "REQUIRED",
                    secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app_rw",
                },
            ],
            arn: `arn:aws:rds:us-east-1:123456789012:db-proxy:${PROXY_ID}`,
        },
    };
}

/** The stack's default AWS provider, as preview lists it. */
export function awsProvider(region = "us-east-1"): Fixture {
    return { type: "pulumi:providers:aws", name: "default_7_0_0", props: { region } };
}

export function attachment(policyArn = CONNECT_POLICY_ARN): Fixture {
    return {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name: "api-attach",
        props: { role: "api-role", policyArn },
    };
}

export function happyStack(): Fixture[] {
    return [
        instance(),
        parameterGroup(),
        cluster(),
        clusterParameterGroup(),
        clusterInstance(),
        user(),
        user(AURORA_HOST, "Ledger_RO"),
        proxy(),
        awsProvider(),
        policy([
            `arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/app_rw`,
            `arn:aws:rds-db:us-east-1:123456789012:dbuser:${AURORA_ID}/Ledger_RO`,
            `arn:aws:rds-db:us-east-1:123456789012:dbuser:${PROXY_ID}/app_rw`,
        ]),
        attachment(),
    ];
}

/** Every other way a managed policy reaches a principal, each attaching the connect policy (happy path). */
export function otherAttachments(policyArn = CONNECT_POLICY_ARN): Fixture[] {
    return [
        {
            type: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
            name: "alice-attach",
            props: { user: "alice", policyArn },
        },
        {
            type: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
            name: "dba-attach",
            props: { group: "dbas", policyArn },
        },
        {
            type: "aws:iam/policyAttachment:PolicyAttachment",
            name: "shared-attach",
            props: { roles: ["api-role"], users: ["alice"], policyArn },
        },
        {
            type: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
            name: "api-exclusive",
            props: { roleName: "api-role", policyArns: [policyArn] },
        },
        {
            type: "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
            name: "alice-exclusive",
            props: { userName: "alice", policyArns: [policyArn] },
        },
        {
            type: "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
            name: "dba-exclusive",
            props: { groupName: "dbas", policyArns: [policyArn] },
        },
        {
            type: "aws:iam/role:Role",
            name: "api-role",
            props: { name: "api-role", managedPolicyArns: [policyArn] },
        },
        {
            type: "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
            name: "dba-permission-set",
            props: {
                instanceArn: SSO_INSTANCE,
                permissionSetArn: PERMISSION_SET,
                managedPolicyArn: policyArn,
            },
        },
    ];
}

/** An IAM Identity Center permission set's inline policy granting one database user. */
export function permissionSetInlinePolicy(
    resources = [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/app_rw`],
): Fixture {
    return {
        type: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
        name: "dba-inline",
        props: {
            instanceArn: SSO_INSTANCE,
            permissionSetArn: PERMISSION_SET,
            inlinePolicy: connectDocument(resources),
        },
    };
}

/** The stack with one resource's props changed: one mutation. */
export function replace(stack: Fixture[], name: string, props: Record<string, unknown>): Fixture[] {
    return stack.map((f) => (f.name === name ? { ...f, props: { ...f.props, ...props } } : f));
}
