import * as assert from "node:assert/strict";
import {
    TokenCache,
    TokenRequest,
    rdsSigner,
    TOKEN_RENEW_AFTER_MS,
} from "../../components/client/tokenCache";

const MINUTE = 60_000;
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

    it("counts a token's age from when its signing started, so a slow signing does not make it look younger", async () => {
        let now = 0;
        let signed = 0;
        const cache = new TokenCache({
            now: () => now,
            signer: async () => {
                now += 4 * MINUTE; // the signing itself takes 4 minutes (a slow credential chain)
                return `token-${++signed}`;
            },
        });
        assert.equal(await cache.getToken(REQUEST), "token-1");
        now = 10 * MINUTE; // 10 minutes after the signing started, 6 after it finished
        assert.equal(await cache.getToken(REQUEST), "token-2");
    });

    it("renews when the clock has stepped back past the signing instead of keeping the token forever", async () => {
        let now = 1_000_000_000;
        const { signer } = countingSigner();
        const cache = new TokenCache({ signer, now: () => now });
        assert.equal(await cache.getToken(REQUEST), "token-1");
        now -= 60 * MINUTE;
        assert.equal(await cache.getToken(REQUEST), "token-2");
        assert.equal(await cache.getToken(REQUEST), "token-2");
    });

    it("hands out the previous token when a renewal fails while it has 5 minutes left, and says so without the token", async () => {
        let now = 0;
        let fail = false;
        const reported: unknown[][] = [];
        const cache = new TokenCache({
            now: () => now,
            signer: async () => {
                if (fail) throw new Error("Rate exceeded");
                return "token-1";
            },
            onRenewalError: (...args) => reported.push(args),
        });
        assert.equal(await cache.getToken(REQUEST), "token-1");
        fail = true;
        now = 10 * MINUTE;
        assert.equal(await cache.getToken(REQUEST), "token-1");
        assert.deepEqual(reported, [[new Error("Rate exceeded"), REQUEST, 5 * MINUTE]]);
        assert.equal(cache.signings, 2);
        now = 14 * MINUTE + 30_000; // 30 seconds left: too little for a login, so the error surfaces
        await assert.rejects(cache.getToken(REQUEST), { message: "Rate exceeded" });
        assert.equal(reported.length, 1);
    });

    it("warns by default on a failed renewal, naming the user and endpoint but not the token", async () => {
        let now = 0;
        let fail = false;
        const cache = new TokenCache({
            now: () => now,
            signer: async () => {
                if (fail) throw new Error("Rate exceeded");
                return "SECRET-TOKEN";
            },
        });
        await cache.getToken(REQUEST);
        fail = true;
        now = 11 * MINUTE;
        const warning = new Promise<Error & { code?: string }>((resolve) => process.once("warning", resolve));
        assert.equal(await cache.getToken(REQUEST), "SECRET-TOKEN");
        const { name, code, message } = await warning;
        assert.deepEqual(
            { name, code, message },
            {
                name: "Warning",
                code: "RDS_IAM_TOKEN_RENEWAL_FAILED",
                message:
                    "renewing the RDS IAM token for App_User at mydb.c0ffee0example.eu-west-1.rds.amazonaws.com:3306 failed (Rate exceeded); using the previous token, valid for 240 more seconds",
            },
        );
    });

    it("rejects, never throws, when the signer throws synchronously", async () => {
        const cache = new TokenCache({
            signer: () => {
                throw new Error("bad region");
            },
        });
        let pending: Promise<string> | undefined;
        assert.doesNotThrow(() => {
            pending = cache.getToken(REQUEST);
        });
        await assert.rejects(pending as Promise<string>, { message: "bad region" });
        assert.equal(cache.size, 0);
    });

    it("keeps at most maxEntries users, dropping the least recently used", async () => {
        const { calls, signer } = countingSigner();
        const cache = new TokenCache({ signer, maxEntries: 2, now: () => 0 });
        const user = (username: string) => ({ ...REQUEST, username });
        assert.equal(await cache.getToken(user("a")), "token-1");
        assert.equal(await cache.getToken(user("b")), "token-2");
        assert.equal(await cache.getToken(user("a")), "token-1"); // a is now the most recently used
        assert.equal(await cache.getToken(user("c")), "token-3"); // evicts b
        assert.equal(cache.size, 2);
        assert.equal(await cache.getToken(user("a")), "token-1");
        assert.equal(await cache.getToken(user("b")), "token-4");
        assert.deepEqual(
            calls.map((c) => c.username),
            ["a", "b", "c", "b"],
        );
    });

    it("drops expired tokens when it signs another", async () => {
        let now = 0;
        const { signer } = countingSigner();
        const cache = new TokenCache({ signer, now: () => now });
        await cache.getToken({ ...REQUEST, username: "a" });
        await cache.getToken({ ...REQUEST, username: "b" });
        assert.equal(cache.size, 2);
        now = 15 * MINUTE;
        await cache.getToken({ ...REQUEST, username: "c" });
        assert.equal(cache.size, 1);
    });

    it("refuses a maxEntries below 1", () => {
        assert.throws(() => new TokenCache({ maxEntries: 0 }), {
            message: "maxEntries must be an integer of at least 1; got 0",
        });
    });
});
