import * as assert from "node:assert/strict";
import { connectConditions, connectStatements } from "../../policies/rules";
import { Fixture, runResourceRule } from "../../local/policies/ruleHarness";
import { PG_ID, policy } from "./fixtures";

const mandatory = (...messages: string[]) =>
    messages.map((message) => ({ message, enforcement: "mandatory" }));
const advisory = (...messages: string[]) => messages.map((message) => ({ message, enforcement: "advisory" }));
const arn = (id: string, user = "app_rw", region = "us-east-1", account = "123456789012") =>
    `arn:aws:rds-db:${region}:${account}:dbuser:${id}/${user}`;
const ARN = arn(PG_ID);

/** A customer managed policy with one statement. */
function withStatement(statement: Record<string, unknown>, name = "api-connect"): Fixture {
    return {
        type: "aws:iam/policy:Policy",
        name,
        props: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) },
    };
}
const allow = (fields: Record<string, unknown>) => withStatement({ Effect: "Allow", ...fields });

describe("rds-iam-connect-statements: what a statement grants, however it is written", () => {
    it("flags an instance identifier in place of the resource id", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, policy([arn("orders-instance")])),
            mandatory(
                '"api-connect" statement 0: resource "arn:aws:rds-db:us-east-1:123456789012:dbuser:orders-instance/app_rw" names "orders-instance", not a resource id; use the DbiResourceId (db-…), DbClusterResourceId (cluster-…) or proxy id (prx-…).',
            ),
        );
    });

    it("flags a full RDS ARN", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, policy(["arn:aws:rds:us-east-1:123456789012:db:orders"])),
            mandatory(
                '"api-connect" statement 0: resource "arn:aws:rds:us-east-1:123456789012:db:orders" is an RDS ARN; rds-db:connect needs arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>.',
            ),
        );
    });

    it("flags wildcards in the resource id and user unless the config allows them", () => {
        const wildcard = policy([arn("*", "*")]);
        assert.deepEqual(
            runResourceRule(connectStatements, wildcard),
            mandatory(
                '"api-connect" statement 0: resource "arn:aws:rds-db:us-east-1:123456789012:dbuser:*/*" uses a wildcard; name the resource id and the user.',
            ),
        );
        assert.deepEqual(runResourceRule(connectStatements, wildcard, { allowWildcards: true }), []);
    });

    it("flags a policy variable in the user name (resolved per caller, a wildcard in effect)", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, policy([arn(PG_ID, "${aws:username}")])),
            mandatory(
                `"api-connect" statement 0: resource "${arn(PG_ID, "${aws:username}")}" uses a policy variable (resolved per caller); name the resource id and the user.`,
            ),
        );
    });

    it("flags the rds-db:* action", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, allow({ Action: "rds-db:*", Resource: ARN })),
            mandatory(
                '"api-connect" statement 0: action "rds-db:*" grants rds-db:connect through a wildcard (and any other action it matches); use "rds-db:connect".',
            ),
        );
    });

    for (const action of ["rds-db:conn*", "rds-db:?onnect", "*:connect", "RDS-DB:Con*"]) {
        it(`flags the action "${action}", which grants rds-db:connect (IAM: case-insensitive, * and ?)`, () => {
            assert.deepEqual(
                runResourceRule(connectStatements, allow({ Action: action, Resource: ARN })),
                mandatory(
                    `"api-connect" statement 0: action "${action}" grants rds-db:connect through a wildcard (and any other action it matches); use "rds-db:connect".`,
                ),
            );
        });
    }

    it('flags Action "*"', () => {
        assert.deepEqual(
            runResourceRule(connectStatements, allow({ Action: "*", Resource: ARN })),
            mandatory(
                '"api-connect" statement 0: action "*" grants rds-db:connect and every other action; use "rds-db:connect".',
            ),
        );
    });

    it("flags NotAction that leaves rds-db:connect in", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, allow({ NotAction: ["iam:*", "s3:*"], Resource: ARN })),
            mandatory(
                '"api-connect" statement 0: NotAction ["iam:*","s3:*"] allows rds-db:connect and every other action it does not list; use Action "rds-db:connect".',
            ),
        );
    });

    it("does not flag NotAction that takes rds-db:connect out", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, allow({ NotAction: "rds-db:*", Resource: "*" })),
            [],
        );
    });

    it("flags an Allow with NotResource", () => {
        assert.deepEqual(
            runResourceRule(
                connectStatements,
                allow({ Action: "rds-db:connect", NotResource: arn(PG_ID, "admin") }),
            ),
            mandatory(
                `"api-connect" statement 0: NotResource ["${arn(PG_ID, "admin")}"] grants rds-db:connect as every database user it does not list, in every region and account; list the users in Resource.`,
            ),
        );
    });

    it("flags region and account wildcards, even when wildcards in ids and users are allowed", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, policy([`arn:aws:rds-db:*:*:dbuser:${PG_ID}/app_rw`]), {
                allowWildcards: true,
            }),
            mandatory(
                `"api-connect" statement 0: resource "arn:aws:rds-db:*:*:dbuser:${PG_ID}/app_rw" grants rds-db:connect in every region "*" matches; write the database's region.`,
                `"api-connect" statement 0: resource "arn:aws:rds-db:*:*:dbuser:${PG_ID}/app_rw" grants rds-db:connect in every account "*" matches; write the database's account.`,
            ),
        );
    });

    it("flags a partition wildcard and a region pattern", () => {
        assert.deepEqual(
            runResourceRule(
                connectStatements,
                policy([`arn:aws*:rds-db:us-*:123456789012:dbuser:${PG_ID}/app_rw`]),
            ),
            mandatory(
                `"api-connect" statement 0: resource "arn:aws*:rds-db:us-*:123456789012:dbuser:${PG_ID}/app_rw" grants rds-db:connect in every partition "aws*" matches; write the database's partition.`,
                `"api-connect" statement 0: resource "arn:aws*:rds-db:us-*:123456789012:dbuser:${PG_ID}/app_rw" grants rds-db:connect in every region "us-*" matches; write the database's region.`,
            ),
        );
    });

    it('flags Resource "*" and a short pattern whose trailing * spans the segments', () => {
        assert.deepEqual(
            runResourceRule(connectStatements, policy(["*", "arn:aws:rds-db:*"])),
            mandatory(
                '"api-connect" statement 0: resource "*" grants rds-db:connect as every user of every database in every region and account; name the users (arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>).',
                '"api-connect" statement 0: resource "arn:aws:rds-db:*" grants rds-db:connect in every region and account its wildcards reach; write arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>.',
            ),
        );
    });

    it("flags another region or account than the configured stack's", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, policy([arn(PG_ID, "app_rw", "eu-west-1", "999999999999")]), {
                region: "us-east-1",
                accountId: "123456789012",
            }),
            mandatory(
                `"api-connect" statement 0: resource "${arn(PG_ID, "app_rw", "eu-west-1", "999999999999")}" is in region "eu-west-1", not the stack's "us-east-1".`,
                `"api-connect" statement 0: resource "${arn(PG_ID, "app_rw", "eu-west-1", "999999999999")}" is in account "999999999999", not the stack's "123456789012".`,
            ),
        );
    });

    it("reads inline role policies too", () => {
        const role: Fixture = {
            type: "aws:iam/role:Role",
            name: "app",
            props: { inlinePolicies: [{ name: "db", policy: policy([arn("mydb")]).props.policy }] },
        };
        assert.deepEqual(
            runResourceRule(connectStatements, role),
            mandatory(
                '"app" statement 0: resource "arn:aws:rds-db:us-east-1:123456789012:dbuser:mydb/app_rw" names "mydb", not a resource id; use the DbiResourceId (db-…), DbClusterResourceId (cluster-…) or proxy id (prx-…).',
            ),
        );
    });

    it("refuses a malformed document IAM would not store", () => {
        assert.deepEqual(
            runResourceRule(
                connectStatements,
                withStatement({ Effect: "allow", Action: "rds-db:connect", Resource: ARN }),
            ),
            mandatory(
                '"api-connect": its policy document is malformed and IAM would refuse it: statement 0: Effect must be exactly "Allow" or "Deny" (got "allow").',
            ),
        );
    });

    it("leaves statements that cannot grant rds-db:connect alone (other services, Deny)", () => {
        assert.deepEqual(runResourceRule(connectStatements, allow({ Action: "s3:*", Resource: "*" })), []);
        assert.deepEqual(
            runResourceRule(connectStatements, withStatement({ Effect: "Deny", Action: "*", Resource: "*" })),
            [],
        );
    });

    it("no longer calls a Condition on a global key unsupported", () => {
        const conditional = policy([ARN], { Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } });
        assert.deepEqual(runResourceRule(connectStatements, conditional), []);
    });
});

describe("rds-iam-connect-conditions (advisory): what a Condition on rds-db:connect does", () => {
    it("explains a global-key Condition instead of calling it unsupported", () => {
        const conditional = policy([ARN], { Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } });
        assert.deepEqual(
            runResourceRule(connectConditions, conditional),
            advisory(
                `"api-connect" statement 0 (${ARN}): rds-db:connect is allowed only when aws:SourceIp passes IpAddress "10.0.0.0/8". Global condition keys are valid on rds-db:connect; make sure every login path sends aws:SourceIp (a key missing from the request makes a condition false, a negated one true), or remove the Condition and narrow the Resource instead.`,
            ),
        );
    });

    it("says a service key never appears in rds-db:connect requests, and what that makes of the statement", () => {
        const conditional = policy([ARN], {
            Condition: { StringEquals: { "rds:DatabaseEngine": "postgres" } },
        });
        assert.deepEqual(
            runResourceRule(connectConditions, conditional),
            advisory(
                `"api-connect" statement 0 (${ARN}): rds:DatabaseEngine is not a key of rds-db:connect requests (rds-db has no service-specific condition keys), so "rds:DatabaseEngine passes StringEquals "postgres"" is always false: this statement never grants rds-db:connect; remove it or use a global aws: key.`,
            ),
        );
    });

    it("treats Condition: {} as no condition", () => {
        assert.deepEqual(runResourceRule(connectConditions, policy([ARN], { Condition: {} })), []);
    });
});
