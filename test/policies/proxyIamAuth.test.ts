import * as assert from "node:assert/strict";
import { proxyIamAuth } from "../../policies/rules";
import { Fixture, runResourceRule } from "../../local/policies/ruleHarness";
import { proxy } from "./fixtures";

const mandatory = (...messages: string[]) =>
    messages.map((message) => ({ message, enforcement: "mandatory" }));
const withProps = (f: Fixture, props: Record<string, unknown>): Fixture => ({
    ...f,
    props: { ...f.props, ...props },
});
const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app_rw";

describe("rds-iam-proxy-iam-auth", () => {
    it("flags an RDS Proxy without requireTls", () => {
        assert.deepEqual(
            runResourceRule(proxyIamAuth, withProps(proxy(), { requireTls: undefined })),
            mandatory(
                'RDS Proxy "orders-proxy" accepts connections without TLS; set requireTls: true (IAM tokens travel as cleartext passwords).',
            ),
        );
    });

    it("flags an auth that does not require IAM (iamAuth defaults to DISABLED)", () => {
        assert.deepEqual(
            runResourceRule(
                proxyIamAuth,
                withProps(proxy(), { auths: [{ authScheme: "SECRETS", secretArn: SECRET }] }),
            ),
            mandatory(
                `RDS Proxy "orders-proxy" auths[0] (${SECRET}) lets clients log in with a password (iamAuth DISABLED, the default); set iamAuth: "REQUIRED".`,
            ),
        );
    });

    it("flags a proxy with no auth and no end-to-end IAM", () => {
        assert.deepEqual(
            runResourceRule(
                proxyIamAuth,
                withProps(proxy(), { auths: undefined, defaultAuthScheme: "NONE" }),
            ),
            mandatory(
                'RDS Proxy "orders-proxy" requires IAM authentication nowhere; set defaultAuthScheme: "IAM_AUTH" or auths[].iamAuth: "REQUIRED".',
            ),
        );
    });

    it('accepts end-to-end IAM (defaultAuthScheme "IAM_AUTH") without auths', () => {
        assert.deepEqual(
            runResourceRule(
                proxyIamAuth,
                withProps(proxy(), { auths: undefined, defaultAuthScheme: "IAM_AUTH" }),
            ),
            [],
        );
    });
});
