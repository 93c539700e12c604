/**
 * The RDS IAM login decision, emulated: is this token, for this database user, signed by a known
 * principal whose IAM policies allow rds-db:connect on arn:…:dbuser:<resource id>/<user>? Every
 * decision carries the reason, so a failed login says why.
 */
import type { LoginAttempt, LoginDecision } from "../servers/loginHook";
import { decideConnect } from "./decideConnect";
import { NamedDocument } from "./iamPolicy";
import { SigningKeys, parseToken, signatureIsValid } from "./token";

/** A fake IAM principal: its access keys and the policy documents attached to it. */
export interface Principal extends SigningKeys {
    readonly arn: string;
    readonly policies: readonly NamedDocument[];
}

/** The database a local server plays. */
export interface EmulatedDatabase {
    readonly engine: LoginAttempt["engine"];
    readonly endpoint: string;
    readonly port: number;
    readonly region: string;
    readonly accountId: string;
    readonly resourceId: string;
    readonly partition?: string;
}

export interface VerifierOptions {
    readonly databases: readonly EmulatedDatabase[];
    readonly principals: readonly Principal[];
    /** Clock for expiry checks. @default Date.now */
    readonly now?: () => number;
}

export type Verifier = (attempt: LoginAttempt) => Promise<LoginDecision>;

const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export function createIamLoginVerifier(options: VerifierOptions): Verifier {
    const now = options.now ?? Date.now;
    const byKey = new Map(options.principals.map((p) => [p.accessKeyId, p]));
    const deny = (reason: string): LoginDecision => ({ allow: false, reason });
    return async (attempt) => {
        const db = options.databases.find((d) => d.engine === attempt.engine);
        if (db === undefined) return deny(`no emulated database for ${attempt.engine}`);
        const token = parseToken(attempt.password);
        if (token === undefined) return deny("malformed token: not a presigned rds-db:connect request");
        if (token.host !== db.endpoint || token.port !== db.port) {
            return deny(
                `wrong host/port: token is for ${token.host}:${token.port}, this database is ${db.endpoint}:${db.port}`,
            );
        }
        if (token.query.Action !== "connect")
            return deny(`wrong action: ${token.query.Action ?? "none"} (expected connect)`);
        if (token.query.DBUser !== attempt.user)
            return deny(`wrong user: token is for "${token.query.DBUser}", login is "${attempt.user}"`);
        if (token.service !== "rds-db") return deny(`wrong service: ${token.service} (expected rds-db)`);
        if (token.region !== db.region)
            return deny(`wrong region: token is signed for ${token.region}, the database is in ${db.region}`);
        if (!(token.expiresIn > 0 && token.expiresIn <= 900))
            return deny(`X-Amz-Expires ${token.expiresIn} is not within 1..900 seconds`);
        const signedAt = token.signedAt.getTime();
        if (signedAt - MAX_CLOCK_SKEW_MS > now()) return deny("token is signed in the future");
        if (signedAt + token.expiresIn * 1000 < now())
            return deny(
                `expired: signed ${new Date(signedAt).toISOString()}, valid for ${token.expiresIn} s`,
            );
        const principal = byKey.get(token.accessKeyId);
        if (principal === undefined) return deny(`unknown access key ${token.accessKeyId}`);
        if ((principal.sessionToken ?? undefined) !== (token.query["X-Amz-Security-Token"] ?? undefined))
            return deny("bad session token");
        if (!(await signatureIsValid(token, principal))) return deny("bad signature");
        const arn = `arn:${db.partition ?? "aws"}:rds-db:${db.region}:${db.accountId}:dbuser:${db.resourceId}/${attempt.user}`;
        const decision = decideConnect([...principal.policies], {
            arn,
            // aws:PrincipalArn is in the context of every signed request; for a role, the role's ARN.
            context: { "aws:PrincipalArn": principal.arn },
        });
        return { allow: decision.allowed, reason: decision.reason };
    };
}
