/**
 * What the provider sends the SQL runner function and what it answers. The master password travels
 * in the invocation (over the Lambda API's TLS, IAM-authenticated; Lambda does not record payloads),
 * never in the function's environment, the Pulumi state or a log line — and only to a function
 * version the deployer has verified first (verify.ts).
 */
import type { Operation } from "../provider/core";
import type { ObservedUser } from "../provider/dialect";

export interface RunnerRequest {
    readonly operation: Operation;
    /** The DatabaseUser inputs, without any password. */
    readonly inputs: Record<string, unknown>;
    /**
     * The master password; absent for an IAM-only master (`inputs.master.iamAuth`), whose token the
     * runner signs with its own execution role.
     */
    readonly password?: string;
}

export type RunnerResponse =
    | { readonly ok: true; readonly observed?: ObservedUser }
    | {
          readonly ok: false;
          readonly message: string;
          /**
           * "plugin-not-loaded": the runner reached the database and got MySQL error 1524 (IAM auth
           * not applied yet); nothing was changed, and the deployer retries with a new invocation.
           */
          readonly retry?: "plugin-not-loaded";
      };
