import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseAccessRole, DatabaseAccessRoleArgs } from "../../components/accessRole";
import { shortHash } from "../../components/childNames";
import { Database } from "../../components/database";
import { DatabaseProxy } from "../../components/proxy";
import {
    RecordedResource,
    fakeResourceSuffix,
    installMocks,
    settle,
    valueOf,
} from "../../local/pulumi/mocks";

const network = { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-a", "subnet-b"] };

async function roleWith(args: (db: Database) => DatabaseAccessRoleArgs, partition = "aws") {
    const session = installMocks({ partition, region: partition === "aws-cn" ? "cn-north-1" : "us-east-1" });
    const db = new Database("orders", {
        engine: "postgres",
        ...network,
        users: [{ username: "app_rw" }, { username: "Reporting" }],
    });
    const role = new DatabaseAccessRole("api", args(db));
    const document = JSON.parse(await valueOf(role.policyDocument));
    await valueOf(role.roleArn);
    await settle();
    return { role, db, document, resources: session.resources };
}

function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

const dbId = `db-${fakeResourceSuffix("orders-instance")}`;

describe("DatabaseAccessRole", () => {
    it("lets an EC2 role connect as one user by resource id, with an instance profile", async () => {
        const { role, document, resources } = await roleWith((db) => ({
            service: "ec2",
            grants: [{ database: db, username: "app_rw" }],
        }));
        assert.deepEqual(document, {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: ["rds-db:connect"],
                    Resource: [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${dbId}/app_rw`],
                },
            ],
        });
        const trust = JSON.parse(ofType(resources, "aws:iam/role:Role")[0].inputs.assumeRolePolicy);
        assert.deepEqual(trust, {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
            ],
        });
        assert.deepEqual(
            ofType(resources, "aws:iam/instanceProfile:InstanceProfile").map((r) => [r.name, r.inputs.role]),
            [["api-profile", "api-role"]],
        );
        assert.equal(await valueOf(role.instanceProfileName), "api-profile");
        assert.deepEqual(
            ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => [
                r.name,
                r.inputs.role,
                r.inputs.policyArn,
            ]),
            [["api-connect", "api-role", "arn:aws:iam::123456789012:policy/api-connect"]],
        );
    });

    it("names both users of a database in one statement, case-exact", async () => {
        const { document } = await roleWith((db) => ({
            service: "ecs-tasks",
            grants: [
                { database: db, username: "app_rw" },
                { database: db, username: "Reporting" },
            ],
        }));
        assert.deepEqual(document.Statement, [
            {
                Effect: "Allow",
                Action: ["rds-db:connect"],
                Resource: [
                    `arn:aws:rds-db:us-east-1:123456789012:dbuser:${dbId}/app_rw`,
                    `arn:aws:rds-db:us-east-1:123456789012:dbuser:${dbId}/Reporting`,
                ],
            },
        ]);
    });

    it("grants users of two databases, one of them an Aurora cluster given by resource id", async () => {
        const { document } = await roleWith((db) => ({
            service: "lambda",
            grants: [
                { database: db, username: "app_rw" },
                { resourceId: "cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ", username: "ledger", region: "eu-west-1" },
            ],
        }));
        assert.deepEqual(document.Statement[0].Resource, [
            `arn:aws:rds-db:us-east-1:123456789012:dbuser:${dbId}/app_rw`,
            "arn:aws:rds-db:eu-west-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/ledger",
        ]);
    });

    it("writes aws-cn ARNs in the China partition", async () => {
        const { document } = await roleWith(
            (db) => ({ service: "ec2", grants: [{ database: db, username: "app_rw" }] }),
            "aws-cn",
        );
        assert.deepEqual(document.Statement[0].Resource, [
            `arn:aws-cn:rds-db:cn-north-1:123456789012:dbuser:${dbId}/app_rw`,
        ]);
    });

    it("trusts Lambda and attaches the basic execution and VPC access policies, without an instance profile", async () => {
        const { role, resources } = await roleWith((db) => ({
            service: "lambda",
            grants: [{ database: db, username: "app_rw" }],
        }));
        assert.deepEqual(
            JSON.parse(ofType(resources, "aws:iam/role:Role")[0].inputs.assumeRolePolicy).Statement[0]
                .Principal,
            { Service: "lambda.amazonaws.com" },
        );
        assert.deepEqual(
            ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .map((r) => r.inputs.policyArn)
                .sort(),
            [
                "arn:aws:iam::123456789012:policy/api-connect",
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
            ],
        );
        assert.deepEqual(ofType(resources, "aws:iam/instanceProfile:InstanceProfile"), []);
        assert.equal(role.instanceProfileName, undefined);
    });

    it("trusts ECS tasks", async () => {
        const { resources } = await roleWith((db) => ({
            service: "ecs-tasks",
            grants: [{ database: db, username: "app_rw" }],
        }));
        assert.deepEqual(
            JSON.parse(ofType(resources, "aws:iam/role:Role")[0].inputs.assumeRolePolicy).Statement[0]
                .Principal,
            { Service: "ecs-tasks.amazonaws.com" },
        );
    });

    it("attaches the policy to an existing role, IAM users and groups without creating a role", async () => {
        const { role, resources } = await roleWith((db) => ({
            existingRoleName: "legacy-app",
            attachToUsers: ["alice"],
            attachToGroups: ["dbas"],
            grants: [{ database: db, username: "app_rw" }],
        }));
        // (The only role is the Database's SQL runner's.)
        assert.deepEqual(
            ofType(resources, "aws:iam/role:Role").map((r) => r.name),
            ["orders-runner-role"],
        );
        assert.deepEqual(
            ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => r.inputs.role),
            ["legacy-app"],
        );
        assert.deepEqual(
            ofType(resources, "aws:iam/userPolicyAttachment:UserPolicyAttachment").map((r) => r.inputs.user),
            ["alice"],
        );
        assert.deepEqual(
            ofType(resources, "aws:iam/groupPolicyAttachment:GroupPolicyAttachment").map(
                (r) => r.inputs.group,
            ),
            ["dbas"],
        );
        assert.equal(await valueOf(role.roleArn), "arn:aws:iam::123456789012:role/legacy-app");
    });

    it("names IAM user and group attachments by the user or group, keeping the positional URN as alias", async () => {
        const { resources } = await roleWith((db) => ({
            existingRoleName: "legacy-app",
            attachToUsers: ["alice", "bob"],
            attachToGroups: ["dbas"],
            grants: [{ database: db, username: "app_rw" }],
        }));
        const urn = (type: string, n: string) =>
            `urn:pulumi:dev::rds-iam::rds-iam:index:DatabaseAccessRole$${type}::${n}`;
        const user = "aws:iam/userPolicyAttachment:UserPolicyAttachment";
        const group = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment";
        assert.deepEqual(
            resources
                .filter((r) => r.type === user || r.type === group)
                .map((r) => [r.urn, r.aliases])
                .sort(),
            [
                [urn(user, `api-user-${shortHash("alice")}`), [urn(user, "api-user-0")]],
                [urn(user, `api-user-${shortHash("bob")}`), [urn(user, "api-user-1")]],
                [urn(group, `api-group-${shortHash("dbas")}`), [urn(group, "api-group-0")]],
            ].sort(),
        );
    });

    describe("argument errors", () => {
        function errorsOf(args: (db: Database) => Partial<DatabaseAccessRoleArgs>) {
            installMocks();
            const db = new Database("orders", {
                engine: "mysql",
                ...network,
                databaseName: "orders",
                users: [{ username: "app_rw" }],
            });
            try {
                new DatabaseAccessRole("api", args(db) as DatabaseAccessRoleArgs);
            } catch (e) {
                assert.ok(pulumi.InputPropertiesError.isInstance(e));
                return (e as pulumi.InputPropertiesError).errors;
            }
            assert.fail("expected the constructor to throw");
        }

        it("refuses a grant for a user the database does not define", () => {
            assert.deepEqual(
                errorsOf((db) => ({ service: "ec2", grants: [{ database: db, username: "App_RW" }] })),
                [
                    {
                        propertyPath: "grants[0].username",
                        reason: 'database "orders" defines no user "App_RW" (it has app_rw); add it to the Database\'s users or fix the name',
                    },
                ],
            );
        });

        // What another language's SDK can hand over (the schema types grants[].proxy as any) or a
        // JavaScript caller: refused by name, not a TypeError from inside the component.
        it("refuses a grant whose database or proxy is not a component of this program, naming each", () => {
            assert.deepEqual(
                errorsOf(() => ({
                    service: "ec2",
                    grants: [
                        { database: "db-ABC" as unknown as Database, username: "app_rw" },
                        { proxy: { userNames: ["app_rw"] } as unknown as DatabaseProxy, username: "app_rw" },
                    ],
                })),
                [
                    {
                        propertyPath: "grants[0].database",
                        reason: "give a Database of this program (or grant by resourceId: its resourceId output)",
                    },
                    {
                        propertyPath: "grants[1].proxy",
                        reason: "give a DatabaseProxy of this program (or grant by resourceId: its proxyId output)",
                    },
                ],
            );
        });

        it("refuses an instance identifier in place of a resource id", () => {
            assert.deepEqual(
                errorsOf(() => ({
                    service: "ec2",
                    grants: [{ resourceId: "orders-instance", username: "app" }],
                })),
                [
                    {
                        propertyPath: "grants[0].resourceId",
                        reason: 'resourceId "orders-instance" is not a resource id: use the instance\'s DbiResourceId ("db-…", aws rds describe-db-instances --query "DBInstances[*].DbiResourceId"), the Aurora cluster\'s DbClusterResourceId ("cluster-…") or an RDS Proxy id ("prx-…"), not the database identifier, its ARN or a Pulumi autoname',
                    },
                ],
            );
        });

        it("checks a resource-id grant field by field: a bad region and account are named, an Output resource id is left for later", () => {
            assert.deepEqual(
                errorsOf(() => ({
                    service: "ec2",
                    grants: [
                        {
                            resourceId: pulumi.output("db-ABCDEFGHIJKLMNOPQRSTUVWX"),
                            username: "app",
                            region: "us_east_1",
                            accountId: "1234",
                        },
                    ],
                })),
                [
                    {
                        propertyPath: "grants[0].region",
                        reason: 'region "us_east_1" is not an AWS region such as "us-east-1"',
                    },
                    {
                        propertyPath: "grants[0].accountId",
                        reason: 'accountId "1234" is not a 12-digit AWS account id',
                    },
                ],
            );
        });

        it("accepts a resource-id grant whose resource id is only known at deploy time", async () => {
            const { document } = await roleWith(() => ({
                service: "ec2",
                grants: [
                    { resourceId: pulumi.output("cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ"), username: "ledger" },
                ],
            }));
            assert.deepEqual(document.Statement[0].Resource, [
                "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/ledger",
            ]);
        });

        it("refuses both service and existingRoleName, an instance profile for Lambda and no grants", () => {
            assert.deepEqual(
                errorsOf(() => ({
                    service: "lambda",
                    existingRoleName: "x",
                    instanceProfile: true,
                    grants: [],
                })),
                [
                    {
                        propertyPath: "service",
                        reason: "give exactly one of service (ec2, lambda, ecs-tasks) or existingRoleName",
                    },
                    {
                        propertyPath: "instanceProfile",
                        reason: 'an instance profile is only for service "ec2"; remove instanceProfile',
                    },
                    {
                        propertyPath: "grants",
                        reason: "give at least one grant ({ database, username } or { resourceId, username })",
                    },
                ],
            );
        });

        it("refuses an unknown service", () => {
            assert.deepEqual(
                errorsOf((db) => ({
                    service: "batch" as "ec2",
                    grants: [{ database: db, username: "app_rw" }],
                })),
                [
                    {
                        propertyPath: "service",
                        reason: 'unknown service "batch"; use one of ec2, lambda, ecs-tasks',
                    },
                ],
            );
        });
    });
});

describe("Database.grantConnect", () => {
    it("attaches an inline rds-db:connect policy for one user to a role", async () => {
        const session = installMocks();
        const db = new Database("orders", {
            engine: "postgres",
            ...network,
            users: [{ username: "app_rw" }],
        });
        const aws = await import("@pulumi/aws");
        const role = new aws.iam.Role("worker", { assumeRolePolicy: "{}" });
        const policy = db.grantConnect(role, "app_rw");
        await valueOf(policy.id);
        await settle();
        const recorded = session.resources.find(
            (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name === "orders-connect-app_rw",
        );
        assert.equal(recorded?.inputs.role, "worker");
        assert.deepEqual(JSON.parse(recorded?.inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: ["rds-db:connect"],
                    Resource: [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${dbId}/app_rw`],
                },
            ],
        });
    });

    it("refuses a user the database does not define", () => {
        installMocks();
        const db = new Database("orders", {
            engine: "postgres",
            ...network,
            users: [{ username: "app_rw" }],
        });
        assert.throws(
            () => db.grantConnect({} as never, "nobody"),
            (e: unknown) => {
                assert.deepEqual((e as pulumi.InputPropertiesError).errors, [
                    {
                        propertyPath: "username",
                        reason: 'user "nobody" is not one of this database\'s users (app_rw); add it to users or fix the name',
                    },
                ]);
                return true;
            },
        );
    });
});
