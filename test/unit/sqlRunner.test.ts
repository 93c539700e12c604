import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { Database, DatabaseArgs } from "../../components/database";
import { runnerBundlePath } from "../../components/runner/bundle";
import { runnerPackage, storedZip } from "../../components/runner/package";
import { SqlRunner } from "../../components/runner/sqlRunner";
import {
    RecordedResource,
    fakeResourceSuffix,
    installMocks,
    settle,
    valueOf,
} from "../../local/pulumi/mocks";

function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

async function build() {
    const session = installMocks();
    const runner = new SqlRunner("orders-runner", {
        vpcId: "vpc-0a1b2c3d",
        subnetIds: ["subnet-a", "subnet-b"],
        databaseSecurityGroupId: "sg-0database",
        databasePort: 5432,
    });
    await valueOf(runner.functionArn);
    await settle();
    return { runner, resources: session.resources };
}

describe("SqlRunner", () => {
    it("runs the bundled handler on Node.js 22 in the database's subnets, with its own security group, no environment and no layers", async () => {
        const { resources } = await build();
        const [fn] = ofType(resources, "aws:lambda/function:Function");
        assert.deepEqual(
            {
                runtime: fn.inputs.runtime,
                handler: fn.inputs.handler,
                timeout: fn.inputs.timeout,
                memorySize: fn.inputs.memorySize,
                vpcConfig: fn.inputs.vpcConfig,
                environment: fn.inputs.environment,
                layers: fn.inputs.layers,
            },
            {
                runtime: "nodejs22.x",
                handler: "index.handler",
                timeout: 120,
                memorySize: 256,
                vpcConfig: {
                    subnetIds: ["subnet-a", "subnet-b"],
                    securityGroupIds: [
                        `sg-${fakeResourceSuffix("orders-runner-sg").toLowerCase().slice(0, 17)}`,
                    ],
                },
                environment: undefined,
                layers: undefined,
            },
        );
    });

    it("publishes a version of the .zip rds-iam writes itself, and knows its CodeSha256 before AWS answers", async () => {
        const { runner, resources } = await build();
        const [fn] = ofType(resources, "aws:lambda/function:Function");
        const pkg = runnerPackage();
        const zip = fs.readFileSync(pkg.path);
        assert.deepEqual(
            {
                publish: fn.inputs.publish,
                archive: fn.inputs.code instanceof pulumi.asset.FileArchive,
                path: await fn.inputs.code.path,
                codeSha256: fn.inputs.codeSha256,
                output: await valueOf(runner.codeSha256),
            },
            {
                publish: true,
                archive: true,
                path: pkg.path,
                codeSha256: crypto.createHash("sha256").update(zip).digest("base64"),
                output: pkg.codeSha256,
            },
        );
        // One stored entry, index.js holding the bundle as it is, dated 1980-01-01: the same bytes on every machine.
        const bundle = fs.readFileSync(runnerBundlePath());
        assert.deepEqual(
            {
                name: zip.subarray(30, 30 + zip.readUInt16LE(26)).toString(),
                method: zip.readUInt16LE(8),
                time: [zip.readUInt16LE(10), zip.readUInt16LE(12)],
                content: zip.subarray(38, 38 + bundle.length).equals(bundle),
                again: storedZip("index.js", bundle).equals(zip),
            },
            { name: "index.js", method: 0, time: [0, 0x21], content: true, again: true },
        );
    });

    it('writes the standard CRC-32 into the .zip (check value 0xCBF43926 of "123456789", ISO-HDLC)', () => {
        const zip = storedZip("index.js", Buffer.from("123456789"));
        assert.equal(zip.readUInt32LE(14).toString(16), "cbf43926"); // local file header: crc-32 at 14
    });

    it("opens exactly the database port, runner to database, in both security groups", async () => {
        const { resources } = await build();
        const [egress] = ofType(resources, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
        const [ingress] = ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        const runnerSg = egress.inputs.securityGroupId;
        assert.deepEqual(
            [egress.inputs, ingress.inputs].map((r) => ({ ...r, tags: undefined })),
            [
                {
                    securityGroupId: runnerSg,
                    referencedSecurityGroupId: "sg-0database",
                    ipProtocol: "tcp",
                    fromPort: 5432,
                    toPort: 5432,
                    tags: undefined,
                },
                {
                    securityGroupId: "sg-0database",
                    referencedSecurityGroupId: runnerSg,
                    ipProtocol: "tcp",
                    fromPort: 5432,
                    toPort: 5432,
                    tags: undefined,
                },
            ],
        );
    });

    it("gives the function's role only its network interfaces and its own log group: no Secrets Manager, no RDS", async () => {
        const { resources } = await build();
        const [role] = ofType(resources, "aws:iam/role:Role");
        const [policy] = ofType(resources, "aws:iam/rolePolicy:RolePolicy");
        const [logGroup] = ofType(resources, "aws:cloudwatch/logGroup:LogGroup");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy), {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
            ],
        });
        assert.deepEqual(JSON.parse(policy.inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "VpcNetworkInterfaces",
                    Effect: "Allow",
                    Action: [
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses",
                    ],
                    Resource: "*",
                },
                {
                    Sid: "OwnLogs",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: `arn:aws:logs:us-east-1:123456789012:log-group:orders-runner-logs:*`,
                },
            ],
        });
        assert.equal(logGroup.inputs.retentionInDays, 30);
    });
});

describe("Database and its SQL runner", () => {
    const network = { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-a", "subnet-b"] };

    async function database(args: Record<string, unknown>) {
        const session = installMocks();
        const db = new Database("orders", {
            engine: "postgres",
            ...network,
            users: [{ username: "app" }],
            ...args,
        } as DatabaseArgs);
        await valueOf(db.address);
        await settle();
        return { db, resources: session.resources };
    }

    it("runs the users' SQL in a runner in the database's subnets by default, admitted by the database's security group", async () => {
        const { resources } = await database({});
        const user = ofType(resources, "pulumi-nodejs:dynamic/rds-iam:DatabaseUser")[0];
        assert.deepEqual(
            [
                user.inputs.sqlRunner,
                user.inputs.runnerFunction,
                user.inputs.runnerCodeSha256,
                user.inputs.runnerRoleArn,
            ],
            [
                "lambda",
                "arn:aws:lambda:us-east-1:123456789012:function:orders-runner-function",
                runnerPackage().codeSha256,
                "arn:aws:iam::123456789012:role/orders-runner-role",
            ],
        );
        const [fn] = ofType(resources, "aws:lambda/function:Function");
        assert.deepEqual(fn.inputs.vpcConfig.subnetIds, ["subnet-a", "subnet-b"]);
        const [ingress] = ofType(
            resources,
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        ).filter((r) => r.name === "orders-runner-from-runner");
        assert.equal(
            ingress.inputs.securityGroupId,
            `sg-${fakeResourceSuffix("orders-sg").toLowerCase().slice(0, 17)}`,
        );
    });

    it("has its users invoke the version the runner's last change published", async () => {
        const { db, resources } = await database({});
        const user = ofType(resources, "pulumi-nodejs:dynamic/rds-iam:DatabaseUser")[0];
        const [fn] = ofType(resources, "aws:lambda/function:Function");
        assert.equal(user.inputs.runnerVersion, fn.outputs.version);
        assert.equal(await valueOf(db.sqlRunner!.version), fn.outputs.version);
    });

    it("drops the users before the runner, its role policy or its network path go (they depend on all four)", async () => {
        const { resources } = await database({});
        const user = ofType(resources, "pulumi-nodejs:dynamic/rds-iam:DatabaseUser")[0];
        const urnOf = (name: string) => resources.find((r) => r.name === name)!.urn;
        for (const name of [
            "orders-runner-function",
            "orders-runner-policy",
            "orders-runner-to-database",
            "orders-runner-from-runner",
        ]) {
            assert.ok(user.dependencies.includes(urnOf(name)), `the user depends on ${name}`);
        }
    });

    it('makes no runner with sqlRunner "deployer": the users connect from the machine running Pulumi', async () => {
        const { resources } = await database({ sqlRunner: "deployer" });
        assert.deepEqual(ofType(resources, "aws:lambda/function:Function"), []);
        const user = ofType(resources, "pulumi-nodejs:dynamic/rds-iam:DatabaseUser")[0];
        assert.deepEqual(
            ["sqlRunner", "runnerFunction", "runnerVersion", "runnerCodeSha256", "runnerRoleArn"].map(
                (k) => user.inputs[k],
            ),
            [undefined, undefined, undefined, undefined, undefined],
        );
    });

    it("refuses the deployer's tunnel (connectHost) when the SQL runs in the runner", () => {
        installMocks();
        assert.throws(
            () => new Database("orders", { engine: "postgres", ...network, connectHost: "127.0.0.1" }),
            (e: unknown) => {
                assert.deepEqual((e as pulumi.InputPropertiesError).errors, [
                    {
                        propertyPath: "connectHost",
                        reason: 'connectHost/connectPort are the deployer\'s tunnel, but the users\' SQL runs in the SQL runner function (sqlRunner "lambda", the default): remove them, or set sqlRunner: "deployer"',
                    },
                ]);
                return true;
            },
        );
    });
});
