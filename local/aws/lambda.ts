/**
 * A loopback stand-in for the Lambda API (REST-JSON) for the real @aws-sdk/client-lambda, as the
 * Lambda API reference describes it:
 * - Invoke, `POST /2015-03-31/functions/{name}/invocations?Qualifier=…`: runs $LATEST or the named
 *   published version and answers `X-Amz-Executed-Version`;
 * - GetFunction, `GET /2015-03-31/functions/{name}?Qualifier=…`: `{ Configuration, Code }`, with
 *   CodeSha256, Layers and Environment (left out when empty, as Lambda does), Handler, Runtime,
 *   Role, Version and the (qualified) FunctionArn;
 * - PublishVersion, `POST /2015-03-31/functions/{name}/versions`.
 * A name may be a function name, `name:qualifier` or an ARN; an unknown function or version is a
 * 404 ResourceNotFoundException.
 *
 * `functions.set(name, fn)` deploys `fn` as the function's $LATEST and, unless `publish: false`,
 * publishes it as the next version when it differs from the last one (what `publish: true` does);
 * `functions.delete(name)` deletes the function with its versions (a function created again under
 * the name starts at version 1, as on AWS). A published version is a copy: changing the bundle file
 * later does not change it. CodeSha256 is that of the .zip rds-iam deploys for the bundle
 * (components/runner/package.ts) unless given.
 *
 * Invocations run in execution environments kept warm and frozen between invocations, one at a time
 * each, as Lambda runs them (lambdaEnvironments.ts) — inside a network namespace when given, as
 * Lambda runs a VPC function in the VPC's subnets — with Lambda's contract: the event on input, a
 * context with getRemainingTimeInMillis(), the function's environment variables (NODE_OPTIONS
 * included) over Lambda's reserved ones, the handler's result as the response, `X-Amz-Function-Error`
 * and `{errorMessage, errorType}` when it throws or times out. A body that is not JSON is a 400
 * InvalidRequestContentException, as on Lambda. Layers are recorded, not run.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { codeSha256, packageBytes } from "../../components/runner/package";
import type { NetworkNamespace } from "../network/netns";
import { fakePrincipal } from "../emulator/principals";
import { EnvironmentSpec, createEnvironments } from "./lambdaEnvironments";

export interface LambdaFunction {
    /** The function's code: one CommonJS file exporting the handler. */
    readonly bundle: string;
    /** Lambda's timeout for the function. @default 30000 */
    readonly timeoutMs?: number;
    /** Where it runs: a namespace playing the function's VPC subnets. @default this machine's */
    readonly netns?: NetworkNamespace;
    /** `file.export`; the export is called in the bundle. @default "index.handler" */
    readonly handler?: string;
    /** @default "nodejs22.x" */
    readonly runtime?: string;
    /** The execution role's ARN. @default arn:aws:iam::<account>:role/<name> */
    readonly role?: string;
    /** Layer version ARNs (recorded and reported, not run). @default [] */
    readonly layers?: readonly string[];
    /** The function's environment variables. @default {} */
    readonly environment?: Readonly<Record<string, string>>;
    /** CodeSha256 to report. @default that of rds-iam's .zip of `bundle` */
    readonly codeSha256?: string;
    /** @default 256 */
    readonly memorySize?: number;
    /** Publish a version when set (as `publish: true` does). @default true */
    readonly publish?: boolean;
}

export interface Invocation {
    readonly functionName: string;
    /** The version that ran ("$LATEST" or a number). */
    readonly version: string;
    readonly operation?: string;
    /** Whether the event had a `password` field (the master password, unless the master is IAM-only). */
    readonly carriesPassword: boolean;
    /** Whether it started a new execution environment (a cold start: the code loaded first). */
    readonly cold: boolean;
    /** The execution environment that ran it (1, 2, … in order of start). */
    readonly environment: number;
    /** What the function wrote to stdout/stderr during it (its CloudWatch log). */
    readonly log: string;
}

/** Every API call the endpoint answered, in order. */
export interface LambdaCall {
    readonly action: "Invoke" | "GetFunction" | "PublishVersion" | "Unknown";
    readonly functionName: string;
    readonly qualifier?: string;
}

export interface FakeLambda {
    readonly endpoint: string;
    /** The functions by name: set deploys (and publishes), delete deletes with all versions. */
    readonly functions: Map<string, LambdaFunction>;
    readonly invocations: Invocation[];
    readonly calls: LambdaCall[];
    /** PublishVersion: the new version's number, or the last one's when $LATEST has not changed. */
    publishVersion(name: string): string;
    /** The newest published version of the function, if any. */
    latestVersion(name: string): string | undefined;
    /** The CodeSha256 the function reports for $LATEST or a version. */
    codeSha256Of(name: string, qualifier?: string): string;
    /** Execution environments alive (busy or frozen). */
    environments(): number;
    close(): Promise<void>;
}

interface Published {
    readonly fn: LambdaFunction;
    readonly codeSha256: string;
}

/** The environment an invocation runs in: Lambda's variables over the function's, and how to start it. */
function environmentFor(
    name: string,
    version: string,
    arn: string,
    fn: LambdaFunction,
    sha: string,
): EnvironmentSpec {
    const region = /^arn:[^:]+:lambda:([^:]+):/.exec(arn)?.[1] ?? "us-east-1";
    // Lambda's environment: the function's variables, then the reserved ones (which it may not set);
    // no AWS credentials of the caller, no project files. RDS_IAM_*_MS: the tests' short timings.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_OPTIONS: "", ...fn.environment };
    for (const [k, v] of Object.entries(process.env))
        if (k.startsWith("RDS_IAM_") && k.endsWith("_MS")) env[k] = v;
    // "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN – The access keys obtained from the
    // function's execution role" (Lambda Developer Guide, "Defined runtime environment variables"):
    // the emulator's keys for that role, so what the function signs verifies as the role.
    const role = fn.role === undefined ? undefined : fakePrincipal(String(fn.role), []);
    Object.assign(env, {
        ...(role === undefined
            ? {}
            : {
                  AWS_ACCESS_KEY_ID: role.accessKeyId,
                  AWS_SECRET_ACCESS_KEY: role.secretAccessKey,
                  AWS_SESSION_TOKEN: role.sessionToken,
              }),
        AWS_REGION: region,
        AWS_DEFAULT_REGION: region,
        AWS_LAMBDA_FUNCTION_NAME: name,
        AWS_LAMBDA_FUNCTION_VERSION: version,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize ?? 256),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `fake/[${version}]${crypto.randomBytes(8).toString("hex")}`,
        RDS_IAM_FAKE_INVOKED_ARN: arn,
    });
    return {
        functionName: name,
        key: JSON.stringify([arn, version, sha, settingsOf(fn), fn.bundle, fn.netns?.name ?? null]),
        command: (base) => (fn.netns ? fn.netns.wrap(...base) : base),
        bundle: fn.bundle,
        exported: (fn.handler ?? "index.handler").split(".").pop() as string,
        env,
        timeoutMs: fn.timeoutMs ?? 30_000,
    };
}

/** What a version's configuration is compared by (PublishVersion, and environment reuse). */
function settingsOf(fn: LambdaFunction): string {
    return JSON.stringify([
        fn.handler,
        fn.runtime,
        fn.role,
        fn.layers,
        fn.environment,
        fn.timeoutMs,
        fn.memorySize,
    ]);
}

/** "name", "name:qualifier", or an ARN of either: the name and the qualifier it carries. */
function parseName(raw: string): { name: string; qualifier?: string } {
    const bare = raw.replace(/^arn:[^:]+:lambda:[^:]+:\d{12}:function:/, "").replace(/^\d{12}:function:/, "");
    const [name, qualifier] = bare.split(":");
    return { name, ...(qualifier === undefined ? {} : { qualifier }) };
}

/** The region the SDK signed for (SigV4 credential scope), as the endpoint's region. */
function regionOf(req: http.IncomingMessage): string {
    return (
        /Credential=[^/]+\/\d{8}\/([^/]+)\/lambda\//.exec(String(req.headers.authorization))?.[1] ??
        "us-east-1"
    );
}

export async function startFakeLambda(
    options: {
        accountId?: string;
        /** How long an idle environment stays warm (Lambda keeps them for minutes). @default 60000 */
        keepWarmMs?: number;
    } = {},
): Promise<FakeLambda> {
    const accountId = options.accountId ?? "123456789012";
    const environments = createEnvironments({ keepWarmMs: options.keepWarmMs ?? 60_000 });
    const versions = new Map<string, Published[]>();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-fake-lambda-"));
    const invocations: Invocation[] = [];
    const calls: LambdaCall[] = [];

    const shaOf = (fn: LambdaFunction) =>
        fn.codeSha256 ?? codeSha256(packageBytes(fs.readFileSync(fn.bundle)));

    function publishVersion(name: string): string {
        const fn = functions.get(name);
        if (fn === undefined) throw new Error(`Function not found: ${name}`);
        const list = versions.get(name) ?? [];
        const sha = shaOf(fn);
        const last = list[list.length - 1];
        if (last !== undefined && last.codeSha256 === sha && settingsOf(last.fn) === settingsOf(fn)) {
            return String(list.length);
        }
        // A version is a copy of the code as it is now.
        const copy = path.join(dir, `${name}-${list.length + 1}.js`);
        fs.copyFileSync(fn.bundle, copy);
        list.push({ fn: { ...fn, bundle: copy }, codeSha256: sha });
        versions.set(name, list);
        return String(list.length);
    }

    class Functions extends Map<string, LambdaFunction> {
        override set(name: string, fn: LambdaFunction): this {
            super.set(name, fn);
            if (fn.publish !== false) publishVersion(name);
            return this;
        }
        override delete(name: string): boolean {
            versions.delete(name);
            environments.retire(name);
            return super.delete(name);
        }
    }
    const functions = new Functions();

    /** $LATEST or a published version, with what GetFunction reports for it. */
    function resolve(name: string, qualifier: string | undefined) {
        const fn = functions.get(name);
        if (fn === undefined) return undefined;
        if (qualifier === undefined || qualifier === "$LATEST") {
            return { fn, version: "$LATEST", codeSha256: shaOf(fn) };
        }
        const published = /^\d+$/.test(qualifier) ? versions.get(name)?.[Number(qualifier) - 1] : undefined;
        return published && { fn: published.fn, version: qualifier, codeSha256: published.codeSha256 };
    }

    function configuration(name: string, region: string, qualifier: string | undefined) {
        const found = resolve(name, qualifier)!;
        const { fn } = found;
        const arn = `arn:aws:lambda:${region}:${accountId}:function:${name}`;
        return {
            FunctionName: name,
            FunctionArn: qualifier === undefined ? arn : `${arn}:${qualifier}`,
            Runtime: fn.runtime ?? "nodejs22.x",
            Role: fn.role ?? `arn:aws:iam::${accountId}:role/${name}`,
            Handler: fn.handler ?? "index.handler",
            CodeSize: fs.statSync(fn.bundle).size,
            CodeSha256: found.codeSha256,
            Version: found.version,
            Timeout: Math.ceil((fn.timeoutMs ?? 30_000) / 1000),
            MemorySize: fn.memorySize ?? 256,
            PackageType: "Zip",
            State: "Active",
            LastUpdateStatus: "Successful",
            ...((fn.layers ?? []).length > 0
                ? { Layers: fn.layers!.map((Arn) => ({ Arn, CodeSize: 1024 })) }
                : {}),
            ...(Object.keys(fn.environment ?? {}).length > 0
                ? { Environment: { Variables: fn.environment } }
                : {}),
        };
    }

    const answer = (
        res: http.ServerResponse,
        status: number,
        body: unknown,
        headers: http.OutgoingHttpHeaders = {},
    ) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
    };
    const fail = (res: http.ServerResponse, status: number, type: string, message: string) =>
        answer(res, status, { Type: "User", message }, { "x-amzn-errortype": type });

    const server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", async () => {
            const url = new URL(req.url ?? "/", "http://localhost");
            const m = /^\/2015-03-31\/functions\/([^/]+)(\/invocations|\/versions)?$/.exec(url.pathname);
            const parsed = parseName(m ? decodeURIComponent(m[1]) : "");
            const param = url.searchParams.get("Qualifier") ?? undefined;
            const action =
                m?.[2] === "/invocations" && req.method === "POST"
                    ? "Invoke"
                    : m?.[2] === "/versions" && req.method === "POST"
                      ? "PublishVersion"
                      : m && m[2] === undefined && req.method === "GET"
                        ? "GetFunction"
                        : "Unknown";
            const { name } = parsed;
            calls.push({ action, functionName: name, qualifier: param ?? parsed.qualifier });
            if (param !== undefined && parsed.qualifier !== undefined && param !== parsed.qualifier) {
                fail(
                    res,
                    400,
                    "InvalidParameterValueException",
                    "The derived qualifier from the function name does not match the specified qualifier.",
                );
                return;
            }
            const qualifier = param ?? parsed.qualifier;
            const region = regionOf(req);
            const arn = `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier === undefined ? "" : `:${qualifier}`}`;
            if (action === "Unknown") {
                fail(
                    res,
                    404,
                    "UnknownOperationException",
                    `Unknown operation ${req.method} ${url.pathname}`,
                );
                return;
            }
            if (action === "PublishVersion" ? !functions.has(name) : resolve(name, qualifier) === undefined) {
                fail(res, 404, "ResourceNotFoundException", `Function not found: ${arn}`);
                return;
            }
            if (action === "GetFunction") {
                answer(res, 200, {
                    Configuration: configuration(name, region, qualifier),
                    Code: {
                        RepositoryType: "S3",
                        Location: `https://awslambda-${region}-tasks.s3.amazonaws.com/snapshots/${name}`,
                    },
                });
                return;
            }
            if (action === "PublishVersion") {
                answer(res, 201, configuration(name, region, publishVersion(name)));
                return;
            }
            const target = resolve(name, qualifier)!;
            let event: unknown;
            try {
                event = JSON.parse(body || "{}");
            } catch {
                fail(res, 400, "InvalidRequestContentException", "Could not parse request body into json");
                return;
            }
            const { outcome, log, cold, environment } = await environments.invoke(
                environmentFor(name, target.version, arn, target.fn, target.codeSha256),
                event,
            );
            const fields = (event ?? {}) as { operation?: unknown; password?: unknown };
            invocations.push({
                functionName: name,
                version: target.version,
                ...(typeof fields.operation === "string" ? { operation: fields.operation } : {}),
                carriesPassword: fields.password !== undefined,
                cold,
                environment,
                log,
            });
            const result = JSON.parse(
                outcome ||
                    '{"error":{"errorMessage":"Runtime exited without providing a reason","errorType":"Runtime.ExitError"}}',
            ) as { result?: unknown; error?: unknown };
            const headers: http.OutgoingHttpHeaders = { "x-amz-executed-version": target.version };
            if (result.error !== undefined) headers["x-amz-function-error"] = "Unhandled";
            answer(res, 200, result.error ?? result.result, headers);
        });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        functions,
        invocations,
        calls,
        publishVersion,
        latestVersion: (name) => {
            const n = versions.get(name)?.length ?? 0;
            return n === 0 ? undefined : String(n);
        },
        codeSha256Of: (name, qualifier) => {
            const found = resolve(name, qualifier);
            if (found === undefined) throw new Error(`Function not found: ${name}:${qualifier}`);
            return found.codeSha256;
        },
        environments: () => environments.count(),
        close: () =>
            new Promise((r) => {
                environments.close();
                server.closeAllConnections();
                server.close(() => {
                    fs.rmSync(dir, { recursive: true, force: true });
                    r();
                });
            }),
    };
}
