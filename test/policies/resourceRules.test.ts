import * as assert from "node:assert/strict";
import {
    backupsRetained,
    connectStatements,
    iamAuthEnabled,
    noRdsFullAccess,
    notPubliclyAccessible,
    resourceRules,
    storageEncrypted,
} from "../../policies/rules";
import { Fixture, UNKNOWN, runResourceRule } from "../../local/policies/ruleHarness";
import { PG_ID, attachment, cluster, clusterInstance, instance, policy } from "./fixtures";

const mandatory = (message: string) => [{ message, enforcement: "mandatory" }];
const withProps = (f: Fixture, props: Record<string, unknown>): Fixture => ({
    ...f,
    props: { ...f.props, ...props },
});

describe("policy pack resource rules", () => {
    describe("every happy-path fixture passes every resource rule", () => {
        for (const fixture of [instance(), cluster(), clusterInstance(), policy(), attachment()]) {
            it(`${fixture.type} passes`, () => {
                for (const rule of resourceRules)
                    assert.deepEqual(runResourceRule(rule, fixture), [], rule.name);
            });
        }
    });

    it("every rule is named rds-iam-…, kebab-case, described by a full sentence, with remediation steps", () => {
        for (const rule of resourceRules) {
            assert.match(rule.name, /^rds-iam-[a-z]+(-[a-z]+)*$/);
            assert.match(rule.description, /^[A-Z].*\.$/);
            assert.ok((rule.remediationSteps ?? "").length > 20);
        }
    });

    it("rds-iam-iam-auth-enabled flags an instance without IAM authentication", () => {
        assert.deepEqual(
            runResourceRule(
                iamAuthEnabled,
                withProps(instance(), { iamDatabaseAuthenticationEnabled: false }),
            ),
            mandatory(
                'RDS instance "orders" (postgres) does not enable IAM database authentication; set iamDatabaseAuthenticationEnabled: true.',
            ),
        );
    });

    it("rds-iam-iam-auth-enabled flags an Aurora cluster without IAM authentication", () => {
        assert.deepEqual(
            runResourceRule(
                iamAuthEnabled,
                withProps(cluster(), { iamDatabaseAuthenticationEnabled: undefined }),
            ),
            mandatory(
                'Aurora cluster "ledger" (aurora-mysql) does not enable IAM database authentication; set iamDatabaseAuthenticationEnabled: true.',
            ),
        );
    });

    it("rds-iam-iam-auth-enabled ignores engines without IAM authentication", () => {
        assert.deepEqual(
            runResourceRule(
                iamAuthEnabled,
                withProps(instance(), { engine: "sqlserver-ex", iamDatabaseAuthenticationEnabled: false }),
            ),
            [],
        );
    });

    it("rds-iam-iam-auth-enabled cannot decide on an unknown value and says so as an advisory", () => {
        assert.deepEqual(
            runResourceRule(
                iamAuthEnabled,
                withProps(instance(), { iamDatabaseAuthenticationEnabled: UNKNOWN }),
            ),
            [
                {
                    message:
                        "can't run policy 'rds-iam-iam-auth-enabled' during preview: string value at .iamDatabaseAuthenticationEnabled can't be known during preview",
                    enforcement: "advisory",
                },
            ],
        );
    });

    it("rds-iam-storage-encrypted flags unencrypted storage", () => {
        assert.deepEqual(
            runResourceRule(storageEncrypted, withProps(instance(), { storageEncrypted: false })),
            mandatory('"orders" does not encrypt its storage; set storageEncrypted: true.'),
        );
    });

    it("rds-iam-not-publicly-accessible flags a public instance", () => {
        assert.deepEqual(
            runResourceRule(notPubliclyAccessible, withProps(instance(), { publiclyAccessible: true })),
            mandatory('"orders" is publicly accessible; set publiclyAccessible: false.'),
        );
    });

    it("rds-iam-not-publicly-accessible flags a public Aurora cluster instance", () => {
        assert.deepEqual(
            runResourceRule(
                notPubliclyAccessible,
                withProps(clusterInstance(), { publiclyAccessible: true }),
            ),
            mandatory('"ledger-0" is publicly accessible; set publiclyAccessible: false.'),
        );
    });

    it("rds-iam-backups-retained flags fewer days than the default minimum of 7", () => {
        assert.deepEqual(
            runResourceRule(backupsRetained, withProps(instance(), { backupRetentionPeriod: 1 })),
            mandatory(
                '"orders" keeps backups for 1 day(s); the minimum is 7. Set backupRetentionPeriod: 7 or more.',
            ),
        );
    });

    it("rds-iam-backups-retained follows its configured minimum", () => {
        assert.deepEqual(
            runResourceRule(backupsRetained, cluster(), { minimumDays: 30 }),
            mandatory(
                '"ledger" keeps backups for 14 day(s); the minimum is 30. Set backupRetentionPeriod: 30 or more.',
            ),
        );
    });

    const arn = (id: string, user = "app_rw", region = "us-east-1", account = "123456789012") =>
        `arn:aws:rds-db:${region}:${account}:dbuser:${id}/${user}`;

    it("rds-iam-connect-statements flags an instance identifier in place of the resource id", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, policy([arn("orders-instance")])),
            mandatory(
                '"api-connect": resource "arn:aws:rds-db:us-east-1:123456789012:dbuser:orders-instance/app_rw" names "orders-instance", not a resource id; use the DbiResourceId (db-…), DbClusterResourceId (cluster-…) or proxy id (prx-…).',
            ),
        );
    });

    it("rds-iam-connect-statements flags a full RDS ARN", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, policy(["arn:aws:rds:us-east-1:123456789012:db:orders"])),
            mandatory(
                '"api-connect": resource "arn:aws:rds:us-east-1:123456789012:db:orders" is an RDS ARN; rds-db:connect needs arn:aws:rds-db:<region>:<account>:dbuser:<resource id>/<user>.',
            ),
        );
    });

    it("rds-iam-connect-statements flags wildcards unless the config allows them", () => {
        const wildcard = policy([arn("*", "*")]);
        assert.deepEqual(
            runResourceRule(connectStatements, wildcard),
            mandatory(
                '"api-connect": resource "arn:aws:rds-db:us-east-1:123456789012:dbuser:*/*" uses a wildcard; name the resource id and the user.',
            ),
        );
        assert.deepEqual(runResourceRule(connectStatements, wildcard, { allowWildcards: true }), []);
    });

    it("rds-iam-connect-statements flags a Condition", () => {
        assert.deepEqual(
            runResourceRule(
                connectStatements,
                policy([arn(PG_ID)], { Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }),
            ),
            mandatory(
                '"api-connect": rds-db:connect statements do not support a Condition; remove it and narrow the Resource instead.',
            ),
        );
    });

    it("rds-iam-connect-statements flags the rds-db:* action", () => {
        const doc = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "rds-db:*", Resource: arn(PG_ID) }],
        });
        assert.deepEqual(
            runResourceRule(connectStatements, {
                type: "aws:iam/rolePolicy:RolePolicy",
                name: "inline",
                props: { policy: doc },
            }),
            mandatory('"inline": action "rds-db:*" is broader than needed; use "rds-db:connect".'),
        );
    });

    it("rds-iam-connect-statements flags another region or account than the configured stack's", () => {
        assert.deepEqual(
            runResourceRule(connectStatements, policy([arn(PG_ID, "app_rw", "eu-west-1", "999999999999")]), {
                region: "us-east-1",
                accountId: "123456789012",
            }),
            [
                {
                    message:
                        '"api-connect": resource "arn:aws:rds-db:eu-west-1:999999999999:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/app_rw" is in region "eu-west-1", not the stack\'s "us-east-1".',
                    enforcement: "mandatory",
                },
                {
                    message:
                        '"api-connect": resource "arn:aws:rds-db:eu-west-1:999999999999:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/app_rw" is in account "999999999999", not the stack\'s "123456789012".',
                    enforcement: "mandatory",
                },
            ],
        );
    });

    it("rds-iam-connect-statements reads inline role policies too", () => {
        const role: Fixture = {
            type: "aws:iam/role:Role",
            name: "app",
            props: { inlinePolicies: [{ name: "db", policy: policy([arn("mydb")]).props.policy }] },
        };
        assert.equal(runResourceRule(connectStatements, role).length, 1);
    });

    it("rds-iam-no-rds-full-access flags an AmazonRDSFullAccess attachment", () => {
        assert.deepEqual(
            runResourceRule(noRdsFullAccess, attachment("arn:aws:iam::aws:policy/AmazonRDSFullAccess")),
            mandatory(
                '"api-attach" attaches arn:aws:iam::aws:policy/AmazonRDSFullAccess; grant rds-db:connect on the database users instead.',
            ),
        );
    });

    it("rds-iam-no-rds-full-access flags rds:* in a policy", () => {
        const doc = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["rds:*"], Resource: "*" }],
        });
        assert.deepEqual(
            runResourceRule(noRdsFullAccess, {
                type: "aws:iam/policy:Policy",
                name: "broad",
                props: { policy: doc },
            }),
            mandatory('"broad" allows rds:*; grant rds-db:connect on the database users instead.'),
        );
    });
});
