/**
 * The provider's side of the SQL runner: one synchronous Lambda invocation per operation, through the
 * Lambda API — which any deployer with AWS credentials reaches, wherever the database is private.
 * The SDK client is required lazily (the provider is serialized into the Pulumi state).
 */
import type { Operation } from "../provider/core";
import type { ObservedUser } from "../provider/dialect";
import type { UserInputs } from "../provider/inputs";
import { stackCredentials } from "../provider/secrets";
import type { RunnerRequest, RunnerResponse } from "./protocol";

/** The region in a Lambda function ARN, if `name` is one. */
function regionOfFunctionArn(name: string): string | undefined {
    return /^arn:[a-z-]+:lambda:([a-z0-9-]+):\d{12}:function:/.exec(name)?.[1];
}

export async function invokeRunner(
    operation: Operation,
    u: UserInputs,
    password: string,
): Promise<ObservedUser | undefined> {
    const lambda = require("@aws-sdk/client-lambda") as typeof import("@aws-sdk/client-lambda");
    const functionName = u.runnerFunction as string;
    const { master, ...rest } = u;
    const request: RunnerRequest = {
        operation,
        inputs: {
            ...rest,
            master: { username: master.username },
            sqlRunner: "deployer",
            runnerFunction: undefined,
        },
        password,
    };
    const region = regionOfFunctionArn(functionName) ?? u.region;
    const client = new lambda.LambdaClient({
        region,
        // The stack's AWS settings (profile, roles to assume), as for the master secret.
        credentials: stackCredentials(u.master.aws, region),
        // The function's own limits bound the call; the SDK must not retry an operation that may have run.
        maxAttempts: 1,
    });
    let answer: { FunctionError?: string; Payload?: Uint8Array };
    try {
        answer = await client.send(
            new lambda.InvokeCommand({
                FunctionName: functionName,
                InvocationType: "RequestResponse",
                Payload: Buffer.from(JSON.stringify(request)),
            }),
        );
    } catch (e) {
        const err = e as { name?: string; message?: string };
        throw new Error(
            `cannot invoke the SQL runner ${functionName}: ${err.name ?? "Error"}: ${err.message}. The identity running ` +
                "pulumi needs lambda:InvokeFunction on it, and AWS credentials for its account and region.",
        );
    } finally {
        client.destroy();
    }
    const text = Buffer.from(answer.Payload ?? new Uint8Array()).toString("utf8");
    if (answer.FunctionError !== undefined) {
        const { errorMessage } = (JSON.parse(text || "{}") as { errorMessage?: string }) ?? {};
        const timedOut = /Task timed out/.test(errorMessage ?? "");
        throw new Error(
            `the SQL runner ${functionName} failed: ${errorMessage ?? answer.FunctionError}` +
                (timedOut
                    ? ". It ran out of time: it probably cannot reach the database — the database's security group must " +
                      "admit the runner's, and the runner's subnets must route to the database's"
                    : ""),
        );
    }
    const response = JSON.parse(text) as RunnerResponse;
    if (!response.ok) {
        throw new Error(`${response.message} (through the SQL runner ${functionName})`);
    }
    return response.observed;
}
