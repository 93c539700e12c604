/**
 * Provisioning without the master password (#23.11). masterPassword "iam": RDS's IAM-only master, MasterUserAuthenticationType iam-db-auth,
 * "only valid for RDS for PostgreSQL and Aurora PostgreSQL engines" (RDS API Reference,
 * ModifyDBInstance / ModifyDBCluster); iamAdmin: an IAM admin the master makes on the MySQL-family
 * engines, which have none. The resource graph and every refusal, through the mocks; the real runs
 * are test/engine/iamMaster.test.ts and iamAdmin.test.ts.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Database, DatabaseArgs } from "../../components/database";
import { NETWORK, buildDatabase, databaseErrors } from "../support/databaseUnderMocks";
import { Engine } from "../../components/engines";
import { checkUserInputs } from "../../components/provider/inputs";
import { handler } from "../../components/runner/handler";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import {
    RecordedResource,
    installMocks,
    settle,
    valueOf,
    withoutSecretEnvelopes,
} from "../../local/pulumi/mocks";

const SWITCH = "pulumi-nodejs:dynamic/rds-iam:MasterAuthentication";
const USER = "pulumi-nodejs:dynamic/rds-iam:DatabaseUser";

const build = (args: Partial<DatabaseArgs>) => buildDatabase({ masterPassword: "iam" }, args);

const of = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);

const errorsOf = (args: Partial<DatabaseArgs>) => databaseErrors({ masterPassword: "iam" }, args);

describe('Database masterPassword "iam": an IAM-only master (#23.11)', () => {
    for (const [engine, kind] of [
        ["postgres", "instance"],
        ["aurora-postgresql", "cluster"],
    ] as [Engine, "instance" | "cluster"][]) {
        it(`${engine}: created with a generated password, then switched by ModifyDB${kind === "instance" ? "Instance" : "Cluster"} once it can be reached`, async () => {
            const { resources } = await build({ engine });
            const server = of(
                resources,
                kind === "instance" ? "aws:rds/instance:Instance" : "aws:rds/cluster:Cluster",
            )[0];
            assert.equal(server.inputs.manageMasterUserPassword, false);
            const [password] = of(resources, "random:index/randomPassword:RandomPassword");
            const [change] = of(resources, SWITCH);
            assert.equal(change.name, "orders-master-iam");
            assert.equal(change.inputs.kind, kind);
            assert.equal(change.inputs.masterUserAuthenticationType, "iam-db-auth");
            assert.equal(
                change.inputs.identifier,
                kind === "instance" ? server.outputs.identifier : server.outputs.clusterIdentifier,
            );
            assert.equal(change.inputs.region, "us-east-1");
            // Kept for the way back to password login, and only as a secret.
            assert.equal(withoutSecretEnvelopes(change.inputs.password), password.outputs.result);
            if (kind === "cluster") {
                const instances = of(resources, "aws:rds/clusterInstance:ClusterInstance").map((r) => r.urn);
                assert.ok(instances.length > 0);
                for (const urn of instances)
                    assert.ok(change.dependencies.includes(urn), "waits for the instances");
            }
            // The users wait for the switch: they log in with a token, which works only after it.
            const [user] = of(resources, USER);
            assert.ok(user.dependencies.includes(change.urn));
        });
    }

    it("gives the users' provider no password and no secret: master.iamAuth, signed with the stack's AWS settings", async () => {
        const { db, resources } = await build({});
        const [user] = of(resources, USER);
        assert.deepEqual(withoutSecretEnvelopes(user.inputs.master), { username: "dbmaster", iamAuth: true });
        assert.equal(await valueOf(db.masterSecretArn), undefined);
    });

    it("lets the SQL runner's role connect as the master of this database only, and only in this mode", async () => {
        const { db, resources } = await build({});
        const resourceId = await valueOf(db.resourceId);
        const connect = of(resources, "aws:iam/rolePolicy:RolePolicy").filter(
            (r) => r.name === "orders-runner-master-connect",
        );
        assert.equal(connect.length, 1);
        const document = JSON.parse(String(withoutSecretEnvelopes(connect[0].inputs.policy)));
        assert.deepEqual(
            document.Statement.map((s: any) => [s.Effect, s.Action, s.Resource]),
            [
                [
                    "Allow",
                    ["rds-db:connect"],
                    [`arn:aws:rds-db:us-east-1:123456789012:dbuser:${resourceId}/dbmaster`],
                ],
            ],
        );
        const generated = await build({ masterPassword: "generated" });
        assert.deepEqual(
            of(generated.resources, "aws:iam/rolePolicy:RolePolicy").filter((r) =>
                r.name.endsWith("master-connect"),
            ),
            [],
        );
        assert.deepEqual(of(generated.resources, SWITCH), []);
    });

    it("gives the admin provider aws_rds_iam_auth in the database's region instead of a password", async () => {
        const { resources } = await build({});
        const [admin] = of(resources, "pulumi:providers:postgresql");
        assert.equal(admin.inputs.awsRdsIamAuth, "true");
        assert.equal(admin.inputs.awsRdsIamRegion, "us-east-1");
        assert.equal(admin.inputs.password, undefined);
    });

    it("signs the admin provider's token with the stack's aws:profile and its one role to assume", async () => {
        try {
            installMocks();
            pulumi.runtime.setAllConfig({
                "aws:region": "us-east-1",
                "aws:profile": "deployer",
                "aws:assumeRoles": JSON.stringify([
                    { roleArn: "arn:aws:iam::210987654321:role/database-admin" },
                ]),
            });
            const session = installMocks();
            new Database("orders", {
                engine: "postgres",
                ...NETWORK,
                databaseName: "orders",
                masterPassword: "iam",
                users: [{ username: "app" }],
            });
            await settle();
            const [admin] = of(session.resources, "pulumi:providers:postgresql");
            assert.equal(admin.inputs.awsRdsIamProfile, "deployer");
            assert.equal(
                admin.inputs.awsRdsIamProviderRoleArn,
                "arn:aws:iam::210987654321:role/database-admin",
            );
        } finally {
            pulumi.runtime.setAllConfig({});
        }
    });

    for (const engine of ["mysql", "mariadb", "aurora-mysql"] as Engine[])
        it(`refuses it on ${engine}, naming the engines RDS offers it on`, () => {
            assert.deepEqual(errorsOf({ engine }), [
                {
                    propertyPath: "masterPassword",
                    reason: `masterPassword "iam" (MasterUserAuthenticationType iam-db-auth) is offered by RDS only for postgres and aurora-postgresql ("only valid for RDS for PostgreSQL and Aurora PostgreSQL engines", RDS API Reference); on ${engine} use "managed" or "generated"`,
                },
            ]);
        });

    it("refuses blueGreenUpdate with it", () => {
        assert.deepEqual(
            errorsOf({ blueGreenUpdate: true }).map((e) => e.propertyPath),
            ["blueGreenUpdate"],
        );
    });
});

describe("DatabaseUser master.iamAuth (#23.11)", () => {
    const inputs = (master: Record<string, unknown>, engine = "postgres") => ({
        engine,
        host: "orders.c0ffee0example.us-east-1.rds.amazonaws.com",
        port: engine === "postgres" ? 5432 : 3306,
        username: "app",
        database: "orders",
        privileges: ["SELECT"],
        master: { username: "dbmaster", ...master },
    });
    const masterFailures = (i: Record<string, unknown>) =>
        checkUserInputs(i).filter((f) => f.property.startsWith("master"));

    it("is one of the three ways to log in as the master", () => {
        assert.deepEqual(masterFailures(inputs({ iamAuth: true })), []);
        for (const both of [{ iamAuth: true, password: "x-password" }, {}])
            assert.deepEqual(
                masterFailures(inputs(both)).map((f) => f.property),
                ["master"],
            );
        assert.deepEqual(
            masterFailures(inputs({ iamAuth: false })).map((f) => f.property),
            ["master.iamAuth"],
        );
    });

    it("on MySQL-protocol engines, where RDS has no IAM-only master, needs the master it acts for (the IAM admin)", () => {
        assert.match(
            masterFailures(inputs({ iamAuth: true }, "mariadb"))[0]?.reason ?? "",
            /master.username is the IAM admin \(DatabaseArgs.iamAdmin\) and master.masterUsername must name the database's master user/,
        );
    });

    it("makes the SQL runner refuse a request that carries a password anyway, and one with neither", async () => {
        const request = (master: Record<string, unknown>, password?: string) =>
            handler({ operation: "create", inputs: inputs(master), ...(password ? { password } : {}) });
        assert.deepEqual(
            await handler({ operation: "create", inputs: inputs({ iamAuth: true }), password: "p" }),
            {
                ok: false,
                message:
                    "the SQL runner refused the request: it carries a master password for an IAM-only master (master.iamAuth)",
            },
        );
        assert.deepEqual(await request({}), {
            ok: false,
            message: "the SQL runner refused the request: it carries no master password",
        });
    });
});

describe("the local cloud's RDS API refuses what ModifyDBInstance refuses, through the real @aws-sdk/client-rds (#23.11)", function () {
    this.timeout(60_000);
    let cloud: LocalCloud;
    before(async () => {
        cloud = await startLocalCloud();
        const instance = (identifier: string, engine: string, iam: boolean) =>
            cloud.seed("aws:rds/instance:Instance", identifier, {
                identifier,
                engine,
                iamDatabaseAuthenticationEnabled: iam,
            });
        instance("pg-iam", "postgres", true);
        instance("pg-no-iam", "postgres", false);
        instance("maria", "mariadb", true);
    });
    after(() => cloud?.close());

    const modify = async (identifier: string, type = "iam-db-auth") => {
        const rds = require("@aws-sdk/client-rds") as typeof import("@aws-sdk/client-rds");
        const client = new rds.RDSClient({
            region: "us-east-1",
            endpoint: cloud.env.AWS_ENDPOINT_URL_RDS,
            credentials: {
                accessKeyId: cloud.env.AWS_ACCESS_KEY_ID,
                secretAccessKey: cloud.env.AWS_SECRET_ACCESS_KEY,
            },
        });
        try {
            return await client.send(
                new rds.ModifyDBInstanceCommand({
                    DBInstanceIdentifier: identifier,
                    MasterUserAuthenticationType: type as "iam-db-auth",
                    ApplyImmediately: true,
                }),
            );
        } finally {
            client.destroy();
        }
    };

    it("switches a PostgreSQL instance with IAM database authentication on", async () => {
        const answer = await modify("pg-iam");
        assert.equal(answer.DBInstance?.DBInstanceIdentifier, "pg-iam");
        assert.equal(answer.DBInstance?.DBInstanceStatus, "available");
    });

    it("refuses other engines (only valid for RDS for PostgreSQL and Aurora PostgreSQL), IAM auth off, unknown values and instances", async () => {
        await assert.rejects(modify("maria"), {
            name: "InvalidParameterCombination",
            message: /only valid for RDS for PostgreSQL/,
        });
        await assert.rejects(modify("pg-no-iam"), { name: "InvalidParameterCombination" });
        await assert.rejects(modify("pg-iam", "kerberos"), { name: "InvalidParameterValue" });
        await assert.rejects(modify("missing"), { name: "DBInstanceNotFoundFault" });
    });
});

describe("Database iamAdmin: an IAM admin on MySQL-family engines (#23.11)", () => {
    for (const engine of ["mysql", "mariadb", "aurora-mysql"] as Engine[])
        it(`${engine}: the master makes iam_admin, and the users log in as it with a token, never as the master`, async () => {
            const { db, resources } = await build({ engine, masterPassword: undefined, iamAdmin: true });
            const users = of(resources, USER);
            const admin = users.find((u) => u.name === "orders-iam-admin")!;
            assert.equal(admin.inputs.username, "iam_admin");
            assert.equal(admin.inputs.iamAdmin, true);
            assert.deepEqual(admin.inputs.privileges, []);
            assert.deepEqual(Object.keys(withoutSecretEnvelopes(admin.inputs.master) as object).sort(), [
                "secretArn",
                "username",
            ]);
            const app = users.find((u) => u.name === "orders-user-app")!;
            assert.deepEqual(withoutSecretEnvelopes(app.inputs.master), {
                username: "iam_admin",
                iamAuth: true,
                masterUsername: "dbmaster",
            });
            assert.ok(app.dependencies.includes(admin.urn), "the users wait for the admin");
            const resourceId = await valueOf(db.resourceId);
            const [connect] = of(resources, "aws:iam/rolePolicy:RolePolicy").filter(
                (r) => r.name === "orders-runner-master-connect",
            );
            assert.deepEqual(JSON.parse(String(connect.inputs.policy)).Statement[0].Resource, [
                `arn:aws:rds-db:us-east-1:123456789012:dbuser:${resourceId}/iam_admin`,
            ]);
        });

    it("is refused on PostgreSQL engines, naming the IAM-only master instead, and a user may not take its name", () => {
        for (const engine of ["postgres", "aurora-postgresql"] as Engine[])
            assert.match(
                errorsOf({ engine, masterPassword: undefined, iamAdmin: true })[0]?.reason ?? "",
                /set masterPassword: "iam" instead/,
            );
        assert.deepEqual(
            errorsOf({
                engine: "mariadb",
                masterPassword: undefined,
                iamAdmin: true,
                users: [{ username: "iam_admin" }],
            } as Partial<DatabaseArgs>).map((e) => e.propertyPath),
            ["users[0].username"],
        );
    });

    it("makes no admin without it", async () => {
        const { resources } = await build({ engine: "mariadb", masterPassword: undefined });
        assert.deepEqual(
            of(resources, USER).map((u) => u.inputs.username),
            ["app"],
        );
    });
});

describe("DatabaseUser iamAdmin and master.masterUsername (#23.11)", () => {
    const mysql = (extra: Record<string, unknown>) => ({
        engine: "mariadb",
        host: "orders.c0ffee0example.us-east-1.rds.amazonaws.com",
        port: 3306,
        username: "app",
        privileges: [],
        ...extra,
    });
    const failures = (i: Record<string, unknown>) =>
        checkUserInputs(i).map((f) => `${f.property}: ${f.reason}`);

    it("lets a user log in as the IAM admin only when it names the master it acts for, and never be that master", () => {
        assert.deepEqual(
            failures(mysql({ master: { username: "iam_admin", iamAuth: true, masterUsername: "dbmaster" } })),
            [],
        );
        assert.match(
            failures(mysql({ master: { username: "iam_admin", iamAuth: true } }))[0],
            /^master.masterUsername: /,
        );
        assert.match(
            failures(
                mysql({
                    username: "dbmaster",
                    master: { username: "iam_admin", iamAuth: true, masterUsername: "dbmaster" },
                }),
            )[0],
            /^username: username "dbmaster" is the master user/,
        );
    });

    it("makes the admin only on MySQL-family engines, with no privileges, by the master's password", () => {
        const admin = {
            username: "iam_admin",
            iamAdmin: true,
            master: { username: "dbmaster", password: "p4ssword" },
        };
        assert.deepEqual(failures(mysql(admin)), []);
        assert.match(
            failures(mysql({ ...admin, privileges: ["SELECT"], database: "app" })).join(),
            /leave privileges empty/,
        );
        assert.match(
            failures(
                mysql({
                    ...admin,
                    master: { username: "dbmaster", iamAuth: true, masterUsername: "dbmaster" },
                }),
            ).join(),
            /created by the master with its password/,
        );
        assert.match(
            failures({ ...mysql(admin), engine: "postgres", port: 5432, database: "app" }).join(),
            /^iamAdmin: an IAM admin user is offered on MySQL-family engines/,
        );
    });
});
