/**
 * Grants through a DatabaseProxy: `{ proxy, username }` becomes rds-db:connect on
 * `dbuser:prx-…/<username>` (RDS User Guide, "Connecting to a database through RDS Proxy": clients
 * of an IAM proxy are granted the proxy's resource id), never on the database's own id.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseAccessRole } from "../../components/accessRole";
import { connectPolicyDocument } from "../../components/connectPolicy";
import { Database } from "../../components/database";
import { DatabaseProxy } from "../../components/proxy";
import {
    ACCOUNT_ID,
    RecordedResource,
    fakeResourceSuffix,
    installMocks,
    settle,
    valueOf,
} from "../../local/pulumi/mocks";

const PROXY_ID = `prx-${fakeResourceSuffix("orders-proxy").toLowerCase().slice(0, 17)}`;
const DB_ID = `db-${fakeResourceSuffix("orders-instance")}`;
const dbUser = (id: string, user: string) => `arn:aws:rds-db:us-east-1:${ACCOUNT_ID}:dbuser:${id}/${user}`;

function setup(proxyUsers?: string[]): { db: Database; proxy: DatabaseProxy; resources: RecordedResource[] } {
    const session = installMocks();
    const db = new Database("orders", {
        engine: "postgres",
        vpcId: "vpc-0a1b2c3d",
        subnetIds: ["subnet-a", "subnet-b"],
        users: [{ username: "app_rw" }, { username: "reporting_ro" }],
    });
    const proxy = new DatabaseProxy("orders-proxy", { database: db, users: proxyUsers });
    return { db, proxy, resources: session.resources };
}

describe("grants through a DatabaseProxy", () => {
    it("a workload granted only through the proxy gets dbuser:prx-…/<user> and no grant on the database's db-… id", async () => {
        const { proxy, resources } = setup();
        const role = new DatabaseAccessRole("api", {
            service: "lambda",
            grants: [{ proxy, username: "app_rw" }],
        });
        assert.deepEqual(JSON.parse(await valueOf(role.policyDocument)), {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["rds-db:connect"], Resource: [dbUser(PROXY_ID, "app_rw")] },
            ],
        });
        await settle();
        const policy = resources.find((r) => r.type === "aws:iam/policy:Policy" && r.name === "api-connect")!;
        assert.deepEqual(JSON.parse(policy.inputs.policy).Statement[0].Resource, [
            dbUser(PROXY_ID, "app_rw"),
        ]);
    });

    it("keeps the order of mixed grants: through the proxy, directly, and by resource id", async () => {
        const { db, proxy } = setup();
        const role = new DatabaseAccessRole("ops", {
            service: "ec2",
            grants: [
                { proxy, username: "reporting_ro" },
                { database: db, username: "app_rw" },
                { resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ", username: "other" },
                { proxy, username: "app_rw" },
            ],
        });
        assert.deepEqual(JSON.parse(await valueOf(role.policyDocument)).Statement[0].Resource, [
            dbUser(PROXY_ID, "reporting_ro"),
            dbUser(DB_ID, "app_rw"),
            dbUser("db-ABCDEFGHIJKLMNOPQRSTUVWXYZ", "other"),
            dbUser(PROXY_ID, "app_rw"),
        ]);
        await settle();
    });

    it("refuses at preview a user the proxy does not log in as, naming the grant and the fix", () => {
        const { proxy } = setup(["app_rw"]);
        assert.throws(
            () =>
                new DatabaseAccessRole("api", {
                    service: "lambda",
                    grants: [{ proxy, username: "reporting_ro" }],
                }),
            (e: unknown) => {
                assert.ok(pulumi.InputPropertiesError.isInstance(e));
                assert.deepEqual((e as pulumi.InputPropertiesError).errors, [
                    {
                        propertyPath: "grants[0].username",
                        reason: 'proxy "orders-proxy" does not log in as "reporting_ro" (its users: app_rw), so a login through it as that user would fail; add the user to the DatabaseProxy\'s users or fix the name',
                    },
                ]);
                return true;
            },
        );
    });

    it("grantConnect refuses a user the proxy does not log in as", () => {
        const { proxy } = setup(["app_rw"]);
        const aws = require("@pulumi/aws") as typeof import("@pulumi/aws");
        const role = new aws.iam.Role("worker", { assumeRolePolicy: "{}" });
        assert.throws(
            () => proxy.grantConnect(role, "reporting_ro"),
            (e: unknown) =>
                pulumi.InputPropertiesError.isInstance(e) &&
                (e as pulumi.InputPropertiesError).errors[0].reason ===
                    'user "reporting_ro" is not one of proxy "orders-proxy"\'s users (app_rw); add it to the DatabaseProxy\'s users or fix the name',
        );
    });

    it("connectPolicyDocument takes { proxy, username } and answers an Output of the document", async () => {
        const { proxy } = setup();
        const document = connectPolicyDocument([
            { proxy, username: "app_rw" },
            { region: "eu-west-1", accountId: ACCOUNT_ID, resourceId: DB_ID, username: "app_rw" },
        ]);
        assert.ok(pulumi.Output.isInstance(document));
        assert.deepEqual(await valueOf(document), {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: ["rds-db:connect"],
                    Resource: [
                        dbUser(PROXY_ID, "app_rw"),
                        `arn:aws:rds-db:eu-west-1:${ACCOUNT_ID}:dbuser:${DB_ID}/app_rw`,
                    ],
                },
            ],
        });
        await settle();
    });

    it("connectPolicyDocument throws at once for a user the proxy does not log in as", () => {
        const { proxy } = setup(["app_rw"]);
        assert.throws(
            () => connectPolicyDocument([{ proxy, username: "reporting_ro" }]),
            new Error(
                'cannot build rds-db:connect policy: proxy "orders-proxy" does not log in as "reporting_ro" (its users: app_rw), so a login through it as that user would fail; add the user to the DatabaseProxy\'s users or fix the name',
            ),
        );
    });

    it("connectPolicyDocument stays a plain document for grants without a proxy", () => {
        const document = connectPolicyDocument([
            { region: "us-east-1", accountId: ACCOUNT_ID, resourceId: DB_ID, username: "app_rw" },
        ]);
        assert.deepEqual(document.Statement[0].Resource, [dbUser(DB_ID, "app_rw")]);
    });
});
