/**
 * Before the deployer sends the master password to the SQL runner, it checks that the function
 * version it will invoke runs rds-iam's code and nothing else. Whoever may change a function's code
 * or configuration (lambda:UpdateFunctionCode, UpdateFunctionConfiguration — layers, handler,
 * NODE_OPTIONS —, PublishVersion, or DeleteFunction + CreateFunction under the same name) could
 * otherwise read the password at the next `pulumi up` or `refresh`, and answer "done" for a user
 * never created.
 *
 * So the deployer invokes one published version, by Qualifier, never $LATEST: a published version's
 * code, runtime, layers and settings, environment included, cannot change (Lambda Developer Guide,
 * "Lambda function versions"). And first it asks GetFunction for that version (`GET
 * /2015-03-31/functions/{name}?Qualifier={version}`, Lambda API reference) and compares what it
 * answers with what rds-iam deployed: CodeSha256 (computed by rds-iam from its own .zip, see
 * package.ts), no layers, no environment variables, rds-iam's handler and runtime, the runner's role.
 * Anything else: nothing is sent.
 */
import type { LambdaClient } from "@aws-sdk/client-lambda";

/** What the SqlRunner deploys (sqlRunner.ts uses these too). */
export const RUNNER_HANDLER = "index.handler";
export const RUNNER_RUNTIME = "nodejs22.x";

export interface RunnerExpectations {
    /** Name or unqualified ARN of the function. */
    readonly functionName: string;
    /** The published version to invoke. */
    readonly version: string;
    /** CodeSha256 of rds-iam's package (base64 SHA-256 of the .zip). */
    readonly codeSha256: string;
    /** The runner's execution role. */
    readonly roleArn: string;
}

/** The part of GetFunction's Configuration the check reads. */
export interface RunnerConfiguration {
    readonly Version?: string;
    readonly CodeSha256?: string;
    readonly PackageType?: string;
    readonly Handler?: string;
    readonly Runtime?: string;
    readonly Role?: string;
    readonly Layers?: readonly { readonly Arn?: string }[];
    readonly Environment?: { readonly Variables?: Record<string, string> };
}

/** Every way the version differs from rds-iam's runner (empty when it is rds-iam's). */
export function runnerDifferences(c: RunnerConfiguration | undefined, want: RunnerExpectations): string[] {
    if (c === undefined) return ["GetFunction answered without a configuration"];
    const problems: string[] = [];
    if (c.Version !== want.version)
        problems.push(`GetFunction answered version ${c.Version}, not ${want.version}`);
    if (c.CodeSha256 !== want.codeSha256) {
        problems.push(
            `its code is not rds-iam's runner (CodeSha256 ${c.CodeSha256}, rds-iam deployed ${want.codeSha256})`,
        );
    }
    if (c.PackageType !== undefined && c.PackageType !== "Zip") {
        problems.push(`it is packaged as ${c.PackageType}, not as rds-iam's .zip`);
    }
    const layers = (c.Layers ?? []).map((l) => l.Arn ?? "?");
    if (layers.length > 0) problems.push(`it has layers, whose code runs inside it (${layers.join(", ")})`);
    const variables = Object.keys(c.Environment?.Variables ?? {}).sort();
    if (variables.length > 0) {
        problems.push(
            `it has environment variables, which can load other code into it (${variables.join(", ")})`,
        );
    }
    if (c.Handler !== RUNNER_HANDLER) problems.push(`its handler is ${c.Handler}, not ${RUNNER_HANDLER}`);
    if (c.Runtime !== RUNNER_RUNTIME) problems.push(`its runtime is ${c.Runtime}, not ${RUNNER_RUNTIME}`);
    if (c.Role !== want.roleArn) problems.push(`its role is ${c.Role}, not the runner's ${want.roleArn}`);
    return problems;
}

/** Throws, naming what differs and the fix, unless the version is rds-iam's runner. Sends no password. */
export async function verifyRunner(client: LambdaClient, want: RunnerExpectations): Promise<void> {
    const lambda = require("@aws-sdk/client-lambda") as typeof import("@aws-sdk/client-lambda");
    const which = `the SQL runner ${want.functionName} version ${want.version}`;
    let configuration: RunnerConfiguration | undefined;
    try {
        const answer = await client.send(
            new lambda.GetFunctionCommand({ FunctionName: want.functionName, Qualifier: want.version }),
        );
        configuration = answer.Configuration as RunnerConfiguration | undefined;
    } catch (e) {
        const err = e as { name?: string; message?: string };
        throw new Error(
            `cannot check ${which} before sending it the master password: ${err.name ?? "Error"}: ${err.message}. ` +
                `Nothing was sent. The identity running pulumi needs lambda:GetFunction on ${want.functionName}:${want.version}; ` +
                "if that version no longer exists, the function was deleted or replaced outside Pulumi: run `pulumi up --refresh` to deploy it again.",
        );
    }
    const problems = runnerDifferences(configuration, want);
    if (problems.length > 0) {
        throw new Error(
            `refusing to send the master password to ${which}: ${problems.join("; ")}. Nothing was sent. ` +
                "rds-iam's runner runs rds-iam's code only, with no layers and no environment variables. If you changed the " +
                "function, undo that and run `pulumi up --refresh`: the SqlRunner publishes a clean version and the users move to it. " +
                "If nobody you know did, someone who may change the function (lambda:UpdateFunctionCode, " +
                "UpdateFunctionConfiguration, PublishVersion, or delete and re-create it) tried to obtain the master password: find who in CloudTrail.",
        );
    }
}
