/**
 * The provider's side of the SQL runner, through the Lambda API — which any deployer with AWS
 * credentials reaches, wherever the database is private. First it verifies the function version it
 * will invoke (verify.ts): nothing is sent to code that is not rds-iam's runner. Then one synchronous
 * invocation of that version (by Qualifier, never $LATEST) per attempt.
 *
 * MySQL error 1524 (IAM auth not applied yet) is retried here, on the deployer's side, with one
 * invocation per attempt: the wait RDS may need (minutes) is then not bounded by the function's time
 * limit, which only has to cover one attempt; no invocation sleeps; and the deployer knows the runner
 * reached the database when a later attempt runs out of time.
 * The SDK client is required lazily (the provider is serialized into the Pulumi state).
 */
import type { Operation } from "../provider/core";
import { sessionTimeouts } from "../provider/connection";
import type { ObservedUser } from "../provider/dialect";
import type { UserInputs } from "../provider/inputs";
import { isPluginNotLoaded, nominalWaitMs, pluginNotLoadedPolicy, withRetry } from "../provider/retry";
import { stackCredentials } from "../provider/secrets";
import type { RunnerRequest, RunnerResponse } from "./protocol";
import { verifyRunner } from "./verify";

/** The region in a Lambda function ARN, if `name` is one. */
function regionOfFunctionArn(name: string): string | undefined {
    return /^arn:[a-z-]+:lambda:([a-z0-9-]+):\d{12}:function:/.exec(name)?.[1];
}

/**
 * One Lambda client per region and AWS settings for the whole process, kept on globalThis as the
 * session pools are (connection.ts): its kept-alive HTTPS connection carries
 * every operation's GetFunction and Invoke, so an operation after the first pays no TCP and TLS
 * handshakes to the Lambda endpoint (2 round trips instead of 4-5). The SDK's agent unreferences an
 * idle socket, so a kept client never holds the process open. The environment's endpoint and
 * identity settings are part of the key: a client is reused only where it would be made the same.
 */
function lambdaClient(region: string | undefined, aws: UserInputs["master"]["aws"]) {
    const lambda = require("@aws-sdk/client-lambda") as typeof import("@aws-sdk/client-lambda");
    const env = process.env;
    const key = JSON.stringify([
        region ?? null,
        aws ?? null,
        env.AWS_ENDPOINT_URL_LAMBDA ?? null,
        env.AWS_ENDPOINT_URL ?? null,
        env.AWS_PROFILE ?? null,
        env.AWS_ACCESS_KEY_ID ?? null,
    ]);
    const global = globalThis as {
        __rdsIamLambdaClients?: Map<string, InstanceType<typeof lambda.LambdaClient>>;
    };
    const clients = (global.__rdsIamLambdaClients ??= new Map());
    let client = clients.get(key);
    if (client === undefined) {
        client = new lambda.LambdaClient({
            region,
            // The stack's AWS settings (profile, roles to assume), as for the master secret.
            credentials: stackCredentials(aws, region),
            // The function's own limits bound the call; the SDK must not retry an operation that may have run.
            maxAttempts: 1,
        });
        clients.set(key, client);
    }
    return client;
}

/** Why a run out of time is not (or may be) the network, given how far the earlier attempts got. */
function timeoutCause(errorMessage: string, answered1524: number): string {
    if (answered1524 > 0) {
        return (
            `. The runner reaches the database: the ${answered1524} attempt(s) before this one got MySQL error 1524 ` +
            "(AWSAuthenticationPlugin not loaded: IAM database authentication is not applied on the instance yet). Apply " +
            "the pending modification (apply immediately, or reboot in the maintenance window) and run pulumi up again"
        );
    }
    const seconds = Number(/after ([\d.]+) seconds/.exec(errorMessage)?.[1] ?? NaN);
    const connectSeconds = sessionTimeouts().connectMs / 1000;
    if (Number.isFinite(seconds) && seconds <= connectSeconds) {
        return (
            `. The function's time limit (${seconds} s) is not longer than the runner's connect limit (${connectSeconds} s), so ` +
            "it may not even have reached the database: raise the SqlRunner's timeoutSeconds (Database runnerTimeoutSeconds) " +
            "above the session limits (connect 15 s, lock 15 s, statement 60 s)"
        );
    }
    return (
        `. It had longer than the runner's connect limit (${connectSeconds} s), which ends an attempt to reach an ` +
        "unreachable database with a connection error: the operation itself outlasted the function (locks held by other " +
        "sessions, slow statements). See the function's log group; raise the SqlRunner's timeoutSeconds if it needs longer"
    );
}

export async function invokeRunner(
    operation: Operation,
    u: UserInputs,
    /** The master password, or undefined for an IAM-only master (the runner signs its own token). */
    password: string | undefined,
): Promise<ObservedUser | undefined> {
    const lambda = require("@aws-sdk/client-lambda") as typeof import("@aws-sdk/client-lambda");
    const functionName = u.runnerFunction as string;
    if (u.runnerVersion === undefined || u.runnerCodeSha256 === undefined || u.runnerRoleArn === undefined) {
        // State written by an rds-iam that invoked $LATEST unchecked (a delete or refresh uses the state).
        throw new Error(
            `this DatabaseUser's state names the SQL runner ${functionName} without the version, CodeSha256 and role to ` +
                "check it by, so rds-iam will not send it the master password. Run `pulumi up` first (it records them " +
                'with an in-place update), or use sqlRunner: "deployer" from a machine that reaches the database.',
        );
    }
    const version = u.runnerVersion as string;
    const which = `the SQL runner ${functionName} version ${version}`;
    const { master, ...rest } = u;
    const request: RunnerRequest = {
        operation,
        inputs: {
            ...rest,
            master: {
                username: master.username,
                ...(master.iamAuth === true ? { iamAuth: true } : {}),
                ...(master.masterUsername === undefined ? {} : { masterUsername: master.masterUsername }),
            },
            sqlRunner: "deployer",
            runnerFunction: undefined,
            runnerVersion: undefined,
            runnerCodeSha256: undefined,
            runnerRoleArn: undefined,
        },
        ...(password === undefined ? {} : { password }),
    };
    const region = regionOfFunctionArn(functionName) ?? u.region;
    const client = lambdaClient(region, u.master.aws);
    let answered1524 = 0;
    const invokeOnce = async (): Promise<ObservedUser | undefined> => {
        let answer: { FunctionError?: string; Payload?: Uint8Array };
        try {
            answer = await client.send(
                new lambda.InvokeCommand({
                    FunctionName: functionName,
                    Qualifier: version,
                    InvocationType: "RequestResponse",
                    Payload: Buffer.from(JSON.stringify(request)),
                }),
            );
        } catch (e) {
            const err = e as { name?: string; message?: string };
            throw new Error(
                `cannot invoke ${which}: ${err.name ?? "Error"}: ${err.message}. The identity running pulumi needs ` +
                    `lambda:InvokeFunction on ${functionName}:${version}, and AWS credentials for its account and region.`,
            );
        }
        const text = Buffer.from(answer.Payload ?? new Uint8Array()).toString("utf8");
        if (answer.FunctionError !== undefined) {
            const { errorMessage } = (JSON.parse(text || "{}") as { errorMessage?: string }) ?? {};
            const message = errorMessage ?? answer.FunctionError;
            const timedOut = /Task timed out/.test(message);
            throw new Error(
                `${which} failed: ${message}` + (timedOut ? timeoutCause(message, answered1524) : ""),
            );
        }
        const response = JSON.parse(text) as RunnerResponse;
        if (!response.ok) {
            if (response.retry === "plugin-not-loaded") {
                answered1524++;
                throw Object.assign(new Error(response.message), { errno: 1524 });
            }
            throw new Error(`${response.message} (through the SQL runner ${functionName})`);
        }
        return response.observed;
    };
    await verifyRunner(client, {
        functionName,
        version,
        codeSha256: u.runnerCodeSha256 as string,
        roleArn: u.runnerRoleArn as string,
    });
    const policy = pluginNotLoadedPolicy();
    return await withRetry(policy, isPluginNotLoaded, invokeOnce, (e) => {
        const waited = Math.round(nominalWaitMs(policy) / 100) / 10;
        return new Error(
            `MySQL error 1524 on ${u.host}:${u.port}: AWSAuthenticationPlugin is not loaded — IAM database ` +
                "authentication is not applied on the instance yet (the modification is pending). The SQL runner " +
                `${functionName} reached the database; ${policy.attempts} invocations over about ${waited} s all got ` +
                "1524 and changed nothing. Apply the modification (apply immediately, or reboot in the maintenance window) " +
                `and run pulumi up again. (Last answer: ${(e as Error).message})`,
        );
    });
}
