import * as assert from "node:assert/strict";
import {
    TokenCache,
    TokenRequest,
    rdsSigner,
    TOKEN_RENEW_AFTER_MS,
} from "../../components/client/tokenCache";
import { NO_CREDENTIALS_MESSAGE } from "../../components/client/signingErrors";
import { parseToken } from "./parseToken";

const FAKE_CREDENTIALS = {
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const REQUEST: TokenRequest = {
    host: "mydb.c0ffee0example.eu-west-1.rds.amazonaws.com",
    port: 3306,
    username: "App_User",
    region: "eu-west-1",
};

/** A signer that counts calls and returns numbered tokens, optionally after a gate opens. */
function countingSigner(gate?: Promise<void>) {
    const calls: TokenRequest[] = [];
    const signer = async (request: TokenRequest) => {
        calls.push(request);
        if (gate) await gate;
        return `token-${calls.length}`;
    };
    return { calls, signer };
}

describe("client token signing (@aws-sdk/rds-signer with fake credentials)", () => {
    it("names host:port, Action=connect, the case-exact user, a 900-second expiry and the rds-db scope", async () => {
        const token = await rdsSigner({ ...REQUEST, credentials: FAKE_CREDENTIALS });
        const { address, path, params } = parseToken(token);
        assert.equal(token.startsWith("mydb.c0ffee0example.eu-west-1.rds.amazonaws.com:3306/?"), true);
        assert.equal(address, "mydb.c0ffee0example.eu-west-1.rds.amazonaws.com:3306");
        assert.equal(path, "/");
        assert.equal(params.Action, "connect");
        assert.equal(params.DBUser, "App_User");
        assert.equal(params["X-Amz-Expires"], "900");
        assert.equal(params["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
        assert.equal(params["X-Amz-SignedHeaders"], "host");
        const date = params["X-Amz-Date"].slice(0, 8);
        assert.match(params["X-Amz-Date"], /^\d{8}T\d{6}Z$/);
        assert.equal(
            params["X-Amz-Credential"],
            `AKIAIOSFODNN7EXAMPLE/${date}/eu-west-1/rds-db/aws4_request`,
        );
        assert.match(params["X-Amz-Signature"], /^[0-9a-f]{64}$/);
    });

    it("turns a credential chain with nothing to offer into the no-credentials explanation", async () => {
        const failing = async () => {
            const error = new Error("Could not load credentials from any providers");
            error.name = "CredentialsProviderError";
            throw error;
        };
        await assert.rejects(rdsSigner({ ...REQUEST, credentials: failing }), {
            message: NO_CREDENTIALS_MESSAGE,
        });
    });
});

describe("client TokenCache", () => {
    it("returns the cached token until 10 minutes have passed, then signs a new one", async () => {
        let now = 1_000_000;
        const { calls, signer } = countingSigner();
        const cache = new TokenCache({ signer, now: () => now });
        assert.equal(await cache.getToken(REQUEST), "token-1");
        now += TOKEN_RENEW_AFTER_MS - 1;
        assert.equal(await cache.getToken(REQUEST), "token-1");
        now += 1;
        assert.equal(await cache.getToken(REQUEST), "token-2");
        assert.equal(calls.length, 2);
        assert.equal(cache.signings, 2);
        assert.equal(cache.requests, 3);
        assert.equal(TOKEN_RENEW_AFTER_MS, 600_000);
    });

    it("signs once for 100 concurrent callers and hands them all the same token", async () => {
        let open!: () => void;
        const gate = new Promise<void>((resolve) => (open = resolve));
        const { calls, signer } = countingSigner(gate);
        const cache = new TokenCache({ signer });
        const pending = Array.from({ length: 100 }, () => cache.getToken(REQUEST));
        open();
        const tokens = await Promise.all(pending);
        assert.deepEqual(new Set(tokens), new Set(["token-1"]));
        assert.equal(calls.length, 1);
        assert.equal(cache.signings, 1);
    });

    it("makes one signature for 10,000 option requests for one user", async () => {
        const { signer } = countingSigner();
        const cache = new TokenCache({ signer, now: () => 0 });
        for (let i = 0; i < 10_000; i++) await cache.getToken(REQUEST);
        assert.equal(cache.signings, 1);
        assert.equal(cache.requests, 10_000);
    });

    it("keys tokens by host, port, username (case-exact) and region", async () => {
        const { calls, signer } = countingSigner();
        const cache = new TokenCache({ signer });
        await cache.getToken(REQUEST);
        await cache.getToken({ ...REQUEST, port: 3307 });
        await cache.getToken({ ...REQUEST, username: "app_user" });
        await cache.getToken({ ...REQUEST, region: "eu-west-2" });
        await cache.getToken({ ...REQUEST, host: "other.c0ffee0example.eu-west-1.rds.amazonaws.com" });
        await cache.getToken({ ...REQUEST, host: REQUEST.host.toUpperCase() });
        assert.equal(calls.length, 5);
    });

    it("does not cache a failed signing: the next caller signs again", async () => {
        let attempt = 0;
        const cache = new TokenCache({
            signer: async () => {
                attempt++;
                if (attempt === 1) throw new Error("throttled");
                return "token-after-retry";
            },
        });
        await assert.rejects(cache.getToken(REQUEST), { message: "throttled" });
        assert.equal(await cache.getToken(REQUEST), "token-after-retry");
        assert.equal(cache.signings, 2);
    });

    it("refuses a renewal period that is not shorter than the token's 15 minutes", () => {
        assert.throws(() => new TokenCache({ renewAfterMs: 900_000 }), {
            message: "renewAfterMs must be between 0 and 900000 (a token lives 15 minutes); got 900000",
        });
    });
});
