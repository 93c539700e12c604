import * as assert from "node:assert/strict";
import { connectPolicyDocument } from "../../components/connectPolicy";
import { decideConnect } from "../../local/emulator/decideConnect";
import { fakePrincipal, signToken } from "../../local/emulator/principals";
import { parseToken } from "../../local/emulator/token";
import { EmulatedDatabase, createIamLoginVerifier } from "../../local/emulator/verifier";

const DB: EmulatedDatabase = {
    engine: "postgres",
    endpoint: "orders.c0ffee.us-east-1.rds.amazonaws.com",
    port: 5432,
    region: "us-east-1",
    accountId: "123456789012",
    resourceId: "db-ABCDEFGHIJKLMNOPQRSTUVWX",
};
const arn = (user: string, id = DB.resourceId) =>
    `arn:aws:rds-db:us-east-1:123456789012:dbuser:${id}/${user}`;
const doc = (...resources: string[]) => ({
    name: "connect",
    document: JSON.stringify(
        connectPolicyDocument(
            resources.map((r) => {
                const [, , , region, accountId, , rest] = r.split(":");
                const [resourceId, username] = rest.split("/");
                return { region, accountId, resourceId: resourceId.replace("dbuser:", ""), username };
            }),
        ),
    ),
});

describe("IAM login emulator: tokens", () => {
    const principal = fakePrincipal("arn:aws:iam::123456789012:role/api-role", [
        {
            name: "connect",
            document: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "rds-db:connect", Resource: arn("app_rw") }],
            }),
        },
    ]);
    const verify = createIamLoginVerifier({ databases: [DB], principals: [principal] });
    const attempt = (password: string, user = "app_rw") =>
        verify({ engine: "postgres", user, clientHost: "127.0.0.1", password });

    it("accepts a real rds-signer token with a session token and says why", async () => {
        const token = await signToken(principal, DB.endpoint, DB.port, "app_rw", "us-east-1");
        assert.ok(token.length > 1000, `token is ${token.length} characters`);
        assert.deepEqual(await attempt(token), {
            allow: true,
            reason: `arn:aws:iam::123456789012:role/api-role may connect as ${arn("app_rw")} (policy "connect" statement 0)`,
        });
    });

    it("reads the token's parts", async () => {
        const token = parseToken(await signToken(principal, DB.endpoint, DB.port, "App_RW", "us-east-1"))!;
        assert.deepEqual(
            [
                token.host,
                token.port,
                token.query.Action,
                token.query.DBUser,
                token.region,
                token.service,
                token.expiresIn,
            ],
            [DB.endpoint, 5432, "connect", "App_RW", "us-east-1", "rds-db", 900],
        );
    });

    it("refuses a token for another user, even one differing only in case", async () => {
        const token = await signToken(principal, DB.endpoint, DB.port, "App_RW", "us-east-1");
        assert.deepEqual(await attempt(token), {
            allow: false,
            reason: 'wrong user: token is for "App_RW", login is "app_rw"',
        });
    });

    it("refuses an expired token", async () => {
        const token = await signToken(principal, DB.endpoint, DB.port, "app_rw", "us-east-1");
        const later = createIamLoginVerifier({
            databases: [DB],
            principals: [principal],
            now: () => Date.now() + 16 * 60_000,
        });
        const decision = await later({
            engine: "postgres",
            user: "app_rw",
            clientHost: "127.0.0.1",
            password: token,
        });
        assert.equal(decision.allow, false);
        assert.match(
            decision.reason,
            /^expired: signed \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z, valid for 900 s$/,
        );
    });

    it("refuses a tampered signature", async () => {
        const token = await signToken(principal, DB.endpoint, DB.port, "app_rw", "us-east-1");
        const tampered = token.replace(
            /X-Amz-Signature=([0-9a-f])/,
            (_m, c) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`,
        );
        assert.deepEqual(await attempt(tampered), { allow: false, reason: "bad signature" });
    });

    it("refuses a token signed for another region, port or host", async () => {
        assert.deepEqual(
            await attempt(await signToken(principal, DB.endpoint, DB.port, "app_rw", "eu-west-1")),
            {
                allow: false,
                reason: "wrong region: token is signed for eu-west-1, the database is in us-east-1",
            },
        );
        assert.deepEqual(
            await attempt(await signToken(principal, DB.endpoint, 5433, "app_rw", "us-east-1")),
            {
                allow: false,
                reason: `wrong host/port: token is for ${DB.endpoint}:5433, this database is ${DB.endpoint}:5432`,
            },
        );
        assert.deepEqual(
            await attempt(
                await signToken(
                    principal,
                    "other.c0ffee.us-east-1.rds.amazonaws.com",
                    5432,
                    "app_rw",
                    "us-east-1",
                ),
            ),
            {
                allow: false,
                reason: `wrong host/port: token is for other.c0ffee.us-east-1.rds.amazonaws.com:5432, this database is ${DB.endpoint}:5432`,
            },
        );
    });

    it("refuses Expires above 900, an unknown key and a changed session token", async () => {
        const token = await signToken(principal, DB.endpoint, DB.port, "app_rw", "us-east-1");
        assert.deepEqual(await attempt(token.replace("X-Amz-Expires=900", "X-Amz-Expires=901")), {
            allow: false,
            reason: "X-Amz-Expires 901 is not within 1..900 seconds",
        });
        const stranger = fakePrincipal("arn:aws:iam::123456789012:role/stranger", []);
        assert.deepEqual(
            await attempt(await signToken(stranger, DB.endpoint, DB.port, "app_rw", "us-east-1")),
            { allow: false, reason: `unknown access key ${stranger.accessKeyId}` },
        );
        assert.deepEqual(
            await attempt(token.replace(/X-Amz-Security-Token=[^&]{4}/, "X-Amz-Security-Token=AAAA")),
            { allow: false, reason: "bad session token" },
        );
    });

    it("refuses something that is not a token", async () => {
        assert.deepEqual(await attempt("hunter2"), {
            allow: false,
            reason: "malformed token: not a presigned rds-db:connect request",
        });
    });
});

describe("IAM login emulator: decideConnect", () => {
    const connect = (resource: string | string[], extra: Record<string, unknown> = {}) => ({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "rds-db:connect", Resource: resource, ...extra }],
    });
    const allowed = (policies: object[], user: string, id = DB.resourceId) =>
        decideConnect(policies, { arn: arn(user, id) }).allowed;

    it("allows one user and no other, and says which statement decided", () => {
        assert.deepEqual(decideConnect([doc(arn("user1"))], { arn: arn("user1") }), {
            allowed: true,
            reason: `the principal may connect as ${arn("user1")} (policy "connect" statement 0)`,
        });
        assert.deepEqual(decideConnect([doc(arn("user1"))], { arn: arn("user2") }), {
            allowed: false,
            reason: `policy denies: nothing allows the principal rds-db:connect on ${arn("user2")}`,
        });
    });

    it("names the principal from aws:PrincipalArn when the context gives it", () => {
        assert.deepEqual(
            decideConnect([connect(arn("app"))], {
                arn: arn("app"),
                context: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/api" },
            }),
            {
                allowed: true,
                reason: `arn:aws:iam::123456789012:role/api may connect as ${arn("app")} (policy 0 statement 0)`,
            },
        );
    });

    it("matches * per ARN segment: arn:aws:rds-db:*/user1 does not reach a database in any region (IAM Resource element: wildcards within individual segments)", () => {
        assert.deepEqual(decideConnect([connect("arn:aws:rds-db:*/user1")], { arn: arn("user1") }), {
            allowed: false,
            reason: `policy denies: nothing allows the principal rds-db:connect on ${arn("user1")}`,
        });
        assert.equal(
            allowed([connect("arn:aws:rds-db:us-east-1:123456789012:dbuser:*/user1")], "user1"),
            true,
        );
    });

    it("never lets an Allow with a policy variable match, not even a user literally named ${aws:username}", () => {
        const variable = connect(
            "arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWX/${aws:username}",
        );
        assert.equal(allowed([variable], "app"), false);
        assert.deepEqual(decideConnect([variable], { arn: arn("${aws:username}") }), {
            allowed: false,
            reason: `refused: "${arn("${aws:username}")}" is not a database user ARN (arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<user>)`,
        });
    });

    it("applies a Deny with a policy variable (fail closed), and says why", () => {
        const deny = {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Deny",
                    Action: "rds-db:connect",
                    Resource: "arn:aws:rds-db:*:*:dbuser:*/${aws:PrincipalTag/blocked}",
                },
            ],
        };
        assert.deepEqual(decideConnect([connect(arn("app")), deny], { arn: arn("app") }), {
            allowed: false,
            reason: `explicit deny for the principal on ${arn("app")} by policy 1 statement 0; taken as applying because its Resource may or may not cover ${arn("app")} (policy variable, or a wildcard IAM's documentation leaves open)`,
        });
    });

    it("refuses malformed documents with the reason instead of evaluating them", () => {
        const cases: [object, string][] = [
            [
                {
                    Statement: {
                        Effect: "Allow",
                        Action: "rds-db:connect",
                        NotAction: "s3:*",
                        Resource: "*",
                    },
                },
                "statement 0: has both Action and NotAction; keep one",
            ],
            [
                { Statement: { Effect: "Allow", Action: "rds-db:connect" } },
                "statement 0: has neither Resource nor NotResource",
            ],
            [
                { Statement: { Effect: "allow", Action: "rds-db:connect", Resource: "*" } },
                'statement 0: Effect must be exactly "Allow" or "Deny" (got "allow")',
            ],
            [
                { Statement: { Effect: "Deny", Resource: "*" } },
                "statement 0: has neither Action nor NotAction",
            ],
        ];
        for (const [document, problem] of cases) {
            assert.deepEqual(decideConnect([connect(arn("app")), document], { arn: arn("app") }), {
                allowed: false,
                reason: `refused: policy 1 of the principal is malformed (IAM would not store it): ${problem}`,
            });
        }
    });

    it("treats Condition: {} as no condition", () => {
        assert.equal(allowed([connect(arn("app"), { Condition: {} })], "app"), true);
    });

    it("evaluates a global-key Condition it has the value for, and fails closed without it", () => {
        const fromVpc = connect(arn("app"), { Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } });
        const at = (ip?: string) =>
            decideConnect([fromVpc], { arn: arn("app"), context: ip ? { "aws:SourceIp": ip } : undefined })
                .allowed;
        assert.deepEqual([at("10.1.2.3"), at("192.0.2.1"), at()], [true, false, false]);
    });

    it("lets an explicit Deny win over any Allow", () => {
        const deny = {
            Statement: [{ Sid: "NoAdmin", Effect: "Deny", Action: "rds-db:connect", Resource: arn("admin") }],
        };
        assert.deepEqual(
            decideConnect([doc(arn("admin")), { name: "deny", document: deny }], { arn: arn("admin") }),
            {
                allowed: false,
                reason: `explicit deny for the principal on ${arn("admin")} by policy "deny" statement NoAdmin`,
            },
        );
    });

    it("matches the aws-cn partition only in aws-cn", () => {
        const cn = connect("arn:aws-cn:rds-db:cn-north-1:123456789012:dbuser:db-X/app");
        assert.equal(
            decideConnect([cn], { arn: "arn:aws-cn:rds-db:cn-north-1:123456789012:dbuser:db-X/app" }).allowed,
            true,
        );
        assert.equal(
            decideConnect([cn], { arn: "arn:aws:rds-db:cn-north-1:123456789012:dbuser:db-X/app" }).allowed,
            false,
        );
    });
});
