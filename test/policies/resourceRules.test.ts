import * as assert from "node:assert/strict";
import {
    backupsRetained,
    iamAuthEnabled,
    notPubliclyAccessible,
    resourceRules,
    stackRules,
    storageEncrypted,
} from "../../policies/rules";
import { Fixture, UNKNOWN, runResourceRule } from "../../local/policies/ruleHarness";
import {
    attachment,
    cluster,
    clusterInstance,
    instance,
    otherAttachments,
    permissionSetInlinePolicy,
    policy,
    proxy,
} from "./fixtures";
import {
    iamProxy,
    proxyRole,
    proxyRolePolicy,
    proxyTarget,
    proxyTargetGroup,
    workloadRole,
} from "./proxyFixtures";

const mandatory = (message: string) => [{ message, enforcement: "mandatory" }];
const withProps = (f: Fixture, props: Record<string, unknown>): Fixture => ({
    ...f,
    props: { ...f.props, ...props },
});

describe("policy pack resource rules", () => {
    describe("every happy-path fixture passes every resource rule", () => {
        for (const fixture of [
            instance(),
            cluster(),
            clusterInstance(),
            proxy(),
            policy(),
            attachment(),
            ...otherAttachments(),
            permissionSetInlinePolicy(),
            iamProxy(),
            proxyRole(),
            proxyRolePolicy(),
            proxyTargetGroup(),
            proxyTarget(),
            workloadRole(),
        ]) {
            it(`${fixture.type} "${fixture.name}" passes`, () => {
                for (const rule of resourceRules)
                    assert.deepEqual(runResourceRule(rule, fixture), [], rule.name);
            });
        }
    });

    it("every rule is named rds-iam-…, kebab-case, described by a full sentence, with remediation steps", () => {
        for (const rule of [...resourceRules, ...stackRules]) {
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
});
