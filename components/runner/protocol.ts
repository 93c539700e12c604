/**
 * What the provider sends the SQL runner function and what it answers. The master password travels
 * in the invocation (over the Lambda API's TLS, IAM-authenticated; Lambda does not record payloads),
 * never in the function's environment, the Pulumi state or a log line.
 */
import type { Operation } from "../provider/core";
import type { ObservedUser } from "../provider/dialect";

export interface RunnerRequest {
    readonly operation: Operation;
    /** The DatabaseUser inputs, without any password. */
    readonly inputs: Record<string, unknown>;
    readonly password: string;
}

export type RunnerResponse =
    | { readonly ok: true; readonly observed?: ObservedUser }
    | { readonly ok: false; readonly message: string };
