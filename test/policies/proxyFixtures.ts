/**
 * Happy-path resources of an RDS Proxy with end-to-end IAM, as rds-iam's DatabaseProxy builds it:
 * the proxy (requireTls, defaultAuthScheme IAM_AUTH, roleArn), its role (trusted by
 * rds.amazonaws.com under aws:SourceAccount and aws:SourceArn), the role's policy (rds-db:connect on
 * exactly the proxy's user of its target), its default target group and target, and a workload role
 * granted that user through the proxy (dbuser:prx-…/app_rw).
 */
import { Fixture } from "../../local/policies/ruleHarness";
import { PG_ID, PROXY_ID, attachment, awsProvider, instance, parameterGroup, policy, user } from "./fixtures";

export const ACCOUNT = "123456789012";
export const PROXY_ARN = `arn:aws:rds:us-east-1:${ACCOUNT}:db-proxy:${PROXY_ID}`;
export const PROXY_ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/orders-proxy-role`;
export const dbUser = (id: string, username: string) =>
    `arn:aws:rds-db:us-east-1:${ACCOUNT}:dbuser:${id}/${username}`;

export function trustDocument(statement: Record<string, unknown>): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", ...statement }],
    });
}

export const PROXY_TRUST = {
    Principal: { Service: "rds.amazonaws.com" },
    Condition: {
        StringEquals: { "aws:SourceAccount": ACCOUNT },
        ArnLike: { "aws:SourceArn": `arn:aws:rds:us-east-1:${ACCOUNT}:db-proxy:*` },
    },
};

export function iamProxy(): Fixture {
    return {
        type: "aws:rds/proxy:Proxy",
        name: "orders-proxy",
        props: {
            name: "orders-proxy",
            engineFamily: "POSTGRESQL",
            requireTls: true,
            defaultAuthScheme: "IAM_AUTH",
            roleArn: PROXY_ROLE_ARN,
            vpcSubnetIds: ["subnet-0a1b2c3d4e5f60789", "subnet-0b1b2c3d4e5f60789"],
            arn: PROXY_ARN,
        },
    };
}

export function proxyRole(): Fixture {
    return {
        type: "aws:iam/role:Role",
        name: "orders-proxy-role",
        props: {
            name: "orders-proxy-role",
            arn: PROXY_ROLE_ARN,
            assumeRolePolicy: trustDocument(PROXY_TRUST),
        },
    };
}

export function proxyRolePolicy(resources = [dbUser(PG_ID, "app_rw")]): Fixture {
    return {
        type: "aws:iam/rolePolicy:RolePolicy",
        name: "orders-proxy-connect",
        props: {
            role: "orders-proxy-role",
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "rds-db:connect", Resource: resources }],
            }),
        },
    };
}

export function proxyTargetGroup(): Fixture {
    return {
        type: "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
        name: "orders-proxy-targets",
        props: { dbProxyName: "orders-proxy", name: "default" },
    };
}

export function proxyTarget(): Fixture {
    return {
        type: "aws:rds/proxyTarget:ProxyTarget",
        name: "orders-proxy-target",
        props: { dbProxyName: "orders-proxy", targetGroupName: "default", dbInstanceIdentifier: "orders" },
    };
}

/** The workload's role (EC2), which the attachment links to the connect policy. */
export function workloadRole(
    assumeRolePolicy = trustDocument({ Principal: { Service: "ec2.amazonaws.com" } }),
): Fixture {
    return {
        type: "aws:iam/role:Role",
        name: "api-role",
        props: { name: "api-role", arn: `arn:aws:iam::${ACCOUNT}:role/api-role`, assumeRolePolicy },
    };
}

/** A stack whose workload reaches the PostgreSQL instance through an end-to-end IAM proxy. */
export function proxyStack(): Fixture[] {
    return [
        instance(),
        parameterGroup(),
        user(),
        awsProvider(),
        iamProxy(),
        proxyRole(),
        proxyRolePolicy(),
        proxyTargetGroup(),
        proxyTarget(),
        workloadRole(),
        policy([dbUser(PROXY_ID, "app_rw")]),
        attachment(),
    ];
}
