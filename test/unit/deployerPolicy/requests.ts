/**
 * What AWS would decide for one request of the deployer (or of a role the program creates), asked of
 * the project's own IAM evaluation (policies/lib/iam, the one the pack and the login emulator share)
 * with "least-access": an Allow counts only where it surely applies, a Deny wherever it might. So a
 * request passes only when the policy surely grants it, whatever the keys it is not told about say.
 */
import { Evaluation, evaluate } from "../../../policies/lib/iam";

export interface PolicyRequest {
    readonly action: string;
    /** The ARN AWS authorizes the request against. */
    readonly resource: string;
    /** Condition keys the request carries, with their values. */
    readonly values?: Readonly<Record<string, string>>;
    /** Condition keys the documentation says this request does not carry. */
    readonly absent?: readonly string[];
}

/**
 * Replaces the policy variables whose value the test knows for its principal (IAM policy elements:
 * Variables and tags: variables may stand in Resource and in string and ARN condition values). The
 * library never resolves variables itself (a pattern holding one is only "maybe").
 */
export function resolveVariables(document: unknown, variables: Readonly<Record<string, string>>): unknown {
    return JSON.parse(
        JSON.stringify(document).replace(
            /\$\{([^}*?$]+)\}/g,
            (whole, name: string) => variables[name] ?? whole,
        ),
    );
}

/** The decision for one request under one policy document of a principal in `account`. */
export function decide(name: string, document: unknown, request: PolicyRequest, account: string): Evaluation {
    const absent = new Set((request.absent ?? []).map((k) => k.toLowerCase()));
    return evaluate(
        [{ name, document: resolveVariables(document, { "aws:PrincipalAccount": account }) }],
        {
            action: request.action,
            resource: request.resource,
            values: request.values,
            isAbsent: (key) => absent.has(key.toLowerCase()),
        },
        "least-access",
    );
}

/** `action on resource (key=value, …)`, for failure messages. */
export function describeRequest(request: PolicyRequest): string {
    const keys = [
        ...Object.entries(request.values ?? {}).map(([k, v]) => `${k}=${v}`),
        ...(request.absent ?? []).map((k) => `no ${k}`),
    ];
    return `${request.action} on ${request.resource}${keys.length > 0 ? ` (${keys.join(", ")})` : ""}`;
}
