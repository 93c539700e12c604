/**
 * Pulumi mocks with realistic computed outputs (resource ids, endpoints, managed master secrets),
 * and helpers to record what a program registers. Deterministic: the same names give the same ids.
 */
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT_ID = "123456789012";

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

/** A 26-character upper-case base32 id derived from a name, like a DbiResourceId's tail. */
export function fakeResourceSuffix(name: string): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const bytes = crypto.createHash("sha256").update(name).digest();
    return [...bytes.subarray(0, 26)].map((b) => alphabet[b % 32]).join("");
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

function computedOutputs(
    type: string,
    name: string,
    inputs: Record<string, any>,
    region: string,
    partition: string,
): Record<string, any> {
    const suffix = fakeResourceSuffix(name);
    const host = `${name}.c0ffee0example.${region}.rds.amazonaws.com`;
    const secret = (prefix: string) => [
        {
            secretArn: `arn:${partition}:secretsmanager:${region}:${ACCOUNT_ID}:secret:rds!${prefix}-${suffix.toLowerCase().slice(0, 8)}-AbCdEf`,
            secretStatus: "active",
            kmsKeyId: `arn:${partition}:kms:${region}:${ACCOUNT_ID}:key/00000000-1111-2222-3333-444444444444`,
        },
    ];
    switch (type) {
        case "aws:rds/instance:Instance": {
            const port = inputs.port ?? (String(inputs.engine).includes("postgres") ? 5432 : 3306);
            return {
                resourceId: `db-${suffix}`,
                address: host,
                port,
                endpoint: `${host}:${port}`,
                identifier: name,
                arn: `arn:${partition}:rds:${region}:${ACCOUNT_ID}:db:${name}`,
                masterUserSecrets: secret(`db-${suffix}`),
            };
        }
        case "aws:rds/cluster:Cluster": {
            const port = inputs.port ?? (String(inputs.engine).includes("postgres") ? 5432 : 3306);
            const clusterHost = `${name}.cluster-c0ffee0example.${region}.rds.amazonaws.com`;
            return {
                clusterResourceId: `cluster-${suffix}`,
                endpoint: clusterHost,
                port,
                clusterIdentifier: name,
                readerEndpoint: clusterHost.replace(".cluster-", ".cluster-ro-"),
                arn: `arn:${partition}:rds:${region}:${ACCOUNT_ID}:cluster:${name}`,
                masterUserSecrets: secret(`cluster-${suffix}`),
            };
        }
        case "aws:rds/clusterInstance:ClusterInstance":
            return { dbiResourceId: `db-${suffix}`, endpoint: host, identifier: name };
        case "aws:iam/role:Role":
            return {
                name,
                arn: `arn:${partition}:iam::${ACCOUNT_ID}:role/${name}`,
                uniqueId: `AROA${suffix.slice(0, 17)}`,
            };
        case "aws:iam/policy:Policy":
            return {
                name,
                arn: `arn:${partition}:iam::${ACCOUNT_ID}:policy/${name}`,
                policyId: `ANPA${suffix.slice(0, 17)}`,
            };
        case "aws:iam/instanceProfile:InstanceProfile":
            return { name, arn: `arn:${partition}:iam::${ACCOUNT_ID}:instance-profile/${name}` };
        case "aws:ec2/securityGroup:SecurityGroup":
            return {
                arn: `arn:${partition}:ec2:${region}:${ACCOUNT_ID}:security-group/sg-${suffix.toLowerCase().slice(0, 17)}`,
            };
        case "random:index/randomId:RandomId": {
            const hex = crypto
                .createHash("sha256")
                .update(name)
                .digest("hex")
                .slice(0, 2 * Number(inputs.byteLength ?? 8));
            const bytes = Buffer.from(hex, "hex");
            return {
                hex,
                b64Std: bytes.toString("base64"),
                b64Url: bytes.toString("base64url"),
                dec: BigInt(`0x${hex}`).toString(),
            };
        }
        case "aws:rds/subnetGroup:SubnetGroup":
        case "aws:rds/parameterGroup:ParameterGroup":
        case "aws:rds/clusterParameterGroup:ClusterParameterGroup":
            return { name };
        default:
            return {};
    }
}

function idFor(type: string, name: string): string {
    if (type === "aws:ec2/securityGroup:SecurityGroup") {
        return `sg-${fakeResourceSuffix(name).toLowerCase().slice(0, 17)}`;
    }
    return `${name}-id`;
}

/** The parts of the engine's RegisterResourceRequest the recorder reads. */
interface RegisterRequest {
    getParent(): string;
    getDependenciesList(): string[];
    getDeletedwith(): string;
    getIgnorechangesList(): string[];
    getProvider(): string;
    getAliasesList(): {
        getUrn(): string;
        getSpec():
            | {
                  getName(): string;
                  getType(): string;
                  getStack(): string;
                  getProject(): string;
                  getParenturn(): string;
                  getNoparent(): boolean;
              }
            | undefined;
    }[];
}

/** A URN as the engine (and the mock monitor) builds it: the parent's type is prefixed to the type. */
export function urnOf(stack: string, project: string, type: string, name: string, parent?: string): string {
    const qualified = parent ? `${parent.split("::")[2].split("$").pop()}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function registrationOptions(
    req: RegisterRequest | undefined,
    type: string,
    name: string,
    project: string,
    stack: string,
): Pick<
    RecordedResource,
    "urn" | "parent" | "dependencies" | "deletedWith" | "ignoreChanges" | "aliases" | "provider"
> {
    const parent = req?.getParent() ?? "";
    return {
        urn: urnOf(stack, project, type, name, parent),
        parent,
        dependencies: [...new Set(req?.getDependenciesList() ?? [])].sort(),
        deletedWith: req?.getDeletedwith() ?? "",
        ignoreChanges: req?.getIgnorechangesList() ?? [],
        provider: req?.getProvider() ?? "",
        aliases: (req?.getAliasesList() ?? []).map((alias) => {
            const spec = alias.getSpec();
            if (spec === undefined) return alias.getUrn();
            return urnOf(
                spec.getStack() || stack,
                spec.getProject() || project,
                spec.getType() || type,
                spec.getName() || name,
                spec.getNoparent() ? undefined : spec.getParenturn() || parent,
            );
        }),
    };
}

/**
 * AWS's default version per parameter-group family, as `describe-db-engine-versions --default-only`
 * answered in 2026 (a snapshot for tests: the program never writes these down itself).
 */
export const DEFAULT_ENGINE_VERSIONS: Readonly<Record<string, string>> = {
    "mysql8.4": "8.4.5",
    "mysql8.0": "8.0.42",
    "mariadb11.4": "11.4.5",
    "mariadb10.11": "10.11.11",
    postgres17: "17.4",
    postgres16: "16.8",
    "aurora-mysql8.0": "8.0.mysql_aurora.3.10.0",
    "aurora-mysql5.7": "5.7.mysql_aurora.2.12.5",
    "aurora-postgresql17": "17.4",
    "aurora-postgresql16": "16.8",
    "aurora-postgresql15": "15.12",
};

/** getEngineVersion as the AWS provider answers it: by family (or version prefix), or an error when nothing matches. */
function engineVersionAnswer(inputs: Record<string, any>): Record<string, unknown> {
    const family: string | undefined =
        inputs.parameterGroupFamily ??
        Object.keys(DEFAULT_ENGINE_VERSIONS).find(
            (f) =>
                f.startsWith(String(inputs.engine)) &&
                DEFAULT_ENGINE_VERSIONS[f].startsWith(String(inputs.version ?? "")),
        );
    const version = family === undefined ? undefined : DEFAULT_ENGINE_VERSIONS[family];
    if (version === undefined || (family !== undefined && !family.startsWith(String(inputs.engine)))) {
        throw new Error(
            `reading RDS Engine Version: no RDS engine versions match the criteria (engine ${inputs.engine}, family ${family})`,
        );
    }
    return {
        ...inputs,
        id: version,
        engine: inputs.engine,
        version,
        versionActual: version,
        parameterGroupFamily: family,
        status: "available",
    };
}

/**
 * aws.Provider.terraformConfig() as the bridged provider answers it: the provider's configuration in
 * Terraform's snake_case (complex values are JSON strings among a provider's inputs).
 */
async function awsTerraformConfig(
    resources: RecordedResource[],
    self: any,
): Promise<Record<string, unknown>> {
    const urn = self?.urn ? await self.urn.promise() : undefined;
    const provider = resources.find(
        (r) => r.type === "pulumi:providers:aws" && (urn === undefined || r.urn === urn),
    );
    const inputs = provider?.inputs ?? {};
    const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
    const roles = (json(inputs.assumeRoles) ?? []) as Record<string, string>[];
    return {
        result: {
            region: inputs.region,
            profile: inputs.profile,
            shared_config_files: json(inputs.sharedConfigFiles),
            shared_credentials_files: json(inputs.sharedCredentialsFiles),
            assume_role: roles.map((r) => ({
                role_arn: r.roleArn,
                session_name: r.sessionName,
                external_id: r.externalId,
            })),
        },
    };
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
                // A resource of an explicit AWS provider lives in that provider's region.
                const explicit = awsProviderOf(args.provider);
                const outputs = {
                    ...args.inputs,
                    ...computedOutputs(
                        args.type,
                        args.name,
                        args.inputs,
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
                switch (args.token) {
                    case "aws:index/getRegion:getRegion": {
                        // An explicit provider answers with its own region, as the real one does.
                        const explicit = awsProviderOf(args.provider);
                        const answer = String(explicit?.inputs.region ?? region);
                        return {
                            name: answer,
                            region: answer,
                            id: answer,
                            endpoint: `ec2.${answer}.amazonaws.com`,
                            description: answer,
                        };
                    }
                    case "aws:index/getCallerIdentity:getCallerIdentity":
                        return {
                            accountId: ACCOUNT_ID,
                            arn: `arn:${partition}:iam::${ACCOUNT_ID}:user/deployer`,
                            userId: "AIDAEXAMPLE",
                            id: ACCOUNT_ID,
                        };
                    case "aws:index/getPartition:getPartition":
                        return {
                            partition,
                            dnsSuffix: partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com",
                            id: partition,
                        };
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
