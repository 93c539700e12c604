/**
 * RDS IAM auth tokens as RDS reads them: a SigV4 presigned "URL" without scheme,
 * `host:port/?Action=connect&DBUser=…&X-Amz-Algorithm=…&X-Amz-Credential=…&X-Amz-Date=…&X-Amz-Expires=…&…&X-Amz-Signature=…`.
 * The signature is checked by signing the same request again with @smithy/signature-v4 (what
 * @aws-sdk/rds-signer itself uses) and the principal's secret key — no hand-written HMAC chain.
 */
import * as crypto from "node:crypto";

export interface ParsedToken {
    readonly host: string;
    readonly port: number;
    readonly query: Record<string, string>;
    readonly accessKeyId: string;
    readonly date: string;
    readonly region: string;
    readonly service: string;
    readonly signedAt: Date;
    readonly expiresIn: number;
}

export function parseToken(token: string): ParsedToken | undefined {
    const m = /^([^/:?]+):(\d+)\/\?(.+)$/.exec(token);
    if (!m) return undefined;
    const query = Object.fromEntries(new URLSearchParams(m[3]));
    const credential = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(
        query["X-Amz-Credential"] ?? "",
    );
    const stamp = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(query["X-Amz-Date"] ?? "");
    if (!credential || !stamp) return undefined;
    return {
        host: m[1],
        port: Number(m[2]),
        query,
        accessKeyId: credential[1],
        date: credential[2],
        region: credential[3],
        service: credential[4],
        signedAt: new Date(Date.UTC(+stamp[1], +stamp[2] - 1, +stamp[3], +stamp[4], +stamp[5], +stamp[6])),
        expiresIn: Number(query["X-Amz-Expires"]),
    };
}

export interface SigningKeys {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
}

/** Signs the token's request again with the known keys; true when the signatures are equal. */
export async function signatureIsValid(token: ParsedToken, keys: SigningKeys): Promise<boolean> {
    const { SignatureV4 } = require("@smithy/signature-v4") as typeof import("@smithy/signature-v4");
    const { Sha256 } = require("@smithy/core/checksum");
    const { HttpRequest } = require("@smithy/core/protocols");
    // Everything but the X-Amz-* parameters is request content; presign adds those back itself.
    const query = Object.fromEntries(Object.entries(token.query).filter(([k]) => !k.startsWith("X-Amz-")));
    const request = new HttpRequest({
        method: "GET",
        protocol: "https:",
        hostname: token.host,
        port: token.port,
        path: "/",
        query,
        headers: { host: `${token.host}:${token.port}` },
    });
    const signer = new SignatureV4({
        service: token.service,
        region: token.region,
        sha256: Sha256,
        credentials: {
            accessKeyId: keys.accessKeyId,
            secretAccessKey: keys.secretAccessKey,
            sessionToken: token.query["X-Amz-Security-Token"],
        },
    });
    const resigned = await signer.presign(request, {
        signingDate: token.signedAt,
        expiresIn: token.expiresIn,
    });
    const expected = Buffer.from(String(resigned.query?.["X-Amz-Signature"] ?? ""));
    const given = Buffer.from(token.query["X-Amz-Signature"] ?? "");
    return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
