/** Fake IAM principals for the emulator: deterministic fake keys per role (role sessions carry a session token). */
import * as crypto from "node:crypto";
import type { NamedDocument } from "./iamPolicy";
import type { Principal } from "./verifier";

export function fakePrincipal(
    roleArn: string,
    policies: readonly NamedDocument[],
    withSessionToken = true,
): Principal {
    const digest = (salt: string) => crypto.createHash("sha256").update(`${salt}:${roleArn}`).digest();
    const id = digest("id")
        .toString("hex")
        .toUpperCase()
        .replace(/[^A-Z2-7]/g, "")
        .padEnd(16, "Q")
        .slice(0, 16);
    return {
        arn: roleArn,
        accessKeyId: `${withSessionToken ? "ASIA" : "AKIA"}${id}`,
        secretAccessKey: digest("secret").toString("base64").slice(0, 40),
        // Real role-session tokens are ~1,000 characters; make ours as long so they test the login paths for size.
        sessionToken: withSessionToken ? digest("session").toString("base64").repeat(22) : undefined,
        policies,
    };
}

/** Signs an RDS IAM token as a principal with the real @aws-sdk/rds-signer. */
export async function signToken(
    principal: Principal,
    host: string,
    port: number,
    username: string,
    region: string,
): Promise<string> {
    const { Signer } = require("@aws-sdk/rds-signer") as typeof import("@aws-sdk/rds-signer");
    const signer = new Signer({
        hostname: host,
        port,
        username,
        region,
        credentials: {
            accessKeyId: principal.accessKeyId,
            secretAccessKey: principal.secretAccessKey,
            sessionToken: principal.sessionToken,
        },
    });
    return signer.getAuthToken();
}
