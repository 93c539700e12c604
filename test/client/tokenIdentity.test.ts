import * as assert from "node:assert/strict";
import { getMysqlConnectionOptions, getPgConnectionOptions } from "../../components/client/connectionOptions";
import { TokenCache, TokenRequest } from "../../components/client/tokenCache";
import { parseToken } from "./parseToken";

// RDS logs a token in as the IAM identity that signed it, so a token signed with one identity's
// credentials must never be handed to a caller that passed another's.
const IDENTITY_A = {
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const IDENTITY_B = {
    accessKeyId: "AKIAI44QH8DHBEXAMPLE",
    secretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
};

/** The access key id a real token was signed with (X-Amz-Credential's first part). */
function signerOf(token: string): string {
    return parseToken(token).params["X-Amz-Credential"].split("/")[0];
}

describe("client tokens are never shared between signing identities", () => {
    it("getConnectionOptions with the process-wide cache signs B's token with B's key after A's, for mysql2 and pg", async () => {
        // No tokenCache: the default cache, with the real @aws-sdk/rds-signer (fake keys, offline).
        const base = {
            host: "identity.c0ffee0example.us-east-1.rds.amazonaws.com",
            username: "shared_user",
        } as const;
        const mysqlA = await getMysqlConnectionOptions({ ...base, engine: "mysql", credentials: IDENTITY_A });
        const mysqlB = await getMysqlConnectionOptions({ ...base, engine: "mysql", credentials: IDENTITY_B });
        assert.deepEqual(
            [signerOf(mysqlA.password), signerOf(mysqlB.password)],
            ["AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE"],
        );
        const newLoginB = (await mysqlB.authPlugins.mysql_clear_password()()).toString("utf8");
        assert.equal(signerOf(newLoginB.replace(/\0$/, "")), "AKIAI44QH8DHBEXAMPLE");
        const pgA = getPgConnectionOptions({ ...base, engine: "postgres", credentials: IDENTITY_A });
        const pgB = getPgConnectionOptions({ ...base, engine: "postgres", credentials: IDENTITY_B });
        assert.deepEqual(
            [signerOf(await pgA.password()), signerOf(await pgB.password()), signerOf(await pgA.password())],
            ["AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE", "AKIAIOSFODNN7EXAMPLE"],
        );
    });

    describe("TokenCache keys", () => {
        const REQUEST: TokenRequest = {
            host: "mydb.c0ffee0example.eu-west-1.rds.amazonaws.com",
            port: 3306,
            username: "app_user",
            region: "eu-west-1",
        };
        function counting() {
            const calls: TokenRequest[] = [];
            const cache = new TokenCache({
                signer: async (request) => {
                    calls.push(request);
                    return `token-${calls.length}`;
                },
            });
            return { calls, cache };
        }

        it("static credentials by access key id: another object with the same key shares the token, another key does not", async () => {
            const { calls, cache } = counting();
            assert.equal(await cache.getToken({ ...REQUEST, credentials: IDENTITY_A }), "token-1");
            assert.equal(await cache.getToken({ ...REQUEST, credentials: { ...IDENTITY_A } }), "token-1");
            assert.equal(await cache.getToken({ ...REQUEST, credentials: IDENTITY_B }), "token-2");
            assert.equal(await cache.getToken({ ...REQUEST, credentials: IDENTITY_A }), "token-1");
            assert.deepEqual(
                calls.map((c) => (c.credentials as { accessKeyId: string }).accessKeyId),
                ["AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE"],
            );
        });

        it("a credential provider by object identity: the same provider shares its token, another provider signs its own", async () => {
            const { calls, cache } = counting();
            const providerA = async () => IDENTITY_A;
            const providerB = async () => IDENTITY_B;
            assert.equal(await cache.getToken({ ...REQUEST, credentials: providerA }), "token-1");
            assert.equal(await cache.getToken({ ...REQUEST, credentials: providerA }), "token-1");
            assert.equal(await cache.getToken({ ...REQUEST, credentials: providerB }), "token-2");
            assert.equal(await cache.getToken({ ...REQUEST, credentials: providerA }), "token-1");
            assert.deepEqual(
                calls.map((c) => c.credentials),
                [providerA, providerB],
            );
        });

        it("the default credential chain (no credentials) is an identity of its own", async () => {
            const { calls, cache } = counting();
            assert.equal(await cache.getToken(REQUEST), "token-1");
            assert.equal(await cache.getToken({ ...REQUEST, credentials: IDENTITY_A }), "token-2");
            assert.equal(
                await cache.getToken({ ...REQUEST, credentials: async () => IDENTITY_A }),
                "token-3",
            );
            assert.equal(await cache.getToken(REQUEST), "token-1");
            assert.equal(calls.length, 3);
            assert.equal(cache.size, 3);
        });
    });
});
