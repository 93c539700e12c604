/**
 * DatabaseArgs.masterPassword (#23.7): "managed" by RDS in Secrets Manager, or "generated" as a Pulumi
 * secret for what the managed one cannot do — "Blue/green deployments don't support managing master
 * user passwords with AWS Secrets Manager" (RDS User Guide, blue/green limitations) — and
 * blueGreenUpdate, which needs it.
 */
import * as assert from "node:assert/strict";
import { Database, DatabaseArgs } from "../../components/database";
import { NETWORK, buildDatabase, databaseErrors } from "../support/databaseUnderMocks";
import { masterPasswordProblem } from "../../components/database/masterPasswordRules";
import { Engine } from "../../components/engines";
import { schemaFailures } from "../../local/aws/schema";
import {
    RecordedResource,
    installMocks,
    settle,
    valueOf,
    withoutSecretEnvelopes,
} from "../../local/pulumi/mocks";

const isSecretEnvelope = (v: unknown) =>
    typeof v === "object" &&
    v !== null &&
    (v as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] !== undefined;

const build = (args: Partial<DatabaseArgs>) => buildDatabase({}, args);

const of = (resources: RecordedResource[], type: string) => resources.filter((r) => r.type === type);

const errorsOf = (args: Partial<DatabaseArgs>) => databaseErrors({}, args);

describe("Database masterPassword (#23.7)", () => {
    it("lets RDS manage the password by default: no password in any input, the users read the managed secret", async () => {
        const { db, resources } = await build({});
        const [instance] = of(resources, "aws:rds/instance:Instance");
        assert.equal(instance.inputs.manageMasterUserPassword, true);
        assert.equal(instance.inputs.password, undefined);
        assert.deepEqual(of(resources, "random:index/randomPassword:RandomPassword"), []);
        assert.match(String(await valueOf(db.masterSecretArn)), /:secret:rds!db-/);
        const [user] = of(resources, "pulumi-nodejs:dynamic/rds-iam:DatabaseUser");
        assert.deepEqual(Object.keys(user.inputs.master).sort(), ["secretArn", "username"]);
    });

    for (const [engine, passwordInput, length] of [
        ["postgres", "password", 40],
        ["mysql", "password", 40],
        ["aurora-mysql", "masterPassword", 40],
        ["aurora-postgresql", "masterPassword", 40],
    ] as [Engine, string, number][]) {
        it(`gives ${engine} a generated ${length}-character password that RDS accepts, kept secret, and the users log in with it instead of a secret ARN`, async () => {
            const { db, resources } = await build({
                engine,
                masterPassword: "generated",
                databaseName: "orders",
            });
            const [password] = of(resources, "random:index/randomPassword:RandomPassword");
            assert.equal(password.name, "orders-master-password");
            const server = of(
                resources,
                engine.startsWith("aurora") ? "aws:rds/cluster:Cluster" : "aws:rds/instance:Instance",
            )[0];
            assert.equal(server.inputs.manageMasterUserPassword, false);
            // Given to RDS as a Pulumi secret (the engine's envelope), never as plain text.
            assert.equal(isSecretEnvelope(server.inputs[passwordInput]), true);
            const given = String(withoutSecretEnvelopes(server.inputs[passwordInput]));
            assert.equal(given, password.outputs.result);
            assert.equal(given.length, length);
            assert.equal(masterPasswordProblem(engine, given), undefined);
            assert.equal(await valueOf(db.masterSecretArn), undefined);
            const [user] = of(resources, "pulumi-nodejs:dynamic/rds-iam:DatabaseUser");
            assert.equal(isSecretEnvelope(user.inputs.master), true);
            assert.deepEqual(withoutSecretEnvelopes(user.inputs.master), {
                username: "dbmaster",
                password: given,
            });
        });
    }

    it("gives the admin provider the generated password as a secret, and reads no managed secret", async () => {
        const session = installMocks();
        new Database("orders", {
            engine: "postgres",
            ...NETWORK,
            databaseName: "orders",
            masterPassword: "generated",
            users: [{ username: "app" }],
        });
        await settle();
        const [admin] = session.resources.filter((r) => r.type === "pulumi:providers:postgresql");
        const [password] = session.resources.filter(
            (r) => r.type === "random:index/randomPassword:RandomPassword",
        );
        assert.equal(isSecretEnvelope(admin.inputs.password), true);
        assert.equal(withoutSecretEnvelopes(admin.inputs.password), password.outputs.result);
        assert.deepEqual(
            session.invokes.filter((i) => i.token === "aws:secretsmanager/getSecretVersion:getSecretVersion"),
            [],
        );
    });

    it("lets a changed engineVersion through as RDS requires (allowMajorVersionUpgrade) and applies changes in the maintenance window unless told", async () => {
        const { resources } = await build({ applyImmediately: true });
        const [instance] = of(resources, "aws:rds/instance:Instance");
        assert.equal(instance.inputs.allowMajorVersionUpgrade, true);
        assert.equal(instance.inputs.applyImmediately, true);
        const later = (await build({})).resources;
        assert.equal(of(later, "aws:rds/instance:Instance")[0].inputs.applyImmediately, false);
    });

    it("turns on the provider's blue/green update for an instance with a generated password", async () => {
        const { resources } = await build({ masterPassword: "generated", blueGreenUpdate: true });
        assert.deepEqual(of(resources, "aws:rds/instance:Instance")[0].inputs.blueGreenUpdate, {
            enabled: true,
        });
    });

    it("refuses blue/green with the managed password and on Aurora, naming the fix", () => {
        assert.deepEqual(errorsOf({ blueGreenUpdate: true }), [
            {
                propertyPath: "blueGreenUpdate",
                reason: 'RDS blue/green deployments don\'t support a master password managed in Secrets Manager (RDS User Guide, blue/green limitations): set masterPassword: "generated", or remove blueGreenUpdate and upgrade in place',
            },
        ]);
        assert.deepEqual(
            errorsOf({ engine: "aurora-postgresql", masterPassword: "generated", blueGreenUpdate: true }).map(
                (e) => e.propertyPath,
            ),
            ["blueGreenUpdate"],
        );
    });

    it("refuses an unknown masterPassword, naming the three choices", () => {
        assert.deepEqual(errorsOf({ masterPassword: "random" as "generated" }), [
            {
                propertyPath: "masterPassword",
                reason: 'masterPassword must be "managed" (RDS keeps it in Secrets Manager), "generated" (a Pulumi secret) or "iam" (an IAM-only master, PostgreSQL engines) (got "random")',
            },
        ]);
    });
});

describe("the local cloud's RDS refuses a master password as CreateDBInstance/CreateDBCluster do (#23.7)", () => {
    const instance = {
        engine: "postgres",
        instanceClass: "db.t4g.micro",
        allocatedStorage: 20,
        username: "dbmaster",
        skipFinalSnapshot: true,
    };

    it("needs one when RDS does not manage it", () => {
        assert.deepEqual(
            schemaFailures("aws:rds/instance:Instance", instance).map((f) => f.property),
            ["password"],
        );
        assert.deepEqual(
            schemaFailures("aws:rds/instance:Instance", { ...instance, manageMasterUserPassword: true }),
            [],
        );
    });

    it('refuses "/", \'"\', "@", spaces and lengths outside 8 to 41 (MySQL) or 128 (PostgreSQL)', () => {
        for (const bad of ["pass/word1", 'pass"word1', "pass@word1", "pass word1", "short"])
            assert.match(
                schemaFailures("aws:rds/instance:Instance", { ...instance, password: bad })[0]?.reason ?? "",
                /MasterUserPassword is not a valid password/,
                bad,
            );
        const long = "a".repeat(42);
        assert.deepEqual(schemaFailures("aws:rds/instance:Instance", { ...instance, password: long }), []);
        assert.equal(
            schemaFailures("aws:rds/instance:Instance", { ...instance, engine: "mysql", password: long })
                .length,
            1,
        );
        assert.equal(
            schemaFailures("aws:rds/cluster:Cluster", {
                engine: "aurora-postgresql",
                masterUsername: "dbmaster",
                skipFinalSnapshot: true,
                masterPassword: long,
            }).length,
            1,
        );
    });
});
