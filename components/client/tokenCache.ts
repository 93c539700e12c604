/**
 * RDS IAM auth tokens, signed with `@aws-sdk/rds-signer` and cached per
 * (signing host, port, username, region, signing identity). A token is valid for 15 minutes from the moment it is
 * signed (X-Amz-Date); the cache hands out the same token for 10 minutes counted from when the
 * signing STARTED (a slow signing never makes a token look younger than it is) and then signs a new
 * one, so a connection opened with a cached token has at least 5 minutes left for its login.
 * Concurrent callers share one signing; a failed signing is never cached, and when a renewal fails
 * while the previous token still has a minute or more left, that token is handed out instead.
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

/** When a renewal fails, the previous token is handed out only while it has at least this long left. */
export const FALLBACK_MIN_REMAINING_MS = 60 * 1000;

/** Called when a renewal failed and the previous, still valid token was handed out instead. */
export type RenewalErrorHandler = (error: unknown, request: TokenRequest, remainingMs: number) => void;

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
     * How long a signed token is reused before a new one is signed, counted from the start of its
     * signing. Must be below 15 minutes.
     * @default 600000 (10 minutes)
     */
    readonly renewAfterMs?: number;
    /**
     * The most (host, port, username, region, identity) entries kept; the least recently used goes first.
     * Expired tokens are dropped whenever a token is signed.
     * @default 1000
     */
    readonly maxEntries?: number;
    /**
     * Told when a renewal failed and the previous token (still valid) was handed out instead. It gets
     * the signing error and the request (never a token).
     * @default a process warning naming the user, endpoint and error message
     */
    readonly onRenewalError?: RenewalErrorHandler;
}

interface CacheEntry {
    /** The clock when the signing started: the token's age is counted from here. */
    readonly startedAt: number;
    readonly token: Promise<string>;
    /** The token, once the signing succeeded; until then the entry is an in-flight signing. */
    value?: string;
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

const warnRenewalError: RenewalErrorHandler = (error, request, remainingMs) => {
    const reason = error instanceof Error ? error.message : String(error);
    process.emitWarning(
        `renewing the RDS IAM token for ${request.username} at ${request.host}:${request.port} failed (${reason}); ` +
            `using the previous token, valid for ${Math.floor(remainingMs / 1000)} more seconds`,
        { code: "RDS_IAM_TOKEN_RENEWAL_FAILED" },
    );
};

/**
 * Tokens per (host, port, username, region, signing identity): one cache serves any number of
 * identities, and a caller only ever gets a token signed with the credentials it passed.
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
    private readonly maxEntries: number;
    private readonly onRenewalError: RenewalErrorHandler;

    constructor(options: TokenCacheOptions = {}) {
        const renewAfterMs = options.renewAfterMs ?? TOKEN_RENEW_AFTER_MS;
        if (!(renewAfterMs >= 0 && renewAfterMs < TOKEN_LIFETIME_MS)) {
            throw new Error(
                `renewAfterMs must be between 0 and ${TOKEN_LIFETIME_MS} (a token lives 15 minutes); got ${renewAfterMs}`,
            );
        }
        const maxEntries = options.maxEntries ?? 1000;
        if (!(Number.isInteger(maxEntries) && maxEntries >= 1)) {
            throw new Error(`maxEntries must be an integer of at least 1; got ${maxEntries}`);
        }
        this.signer = options.signer ?? rdsSigner;
        this.now = options.now ?? Date.now;
        this.renewAfterMs = renewAfterMs;
        this.maxEntries = maxEntries;
        this.onRenewalError = options.onRenewalError ?? warnRenewalError;
    }

    /** How many entries (signed or in flight) the cache holds. */
    get size(): number {
        return this.entries.size;
    }

    /** A token for the request: the cached one while it is fresh, else one new signing shared by all callers. */
    getToken(request: TokenRequest): Promise<string> {
        this.requests++;
        const key = cacheKey(request);
        const entry = this.entries.get(key);
        if (entry !== undefined) {
            if (entry.value === undefined) return entry.token;
            // A clock stepped back gives a negative age: the token's real age is unknown, so renew.
            const age = this.now() - entry.startedAt;
            if (age >= 0 && age < this.renewAfterMs) {
                this.entries.delete(key);
                this.entries.set(key, entry); // most recently used last
                return entry.token;
            }
        }
        return this.sign(key, request, entry);
    }

    /** Forgets every cached token (for example after credentials changed). */
    clear(): void {
        this.entries.clear();
    }

    private sign(key: string, request: TokenRequest, previous: CacheEntry | undefined): Promise<string> {
        this.signings++;
        const startedAt = this.now();
        this.evict(startedAt);
        // A signer that throws synchronously still gives a rejected promise, never a throw.
        const signing = new Promise<string>((resolve) => resolve(this.signer(request)));
        const entry: { startedAt: number; token: Promise<string>; value?: string } = {
            startedAt,
            token: signing.then(
                (value) => {
                    entry.value = value;
                    return value;
                },
                (error: unknown) => {
                    const remainingMs = previous === undefined ? 0 : this.remainingMs(previous);
                    const fallback =
                        previous?.value !== undefined && remainingMs >= FALLBACK_MIN_REMAINING_MS;
                    if (this.entries.get(key) === entry) {
                        this.entries.delete(key);
                        if (fallback) this.entries.set(key, previous as CacheEntry);
                    }
                    if (!fallback) throw error;
                    this.onRenewalError(error, request, remainingMs);
                    return previous?.value as string;
                },
            ),
        };
        this.entries.delete(key);
        this.entries.set(key, entry);
        return entry.token;
    }

    /** How long a signed token has left by its own expiry; 0 when the clock went back past its signing. */
    private remainingMs(entry: CacheEntry): number {
        const age = this.now() - entry.startedAt;
        return age < 0 ? 0 : Math.max(0, TOKEN_LIFETIME_MS - age);
    }

    /** Drops expired tokens, then the least recently used entries beyond `maxEntries - 1`. */
    private evict(now: number): void {
        for (const [key, entry] of this.entries) {
            const age = now - entry.startedAt;
            if (entry.value !== undefined && (age < 0 || age >= TOKEN_LIFETIME_MS)) this.entries.delete(key);
        }
        for (const key of this.entries.keys()) {
            if (this.entries.size < this.maxEntries) break;
            this.entries.delete(key);
        }
    }
}

/**
 * Which identity signs: RDS logs a token in as the IAM principal that signed it (and CloudTrail and the
 * database audit show that principal), so a token may only be handed to callers that would have signed
 * as the same one. Static credentials are named by their access key id (it names exactly one principal,
 * and it is no secret: every token carries it in X-Amz-Credential); a credential provider by the object
 * itself; no credentials means the default chain. Why not resolve the provider and key by the access key
 * id it returns: that would call the provider on every lookup (some call STS each time), and make the
 * lookup asynchronous, losing the shared in-flight signing and the fallback to the previous token when a
 * renewal's provider fails. Why not skip the cache when `credentials` is given: every new pool connection
 * would resolve credentials and sign again, and a TokenCache of one's own would still mix identities.
 * The cost of this choice: a new provider object per call never finds a cached token (reuse one).
 */
const providerIds = new WeakMap<object, number>();
let lastProviderId = 0;

function identityKey(credentials: SigningCredentials | undefined): string {
    if (credentials === undefined) return "default-chain";
    if (
        typeof credentials === "object" &&
        typeof credentials.accessKeyId === "string" &&
        credentials.accessKeyId !== ""
    ) {
        return `key:${credentials.accessKeyId}`;
    }
    let id = providerIds.get(credentials);
    if (id === undefined) {
        id = ++lastProviderId;
        providerIds.set(credentials, id); // held weakly: a dropped provider is not kept alive
    }
    return `provider:${id}`;
}

function cacheKey(request: TokenRequest): string {
    return JSON.stringify([
        request.host.toLowerCase(),
        request.port,
        request.username,
        request.region,
        identityKey(request.credentials),
    ]);
}

/** The process-wide cache `getConnectionOptions` uses unless given another. */
export const defaultTokenCache = new TokenCache();
