/**
 * IAM login failures exported to CloudWatch Logs (#23.9): every engine rds-iam supports exports
 * `iam-db-auth-error` (RDS API Reference, CreateDBInstance and CreateDBCluster,
 * EnableCloudwatchLogsExports), into `/aws/rds/<instance|cluster>/<identifier>/iam-db-auth-error`
 * (RDS User Guide, "Publishing database logs to Amazon CloudWatch Logs"), which the component makes
 * with a retention instead of leaving RDS to make it never expiring.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { Database, DatabaseArgs } from "../../components/database";
import { ENGINES, isAurora } from "../../components/engines";
import { schemaFailures } from "../../local/aws/schema";
import { RecordedResource, installMocks, settle, valueOf } from "../../local/pulumi/mocks";

const network = { vpcId: "vpc-0a1b2c3d", subnetIds: ["subnet-a", "subnet-b"] };

async function build(args: Partial<DatabaseArgs>): Promise<RecordedResource[]> {
    const session = installMocks();
    const db = new Database("orders", { engine: "postgres", ...network, ...args } as DatabaseArgs);
    await valueOf(db.resourceId);
    await settle();
    return session.resources;
}

const logGroups = (resources: RecordedResource[]) =>
    resources.filter(
        (r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && !r.name.endsWith("-runner-logs"),
    );

describe("IAM authentication errors in CloudWatch Logs (#23.9)", () => {
    for (const engine of ENGINES) {
        it(`exports iam-db-auth-error on ${engine} into the group RDS publishes to, kept 30 days`, async () => {
            const resources = await build({ engine });
            const server = resources.find(
                (r) =>
                    r.type === (isAurora(engine) ? "aws:rds/cluster:Cluster" : "aws:rds/instance:Instance"),
            )!;
            assert.deepEqual(server.inputs.enabledCloudwatchLogsExports, ["iam-db-auth-error"]);
            // On Aurora the cluster exports; its instances have no exports of their own.
            for (const i of resources.filter((r) => r.type === "aws:rds/clusterInstance:ClusterInstance"))
                assert.equal(i.inputs.enabledCloudwatchLogsExports, undefined);
            const [group] = logGroups(resources);
            const kind = isAurora(engine) ? "cluster" : "instance";
            const identifier = server.outputs[isAurora(engine) ? "clusterIdentifier" : "identifier"];
            assert.equal(group.inputs.name, `/aws/rds/${kind}/${identifier}/iam-db-auth-error`);
            assert.equal(group.inputs.retentionInDays, 30);
        });
    }

    it("keeps them as long as asked (0: forever), or exports nothing with false", async () => {
        assert.equal(
            logGroups(await build({ iamAuthErrorLogRetentionDays: 7 }))[0].inputs.retentionInDays,
            7,
        );
        assert.equal(
            logGroups(await build({ iamAuthErrorLogRetentionDays: 0 }))[0].inputs.retentionInDays,
            0,
        );
        const none = await build({ iamAuthErrorLogRetentionDays: false });
        assert.deepEqual(logGroups(none), []);
        assert.equal(
            none.find((r) => r.type === "aws:rds/instance:Instance")!.inputs.enabledCloudwatchLogsExports,
            undefined,
        );
    });

    it("refuses a retention CloudWatch Logs does not offer, naming the values it does", () => {
        installMocks();
        assert.throws(
            () =>
                new Database("bad", {
                    engine: "postgres",
                    ...network,
                    iamAuthErrorLogRetentionDays: 31,
                }),
            (e: unknown) =>
                pulumi.InputPropertiesError.isInstance(e) &&
                (e as pulumi.InputPropertiesError).errors[0].propertyPath ===
                    "iamAuthErrorLogRetentionDays" &&
                /one of CloudWatch Logs' retention values \(0, 1, 3, 5, 7, 14, 30/.test(
                    (e as pulumi.InputPropertiesError).errors[0].reason,
                ),
        );
    });

    it("the local cloud's RDS refuses a log type the engine does not export, as the API does", () => {
        const instance = {
            engine: "mysql",
            instanceClass: "db.t4g.micro",
            allocatedStorage: 20,
            username: "dbmaster",
            manageMasterUserPassword: true,
            skipFinalSnapshot: true,
        };
        assert.deepEqual(
            schemaFailures("aws:rds/instance:Instance", {
                ...instance,
                enabledCloudwatchLogsExports: ["iam-db-auth-error", "upgrade"],
            }).map((f) => f.reason),
            [
                "InvalidParameterCombination: You cannot use the log types 'upgrade' with engine mysql (valid: audit, error, general, slowquery, iam-db-auth-error)",
            ],
        );
        assert.deepEqual(
            schemaFailures("aws:rds/instance:Instance", {
                ...instance,
                engine: "postgres",
                enabledCloudwatchLogsExports: ["iam-db-auth-error", "upgrade"],
            }),
            [],
        );
    });
});
