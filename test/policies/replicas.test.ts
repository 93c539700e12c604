import * as assert from "node:assert/strict";
import {
    cannotDecide,
    iamAuthEnabled,
    replicaIamAuth,
    resourceRules,
    stackRules,
    tlsEnforced,
} from "../../policies/rules";
import { Fixture, runResourceRule, runStackRule } from "../../local/policies/ruleHarness";
import { happyStack, instance, replace } from "./fixtures";

const mandatory = (message: string) => [{ message, enforcement: "mandatory" }];
const ELSEWHERE = "arn:aws:rds:us-east-1:999999999999:db:orders-elsewhere";
const NOT_INHERITED =
    "does not enable IAM database authentication. A replica or restore does not inherit it from its source (it is a parameter of its own create call); set iamDatabaseAuthenticationEnabled: true.";

/** A read replica of "orders" as a program writes it: no engine of its own, IAM auth and TLS set again. */
function replica(): Fixture {
    const { engine: _engine, ...props } = instance().props;
    return {
        type: "aws:rds/instance:Instance",
        name: "orders-replica",
        props: {
            ...props,
            replicateSourceDb: "orders",
            identifier: "orders-replica",
            address: "orders-replica.c0ffee.us-east-1.rds.amazonaws.com",
            resourceId: "db-REPLICAREPLICAREPLICAREPL",
            arn: "arn:aws:rds:us-east-1:123456789012:db:orders-replica",
        },
    };
}

function snapshot(): Fixture {
    return {
        type: "aws:rds/snapshot:Snapshot",
        name: "orders-final",
        props: { dbSnapshotIdentifier: "orders-final", dbInstanceIdentifier: "orders" },
    };
}

/** An instance restored from the stack's snapshot of "orders". */
function restored(): Fixture {
    const { replicateSourceDb: _source, ...props } = replica().props;
    return { ...replica(), name: "orders-restored", props: { ...props, snapshotIdentifier: "orders-final" } };
}

const withReplica = () => [...happyStack(), replica(), snapshot(), restored()];

describe("read replicas and restores take their engine from their source", () => {
    it("pass every rule when they enable IAM authentication and force TLS themselves", () => {
        for (const rule of stackRules) assert.deepEqual(runStackRule(rule, withReplica()), [], rule.name);
        for (const rule of resourceRules)
            for (const f of [replica(), restored(), snapshot()])
                assert.deepEqual(runResourceRule(rule, f), [], rule.name);
    });

    it("rds-iam-replica-iam-auth flags a read replica without IAM authentication (not inherited)", () => {
        assert.deepEqual(
            runStackRule(
                replicaIamAuth,
                replace(withReplica(), "orders-replica", { iamDatabaseAuthenticationEnabled: undefined }),
            ),
            mandatory(
                `RDS instance "orders-replica" (a read replica of "orders"; postgres from its source "orders") ${NOT_INHERITED}`,
            ),
        );
    });

    it("rds-iam-replica-iam-auth flags a snapshot restore without IAM authentication, following the snapshot to its instance", () => {
        assert.deepEqual(
            runStackRule(
                replicaIamAuth,
                replace(withReplica(), "orders-restored", { iamDatabaseAuthenticationEnabled: false }),
            ),
            mandatory(
                `RDS instance "orders-restored" (restored from snapshot "orders-final"; postgres from its source "orders-final") ${NOT_INHERITED}`,
            ),
        );
    });

    it("rds-iam-replica-iam-auth reads the engine from the replica's parameter group family when the source is elsewhere", () => {
        assert.deepEqual(
            runStackRule(
                replicaIamAuth,
                replace(withReplica(), "orders-replica", {
                    replicateSourceDb: ELSEWHERE,
                    iamDatabaseAuthenticationEnabled: false,
                }),
            ),
            mandatory(
                `RDS instance "orders-replica" (a read replica of "${ELSEWHERE}"; postgres from the family postgres16 of its parameter group "orders-params") ${NOT_INHERITED}`,
            ),
        );
    });

    it("rds-iam-tls-enforced flags a read replica on the default parameter group", () => {
        assert.deepEqual(
            runStackRule(
                tlsEnforced,
                replace(withReplica(), "orders-replica", { parameterGroupName: undefined }),
            ),
            mandatory(
                '"orders-replica" (postgres) uses the default parameter group; give it one in the stack that sets rds.force_ssl=1 (parameterGroupName).',
            ),
        );
    });

    it("rds-iam-cannot-decide advises when neither the source nor a parameter group of the stack names the engine", () => {
        const stack = replace(withReplica(), "orders-replica", {
            replicateSourceDb: ELSEWHERE,
            parameterGroupName: undefined,
        });
        assert.deepEqual(runStackRule(cannotDecide, stack), [
            {
                message: `RDS instance "orders-replica" is a read replica of "${ELSEWHERE}", whose engine this stack does not show, and states no engine: rds-iam-replica-iam-auth and rds-iam-tls-enforced cannot tell whether it needs IAM authentication (never inherited from the source) and a TLS-forcing parameter group. Set engine to the source's engine, or give it a parameter group in this stack (its family names the engine).`,
                enforcement: "advisory",
            },
        ]);
    });
});

describe("engine names compare case-insensitively (the AWS provider lowercases engine)", () => {
    it('rds-iam-iam-auth-enabled flags a "Postgres" instance without IAM authentication', () => {
        const postgres: Fixture = { ...instance(), props: { ...instance().props, engine: "Postgres" } };
        assert.deepEqual(runResourceRule(iamAuthEnabled, postgres), []);
        assert.deepEqual(
            runResourceRule(iamAuthEnabled, {
                ...postgres,
                props: { ...postgres.props, iamDatabaseAuthenticationEnabled: false },
            }),
            mandatory(
                'RDS instance "orders" (Postgres) does not enable IAM database authentication; set iamDatabaseAuthenticationEnabled: true.',
            ),
        );
    });

    it('rds-iam-tls-enforced flags an "Aurora-MySQL" cluster whose parameter group does not force TLS', () => {
        const stack = replace(happyStack(), "ledger", { engine: "Aurora-MySQL" });
        assert.deepEqual(runStackRule(tlsEnforced, stack), []);
        assert.deepEqual(
            runStackRule(tlsEnforced, replace(stack, "ledger-params", { parameters: [] })),
            mandatory(
                '"ledger" does not force TLS: parameter group "ledger-params" must set require_secure_transport=1 (it is not set).',
            ),
        );
    });
});
