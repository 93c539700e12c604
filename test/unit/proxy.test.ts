/**
 * DatabaseProxy under mocks: the exact inputs of the aws.rds.Proxy, its target group and target,
 * its role's trust and policy JSON, its network path, and its outputs.
 */
import * as assert from "node:assert/strict";
import { Database, DatabaseArgs } from "../../components/database";
import { DatabaseProxy, DatabaseProxyArgs } from "../../components/proxy";
import { shortHash } from "../../components/childNames";
import {
    ACCOUNT_ID,
    RecordedResource,
    fakeResourceSuffix,
    installMocks,
    settle,
    valueOf,
} from "../../local/pulumi/mocks";

const network = { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-a", "subnet-b"] };
const USERS = [{ username: "app_rw", privileges: ["SELECT"] }, { username: "reporting_ro" }];

export async function buildProxy(
    databaseArgs: Partial<DatabaseArgs> = {},
    proxyArgs: Partial<DatabaseProxyArgs> = {},
): Promise<{ db: Database; proxy: DatabaseProxy; resources: RecordedResource[] }> {
    const session = installMocks();
    const db = new Database("orders", {
        engine: "postgres",
        ...network,
        users: USERS,
        ...databaseArgs,
    });
    const proxy = new DatabaseProxy("orders-proxy", { database: db, ...proxyArgs });
    await valueOf(proxy.endpoint);
    await valueOf(proxy.roleArn);
    await settle();
    return { db, proxy, resources: session.resources };
}

function one(resources: RecordedResource[], type: string, name?: string): RecordedResource {
    const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
    assert.equal(found.length, 1, `expected one ${type} ${name ?? ""}`);
    return found[0];
}

const PROXY_ID = `prx-${fakeResourceSuffix("orders-proxy").toLowerCase().slice(0, 17)}`;
const DB_ID = `db-${fakeResourceSuffix("orders-instance")}`;
const dbUser = (id: string, user: string) => `arn:aws:rds-db:us-east-1:${ACCOUNT_ID}:dbuser:${id}/${user}`;

describe("DatabaseProxy: an RDS Proxy with end-to-end IAM authentication", () => {
    it("creates exactly the proxy, its default target group and target, its role and policy, its security group and the network path", async () => {
        const { resources } = await buildProxy({}, { allowedSecurityGroupIds: ["sg-0aa1bb2cc3dd4ee51"] });
        const mine = resources
            .filter((r) => r.parent.endsWith("rds-iam:index:DatabaseProxy::orders-proxy"))
            .map((r) => `${r.type} ${r.name}`)
            .sort();
        assert.deepEqual(mine, [
            "aws:ec2/securityGroup:SecurityGroup orders-proxy-sg",
            "aws:iam/role:Role orders-proxy-role",
            "aws:iam/rolePolicy:RolePolicy orders-proxy-connect",
            "aws:rds/proxy:Proxy orders-proxy",
            "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup orders-proxy-targets",
            "aws:rds/proxyTarget:ProxyTarget orders-proxy-target",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule orders-proxy-to-database",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule orders-proxy-from-proxy",
            `aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule orders-proxy-ingress-sg-${shortHash("sg-0aa1bb2cc3dd4ee51")}`,
        ]);
    });

    it("gives aws.rds.Proxy exactly requireTls, defaultAuthScheme IAM_AUTH, the engine family, its role, subnets and group, and no auths (no secrets: RDS User Guide, 'Configuring IAM authentication for RDS Proxy')", async () => {
        const { db, resources } = await buildProxy();
        const proxy = one(resources, "aws:rds/proxy:Proxy");
        const role = one(resources, "aws:iam/role:Role", "orders-proxy-role");
        const sg = one(resources, "aws:ec2/securityGroup:SecurityGroup", "orders-proxy-sg");
        assert.deepEqual(proxy.inputs, {
            engineFamily: "POSTGRESQL",
            requireTls: true,
            defaultAuthScheme: "IAM_AUTH",
            roleArn: role.outputs.arn,
            vpcSubnetIds: ["subnet-a", "subnet-b"],
            vpcSecurityGroupIds: ["sg-" + fakeResourceSuffix("orders-proxy-sg").toLowerCase().slice(0, 17)],
            idleClientTimeout: 1800,
            debugLogging: false,
            tags: {},
        });
        assert.equal(sg.inputs.vpcId, "vpc-0a1b2c3d");
        assert.equal(db.vpcId, "vpc-0a1b2c3d");
    });

    it("uses engineFamily MYSQL for MySQL, MariaDB and Aurora MySQL, POSTGRESQL for PostgreSQL engines (aws.rds.Proxy engineFamily)", async () => {
        const families: [DatabaseArgs["engine"], string][] = [
            ["mysql", "MYSQL"],
            ["mariadb", "MYSQL"],
            ["aurora-mysql", "MYSQL"],
            ["aurora-postgresql", "POSTGRESQL"],
        ];
        for (const [engine, family] of families) {
            const { resources } = await buildProxy({ engine, databaseName: "app" });
            assert.equal(one(resources, "aws:rds/proxy:Proxy").inputs.engineFamily, family, engine);
        }
    });

    it("trusts only rds.amazonaws.com, under aws:SourceAccount and aws:SourceArn (the confused deputy, IAM User Guide)", async () => {
        const { resources } = await buildProxy();
        const role = one(resources, "aws:iam/role:Role", "orders-proxy-role");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "rds.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                        ArnLike: { "aws:SourceArn": `arn:aws:rds:us-east-1:${ACCOUNT_ID}:db-proxy:*` },
                    },
                },
            ],
        });
    });

    it("lets its role connect as exactly every IAM user of the database, on the database's db-… id, and nothing else", async () => {
        const { resources } = await buildProxy();
        const policy = one(resources, "aws:iam/rolePolicy:RolePolicy", "orders-proxy-connect");
        assert.equal(policy.inputs.role, "orders-proxy-role");
        assert.deepEqual(JSON.parse(policy.inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: ["rds-db:connect"],
                    Resource: [dbUser(DB_ID, "app_rw"), dbUser(DB_ID, "reporting_ro")],
                },
            ],
        });
    });

    it("with users, lets its role connect as those users only, on the Aurora cluster's cluster-… id", async () => {
        const { resources } = await buildProxy({ engine: "aurora-postgresql" }, { users: ["reporting_ro"] });
        const policy = one(resources, "aws:iam/rolePolicy:RolePolicy", "orders-proxy-connect");
        assert.deepEqual(JSON.parse(policy.inputs.policy).Statement[0].Resource, [
            dbUser(`cluster-${fakeResourceSuffix("orders-cluster")}`, "reporting_ro"),
        ]);
    });

    it("targets the instance in the default target group, with maxConnectionsPercent", async () => {
        const { resources } = await buildProxy({}, { maxConnectionsPercent: 40, idleClientTimeout: 600 });
        assert.deepEqual(one(resources, "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup").inputs, {
            dbProxyName: "orders-proxy",
            connectionPoolConfig: { maxConnectionsPercent: 40 },
        });
        assert.deepEqual(one(resources, "aws:rds/proxyTarget:ProxyTarget").inputs, {
            dbProxyName: "orders-proxy",
            targetGroupName: "default",
            dbInstanceIdentifier: "orders-instance",
        });
        assert.equal(one(resources, "aws:rds/proxy:Proxy").inputs.idleClientTimeout, 600);
    });

    it("targets an Aurora cluster by its identifier, once its instances exist", async () => {
        const { resources } = await buildProxy({ engine: "aurora-postgresql", instances: 2 });
        const target = one(resources, "aws:rds/proxyTarget:ProxyTarget");
        assert.deepEqual(target.inputs, {
            dbProxyName: "orders-proxy",
            targetGroupName: "default",
            dbClusterIdentifier: "orders-cluster",
        });
        for (const instance of resources.filter((r) => r.type === "aws:rds/clusterInstance:ClusterInstance"))
            assert.ok(target.dependencies.includes(instance.urn), instance.name);
    });

    it("admits the allowed sources to the proxy port, and the proxy (only) to the database port of the database's group", async () => {
        const { resources } = await buildProxy({}, { allowedCidrBlocks: ["10.20.0.0/16"] });
        const proxySg = `sg-${fakeResourceSuffix("orders-proxy-sg").toLowerCase().slice(0, 17)}`;
        const dbSg = `sg-${fakeResourceSuffix("orders-sg").toLowerCase().slice(0, 17)}`;
        const rule = { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, tags: {} };
        assert.deepEqual(
            one(
                resources,
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                `orders-proxy-ingress-cidr-${shortHash("10.20.0.0/16")}`,
            ).inputs,
            { securityGroupId: proxySg, cidrIpv4: "10.20.0.0/16", ...rule },
        );
        assert.deepEqual(
            one(
                resources,
                "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
                "orders-proxy-to-database",
            ).inputs,
            { securityGroupId: proxySg, referencedSecurityGroupId: dbSg, ...rule },
        );
        assert.deepEqual(
            one(
                resources,
                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                "orders-proxy-from-proxy",
            ).inputs,
            { securityGroupId: dbSg, referencedSecurityGroupId: proxySg, ...rule },
        );
    });

    it("outputs the endpoint, the engine's port, the prx-… id read from the proxy ARN, the ARN, the role and the group", async () => {
        const { proxy } = await buildProxy();
        assert.deepEqual(
            [
                await valueOf(proxy.endpoint),
                await valueOf(proxy.port),
                await valueOf(proxy.proxyId),
                await valueOf(proxy.arn),
                await valueOf(proxy.roleArn),
                await valueOf(proxy.securityGroupId),
            ],
            [
                "orders-proxy.proxy-c0ffee0example.us-east-1.rds.amazonaws.com",
                5432,
                PROXY_ID,
                `arn:aws:rds:us-east-1:${ACCOUNT_ID}:db-proxy:${PROXY_ID}`,
                `arn:aws:iam::${ACCOUNT_ID}:role/orders-proxy-role`,
                `sg-${fakeResourceSuffix("orders-proxy-sg").toLowerCase().slice(0, 17)}`,
            ],
        );
    });

    it("registers the target only after the users it logs in as and the network path exist, and hands out its role only once the role may connect", async () => {
        const { resources } = await buildProxy();
        const target = one(resources, "aws:rds/proxyTarget:ProxyTarget");
        const proxy = one(resources, "aws:rds/proxy:Proxy");
        const urn = (type: string, name: string) => one(resources, type, name).urn;
        for (const [type, name] of [
            ["pulumi-nodejs:dynamic/rds-iam:DatabaseUser", "orders-user-app_rw"],
            ["pulumi-nodejs:dynamic/rds-iam:DatabaseUser", "orders-user-reporting_ro"],
            ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "orders-proxy-to-database"],
            ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "orders-proxy-from-proxy"],
        ])
            assert.ok(target.dependencies.includes(urn(type, name)), name);
        assert.ok(
            proxy.dependencies.includes(urn("aws:iam/rolePolicy:RolePolicy", "orders-proxy-connect")),
            "the proxy waits for its role's policy",
        );
    });

    it("grantConnect attaches rds-db:connect on dbuser:prx-…/<user> only, never on the database's id", async () => {
        const session = installMocks();
        const db = new Database("orders", { engine: "postgres", ...network, users: USERS });
        const proxy = new DatabaseProxy("orders-proxy", { database: db });
        const aws = await import("@pulumi/aws");
        const role = new aws.iam.Role("worker", { assumeRolePolicy: "{}" });
        proxy.grantConnect(role, "app_rw");
        await valueOf(proxy.endpoint);
        await settle();
        const policy = one(session.resources, "aws:iam/rolePolicy:RolePolicy", "orders-proxy-connect-app_rw");
        assert.deepEqual(JSON.parse(policy.inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["rds-db:connect"], Resource: [dbUser(PROXY_ID, "app_rw")] },
            ],
        });
        assert.equal(policy.inputs.role, "worker");
    });
});
