/** Happy-path resources as the analyzer sees them: a PostgreSQL instance and an Aurora MySQL cluster, with users and grants. */
import { Fixture } from "../../local/policies/ruleHarness";

export const PG_HOST = "orders.c0ffee.us-east-1.rds.amazonaws.com";
export const AURORA_HOST = "ledger.cluster-c0ffee.us-east-1.rds.amazonaws.com";
export const PG_ID = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const AURORA_ID = "cluster-ZYXWVUTSRQPONMLKJIHGFEDCBA";

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
            address: PG_HOST,
            resourceId: PG_ID,
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
            endpoint: AURORA_HOST,
            clusterResourceId: AURORA_ID,
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
        props: { policy: connectDocument(resources, extra) },
    };
}

export function attachment(policyArn = "arn:aws:iam::123456789012:policy/api-connect"): Fixture {
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
        policy([
            `arn:aws:rds-db:us-east-1:123456789012:dbuser:${PG_ID}/app_rw`,
            `arn:aws:rds-db:us-east-1:123456789012:dbuser:${AURORA_ID}/Ledger_RO`,
        ]),
        attachment(),
    ];
}
