import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { shortHash } from "../../components/childNames";
import { fakeResourceSuffix, recordStack, stackConfig } from "../../local/pulumi/mocks";

describe("the stack program (index.ts) under mocks", () => {
    it("builds the dev stack: one PostgreSQL instance, two IAM users made through the SQL runner, an EC2 and a Lambda workload — nothing that connects from the deployer", async () => {
        const { resources } = await recordStack(stackConfig("dev"));
        assert.deepEqual(resources.map((r) => `${r.type} ${r.name}`).sort(), [
            "aws:cloudwatch/logGroup:LogGroup db-iam-auth-errors",
            "aws:cloudwatch/logGroup:LogGroup db-runner-logs",
            "aws:ec2/securityGroup:SecurityGroup db-runner-sg",
            "aws:ec2/securityGroup:SecurityGroup db-sg",
            "aws:iam/instanceProfile:InstanceProfile api-profile",
            "aws:iam/policy:Policy api-connect",
            "aws:iam/policy:Policy reports-connect",
            "aws:iam/role:Role api-role",
            "aws:iam/role:Role db-runner-role",
            "aws:iam/role:Role reports-role",
            "aws:iam/rolePolicy:RolePolicy db-runner-policy",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment api-connect",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment reports-AWSLambdaBasicExecutionRole",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment reports-AWSLambdaVPCAccessExecutionRole",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment reports-connect",
            "aws:lambda/function:Function db-runner-function",
            "aws:rds/instance:Instance db-instance",
            "aws:rds/parameterGroup:ParameterGroup db-params",
            "aws:rds/subnetGroup:SubnetGroup db-subnets",
            "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule db-runner-to-database",
            `aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule db-ingress-cidr-${shortHash("10.20.0.0/16")}`,
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule db-runner-from-runner",
            "pulumi-nodejs:dynamic/rds-iam:DatabaseUser db-user-app_rw",
            "pulumi-nodejs:dynamic/rds-iam:DatabaseUser db-user-reporting_ro",
            "pulumi:providers:postgresql db-admin",
            "rds-iam:index:Database db",
            "rds-iam:index:DatabaseAccessRole api",
            "rds-iam:index:DatabaseAccessRole reports",
            "rds-iam:index:SqlRunner db-runner",
        ]);
    });

    it("grants each workload exactly its users by the instance's resource id", async () => {
        const { resources } = await recordStack(stackConfig("dev"));
        const policies = Object.fromEntries(
            resources
                .filter((r) => r.type === "aws:iam/policy:Policy")
                .map((r) => [r.name, JSON.parse(r.inputs.policy).Statement[0].Resource]),
        );
        const id = `db-${fakeResourceSuffix("db-instance")}`;
        assert.deepEqual(policies, {
            "api-connect": [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${id}/app_rw`],
            "reports-connect": [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${id}/reporting_ro`],
        });
    });

    it("exports the endpoint, resource id, secret, roles, instance profiles and per-user connect commands", async () => {
        const { outputs } = await recordStack(stackConfig("dev"));
        const host = "db-instance.c0ffee0example.us-east-1.rds.amazonaws.com";
        const token = (user: string) =>
            `aws rds generate-db-auth-token --hostname ${host} --port 5432 --region us-east-1 --username ${user}`;
        const id = fakeResourceSuffix("db-instance");
        const caDownload =
            "curl -fsSL -o rds-ca-us-east-1.pem https://truststore.pki.rds.amazonaws.com/us-east-1/us-east-1-bundle.pem";
        assert.deepEqual(outputs, {
            address: host,
            port: 5432,
            resourceId: `db-${id}`,
            masterSecretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-${id}-${id.toLowerCase().slice(0, 8)}-AbCdEf`,
            roleArns: {
                api: "arn:aws:iam::123456789012:role/api-role",
                reports: "arn:aws:iam::123456789012:role/reports-role",
            },
            instanceProfileNames: { api: "api-profile" },
            proxyEndpoint: undefined, // no rds-iam:proxy in the dev stack
            connect: {
                app_rw: {
                    caDownload,
                    caFile: "rds-ca-us-east-1.pem",
                    token: token("app_rw"),
                    command: `PGPASSWORD="$(${token("app_rw")})" psql 'host=${host} port=5432 user=app_rw dbname=app sslmode=verify-full sslrootcert=rds-ca-us-east-1.pem'`,
                    cli: `rds-iam connect --engine postgres --host ${host} --port 5432 --user app_rw --region us-east-1 --database app`,
                },
                reporting_ro: {
                    caDownload,
                    caFile: "rds-ca-us-east-1.pem",
                    token: token("reporting_ro"),
                    command: `PGPASSWORD="$(${token("reporting_ro")})" psql 'host=${host} port=5432 user=reporting_ro dbname=app sslmode=verify-full sslrootcert=rds-ca-us-east-1.pem'`,
                    cli: `rds-iam connect --engine postgres --host ${host} --port 5432 --user reporting_ro --region us-east-1 --database app`,
                },
            },
        });
    });

    it("makes the reporting database depend on the network path and be deleted with the instance (#12.5)", async () => {
        const { resources } = await recordStack({ ...stackConfig("dev"), "rds-iam:reportingDatabase": true });
        const reporting = resources.find((r) => r.type === "postgresql:index/database:Database")!;
        const prefix = "urn:pulumi:dev::rds-iam::rds-iam:index:Database$";
        assert.deepEqual(
            [
                reporting.dependencies.filter((d) => d.includes("securityGroupIngressRule")),
                reporting.deletedWith,
                reporting.provider.split("::").slice(0, 4).join("::"),
            ],
            [
                [
                    `${prefix}aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::db-ingress-cidr-${shortHash("10.20.0.0/16")}`,
                ],
                `${prefix}aws:rds/instance:Instance::db-instance`,
                `${prefix}pulumi:providers:postgresql::db-admin`,
            ],
        );
    });

    it("passes rds-iam:connectHost and rds-iam:connectPort to every DatabaseUser, for a deployer behind a tunnel (#12.12)", async () => {
        const { resources } = await recordStack({
            ...stackConfig("dev"),
            "rds-iam:sqlRunner": "deployer",
            "rds-iam:connectHost": "127.0.0.1",
            "rds-iam:connectPort": "15432",
        });
        assert.deepEqual(
            resources
                .filter((r) => r.type === "pulumi-nodejs:dynamic/rds-iam:DatabaseUser")
                .map((r) => [r.inputs.username, r.inputs.host, r.inputs.connectHost, r.inputs.connectPort])
                .sort(),
            [
                ["app_rw", "db-instance.c0ffee0example.us-east-1.rds.amazonaws.com", "127.0.0.1", 15432],
                [
                    "reporting_ro",
                    "db-instance.c0ffee0example.us-east-1.rds.amazonaws.com",
                    "127.0.0.1",
                    15432,
                ],
            ],
        );
    });

    it("builds an Aurora MySQL stack with a reporting database through the MySQL admin provider", async () => {
        const { resources } = await recordStack({
            ...stackConfig("dev"),
            "rds-iam:engine": "aurora-mysql",
            "rds-iam:instances": "2",
            "rds-iam:adminProvider": "true",
            "rds-iam:reportingDatabase": "true",
        });
        assert.deepEqual(
            resources
                .filter(
                    (r) =>
                        r.type.startsWith("mysql:") ||
                        r.type.startsWith("pulumi:providers:") ||
                        r.type.startsWith("aws:rds/cluster"),
                )
                .map((r) => `${r.type} ${r.name}`)
                .sort(),
            [
                "aws:rds/cluster:Cluster db-cluster",
                "aws:rds/clusterInstance:ClusterInstance db-instance-0",
                "aws:rds/clusterInstance:ClusterInstance db-instance-1",
                "aws:rds/clusterParameterGroup:ClusterParameterGroup db-params",
                "mysql:index/database:Database reporting",
                "pulumi:providers:mysql db-admin",
            ],
        );
    });

    it("refuses an unknown engine and a workload user the database does not define, naming the config keys", async () => {
        const config = {
            ...stackConfig("dev"),
            "rds-iam:engine": "oracle",
            "rds-iam:workloads": [
                { name: "api", service: "ec2", users: ["app_rw", "ghost"] },
                { name: "batch", service: "glue", users: ["app_rw"] },
            ],
        };
        await assert.rejects(recordStack(config), (e: unknown) => {
            assert.ok(pulumi.InputPropertiesError.isInstance(e));
            assert.deepEqual((e as pulumi.InputPropertiesError).errors, [
                {
                    propertyPath: "rds-iam:engine",
                    reason: 'unknown engine "oracle"; use one of mysql, mariadb, postgres, aurora-mysql, aurora-postgresql',
                },
                {
                    propertyPath: "rds-iam:workloads[0].users[1]",
                    reason: 'user "ghost" is not defined in rds-iam:users (app_rw, reporting_ro); add it there or fix the name',
                },
                {
                    propertyPath: "rds-iam:workloads[1].service",
                    reason: 'unknown service "glue"; use one of ec2, lambda, ecs-tasks',
                },
            ]);
            return true;
        });
    });
});
