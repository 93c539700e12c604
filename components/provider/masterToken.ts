/**
 * A token login for the provider's own sessions: the IAM-only master (masterPassword "iam", RDS
 * MasterUserAuthenticationType iam-db-auth) or the IAM admin acting for the master (iamAdmin,
 * MySQL-family engines). The RDS IAM token is signed by whoever runs the operation — the deployer
 * with the stack's AWS settings, or the SQL runner with its function's own role — so no step reads
 * a master password. The signer needs rds-db:connect on `dbuser:<resource id>/<that user>`.
 *
 * A token is reused for 10 of its 15 minutes, so the sessions kept between operations
 * (sessionPool.ts, keyed by the whole target including the token) are found again; it is checked
 * only at login, so a kept session outlives it, as on RDS. Kept on globalThis, as the pools are
 * (connection.ts): this code is serialized into the state with the dynamic provider, and a
 * module-level value would be serialized with it instead of living in the process.
 */
import { parseRdsEndpoint } from "../awsNames";

export interface MasterTokenRequest {
    readonly host: string;
    readonly port: number;
    readonly username: string;
    /** The database's region when `host` does not name it. */
    readonly region?: string;
}

/** What rds-signer accepts as credentials: static keys or a provider of them. */
export type MasterTokenCredentials = ConstructorParameters<
    typeof import("@aws-sdk/rds-signer").Signer
>[0]["credentials"];

const REUSE_MS = 10 * 60 * 1000;

function tokens(): Map<string, { token: string; signedAt: number }> {
    const global = globalThis as { __rdsIamMasterTokens?: Map<string, { token: string; signedAt: number }> };
    return (global.__rdsIamMasterTokens ??= new Map());
}

/**
 * A token for the master (or the IAM admin), signed with `credentials` (undefined: the default
 * chain). The credentials are resolved first and the token kept per access key, so a signer whose
 * credentials change (another role, rotated keys) never reuses another identity's token.
 */
export async function masterToken(
    request: MasterTokenRequest,
    credentials: MasterTokenCredentials | undefined,
): Promise<string> {
    const region = parseRdsEndpoint(request.host)?.region ?? request.region;
    if (region === undefined)
        throw new Error(
            `cannot sign the master's IAM token for ${request.host}: the host names no AWS region; set the DatabaseUser's region`,
        );
    const failed = (e: unknown) =>
        new Error(
            `cannot sign an IAM token for ${request.username} of ${request.host}: ${(e as Error).message}. ` +
                "The identity running the operation signs one (the IAM-only master, or the IAM admin): give it AWS credentials.",
        );
    let keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    try {
        const chain =
            credentials ??
            (
                require("@aws-sdk/credential-providers") as typeof import("@aws-sdk/credential-providers")
            ).fromNodeProviderChain();
        keys = typeof chain === "function" ? await chain() : chain;
    } catch (e) {
        throw failed(e);
    }
    const key = JSON.stringify([
        request.host.toLowerCase(),
        request.port,
        request.username,
        region,
        keys.accessKeyId,
    ]);
    const kept = tokens().get(key);
    const now = Date.now();
    if (kept !== undefined && now - kept.signedAt >= 0 && now - kept.signedAt < REUSE_MS) return kept.token;
    try {
        const { Signer } = require("@aws-sdk/rds-signer") as typeof import("@aws-sdk/rds-signer");
        const token = await new Signer({
            hostname: request.host,
            port: request.port,
            username: request.username,
            region,
            credentials: keys,
        }).getAuthToken();
        tokens().set(key, { token, signedAt: now });
        return token;
    } catch (e) {
        throw failed(e);
    }
}
