import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Database, DatabaseArgs } from "../../components/database";
import { shortHash } from "../../components/childNames";
import { finalSnapshotIdentifier, isSnapshotIdentifier } from "../../components/database/finalSnapshot";
import { Engine } from "../../components/engines";
import {
    RecordedInvoke,
    RecordedResource,
    fakeResourceSuffix,
    installMocks,
    settle,
    valueOf,
} from "../../local/pulumi/mocks";

const network = { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-a", "subnet-b"] };

async function build(
    name: string,
    args: DatabaseArgs,
): Promise<{ db: Database; resources: RecordedResource[]; invokes: RecordedInvoke[] }> {
    const session = installMocks();
    const db = new Database(name, args);
    await valueOf(db.resourceId);
    await valueOf(db.masterSecretArn);
    await settle();
    return { db, resources: session.resources, invokes: session.invokes };
}

function children(resources: RecordedResource[]): string[] {
    return resources
        .filter((r) => r.type !== "rds-iam:index:Database")
        .map((r) => `${r.type} ${r.name}`)
        .sort();
}

function one(resources: RecordedResource[], type: string): RecordedResource {
    const found = resources.filter((r) => r.type === type);
    assert.equal(found.length, 1, `expected one ${type}`);
    return found[0];
}

const instanceEngines: [Engine, string, string][] = [
    ["mysql", "mysql8.4", "require_secure_transport"],
    ["mariadb", "mariadb11.4", "require_secure_transport"],
    ["postgres", "postgres17", "rds.force_ssl"],
];

describe("Database on instance engines", () => {
    for (const [engine, family, tlsParameter] of instanceEngines) {
        describe(engine, () => {
            it(`creates exactly a security group, a subnet group, a parameter group, the instance, the SQL runner, ${engine === "postgres" ? "the admin provider " : ""}and one user`, async () => {
                const { resources } = await build("orders", {
                    engine,
                    ...network,
                    databaseName: "orders",
                    users: [{ username: "app" }],
                });
                assert.deepEqual(
                    children(resources),
                    [
                        // Where RDS publishes IAM authentication errors (#23.9), with a retention.
                        "aws:cloudwatch/logGroup:LogGroup orders-iam-auth-errors",
                        "aws:ec2/securityGroup:SecurityGroup orders-sg",
                        "aws:rds/instance:Instance orders-instance",
                        "aws:rds/parameterGroup:ParameterGroup orders-params",
                        "aws:rds/subnetGroup:SubnetGroup orders-subnets",
                        "random:index/randomId:RandomId orders-final-snapshot",
                        `pulumi-nodejs:dynamic/rds-iam:DatabaseUser orders-user-app`,
                        // sqlRunner "lambda", the default: the users' SQL runs in the database's VPC.
                        "rds-iam:index:SqlRunner orders-runner",
                        "aws:ec2/securityGroup:SecurityGroup orders-runner-sg",
                        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule orders-runner-to-database",
                        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule orders-runner-from-runner",
                        "aws:cloudwatch/logGroup:LogGroup orders-runner-logs",
                        "aws:iam/role:Role orders-runner-role",
                        "aws:iam/rolePolicy:RolePolicy orders-runner-policy",
                        "aws:lambda/function:Function orders-runner-function",
                        ...(engine === "postgres" ? ["pulumi:providers:postgresql orders-admin"] : []),
                    ].sort(),
                );
            });

            it("turns on IAM auth and encryption, keeps the instance private and lets RDS manage the master password", async () => {
                const { resources } = await build("orders", { engine, ...network });
                const inputs = one(resources, "aws:rds/instance:Instance").inputs;
                assert.equal(inputs.iamDatabaseAuthenticationEnabled, true);
                assert.equal(inputs.storageEncrypted, true);
                assert.equal(inputs.publiclyAccessible, false);
                assert.equal(inputs.manageMasterUserPassword, true);
                assert.equal(inputs.password, undefined);
                assert.equal(inputs.deletionProtection, true);
                assert.equal(inputs.engine, engine);
                assert.equal(inputs.parameterGroupName, "orders-params");
            });

            it(`forces TLS with ${tlsParameter}=1 in a ${family} parameter group, applied pending-reboot (terraform-provider-aws#39252: immediate diffs forever where the default is already 1)`, async () => {
                const { resources } = await build("orders", { engine, ...network });
                const params = one(resources, "aws:rds/parameterGroup:ParameterGroup").inputs;
                assert.equal(params.family, family);
                assert.deepEqual(params.parameters, [
                    { name: tlsParameter, value: "1", applyMethod: "pending-reboot" },
                ]);
            });

            it("exposes the DbiResourceId, not the identifier, as resourceId", async () => {
                const { db } = await build("orders", { engine, ...network });
                assert.equal(await valueOf(db.resourceId), `db-${fakeResourceSuffix("orders-instance")}`);
            });
        });
    }

    it("admits exactly the given security groups and CIDR blocks on the engine port, one rule each named by its value", async () => {
        const { resources } = await build("orders", {
            engine: "postgres",
            ...network,
            allowedSecurityGroupIds: ["sg-app"],
            allowedCidrBlocks: ["10.0.0.0/16", "10.1.0.0/16"],
        });
        const rules = resources
            .filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .map((r) => ({ name: r.name, ...r.inputs }));
        const sgId = `sg-${fakeResourceSuffix("orders-sg").toLowerCase().slice(0, 17)}`;
        const common = { securityGroupId: sgId, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, tags: {} };
        assert.deepEqual(
            rules.sort((a, b) => a.name.localeCompare(b.name)),
            [
                {
                    name: `orders-ingress-cidr-${shortHash("10.0.0.0/16")}`,
                    cidrIpv4: "10.0.0.0/16",
                    ...common,
                },
                {
                    name: `orders-ingress-cidr-${shortHash("10.1.0.0/16")}`,
                    cidrIpv4: "10.1.0.0/16",
                    ...common,
                },
                {
                    name: `orders-ingress-sg-${shortHash("sg-app")}`,
                    referencedSecurityGroupId: "sg-app",
                    ...common,
                },
            ].sort((a, b) => a.name.localeCompare(b.name)),
        );
    });

    it("keeps each ingress rule's old positional URN as an alias, so existing stacks replace nothing", async () => {
        const { resources } = await build("orders", {
            engine: "postgres",
            ...network,
            allowedSecurityGroupIds: ["sg-app", pulumi.output("sg-from-another-stack")],
            allowedCidrBlocks: ["10.0.0.0/16"],
        });
        const parent = "urn:pulumi:dev::rds-iam::rds-iam:index:Database::orders";
        const urn = (n: string) =>
            `urn:pulumi:dev::rds-iam::rds-iam:index:Database$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::${n}`;
        assert.deepEqual(
            resources
                .filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                .map((r) => [r.urn, r.parent, r.aliases])
                .sort(),
            [
                [
                    urn(`orders-ingress-cidr-${shortHash("10.0.0.0/16")}`),
                    parent,
                    [urn("orders-ingress-cidr-0")],
                ],
                [urn("orders-ingress-sg-1"), parent, []],
                [urn(`orders-ingress-sg-${shortHash("sg-app")}`), parent, [urn("orders-ingress-sg-0")]],
            ],
        );
    });

    it("refuses a CIDR block or security group listed twice", () => {
        installMocks();
        assert.throws(
            () =>
                new Database("orders", {
                    engine: "mysql",
                    ...network,
                    allowedSecurityGroupIds: ["sg-a", "sg-a"],
                    allowedCidrBlocks: ["10.0.0.0/16", "10.0.0.0/16"],
                }),
            (e: unknown) => {
                assert.deepEqual((e as pulumi.InputPropertiesError).errors, [
                    {
                        propertyPath: "allowedCidrBlocks[1]",
                        reason: '"10.0.0.0/16" is listed twice; list each value once',
                    },
                    {
                        propertyPath: "allowedSecurityGroupIds[1]",
                        reason: '"sg-a" is listed twice; list each value once',
                    },
                ]);
                return true;
            },
        );
    });

    it("creates no ingress rule when no source is allowed", async () => {
        const { resources } = await build("orders", { engine: "mysql", ...network });
        assert.deepEqual(
            resources.filter((r) => r.type.startsWith("aws:vpc/securityGroupIngressRule")),
            [],
        );
    });

    it("gives each DatabaseUser the endpoint, the managed secret and the normalized privileges", async () => {
        const { resources } = await build("orders", {
            engine: "mysql",
            ...network,
            databaseName: "orders",
            users: [{ username: "App_RW", privileges: ["select", "Insert", "SELECT"] }],
        });
        const user = one(resources, "pulumi-nodejs:dynamic/rds-iam:DatabaseUser").inputs;
        const suffix = fakeResourceSuffix("orders-instance");
        const { __provider, ...args } = user;
        assert.equal(typeof __provider, "string");
        assert.deepEqual(args, {
            engine: "mysql",
            host: "orders-instance.c0ffee0example.us-east-1.rds.amazonaws.com",
            port: 3306,
            username: "App_RW",
            database: "orders",
            privileges: ["INSERT", "SELECT"],
            master: {
                username: "dbmaster",
                secretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-${suffix}-${suffix.toLowerCase().slice(0, 8)}-AbCdEf`,
            },
            // The marker a retried create recognises its own user by: project/stack/resource.
            managedBy: "rds-iam/dev/orders-user-App_RW",
            // The users' SQL runs in the SQL runner function inside the VPC (the default).
            sqlRunner: "lambda",
            runnerFunction: "arn:aws:lambda:us-east-1:123456789012:function:orders-runner-function",
            // The published version it invokes, the bundle's SHA-256 it checks first, and the role
            // the function must run as (hardening round 3, item 1).
            runnerVersion: "1",
            runnerCodeSha256: user.runnerCodeSha256,
            runnerRoleArn: "arn:aws:iam::123456789012:role/orders-runner-role",
        });
        assert.match(String(user.runnerCodeSha256), /^[A-Za-z0-9+/]{43}=$/);
    });
});

describe("Database users' privileges", () => {
    it("gives a DatabaseUser ALL alone when ALL comes with privileges it covers, as the server reads it back", async () => {
        const { resources } = await build("orders", {
            engine: "mariadb",
            ...network,
            databaseName: "orders",
            users: [{ username: "owner", privileges: ["ALL", "drop", "SELECT"] }],
        });
        assert.deepEqual(one(resources, "pulumi-nodejs:dynamic/rds-iam:DatabaseUser").inputs.privileges, [
            "ALL",
        ]);
    });
});

describe("Database on Aurora", () => {
    for (const [engine, family, tlsParameter, tlsValue] of [
        // Aurora MySQL cluster groups take ON/OFF (prowler-cloud/prowler#4116; the local cloud refuses "1").
        ["aurora-mysql", "aurora-mysql8.0", "require_secure_transport", "ON"],
        ["aurora-postgresql", "aurora-postgresql17", "rds.force_ssl", "1"],
    ] as [Engine, string, string, string][]) {
        describe(engine, () => {
            it("creates a cluster, a cluster parameter group and one instance per requested instance", async () => {
                const { resources } = await build("ledger", { engine, ...network, instances: 2 });
                assert.deepEqual(
                    children(resources),
                    [
                        "aws:cloudwatch/logGroup:LogGroup ledger-iam-auth-errors",
                        "aws:ec2/securityGroup:SecurityGroup ledger-sg",
                        "aws:rds/cluster:Cluster ledger-cluster",
                        "aws:rds/clusterInstance:ClusterInstance ledger-instance-0",
                        "aws:rds/clusterInstance:ClusterInstance ledger-instance-1",
                        "aws:rds/clusterParameterGroup:ClusterParameterGroup ledger-params",
                        "aws:rds/subnetGroup:SubnetGroup ledger-subnets",
                        "random:index/randomId:RandomId ledger-final-snapshot",
                        ...(engine === "aurora-postgresql"
                            ? ["pulumi:providers:postgresql ledger-admin"]
                            : []),
                    ].sort(),
                );
            });

            it(`turns on IAM auth, encryption, managed master password and ${tlsParameter}=${tlsValue} (pending-reboot) in the ${family} cluster parameter group`, async () => {
                const { resources } = await build("ledger", { engine, ...network });
                const cluster = one(resources, "aws:rds/cluster:Cluster").inputs;
                assert.equal(cluster.iamDatabaseAuthenticationEnabled, true);
                assert.equal(cluster.storageEncrypted, true);
                assert.equal(cluster.manageMasterUserPassword, true);
                assert.equal(cluster.dbClusterParameterGroupName, "ledger-params");
                const params = one(resources, "aws:rds/clusterParameterGroup:ClusterParameterGroup").inputs;
                assert.equal(params.family, family);
                assert.deepEqual(params.parameters, [
                    { name: tlsParameter, value: tlsValue, applyMethod: "pending-reboot" },
                ]);
                assert.equal(
                    one(resources, "aws:rds/clusterInstance:ClusterInstance").inputs.publiclyAccessible,
                    false,
                );
            });

            it("exposes the DbClusterResourceId as resourceId", async () => {
                const { db } = await build("ledger", { engine, ...network });
                assert.equal(await valueOf(db.resourceId), `cluster-${fakeResourceSuffix("ledger-cluster")}`);
            });
        });
    }
});

describe("Database connection and destroy order", () => {
    const urn = (type: string, name: string, parent = "rds-iam:index:Database") =>
        `urn:pulumi:dev::rds-iam::${parent}$${type}::${name}`;
    const ingress = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    const user = "pulumi-nodejs:dynamic/rds-iam:DatabaseUser";

    it("on Aurora, makes the admin provider and every user wait for every cluster instance (#12.2)", async () => {
        const { resources } = await build("ledger", {
            engine: "aurora-postgresql",
            ...network,
            instances: 2,
            users: [{ username: "app" }],
        });
        const instances = [0, 1].map((i) =>
            urn("aws:rds/clusterInstance:ClusterInstance", `ledger-instance-${i}`),
        );
        for (const connecting of [one(resources, "pulumi:providers:postgresql"), one(resources, user)]) {
            assert.deepEqual(
                instances.filter((i) => !connecting.dependencies.includes(i)),
                [],
                `${connecting.name} depends on ${connecting.dependencies.join(", ")}`,
            );
        }
    });

    it("makes users and the admin provider depend on the ingress rules, and deletes users with the instance (#12.5)", async () => {
        const { resources } = await build("orders", {
            engine: "mysql",
            ...network,
            databaseName: "orders",
            allowedCidrBlocks: ["10.0.0.0/16"],
            allowedSecurityGroupIds: ["sg-app"],
            users: [{ username: "app" }],
            adminProvider: true,
        });
        const rules = [
            urn(ingress, `orders-ingress-cidr-${shortHash("10.0.0.0/16")}`),
            urn(ingress, `orders-ingress-sg-${shortHash("sg-app")}`),
        ];
        const provider = one(resources, "pulumi:providers:mysql");
        const dbUser = one(resources, user);
        assert.deepEqual(
            [provider, dbUser].map((r) => rules.filter((rule) => r.dependencies.includes(rule))),
            [rules, rules],
        );
        assert.deepEqual(
            [dbUser.deletedWith, provider.deletedWith],
            [urn("aws:rds/instance:Instance", "orders-instance"), ""],
        );
    });

    it("offers options for admin-provider resources: the provider, the network path and deletedWith the database", async () => {
        const { db } = await build("orders", {
            engine: "postgres",
            ...network,
            allowedCidrBlocks: ["10.0.0.0/16"],
        });
        const options = db.adminResourceOptions!;
        assert.equal(options.provider, db.adminProvider);
        assert.equal(options.deletedWith, db.instance);
        assert.deepEqual(options.dependsOn, [db.instance, ...db.ingressRules]);
    });
});

describe("Database final snapshot (#12.6)", () => {
    it("names the final snapshot with a random suffix made once per instance lifetime, kept by what replaces the instance", async () => {
        const { resources } = await build("orders", { engine: "postgres", ...network, databaseName: "app" });
        const suffix = one(resources, "random:index/randomId:RandomId");
        const hex = suffix.outputs.hex;
        assert.deepEqual(
            [one(resources, "aws:rds/instance:Instance").inputs.finalSnapshotIdentifier, suffix.inputs],
            [
                `orders-final-${hex}`,
                {
                    byteLength: 4,
                    keepers: {
                        engine: "postgres",
                        masterUsername: "dbmaster",
                        databaseName: "app",
                        kmsKeyId: "",
                        subnetGroupName: "orders-subnets",
                    },
                },
            ],
        );
        assert.equal(isSnapshotIdentifier(`orders-final-${hex}`), true);
    });

    it("gives an Aurora cluster the same kind of name, and no snapshot name (nor suffix) when it is skipped", async () => {
        const kept = await build("ledger", { engine: "aurora-mysql", ...network });
        const skipped = await build("scratch", {
            engine: "aurora-mysql",
            ...network,
            skipFinalSnapshot: true,
        });
        assert.deepEqual(
            [
                one(kept.resources, "aws:rds/cluster:Cluster").inputs.finalSnapshotIdentifier,
                one(skipped.resources, "aws:rds/cluster:Cluster").inputs.finalSnapshotIdentifier,
                skipped.resources.filter((r) => r.type.startsWith("random:")).length,
            ],
            [
                `ledger-final-${one(kept.resources, "random:index/randomId:RandomId").outputs.hex}`,
                undefined,
                0,
            ],
        );
    });

    it("makes any component name a valid RDS snapshot identifier", () => {
        const names = ["Orders_DB", "1st-db", "a--b-", "ünïcode", "x".repeat(300)];
        const ids = names.map((n) => finalSnapshotIdentifier(n, "0a1b2c3d"));
        assert.deepEqual(ids.slice(0, 4), [
            "orders-db-final-0a1b2c3d",
            "st-db-final-0a1b2c3d",
            "a-b-final-0a1b2c3d",
            "n-code-final-0a1b2c3d",
        ]);
        assert.deepEqual([ids[4].length, ids.every(isSnapshotIdentifier)], [255, true]);
    });
});

describe("Database engine versions", () => {
    function server(resources: RecordedResource[]): RecordedResource {
        return resources.find(
            (r) => r.type === "aws:rds/instance:Instance" || r.type === "aws:rds/cluster:Cluster",
        )!;
    }

    it("gives instances the default major version only, with auto minor upgrades and no version pinned against them", async () => {
        const versions: Record<string, unknown[]> = {};
        for (const engine of ["mysql", "mariadb", "postgres"] as Engine[]) {
            const { resources } = await build("orders", { engine, ...network });
            const instance = server(resources);
            versions[engine] = [
                instance.inputs.engineVersion,
                instance.inputs.autoMinorVersionUpgrade,
                instance.ignoreChanges,
            ];
        }
        assert.deepEqual(versions, {
            mysql: ["8.4", true, []],
            mariadb: ["11.4", true, []],
            postgres: ["17", true, []],
        });
    });

    it("resolves Aurora's version at deploy time from AWS's default for the family and keeps later minor upgrades out of the diff", async () => {
        const { resources, invokes } = await build("ledger", {
            engine: "aurora-mysql",
            ...network,
            instances: 2,
        });
        assert.deepEqual(
            invokes
                .filter((i) => i.token === "aws:rds/getEngineVersion:getEngineVersion")
                .map((i) => i.inputs),
            [
                {
                    engine: "aurora-mysql",
                    parameterGroupFamily: "aurora-mysql8.0",
                    defaultOnly: true,
                    latest: true,
                },
            ],
        );
        assert.deepEqual(
            resources
                .filter((r) => r.type.startsWith("aws:rds/cluster"))
                .map((r) => [
                    r.name,
                    r.inputs.engineVersion,
                    r.inputs.autoMinorVersionUpgrade,
                    r.ignoreChanges,
                ])
                .sort(),
            [
                ["ledger-cluster", "8.0.mysql_aurora.3.10.0", undefined, ["engineVersion"]],
                ["ledger-instance-0", "8.0.mysql_aurora.3.10.0", true, ["engineVersion"]],
                ["ledger-instance-1", "8.0.mysql_aurora.3.10.0", true, ["engineVersion"]],
                ["ledger-params", undefined, undefined, []],
            ],
        );
    });

    it("resolves a major version given for Aurora PostgreSQL within that major's family", async () => {
        const { resources } = await build("ledger", {
            engine: "aurora-postgresql",
            ...network,
            engineVersion: "16",
        });
        assert.deepEqual(
            [
                server(resources).inputs.engineVersion,
                one(resources, "aws:rds/clusterParameterGroup:ClusterParameterGroup").inputs.family,
            ],
            ["16.8", "aurora-postgresql16"],
        );
    });

    it("pins a full version as given, with auto minor upgrades off so state and AWS never disagree", async () => {
        const { resources } = await build("orders", { engine: "mysql", ...network, engineVersion: "8.4.3" });
        const instance = server(resources);
        assert.deepEqual(
            [
                instance.inputs.engineVersion,
                instance.inputs.autoMinorVersionUpgrade,
                one(resources, "aws:rds/parameterGroup:ParameterGroup").inputs.family,
            ],
            ["8.4.3", false, "mysql8.4"],
        );
    });
});

describe("Database argument errors", () => {
    function errorOf(args: Partial<DatabaseArgs>): pulumi.InputPropertiesError {
        installMocks();
        try {
            new Database("bad", args as DatabaseArgs);
        } catch (e) {
            assert.ok(pulumi.InputPropertiesError.isInstance(e), `expected InputPropertiesError, got ${e}`);
            return e as pulumi.InputPropertiesError;
        }
        assert.fail("expected the constructor to throw");
    }

    it("names an unknown engine and lists the supported ones", () => {
        assert.deepEqual(errorOf({ engine: "oracle" as Engine, ...network }).errors, [
            {
                propertyPath: "engine",
                reason: 'unknown engine "oracle"; use one of mysql, mariadb, postgres, aurora-mysql, aurora-postgresql',
            },
        ]);
    });

    it("refuses empty subnets", () => {
        assert.deepEqual(errorOf({ engine: "postgres", vpcId: "vpc-1", subnetIds: [] }).errors, [
            {
                propertyPath: "subnetIds",
                reason: "give at least two private subnet ids in different availability zones (got 0)",
            },
        ]);
    });

    it("refuses the Aurora-only instances option on an instance engine", () => {
        assert.deepEqual(errorOf({ engine: "postgres", ...network, instances: 2 }).errors, [
            {
                propertyPath: "instances",
                reason: "instances is Aurora-only; for postgres remove it (use multiAz for a standby) or choose engine aurora-postgresql",
            },
        ]);
    });

    it("refuses a username with a quote and an unknown privilege, reporting both at once", () => {
        assert.deepEqual(
            errorOf({
                engine: "mysql",
                ...network,
                databaseName: "app",
                users: [{ username: "bob'--", privileges: ["SELECT", "GRANT OPTION"] }],
            }).errors,
            [
                {
                    propertyPath: "users[0].username",
                    reason: 'username "bob\'--" contains "\'" (U+0027); use only ASCII letters, digits and underscores, starting with a letter or underscore',
                },
                {
                    propertyPath: "users[0].privileges[1]",
                    reason: 'unknown privilege "GRANT OPTION" for mysql; use one of ALL, SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, REFERENCES',
                },
            ],
        );
    });

    it("refuses the master user as an IAM user", () => {
        assert.deepEqual(
            errorOf({ engine: "postgres", ...network, users: [{ username: "dbmaster" }] }).errors,
            [
                {
                    propertyPath: "users[0].username",
                    reason: 'username "dbmaster" is the master user; IAM authentication would lock it out of password login. Create a separate user for IAM',
                },
            ],
        );
    });

    it("refuses the same user twice and multiAz on Aurora", () => {
        assert.deepEqual(
            errorOf({
                engine: "aurora-mysql",
                ...network,
                multiAz: true,
                users: [{ username: "app" }, { username: "app" }],
            }).errors,
            [
                {
                    propertyPath: "multiAz",
                    reason: "multiAz is for instance engines; for Aurora set instances: 2 or more",
                },
                {
                    propertyPath: "users[1].username",
                    reason: 'user "app" is listed twice; list each user once',
                },
            ],
        );
    });

    it("refuses a system database as databaseName", () => {
        assert.deepEqual(errorOf({ engine: "mysql", ...network, databaseName: "sys" }).errors, [
            {
                propertyPath: "databaseName",
                reason: 'database "sys" is a system database of MySQL: it holds views over performance_schema and the server\'s internals. Grant privileges on a database of your own',
            },
        ]);
    });

    it("refuses MariaDB before 10.11, which has no IAM authentication on RDS, naming the fix", () => {
        assert.deepEqual(errorOf({ engine: "mariadb", ...network, engineVersion: "10.6" }).errors, [
            {
                propertyPath: "engineVersion",
                reason: 'MariaDB 10.6 has no IAM database authentication on RDS (it needs 10.11 or later, see "Supported Regions and DB engines for IAM database authentication" in the RDS User Guide); choose 11.4 or another version from 10.11',
            },
        ]);
    });

    it("refuses a version that is not written the way RDS writes the engine's versions", () => {
        assert.deepEqual(errorOf({ engine: "aurora-mysql", ...network, engineVersion: "3.08.0" }).errors, [
            {
                propertyPath: "engineVersion",
                reason: '"3.08.0" is not a version of Aurora MySQL; give a major version such as "8.0" (recommended: minor upgrades follow AWS) or a full one such as "8.0.mysql_aurora.3.10.0", or leave it out for 8.0',
            },
        ]);
    });

    it("refuses a malformed CIDR block", () => {
        assert.deepEqual(
            errorOf({ engine: "mariadb", ...network, allowedCidrBlocks: ["10.0.0.0/33"] }).errors,
            [
                {
                    propertyPath: "allowedCidrBlocks[0]",
                    reason: '"10.0.0.0/33" is not an IPv4 CIDR block such as "10.0.0.0/16"',
                },
            ],
        );
    });

    it("says which property failed in the error message", () => {
        assert.equal(
            errorOf({ engine: "postgres", vpcId: "vpc-1", subnetIds: ["subnet-a"] }).message,
            'Database "bad" has invalid arguments:\n  subnetIds: give at least two private subnet ids in different availability zones (got 1)',
        );
    });
});
