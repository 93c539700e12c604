/**
 * Pulumi mocks with realistic computed outputs (resource ids, endpoints, managed master secrets),
 * and helpers to record what a program registers. Deterministic: the same names give the same ids.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
    ACCOUNT_ID,
    awsTerraformConfig,
    callerAnswer,
    computedOutputs,
    engineVersionAnswer,
    idFor,
} from "./mockAnswers";
import { RegisterRequest, registrationOptions } from "./mockRecorder";
import { missingConfigError, missingKeys, readProject } from "./projectConfig";
import { schemaFailures } from "../aws/schema";

export { ACCOUNT_ID, DEFAULT_ENGINE_VERSIONS, fakeResourceSuffix } from "./mockAnswers";
export { urnOf } from "./mockRecorder";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, any>;
    readonly outputs: Record<string, any>;
    /** The URN the engine would give it, and what it asked of the engine (as URNs). */
    readonly urn: string;
    readonly parent: string;
    /** Every resource it depends on: `dependsOn` and the resources behind its input Outputs. */
    readonly dependencies: string[];
    readonly deletedWith: string;
    readonly ignoreChanges: string[];
    /** Its aliases, resolved to the URNs they stand for. */
    readonly aliases: string[];
    /** The provider reference (`<provider URN>::<id>`), when one was given. */
    readonly provider: string;
}

export interface MockOptions {
    readonly region?: string;
    readonly partition?: string;
    readonly project?: string;
    readonly stack?: string;
    readonly preview?: boolean;
    /** The master password the managed secret's current version holds. @default "mock-master-password" */
    readonly masterPassword?: string;
}

export interface RecordedInvoke {
    readonly token: string;
    readonly inputs: Record<string, any>;
}

export interface MockSession {
    readonly resources: RecordedResource[];
    /** Every function the program invoked (data sources, provider methods), in order. */
    readonly invokes: RecordedInvoke[];
    readonly region: string;
    readonly partition: string;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** The value with every Pulumi secret envelope ({sig: secret, value}) replaced by its value. */
export function withoutSecretEnvelopes(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutSecretEnvelopes);
    if (value === null || typeof value !== "object") return value;
    const o = value as Record<string, unknown>;
    if (o[SECRET_SIG] === SECRET_VALUE) return withoutSecretEnvelopes(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, withoutSecretEnvelopes(v)]));
}

/** Installs the mocks; returns the live list of registered resources. */
export function installMocks(options: MockOptions = {}): MockSession {
    const region = options.region ?? "us-east-1";
    const partition = options.partition ?? "aws";
    const resources: RecordedResource[] = [];
    const invokes: RecordedInvoke[] = [];
    const project = options.project ?? "rds-iam";
    const stack = options.stack ?? "dev";
    let registering: RegisterRequest | undefined;
    /** The explicit AWS providers registered so far, by URN; a provider reference is `<urn>::<id>`. */
    const awsProviders = new Map<string, RecordedResource>();
    const awsProviderOf = (ref: string | undefined) =>
        ref === undefined ? undefined : awsProviders.get(ref.split("::").slice(0, -1).join("::"));
    pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                // What the real AWS provider refuses, the mocks refuse too (local/aws/schema.ts).
                // A provider that takes no secrets gets them as plain values (the engine unwraps them).
                const plain = withoutSecretEnvelopes(args.inputs) as Record<string, any>;
                const failures = schemaFailures(args.type, plain);
                if (failures.length > 0)
                    throw new Error(
                        `${args.type} "${args.name}": ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
                    );
                // A resource of an explicit AWS provider lives in that provider's region.
                const explicit = awsProviderOf(args.provider);
                const outputs = {
                    ...args.inputs,
                    ...computedOutputs(
                        args.type,
                        args.name,
                        plain,
                        String(explicit?.inputs.region ?? region),
                        partition,
                    ),
                };
                const request = registering;
                registering = undefined;
                const recorded = {
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    outputs,
                    ...registrationOptions(request, args.type, args.name, project, stack),
                };
                resources.push(recorded);
                if (args.type === "pulumi:providers:aws") awsProviders.set(recorded.urn, recorded);
                return { id: idFor(args.type, args.name), state: outputs };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                invokes.push({ token: args.token, inputs: args.inputs });
                // An explicit provider answers with its own region, as the real one does.
                const caller = callerAnswer(
                    args.token,
                    String(awsProviderOf(args.provider)?.inputs.region ?? region),
                    partition,
                );
                if (caller !== undefined) return caller;
                switch (args.token) {
                    case "aws:secretsmanager/getSecretVersion:getSecretVersion":
                        return {
                            arn: args.inputs.secretId,
                            secretString: JSON.stringify({
                                username: "dbmaster",
                                password: options.masterPassword ?? "mock-master-password",
                            }),
                            versionId: "v1",
                        };
                    case "pulumi:providers:aws/terraformConfig":
                        return awsTerraformConfig(resources, args.inputs.__self__);
                    case "aws:rds/getEngineVersion:getEngineVersion":
                        return engineVersionAnswer(args.inputs);
                    case "aws:iam/getRole:getRole":
                        return {
                            name: args.inputs.name,
                            arn: `arn:${partition}:iam::${ACCOUNT_ID}:role/${args.inputs.name}`,
                            id: args.inputs.name,
                        };
                    default:
                        return args.inputs;
                }
            },
        },
        project,
        stack,
        options.preview ?? false,
    );
    // The mock monitor hands newResource the inputs only; keep the request to record its options too.
    const monitor = (require("@pulumi/pulumi/runtime/settings") as { getMonitor(): any }).getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, callback: unknown) => {
        registering = req;
        return register(req, callback);
    };
    // The mock monitor has no Call (provider methods such as aws.Provider.terraformConfig): answer
    // them through the same `call` mock as invokes.
    monitor.call = async (req: any, callback: (err: unknown, response?: unknown) => void) => {
        try {
            const rpc = require("@pulumi/pulumi/runtime/rpc");
            const providerProto = require("@pulumi/pulumi/proto/provider_pb");
            const struct = require("google-protobuf/google/protobuf/struct_pb");
            const inputs = rpc.deserializeProperties(req.getArgs());
            const result = await monitor.mocks.call({
                token: req.getTok(),
                inputs,
                provider: req.getProvider(),
            });
            const response = new providerProto.CallResponse();
            response.setReturn(struct.Struct.fromJavaScript(await rpc.serializeProperties("", result)));
            callback(null, response);
        } catch (e) {
            callback(e);
        }
    };
    return { resources, invokes, region, partition };
}

/** Resolves an Output (or plain value) to its value, for assertions. */
export function valueOf<T>(output: pulumi.Input<T> | undefined): Promise<T> {
    return new Promise((resolve) =>
        pulumi.output(output as pulumi.Input<T>).apply((v) => {
            resolve(v as T);
            return v;
        }),
    );
}

/** Lets every pending registration finish, so `resources` is complete. */
export async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
        await new Promise((r) => setImmediate(r));
    }
}

export interface RecordedStack {
    readonly resources: RecordedResource[];
    readonly invokes: RecordedInvoke[];
    readonly outputs: Record<string, unknown>;
}

/**
 * Evaluates the stack program (index.ts) under mocks with the given stack config (keys without the
 * project prefix go to "rds-iam:", "aws:region" as is) and returns what it registered and exported.
 */
export async function recordStack(
    config: Record<string, unknown>,
    options: MockOptions = {},
): Promise<RecordedStack> {
    // As the engine does before the program runs: declared keys without a default must be set.
    const missing = missingKeys(readProject(path.resolve(__dirname, "..", "..")), Object.keys(config));
    if (missing.length > 0) throw missingConfigError(options.stack ?? "dev", missing);
    const session = installMocks({
        ...options,
        region: String(config["aws:region"] ?? options.region ?? "us-east-1"),
    });
    // As the Pulumi CLI does: the project's config defaults (Pulumi.yaml), then the stack's values.
    const all: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...projectConfigDefaults(), ...config })) {
        all[key.includes(":") ? key : `rds-iam:${key}`] =
            typeof value === "string" ? value : JSON.stringify(value);
    }
    pulumi.runtime.setAllConfig(all);
    const programPath = path.resolve(__dirname, "..", "..", "index.ts");
    delete require.cache[require.resolve(programPath)];
    const program = require(programPath) as Record<string, unknown>;
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(program)) {
        outputs[key] = await valueOf(value as pulumi.Input<unknown>);
    }
    await settle();
    return { resources: session.resources, invokes: session.invokes, outputs };
}

/** The `default`s of Pulumi.yaml's config schema, as `rds-iam:<key>` entries. */
export function projectConfigDefaults(): Record<string, unknown> {
    const fs = require("node:fs") as typeof import("node:fs");
    const yaml = require("yaml") as typeof import("yaml");
    const file = path.resolve(__dirname, "..", "..", "Pulumi.yaml");
    const project = yaml.parse(fs.readFileSync(file, "utf8")) as {
        name: string;
        config: Record<string, { default?: unknown }>;
    };
    return Object.fromEntries(
        Object.entries(project.config)
            .filter(([, schema]) => schema.default !== undefined)
            .map(([key, schema]) => [`${project.name}:${key}`, schema.default]),
    );
}

/** Reads a stack file (Pulumi.<stack>.yaml) into the flat config recordStack takes. */
export function stackConfig(stack: string): Record<string, unknown> {
    const fs = require("node:fs") as typeof import("node:fs");
    const yaml = require("yaml") as typeof import("yaml");
    const file = path.resolve(__dirname, "..", "..", `Pulumi.${stack}.yaml`);
    const doc = yaml.parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    return doc.config;
}
