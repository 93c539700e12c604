import * as assert from "node:assert/strict";
import { connectPolicyDocument } from "../../components/connectPolicy";
import { decide } from "../../local/emulator/iamPolicy";
import { fakePrincipal, signToken } from "../../local/emulator/principals";
import { parseToken } from "../../local/emulator/token";
import { EmulatedDatabase, createIamLoginVerifier } from "../../local/emulator/verifier";

const DB: EmulatedDatabase = {
    engine: "postgres",
    endpoint: "orders.c0ffee.us-east-1.rds.amazonaws.com",
    port: 5432,
    region: "us-east-1",
    accountId: "123456789012",
    resourceId: "db-ABCDEFGHIJKL",
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

describe("IAM login emulator: policy evaluation", () => {
    it("allows one user and no other (the seeds' first example)", () => {
        assert.deepEqual(decide([doc(arn("user1"))], "rds-db:connect", arn("user1")), {
            effect: "allow",
            by: 'policy "connect" statement 0',
        });
        assert.deepEqual(decide([doc(arn("user1"))], "rds-db:connect", arn("user2")), {
            effect: "implicit-deny",
        });
    });

    it("allows two users of one database", () => {
        for (const u of ["user1", "user2"])
            assert.equal(decide([doc(arn("user1"), arn("user2"))], "rds-db:connect", arn(u)).effect, "allow");
    });

    it("allows users of two databases, an Aurora cluster id among them", () => {
        const d = doc(arn("app", "db-AAAA"), arn("app", "cluster-BBBB"));
        assert.equal(decide([d], "rds-db:connect", arn("app", "cluster-BBBB")).effect, "allow");
        assert.equal(decide([d], "rds-db:connect", arn("app", "db-CCCC")).effect, "implicit-deny");
    });

    it("evaluates wildcards the IAM way: */* and */user1", () => {
        const all = {
            name: "all",
            document: {
                Statement: {
                    Effect: "Allow" as const,
                    Action: "rds-db:*",
                    Resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:*/*",
                },
            },
        };
        const user1 = {
            name: "u1",
            document: {
                Statement: {
                    Effect: "Allow" as const,
                    Action: "RDS-DB:Connect",
                    Resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:*/user1",
                },
            },
        };
        assert.equal(decide([all], "rds-db:connect", arn("anyone", "cluster-X")).effect, "allow");
        assert.equal(decide([user1], "rds-db:connect", arn("user1", "db-Z")).effect, "allow");
        assert.equal(decide([user1], "rds-db:connect", arn("User1", "db-Z")).effect, "implicit-deny");
    });

    it("lets an explicit Deny win over any Allow", () => {
        const deny = {
            name: "deny",
            document: {
                Statement: [
                    {
                        Sid: "NoAdmin",
                        Effect: "Deny" as const,
                        Action: "rds-db:connect",
                        Resource: arn("admin"),
                    },
                ],
            },
        };
        assert.deepEqual(decide([doc(arn("admin")), deny], "rds-db:connect", arn("admin")), {
            effect: "explicit-deny",
            by: 'policy "deny" statement NoAdmin',
        });
    });

    it("honours NotResource and does not apply an Allow that carries a Condition", () => {
        const notResource = {
            name: "nr",
            document: {
                Statement: { Effect: "Allow" as const, Action: "rds-db:connect", NotResource: arn("admin") },
            },
        };
        assert.equal(decide([notResource], "rds-db:connect", arn("app")).effect, "allow");
        assert.equal(decide([notResource], "rds-db:connect", arn("admin")).effect, "implicit-deny");
        const conditional = {
            name: "c",
            document: {
                Statement: {
                    Effect: "Allow" as const,
                    Action: "rds-db:connect",
                    Resource: arn("app"),
                    Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
                },
            },
        };
        assert.equal(decide([conditional], "rds-db:connect", arn("app")).effect, "implicit-deny");
    });

    it("denies a policy that names the instance identifier instead of the resource id", () => {
        const byIdentifier = {
            name: "ident",
            document: {
                Statement: {
                    Effect: "Allow" as const,
                    Action: "rds-db:connect",
                    Resource: "arn:aws:rds-db:us-east-1:123456789012:dbuser:orders-instance/app",
                },
            },
        };
        assert.equal(decide([byIdentifier], "rds-db:connect", arn("app")).effect, "implicit-deny");
    });

    it("matches the aws-cn partition only in aws-cn", () => {
        const cn = {
            name: "cn",
            document: {
                Statement: {
                    Effect: "Allow" as const,
                    Action: "rds-db:connect",
                    Resource: "arn:aws-cn:rds-db:cn-north-1:123456789012:dbuser:db-X/app",
                },
            },
        };
        assert.equal(
            decide([cn], "rds-db:connect", "arn:aws-cn:rds-db:cn-north-1:123456789012:dbuser:db-X/app")
                .effect,
            "allow",
        );
        assert.equal(
            decide([cn], "rds-db:connect", "arn:aws:rds-db:cn-north-1:123456789012:dbuser:db-X/app").effect,
            "implicit-deny",
        );
    });
});
