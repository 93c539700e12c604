/**
 * The emulator's IAM decision for one `rds-db:connect` request, as AWS would make it but never
 * friendlier: the shared IAM evaluation (policies/lib/iam) under the "least-access" assumption —
 * an Allow that depends on anything unresolved (a policy variable, a condition key whose value is
 * not given, a wildcard reading IAM's documentation leaves open) does not apply, and a Deny that
 * might apply does. Malformed documents, which IAM would never have stored, refuse the login.
 *
 * Condition keys: rds-db has "no service-specific context keys" (Service Authorization Reference,
 * Amazon RDS IAM Authentication), so a non-`aws:` key is absent from every connect request; global
 * `aws:` keys are evaluated when `context` gives their value and are unknown otherwise.
 */
import { NamedPolicy, evaluate, hasWildcard } from "../../policies/lib/iam";

export interface ConnectRequest {
    /** The database user's ARN: `arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<user>`. */
    readonly arn: string;
    /** Known global condition keys, e.g. `{ "aws:PrincipalArn": "…", "aws:SourceIp": "10.0.0.7" }`. */
    readonly context?: Record<string, string>;
}

export interface ConnectDecision {
    readonly allowed: boolean;
    readonly reason: string;
}

const DBUSER_ARN = /^arn:[a-z-]+:rds-db:[a-z0-9-]+:\d{12}:dbuser:[^/]+\/.+$/;

/** A policy is a document, or `{ name, document }` (document as object or JSON text) to name it in reasons. */
function named(policy: object, index: number): NamedPolicy {
    const p = policy as { name?: unknown; document?: unknown; Statement?: unknown };
    if (p.Statement === undefined && typeof p.name === "string" && p.document !== undefined)
        return { name: `policy "${p.name}"`, document: p.document };
    return { name: `policy ${index}`, document: policy };
}

export function decideConnect(policies: object[], request: ConnectRequest): ConnectDecision {
    const who = request.context?.["aws:PrincipalArn"] ?? "the principal";
    const arn = request.arn;
    if (!DBUSER_ARN.test(arn) || hasWildcard(arn))
        return {
            allowed: false,
            reason: `refused: ${JSON.stringify(arn)} is not a database user ARN (arn:<partition>:rds-db:<region>:<account>:dbuser:<resource id>/<user>)`,
        };
    const result = evaluate(
        policies.map(named),
        {
            action: "rds-db:connect",
            resource: arn,
            values: request.context,
            isAbsent: (key) => !key.toLowerCase().startsWith("aws:"),
        },
        "least-access",
    );
    const doubts = (d: readonly string[]) =>
        d.length > 0 ? `; taken as applying because ${d.join("; ")}` : "";
    switch (result.decision) {
        case "malformed":
            return {
                allowed: false,
                reason: `refused: ${result.policy} of ${who} is malformed (IAM would not store it): ${result.problems.join("; ")}`,
            };
        case "explicit-deny":
            return {
                allowed: false,
                reason: `explicit deny for ${who} on ${arn} by ${result.by}${doubts(result.doubts)}`,
            };
        case "implicit-deny":
            return {
                allowed: false,
                reason:
                    `policy denies: nothing allows ${who} rds-db:connect on ${arn}` +
                    (result.notApplied.length > 0
                        ? ` (not applied, as they only might: ${result.notApplied.join("; ")})`
                        : ""),
            };
        case "allow":
            return { allowed: true, reason: `${who} may connect as ${arn} (${result.by})` };
    }
}
