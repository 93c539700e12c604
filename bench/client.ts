/** Client helper: signings per 10,000 option requests, and a cached request vs a real signing. */
import { getMysqlConnectionOptions } from "../components/client";
import { TokenCache, rdsSigner } from "../components/client/tokenCache";
import { bestOf, round } from "./timing";

const credentials = {
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const request = {
    host: "orders.c0ffee.us-east-1.rds.amazonaws.com",
    port: 3306,
    username: "app_rw",
    region: "us-east-1",
    credentials,
};

export async function benchClient(): Promise<{ [k: string]: number }> {
    const cache = new TokenCache({ signer: rdsSigner });
    for (let i = 0; i < 10_000; i++) {
        const options = await getMysqlConnectionOptions({ engine: "mysql", ...request, tokenCache: cache });
        void options;
    }
    const signingsPer10k = cache.signings;
    const calls = 2_000;
    const cachedUs =
        ((await bestOf(3, async () => {
            for (let i = 0; i < calls; i++) await cache.getToken(request);
        })) *
            1000) /
        calls;
    const uncachedUs =
        ((await bestOf(3, async () => {
            for (let i = 0; i < 200; i++) await rdsSigner(request);
        })) *
            1000) /
        200;
    return {
        signingsPer10k,
        cachedRequestUs: round(cachedUs),
        uncachedSigningUs: round(uncachedUs),
        uncachedOverCached: round(uncachedUs / cachedUs),
    };
}
