/**
 * The stand-ins refuse what the real AWS provider and AWS refuse (local/aws/schema.ts): the mocks and
 * the engine's test aws plugin share the table, so neither is friendlier than AWS.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { schemaFailures } from "../../local/aws/schema";
import { installMocks, settle } from "../../local/pulumi/mocks";

const INSTANCE = "aws:rds/instance:Instance";
const goodInstance = {
    engine: "postgres",
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    storageType: "gp3",
    username: "dbmaster",
    manageMasterUserPassword: true,
    skipFinalSnapshot: true,
};
const props = (type: string, inputs: Record<string, unknown>) =>
    schemaFailures(type, inputs).map((f) => f.property);

describe("the AWS schema the stand-ins share (terraform-provider-aws, AWS APIs)", () => {
    it("accepts the instance rds-iam makes", () => {
        assert.deepEqual(props(INSTANCE, goodInstance), []);
    });

    it("refuses an instance without its required instanceClass (internal/service/rds/instance.go: Required)", () => {
        const { instanceClass: _omitted, ...rest } = goodInstance;
        assert.deepEqual(props(INSTANCE, rest), ["instanceClass"]);
    });

    it("refuses an unknown engine and storage type (CreateDBInstance Engine values; storage_type StringInSlice)", () => {
        assert.deepEqual(props(INSTANCE, { ...goodInstance, engine: "postgresql", storageType: "gp4" }), [
            "engine",
            "storageType",
        ]);
    });

    it("refuses a managed master password beside a password (ConflictsWith password)", () => {
        assert.deepEqual(props(INSTANCE, { ...goodInstance, password: "x" }), ["password"]);
    });

    it("refuses an Aurora engine on a plain instance (InvalidParameterCombination)", () => {
        assert.deepEqual(props(INSTANCE, { ...goodInstance, engine: "aurora-postgresql" }), ["engine"]);
    });

    it("refuses a final snapshot without its identifier (skip_final_snapshot false)", () => {
        assert.deepEqual(props(INSTANCE, { ...goodInstance, skipFinalSnapshot: false }), [
            "finalSnapshotIdentifier",
        ]);
    });

    it("refuses an unknown Lambda runtime and a timeout beyond 900 s (function.go)", () => {
        assert.deepEqual(
            props("aws:lambda/function:Function", {
                role: "r",
                runtime: "nodejs8.10",
                handler: "index.handler",
                code: {},
                timeout: 901,
            }),
            ["runtime", "timeout"],
        );
    });

    it("refuses a security group rule with two sources, or none (ExactlyOneOf)", () => {
        const rule = { securityGroupId: "sg-1", ipProtocol: "tcp", fromPort: 5432, toPort: 5432 };
        const type = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
        assert.deepEqual(
            props(type, { ...rule, cidrIpv4: "10.0.0.0/16", referencedSecurityGroupId: "sg-2" }),
            ["cidrIpv4"],
        );
        assert.deepEqual(props(type, rule), ["cidrIpv4"]);
        assert.deepEqual(props(type, { ...rule, cidrIpv4: "10.0.0.0/16" }), []);
    });

    it("refuses a log retention CloudWatch does not offer (retention_in_days IntInSlice)", () => {
        assert.deepEqual(props("aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 10 }), [
            "retentionInDays",
        ]);
    });

    it("refuses an Aurora MySQL instance on db.t3.small, which has no IAM authentication (Aurora User Guide)", () => {
        assert.deepEqual(
            props("aws:rds/clusterInstance:ClusterInstance", {
                clusterIdentifier: "c",
                engine: "aurora-mysql",
                instanceClass: "db.t3.small",
            }),
            ["instanceClass"],
        );
    });

    it("makes the mocks refuse the same registration, naming the resource and the input", async () => {
        installMocks();
        const failure = new Promise<Error>((resolve) => {
            const instance = new aws.rds.Instance("bad", { ...goodInstance, engine: "postgresql" });
            instance.id.apply(() => undefined);
            process.once("unhandledRejection", (e) => resolve(e as Error));
        });
        await settle();
        const error = await Promise.race([
            failure,
            new Promise<Error>((r) => setTimeout(() => r(new Error("no failure")), 2000)),
        ]);
        assert.match(
            error.message,
            /aws:rds\/instance:Instance "bad": engine: expected engine to be one of \[/,
        );
    });
});
