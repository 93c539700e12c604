/**
 * The SQL runner: a Lambda function in the database's subnets that runs the provider's operations
 * (components/provider/core.ts, the same code as the deployer transport) for a caller outside the
 * VPC. Built by scripts/build-runner.ts into one self-contained file (drivers and the RDS CA bundle
 * inside, no node_modules) that the SqlRunner component deploys.
 *
 * It trusts nothing it is sent: a value Pulumi has not computed yet (preview's unknown) anywhere in
 * the request is refused, and the inputs go through the same check() as the provider's — all before
 * it connects. It never logs the request (which carries the master password).
 *
 * Each invocation makes one attempt: MySQL error 1524 (IAM auth not applied yet) is answered as
 * `retry: "plugin-not-loaded"` and the deployer invokes again after its backoff (runner/invoke.ts),
 * so the wait for RDS never runs into the function's time limit.
 */
import { OPERATIONS, Operation, runOperation } from "../provider/core";
import { UNKNOWN, UserInputs, checkUserInputs, normalizeUserInputs } from "../provider/inputs";
import { masterToken } from "../provider/masterToken";
import { isPluginNotLoaded, withPluginAttempts } from "../provider/retry";
import type { RunnerRequest, RunnerResponse } from "./protocol";

function refuse(message: string): RunnerResponse {
    return { ok: false, message: `the SQL runner refused the request: ${message}` };
}

/** Where the unknown sentinel sits in `value` ("inputs.privileges[1]"), if anywhere. */
export function unknownAt(value: unknown, at: string): string | undefined {
    if (value === UNKNOWN) return at;
    if (value === null || typeof value !== "object") return undefined;
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            const found = unknownAt(value[i], `${at}[${i}]`);
            if (found !== undefined) return found;
        }
        return undefined;
    }
    for (const [key, item] of Object.entries(value)) {
        if (key === UNKNOWN) return `a key of ${at === "" ? "the request" : at}`;
        const found = unknownAt(item, at === "" ? key : `${at}.${key}`);
        if (found !== undefined) return found;
    }
    return undefined;
}

/** The 1524 error behind `e` (the dialect wraps the last one as its cause when it gives up). */
function pluginNotLoaded(e: unknown): Error | undefined {
    if (isPluginNotLoaded(e)) return e as Error;
    const cause = (e as { cause?: unknown } | undefined)?.cause;
    return isPluginNotLoaded(cause) ? (cause as Error) : undefined;
}

export async function handler(event: unknown): Promise<RunnerResponse> {
    const request = event as Partial<RunnerRequest> | null;
    if (request === null || typeof request !== "object" || Array.isArray(request)) {
        return refuse("it is not a JSON object");
    }
    const unknown = unknownAt(request, "");
    if (unknown !== undefined) {
        return refuse(
            `${unknown} is a value Pulumi has not computed yet (preview's unknown); operations run only with known inputs`,
        );
    }
    if (!OPERATIONS.includes(request.operation as Operation)) {
        return refuse(
            `unknown operation ${JSON.stringify(request.operation)}; use one of ${OPERATIONS.join(", ")}`,
        );
    }
    if (request.inputs === null || typeof request.inputs !== "object" || Array.isArray(request.inputs)) {
        return refuse("it carries no inputs object");
    }
    const requestMaster = request.inputs.master as
        { username?: unknown; iamAuth?: unknown; masterUsername?: unknown } | undefined;
    const iamMaster = requestMaster?.iamAuth === true;
    if (iamMaster && request.password !== undefined) {
        return refuse("it carries a master password for an IAM-only master (master.iamAuth)");
    }
    if (!iamMaster && (typeof request.password !== "string" || request.password.length === 0)) {
        return refuse("it carries no master password");
    }
    const inputs: Record<string, unknown> = {
        ...request.inputs,
        sqlRunner: "deployer",
        runnerFunction: undefined,
        runnerVersion: undefined,
        runnerCodeSha256: undefined,
        runnerRoleArn: undefined,
    };
    const failures = checkUserInputs({
        ...inputs,
        master: {
            username: requestMaster?.username,
            ...(iamMaster
                ? {
                      iamAuth: true,
                      ...(requestMaster?.masterUsername === undefined
                          ? {}
                          : { masterUsername: requestMaster.masterUsername }),
                  }
                : { password: "x" }),
        },
    });
    if (failures.length > 0) {
        return refuse(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
    }
    let password: string;
    try {
        // An IAM-only master: a token signed by this function's execution role (Lambda's
        // AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), through the default chain.
        password = iamMaster
            ? await masterToken(
                  {
                      host: String(inputs.host),
                      port: Number(inputs.port),
                      username: String(requestMaster?.username),
                      region: (inputs.region as string | undefined) ?? process.env.AWS_REGION,
                  },
                  undefined,
              )
            : (request.password as string);
    } catch (e) {
        return { ok: false, message: (e as Error).message };
    }
    const withheld = (message: string) =>
        message.includes(password)
            ? "the error message was withheld: it contained the master password"
            : message;
    try {
        const observed = await withPluginAttempts(1, () =>
            runOperation(
                request.operation as Operation,
                normalizeUserInputs(inputs) as unknown as UserInputs,
                password,
            ),
        );
        return { ok: true, ...(observed === undefined ? {} : { observed }) };
    } catch (e) {
        const plugin = pluginNotLoaded(e);
        if (plugin !== undefined) {
            return { ok: false, retry: "plugin-not-loaded", message: withheld(plugin.message) };
        }
        // Errors never carry the password (connection.ts), but make sure of it here too.
        return { ok: false, message: withheld(e instanceof Error ? e.message : String(e)) };
    }
}
