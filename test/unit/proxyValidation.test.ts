/**
 * DatabaseProxy refuses, at preview and before creating anything, what RDS Proxy with end-to-end
 * IAM would refuse or fail later: each refusal names the Arg, the limit (with its source) and the fix.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Database, DatabaseArgs } from "../../components/database";
import { DatabaseProxy, DatabaseProxyArgs } from "../../components/proxy";
import { proxySupportProblems } from "../../components/proxy/support";
import { subnetPlacementProblems } from "../../components/proxy/validateArgs";
import { installMocks, settle } from "../../local/pulumi/mocks";

const network = { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-a", "subnet-b"] };
const PEM = "-----BEGIN CERTIFICATE-----\nMIIBprivateCA\n-----END CERTIFICATE-----\n";

function database(args: Partial<DatabaseArgs> = {}): Database {
    return new Database("orders", {
        engine: "postgres",
        ...network,
        users: [{ username: "app_rw" }, { username: "reporting_ro" }],
        ...args,
    });
}

/** The failures a DatabaseProxy with these Args is refused with, as [property, reason]; none when it is built. */
function refusal(
    args: Partial<DatabaseProxyArgs>,
    db: Database = database(),
    name = "orders-proxy",
): string[][] {
    try {
        new DatabaseProxy(name, { database: db, ...args });
    } catch (e) {
        assert.ok(pulumi.InputPropertiesError.isInstance(e), String(e));
        assert.equal((e as Error).message.split("\n")[0], `DatabaseProxy "${name}" has invalid arguments:`);
        return (e as pulumi.InputPropertiesError).errors.map((f) => [f.propertyPath, f.reason]);
    }
    return [];
}

describe("DatabaseProxy refuses at preview what RDS Proxy would refuse", () => {
    beforeEach(() => installMocks());
    afterEach(settle);

    it("refuses a user the database does not define: the proxy could not log in as it", () => {
        assert.deepEqual(refusal({ users: ["app_rw", "ghost"] }), [
            [
                "users[1]",
                'database "orders" defines no user "ghost" (it has app_rw, reporting_ro): the proxy could not log in as it; add it to the Database\'s users or fix the name',
            ],
        ]);
    });

    it("refuses a database without IAM users, and an empty or repeated users list", () => {
        assert.deepEqual(refusal({}, database({ users: [] })), [
            [
                "users",
                'database "orders" has no IAM users, and an end-to-end IAM proxy logs in only as IAM users; add users to the Database',
            ],
        ]);
        assert.deepEqual(refusal({ users: [] }), [
            ["users", "list at least one of the Database's users, or leave users out for all of them"],
        ]);
        assert.equal(refusal({ users: ["app_rw", "app_rw"] })[0][0], "users[1]");
    });

    it("refuses maxConnectionsPercent outside 1–100 and idleClientTimeout outside 1–28,800 s (RDS API Reference)", () => {
        assert.deepEqual(refusal({ maxConnectionsPercent: 0, idleClientTimeout: 28801 }), [
            [
                "idleClientTimeout",
                "idleClientTimeout must be a whole number from 1 to 28,800 (seconds, RDS API Reference, CreateDBProxy IdleClientTimeout); got 28801",
            ],
            [
                "maxConnectionsPercent",
                "maxConnectionsPercent must be a whole number from 1 to 100 (percent of max_connections, RDS API Reference, ConnectionPoolConfiguration); got 0",
            ],
        ]);
        assert.equal(refusal({ maxConnectionsPercent: 50.5 })[0][0], "maxConnectionsPercent");
        assert.equal(refusal({ idleClientTimeout: 0 })[0][0], "idleClientTimeout");
        assert.deepEqual(refusal({ maxConnectionsPercent: 100, idleClientTimeout: 28800 }), []);
    });

    it("refuses fewer than two subnets (RDS User Guide, 'Setting up network prerequisites for RDS Proxy')", () => {
        assert.deepEqual(refusal({ subnetIds: ["subnet-a"] }), [
            [
                "subnetIds",
                "give at least two subnets in different availability zones of the database's VPC (RDS User Guide, \"Setting up network prerequisites for RDS Proxy\"), or leave subnetIds out for the database's (got 1)",
            ],
        ]);
    });

    it("refuses an open or malformed CIDR block", () => {
        assert.deepEqual(refusal({ allowedCidrBlocks: ["0.0.0.0/0", "10.0.0.0/33"] }), [
            [
                "allowedCidrBlocks[0]",
                '"0.0.0.0/0" admits every address; give the CIDR of your VPC or of the workloads\' subnets (an RDS Proxy is reachable only from inside its VPC, RDS User Guide, "Quotas and limitations for RDS Proxy")',
            ],
            ["allowedCidrBlocks[1]", '"10.0.0.0/33" is not an IPv4 CIDR block such as "10.0.0.0/16"'],
        ]);
    });

    it("refuses a component name RDS cannot name a proxy after (aws.rds.Proxy name rules)", () => {
        for (const name of ["orders--proxy", "1proxy", "orders_proxy", "orders-"]) {
            assert.deepEqual(
                refusal({}, database(), name),
                [
                    [
                        "name",
                        `${JSON.stringify(name)} cannot name an RDS Proxy: use ASCII letters, digits and single hyphens, starting with a letter and not ending with a hyphen`,
                    ],
                ],
                name,
            );
        }
    });

    it("refuses something that is not an rds-iam Database, and a debugLogging that is not a boolean", () => {
        assert.deepEqual(refusal({ database: { engine: "postgres" } as unknown as Database }), [
            [
                "database",
                "give the rds-iam Database the proxy fronts (new DatabaseProxy(name, { database }))",
            ],
        ]);
        assert.deepEqual(refusal({ debugLogging: "yes" as unknown as boolean }), [
            ["debugLogging", "debugLogging must be true or false"],
        ]);
    });

    it("refuses a MariaDB major RDS Proxy does not list (RDS User Guide, 'Supported Regions and DB engines for Amazon RDS Proxy')", () => {
        assert.deepEqual(
            refusal({}, database({ engine: "mariadb", engineVersion: "12.0", databaseName: "app" })),
            [
                [
                    "database",
                    'RDS Proxy does not support MariaDB 12.0: it supports MariaDB 10.5, 10.6, 10.11, 11.4, 11.8 (RDS User Guide, "Supported Regions and DB engines for Amazon RDS Proxy"); give the Database an engineVersion of one of those (11.4, the default, is)',
                ],
            ],
        );
        assert.deepEqual(
            refusal({}, database({ engine: "mariadb", engineVersion: "11.8", databaseName: "app" })),
            [],
        );
    });

    it("refuses Aurora MySQL 2.08–2.10 (Aurora User Guide: 2.07, 2.11 and higher, 3.01.0 and higher)", () => {
        const aurora = (engineVersion: string) =>
            database({ engine: "aurora-mysql", engineVersion, databaseName: "app" });
        assert.deepEqual(refusal({}, aurora("5.7.mysql_aurora.2.10.2")), [
            [
                "database",
                'RDS Proxy does not support Aurora MySQL 5.7.mysql_aurora.2.10.2 (release 2.10.2): it supports Aurora MySQL 3.01.0 and higher, and 2.07 and 2.11 and higher (Aurora User Guide, "Supported Regions and Aurora DB engines for Amazon RDS Proxy"); give the Database a supported full version, or the major "8.0" and let AWS choose',
            ],
        ]);
        for (const ok of [
            "5.7.mysql_aurora.2.07.9",
            "5.7.mysql_aurora.2.11.2",
            "8.0.mysql_aurora.3.10.0",
            "8.0",
        ])
            assert.deepEqual(refusal({}, aurora(ok)), [], ok);
    });

    it("refuses Aurora MySQL where RDS Proxy has none (Asia Pacific (New Zealand) and (Taipei)), when the stack's region is known", () => {
        // The stack's aws:region, as the CLI would set it (restored after).
        const saved = pulumi.runtime.allConfig();
        pulumi.runtime.setAllConfig({ ...saved, "aws:region": "ap-southeast-6" });
        try {
            const db = database({ engine: "aurora-mysql", databaseName: "app", caCertificate: PEM });
            assert.deepEqual(refusal({}, db), [
                [
                    "database",
                    'RDS Proxy has no Aurora MySQL version in Asia Pacific (New Zealand) (ap-southeast-6) (Aurora User Guide, "Supported Regions and Aurora DB engines for Amazon RDS Proxy"); put the Aurora MySQL database in another region, or reach it without a proxy',
                ],
            ]);
        } finally {
            pulumi.runtime.setAllConfig(saved);
        }
        assert.deepEqual(proxySupportProblems("aurora-postgresql", undefined, "ap-southeast-6"), []);
        assert.equal(proxySupportProblems("aurora-mysql", undefined, "ap-east-2").length, 1);
    });

    it("lists every problem at once", () => {
        assert.deepEqual(
            refusal({ users: ["ghost"], maxConnectionsPercent: 101, subnetIds: [] }).map(([p]) => p),
            ["users[0]", "subnetIds", "maxConnectionsPercent"],
        );
    });
});

describe("DatabaseProxy's subnets are checked against the database's VPC (RDS User Guide, 'Setting up network prerequisites for RDS Proxy')", () => {
    it("names a subnet of another VPC, and subnets all in one availability zone", () => {
        assert.deepEqual(
            subnetPlacementProblems(
                [
                    { id: "subnet-a", vpcId: "vpc-0a1b2c3d", availabilityZone: "us-east-1a" },
                    { id: "subnet-x", vpcId: "vpc-0ffee", availabilityZone: "us-east-1a" },
                ],
                "vpc-0a1b2c3d",
            ),
            [
                {
                    property: "subnetIds[1]",
                    reason: "subnet subnet-x is in vpc-0ffee, not in the database's VPC vpc-0a1b2c3d: RDS Proxy must share the database's VPC; give subnets of vpc-0a1b2c3d",
                },
                {
                    property: "subnetIds",
                    reason: "every subnet is in us-east-1a: RDS Proxy needs subnets in at least two availability zones; add a subnet of another zone",
                },
            ],
        );
        assert.deepEqual(
            subnetPlacementProblems(
                [
                    { id: "subnet-a", vpcId: "vpc-0a1b2c3d", availabilityZone: "us-east-1a" },
                    { id: "subnet-b", vpcId: "vpc-0a1b2c3d", availabilityZone: "us-east-1b" },
                ],
                "vpc-0a1b2c3d",
            ),
            [],
        );
    });

    it("asks aws.ec2.getSubnet for given subnets at preview and fails the proxy's subnets when one is in another VPC", async () => {
        installMocks({ preview: true });
        const monitor = (require("@pulumi/pulumi/runtime/settings") as { getMonitor(): any }).getMonitor();
        const call = monitor.mocks.call.bind(monitor.mocks);
        const SUBNETS: Record<string, { vpcId: string; availabilityZone: string }> = {
            "subnet-c": { vpcId: "vpc-0a1b2c3d", availabilityZone: "us-east-1a" },
            "subnet-x": { vpcId: "vpc-0ffee", availabilityZone: "us-east-1b" },
        };
        monitor.mocks.call = (args: pulumi.runtime.MockCallArgs) =>
            args.token === "aws:ec2/getSubnet:getSubnet"
                ? { id: args.inputs.id, ...SUBNETS[args.inputs.id] }
                : call(args);
        const proxy = new DatabaseProxy("orders-proxy", {
            database: database(),
            subnetIds: ["subnet-c", "subnet-x"],
        });
        await assert.rejects(
            (proxy.subnetIds as unknown as { promise(): Promise<string[]> }).promise(),
            (e: unknown) => {
                assert.ok(pulumi.InputPropertiesError.isInstance(e));
                assert.deepEqual((e as pulumi.InputPropertiesError).errors, [
                    {
                        propertyPath: "subnetIds[1]",
                        reason: "subnet subnet-x is in vpc-0ffee, not in the database's VPC vpc-0a1b2c3d: RDS Proxy must share the database's VPC; give subnets of vpc-0a1b2c3d",
                    },
                ]);
                return true;
            },
        );
    });
});

describe("DatabaseProxy with an explicit provider, whose region is known only from its answer", () => {
    it("fails the proxy's engine family, so nothing registers it, when RDS Proxy has no such database in that region", async () => {
        const session = installMocks();
        const aws = require("@pulumi/aws") as typeof import("@pulumi/aws");
        const provider = new aws.Provider("nz", { region: "ap-southeast-6" });
        const db = new Database(
            "orders",
            {
                engine: "aurora-mysql",
                ...network,
                databaseName: "app",
                caCertificate: PEM,
                users: [{ username: "app_rw" }],
            },
            { providers: [provider] },
        );
        const proxy = new DatabaseProxy("orders-proxy", { database: db }, { providers: [provider] });
        await assert.rejects(
            (proxy.arn as unknown as { promise(): Promise<string> }).promise(),
            /RDS Proxy has no Aurora MySQL version in Asia Pacific \(New Zealand\) \(ap-southeast-6\)/,
        );
        await settle();
        assert.deepEqual(
            session.resources.filter((r) => r.type === "aws:rds/proxy:Proxy"),
            [],
        );
    });
});
