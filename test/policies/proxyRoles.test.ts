import * as assert from "node:assert/strict";
import {
    cannotDecide,
    proxyIamAuth,
    proxyRoleConnects,
    proxyRoleTrust,
    proxyRoleUsers,
    stackRules,
} from "../../policies/rules";
import { runResourceRule, runStackRule } from "../../local/policies/ruleHarness";
import { AURORA_ID, PG_ID, replace } from "./fixtures";
import {
    ACCOUNT,
    PROXY_ARN,
    PROXY_ROLE_ARN,
    PROXY_TRUST,
    dbUser,
    iamProxy,
    proxyRole,
    proxyRolePolicy,
    proxyStack,
    trustDocument,
} from "./proxyFixtures";

const mandatory = (...messages: string[]) =>
    messages.map((message) => ({ message, enforcement: "mandatory" }));
const swap = (name: string, fixture: ReturnType<typeof proxyRole>) =>
    proxyStack().map((f) => (f.name === name ? fixture : f));
const withRolePolicy = (resources: string[]) => swap("orders-proxy-connect", proxyRolePolicy(resources));
const withTrust = (statement: Record<string, unknown>) =>
    swap("orders-proxy-role", {
        ...proxyRole(),
        props: { ...proxyRole().props, assumeRolePolicy: trustDocument(statement) },
    });
const USERS =
    'A proxy\'s role needs rds-db:connect only as the users workloads are granted through the proxy ("app_rw"); remove the rest.';
const TRUST_FIX = `Add Condition StringEquals aws:SourceAccount "${ACCOUNT}" and ArnLike aws:SourceArn "${PROXY_ARN}"`;

describe("RDS Proxy with end-to-end IAM: its role", () => {
    it("passes every stack rule on the happy-path proxy stack", () => {
        for (const rule of stackRules) assert.deepEqual(runStackRule(rule, proxyStack()), [], rule.name);
    });

    it("rds-iam-proxy-iam-auth flags an end-to-end IAM proxy without requireTls", () => {
        assert.deepEqual(
            runResourceRule(proxyIamAuth, {
                ...iamProxy(),
                props: { ...iamProxy().props, requireTls: false },
            }),
            mandatory(
                'RDS Proxy "orders-proxy" accepts connections without TLS; set requireTls: true (IAM tokens travel as cleartext passwords).',
            ),
        );
    });

    it("rds-iam-proxy-role-connects flags a role that may not connect as a user workloads are granted through the proxy", () => {
        const wanted = dbUser(PG_ID, "app_rw");
        assert.deepEqual(
            runStackRule(proxyRoleConnects, withRolePolicy([dbUser(PG_ID, "app_ro")])),
            mandatory(
                `RDS Proxy "orders-proxy" logs in to database "orders" as "app_rw" for "api-connect", but its role "orders-proxy-role" is not allowed rds-db:connect on ${wanted} (no statement allows it): the proxy would fail those logins. Grant its role rds-db:connect on ${wanted} (rds-iam's DatabaseProxy does).`,
            ),
        );
    });

    it("rds-iam-proxy-role-connects flags an end-to-end IAM proxy without a role", () => {
        assert.deepEqual(
            runStackRule(proxyRoleConnects, replace(proxyStack(), "orders-proxy", { roleArn: undefined })),
            mandatory(
                'RDS Proxy "orders-proxy" uses end-to-end IAM (defaultAuthScheme "IAM_AUTH") but has no role (roleArn): it cannot log in to its database as "app_rw". Give it a role allowed rds-db:connect on those users (rds-iam\'s DatabaseProxy does).',
            ),
        );
    });

    it("rds-iam-proxy-role-users flags a role that may connect as a user no workload is granted through the proxy", () => {
        const reporting = dbUser(PG_ID, "reporting");
        assert.deepEqual(
            runStackRule(proxyRoleUsers, withRolePolicy([dbUser(PG_ID, "app_rw"), reporting])),
            mandatory(
                `RDS Proxy "orders-proxy" role "orders-proxy-role" may connect as "reporting" (${reporting}), but no workload is granted "reporting" through the proxy (role policy "orders-proxy-connect" statement 0). ${USERS}`,
            ),
        );
    });

    for (const wildcard of [dbUser(PG_ID, "*"), `arn:aws:rds-db:us-east-1:${ACCOUNT}:dbuser:*`, "*"]) {
        it(`rds-iam-proxy-role-users flags a role granted the wildcard ${wildcard}`, () => {
            assert.deepEqual(
                runStackRule(proxyRoleUsers, withRolePolicy([wildcard])),
                mandatory(
                    `RDS Proxy "orders-proxy" role "orders-proxy-role" may connect as every database user "${wildcard}" matches (role policy "orders-proxy-connect" statement 0). ${USERS}`,
                ),
            );
        });
    }

    it("rds-iam-proxy-role-users flags a role that may connect to a database the proxy does not target", () => {
        const other = dbUser(AURORA_ID, "app_rw");
        assert.deepEqual(
            runStackRule(proxyRoleUsers, withRolePolicy([dbUser(PG_ID, "app_rw"), other])),
            mandatory(
                `RDS Proxy "orders-proxy" role "orders-proxy-role" may connect as "app_rw" on ${AURORA_ID} (${other}), which is not a target of the proxy (role policy "orders-proxy-connect" statement 0). ${USERS}`,
            ),
        );
    });

    it("rds-iam-proxy-role-trust flags a role trusted by rds.amazonaws.com without the confused-deputy conditions", () => {
        assert.deepEqual(
            runStackRule(proxyRoleTrust, withTrust({ Principal: PROXY_TRUST.Principal })),
            mandatory(
                `RDS Proxy "orders-proxy" role "orders-proxy-role" trusts rds.amazonaws.com (statement 0) without aws:SourceAccount and aws:SourceArn: RDS acting for any other resource, in any account, could assume it and connect as its users (the confused deputy). ${TRUST_FIX}.`,
            ),
        );
    });

    it("rds-iam-proxy-role-trust flags a role trusted without aws:SourceArn", () => {
        assert.deepEqual(
            runStackRule(
                proxyRoleTrust,
                withTrust({
                    ...PROXY_TRUST,
                    Condition: { StringEquals: PROXY_TRUST.Condition.StringEquals },
                }),
            ),
            mandatory(
                `RDS Proxy "orders-proxy" role "orders-proxy-role" trusts rds.amazonaws.com (statement 0) without aws:SourceArn: RDS acting for any other resource could assume it and connect as its users (the confused deputy). ${TRUST_FIX}.`,
            ),
        );
    });

    it("rds-iam-proxy-role-trust flags a role also trusted by another principal", () => {
        assert.deepEqual(
            runStackRule(
                proxyRoleTrust,
                withTrust({
                    ...PROXY_TRUST,
                    Principal: { Service: ["rds.amazonaws.com", "ec2.amazonaws.com"] },
                }),
            ),
            mandatory(
                'RDS Proxy "orders-proxy" role "orders-proxy-role" is also trusted by Service "ec2.amazonaws.com" (statement 0): they may act as the proxy\'s role and connect as its users. Trust only rds.amazonaws.com.',
            ),
        );
    });

    it("rds-iam-proxy-role-trust flags a role rds.amazonaws.com cannot assume", () => {
        assert.deepEqual(
            runStackRule(proxyRoleTrust, withTrust({ Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })),
            mandatory(
                `RDS Proxy "orders-proxy" role "orders-proxy-role" is not trusted by rds.amazonaws.com: the proxy cannot assume it. Trust rds.amazonaws.com in its assumeRolePolicy; ${TRUST_FIX}.`,
                `RDS Proxy "orders-proxy" role "orders-proxy-role" is also trusted by AWS "arn:aws:iam::${ACCOUNT}:root" (statement 0): they may act as the proxy's role and connect as its users. Trust only rds.amazonaws.com.`,
            ),
        );
    });

    it("rds-iam-cannot-decide advises when the proxy's role is not in the stack", () => {
        const stack = proxyStack().filter((f) => f.name !== "orders-proxy-role");
        assert.deepEqual(runStackRule(cannotDecide, stack), [
            {
                message: `RDS Proxy "orders-proxy" logs in as "app_rw" for its workloads, but its role ${PROXY_ROLE_ARN} is not in this stack: rds-iam-proxy-role-connects cannot check that its role may connect as them.`,
                enforcement: "advisory",
            },
        ]);
    });

    it("rds-iam-cannot-decide advises when the proxy's target database is not in the stack", () => {
        const stack = replace(proxyStack(), "orders-proxy-target", {
            dbInstanceIdentifier: "orders-elsewhere",
        });
        assert.deepEqual(runStackRule(cannotDecide, stack), [
            {
                message:
                    'RDS Proxy "orders-proxy" logs in as "app_rw" for its workloads, but its target database "orders-elsewhere" is not in this stack: rds-iam-proxy-role-connects cannot check that its role may connect as them.',
                enforcement: "advisory",
            },
        ]);
    });
});
