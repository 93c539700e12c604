/**
 * The SQL runner: a Lambda function in the database's subnets that runs the provider's operations
 * (components/provider/core.ts, the same code as the deployer transport) for a caller outside the
 * VPC. Built by scripts/build-runner.ts into one self-contained file (drivers and the RDS CA bundle
 * inside, no node_modules) that the SqlRunner component deploys.
 *
 * It trusts nothing it is sent: the inputs go through the same check() as the provider's, and it
 * never logs the request (which carries the master password).
 */
import { OPERATIONS, Operation, runOperation } from "../provider/core";
import { UserInputs, checkUserInputs, normalizeUserInputs } from "../provider/inputs";
import type { RunnerRequest, RunnerResponse } from "./protocol";

function refuse(message: string): RunnerResponse {
    return { ok: false, message: `the SQL runner refused the request: ${message}` };
}

export async function handler(event: unknown): Promise<RunnerResponse> {
    const request = event as Partial<RunnerRequest> | null;
    if (request === null || typeof request !== "object") return refuse("it is not a JSON object");
    if (!OPERATIONS.includes(request.operation as Operation)) {
        return refuse(
            `unknown operation ${JSON.stringify(request.operation)}; use one of ${OPERATIONS.join(", ")}`,
        );
    }
    if (typeof request.password !== "string" || request.password.length === 0) {
        return refuse("it carries no master password");
    }
    const inputs: Record<string, unknown> = {
        ...(request.inputs ?? {}),
        sqlRunner: "deployer",
        runnerFunction: undefined,
    };
    const failures = checkUserInputs({
        ...inputs,
        master: { username: (inputs.master as { username?: unknown } | undefined)?.username, password: "x" },
    });
    if (failures.length > 0) {
        return refuse(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
    }
    try {
        const observed = await runOperation(
            request.operation as Operation,
            normalizeUserInputs(inputs) as unknown as UserInputs,
            request.password,
        );
        return { ok: true, ...(observed === undefined ? {} : { observed }) };
    } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        // Errors never carry the password (connection.ts), but make sure of it here too.
        return {
            ok: false,
            message: message.includes(request.password)
                ? "the error message was withheld: it contained the master password"
                : message,
        };
    }
}
