/**
 * RDS IAM auth tokens, signed with `@aws-sdk/rds-signer` and cached per
 * (signing host, port, username, region). A token is valid for 15 minutes; the cache hands out
 * the same token for 10 minutes and then signs a new one, so a connection opened with a cached
 * token always has at least 5 minutes left for its login. Concurrent callers share one signing;
 * a failed signing is never cached.
 */
import type { SignerConfig } from "@aws-sdk/rds-signer";
import { explainSigningError } from "./signingErrors";

/** Static credentials or a credential provider, as `@aws-sdk/rds-signer` accepts them. */
export type SigningCredentials = NonNullable<SignerConfig["credentials"]>;

/** What a token is signed for. The token names `host:port`, so `host` must be the real RDS endpoint. */
export interface TokenRequest {
    /** The RDS (or RDS Proxy) endpoint the token is signed for. */
    readonly host: string;
    /** The database port the token is signed for. */
    readonly port: number;
    /** The database user, case-exact. */
    readonly username: string;
    /** The AWS region of the database. */
    readonly region: string;
    /**
     * Credentials to sign with.
     * @default the default AWS credential chain (env, profile, ECS task role, EC2 instance profile, …)
     */
    readonly credentials?: SigningCredentials;
}

/** Signs one token; the default uses `@aws-sdk/rds-signer`. Injectable for tests and benchmarks. */
export type TokenSigner = (request: TokenRequest) => Promise<string>;

/** How long a cached token is handed out: 10 of its 15 minutes. */
export const TOKEN_RENEW_AFTER_MS = 10 * 60 * 1000;

/** The lifetime AWS gives an RDS IAM auth token (X-Amz-Expires=900). */
export const TOKEN_LIFETIME_MS = 15 * 60 * 1000;

export interface TokenCacheOptions {
    /**
     * Signs a token.
     * @default signs with `@aws-sdk/rds-signer` `Signer`
     */
    readonly signer?: TokenSigner;
    /**
     * The clock, in milliseconds.
     * @default Date.now
     */
    readonly now?: () => number;
    /**
     * How long a signed token is reused before a new one is signed. Must be below 15 minutes.
     * @default 600000 (10 minutes)
     */
    readonly renewAfterMs?: number;
}

interface CacheEntry {
    readonly token: Promise<string>;
    /** Set once the signing succeeded; until then the entry is an in-flight signing. */
    signedAt?: number;
}

/** Signs with `@aws-sdk/rds-signer` (required on first use so importing the client stays cheap). */
export const rdsSigner: TokenSigner = async (request) => {
    const { Signer } = require("@aws-sdk/rds-signer") as typeof import("@aws-sdk/rds-signer");
    const signer = new Signer({
        hostname: request.host,
        port: request.port,
        username: request.username,
        region: request.region,
        ...(request.credentials ? { credentials: request.credentials } : {}),
    });
    try {
        return await signer.getAuthToken();
    } catch (error) {
        throw explainSigningError(error);
    }
};

/**
 * Tokens per (host, port, username, region). The key leaves out `credentials`: one cache serves one
 * identity (use a separate cache per identity when a process signs as several).
 */
export class TokenCache {
    /** Number of signings started (a benchmark's "signatures per N requests"). */
    signings = 0;
    /** Number of token requests served (cached or not). */
    requests = 0;

    private readonly entries = new Map<string, CacheEntry>();
    private readonly signer: TokenSigner;
    private readonly now: () => number;
    private readonly renewAfterMs: number;

    constructor(options: TokenCacheOptions = {}) {
        const renewAfterMs = options.renewAfterMs ?? TOKEN_RENEW_AFTER_MS;
        if (!(renewAfterMs >= 0 && renewAfterMs < TOKEN_LIFETIME_MS)) {
            throw new Error(
                `renewAfterMs must be between 0 and ${TOKEN_LIFETIME_MS} (a token lives 15 minutes); got ${renewAfterMs}`,
            );
        }
        this.signer = options.signer ?? rdsSigner;
        this.now = options.now ?? Date.now;
        this.renewAfterMs = renewAfterMs;
    }

    /** A token for the request: the cached one while it is fresh, else one new signing shared by all callers. */
    getToken(request: TokenRequest): Promise<string> {
        this.requests++;
        const key = cacheKey(request);
        const entry = this.entries.get(key);
        if (entry && (entry.signedAt === undefined || this.now() - entry.signedAt < this.renewAfterMs)) {
            return entry.token;
        }
        return this.sign(key, request);
    }

    /** Forgets every cached token (for example after credentials changed). */
    clear(): void {
        this.entries.clear();
    }

    private sign(key: string, request: TokenRequest): Promise<string> {
        this.signings++;
        const token = this.signer(request);
        const entry: CacheEntry = { token };
        this.entries.set(key, entry);
        token.then(
            () => {
                entry.signedAt = this.now();
            },
            () => {
                if (this.entries.get(key) === entry) this.entries.delete(key);
            },
        );
        return token;
    }
}

function cacheKey(request: TokenRequest): string {
    return JSON.stringify([request.host.toLowerCase(), request.port, request.username, request.region]);
}

/** The process-wide cache `getConnectionOptions` uses unless given another. */
export const defaultTokenCache = new TokenCache();
