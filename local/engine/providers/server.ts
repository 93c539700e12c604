/**
 * The gRPC side of the test resource providers: Pulumi's ResourceProvider service over the protos
 * @pulumi/pulumi ships, for plugins that the engine finds on PATH (pulumi-resource-<name>). Each
 * plugin supplies plain functions; this file turns Structs into plain values and back, answers
 * Configure as a provider that takes no secrets and no preview creates (the engine then strips secrets
 * from what it sends and computes previews itself), and turns thrown errors into the gRPC errors the
 * engine prints. @pulumi/pulumi's own provider server passes no provider configuration on, which the
 * test aws provider needs (the region), hence this one.
 */
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const services = require("@pulumi/pulumi/proto/provider_grpc_pb");
const messages = require("@pulumi/pulumi/proto/provider_pb");
const pluginMessages = require("@pulumi/pulumi/proto/plugin_pb");
const struct = require("google-protobuf/google/protobuf/struct_pb");
const empty = require("google-protobuf/google/protobuf/empty_pb");

export type Props = Record<string, any>;

/** What the engine sends for a value not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Failure {
    readonly property: string;
    readonly reason: string;
}

/** A check that failed: the engine prints each failure as "<property>: <reason>". */
export class CheckFailures extends Error {
    constructor(readonly failures: Failure[]) {
        super(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
    }
}

export interface ResourceContext {
    readonly urn: string;
    readonly type: string;
    /** The resource's name in the program (the URN's last part). */
    readonly name: string;
}

export interface TestProvider {
    readonly name: string;
    readonly version: string;
    checkConfig?(news: Props): Failure[];
    configure?(variables: Record<string, string>, args: Props): void;
    check(ctx: ResourceContext, olds: Props, news: Props, randomSeed: Buffer): Props;
    diff(
        ctx: ResourceContext,
        id: string,
        oldOutputs: Props,
        oldInputs: Props,
        news: Props,
    ): { changes: boolean; replaces: string[]; diffs: string[]; deleteBeforeReplace?: boolean };
    create(ctx: ResourceContext, inputs: Props): Promise<{ id: string; outputs: Props }>;
    /** The resource as the cloud has it now, or undefined when it is gone. */
    read(ctx: ResourceContext, id: string, state: Props, inputs: Props): Promise<Props | undefined>;
    update(ctx: ResourceContext, id: string, olds: Props, news: Props): Promise<Props>;
    delete(ctx: ResourceContext, id: string, state: Props): Promise<void>;
    invoke?(token: string, args: Props): Promise<Props>;
    call?(token: string, args: Props): Promise<Props>;
}

function contextOf(urn: string): ResourceContext {
    // urn:pulumi:<stack>::<project>::<type chain>::<name>
    const parts = urn.split("::");
    const types = parts[2]?.split("$") ?? [];
    return { urn, type: types[types.length - 1] ?? "", name: parts.slice(3).join("::") };
}

const plain = (s: any): Props => (s?.toJavaScript() ?? {}) as Props;
const toStruct = (p: Props) => struct.Struct.fromJavaScript(JSON.parse(JSON.stringify(p)));

export function serve(provider: TestProvider): void {
    const handler =
        (fn: (req: any) => Promise<unknown> | unknown): import("@grpc/grpc-js").handleUnaryCall<any, any> =>
        (call, callback) => {
            Promise.resolve()
                .then(() => fn(call.request))
                .then(
                    (res) => callback(null, res),
                    (e: Error) => {
                        if (e instanceof CheckFailures && call.request instanceof messages.CheckRequest) {
                            const res = new messages.CheckResponse();
                            res.setInputs(call.request.getNews());
                            res.setFailuresList(
                                e.failures.map((f) =>
                                    new messages.CheckFailure().setProperty(f.property).setReason(f.reason),
                                ),
                            );
                            callback(null, res);
                            return;
                        }
                        callback({ code: grpc.status.UNKNOWN, details: e.message }, null);
                    },
                );
        };

    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(services.ResourceProviderService, {
        getPluginInfo: handler(() => new pluginMessages.PluginInfo().setVersion(provider.version)),
        getSchema: handler(() => new messages.GetSchemaResponse().setSchema("{}")),
        checkConfig: handler((req) => {
            const news = plain(req.getNews());
            const failures = provider.checkConfig?.(news) ?? [];
            if (failures.length > 0) throw new CheckFailures(failures);
            return new messages.CheckResponse().setInputs(req.getNews());
        }),
        diffConfig: handler((req) => {
            const olds = plain(req.getOldInputs() ?? req.getOlds());
            const news = plain(req.getNews());
            const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])];
            const diffs = keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
            return new messages.DiffResponse()
                .setChanges(
                    diffs.length > 0
                        ? messages.DiffResponse.DiffChanges.DIFF_SOME
                        : messages.DiffResponse.DiffChanges.DIFF_NONE,
                )
                .setDiffsList(diffs);
        }),
        configure: handler((req) => {
            provider.configure?.(Object.fromEntries(req.getVariablesMap().entries()), plain(req.getArgs()));
            return new messages.ConfigureResponse()
                .setAcceptsecrets(false)
                .setSupportspreview(false)
                .setAcceptresources(false)
                .setAcceptoutputs(false);
        }),
        check: handler((req) => {
            const ctx = contextOf(req.getUrn());
            const inputs = provider.check(
                ctx,
                plain(req.getOlds()),
                plain(req.getNews()),
                Buffer.from(req.getRandomseed_asU8()),
            );
            return new messages.CheckResponse().setInputs(toStruct(inputs));
        }),
        diff: handler((req) => {
            const ctx = contextOf(req.getUrn());
            const olds = plain(req.getOlds());
            const result = provider.diff(
                ctx,
                req.getId(),
                olds,
                plain(req.getOldInputs() ?? {}),
                plain(req.getNews()),
            );
            return new messages.DiffResponse()
                .setChanges(
                    result.changes
                        ? messages.DiffResponse.DiffChanges.DIFF_SOME
                        : messages.DiffResponse.DiffChanges.DIFF_NONE,
                )
                .setReplacesList(result.replaces)
                .setDiffsList(result.diffs)
                .setDeletebeforereplace(result.deleteBeforeReplace ?? false);
        }),
        create: handler(async (req) => {
            const created = await provider.create(contextOf(req.getUrn()), plain(req.getProperties()));
            return new messages.CreateResponse().setId(created.id).setProperties(toStruct(created.outputs));
        }),
        read: handler(async (req) => {
            const ctx = contextOf(req.getUrn());
            const state = await provider.read(
                ctx,
                req.getId(),
                plain(req.getProperties()),
                plain(req.getInputs()),
            );
            const res = new messages.ReadResponse();
            if (state === undefined) return res; // an empty id: the resource is gone
            return res
                .setId(req.getId())
                .setProperties(toStruct(state))
                .setInputs(req.getInputs() ?? toStruct({}));
        }),
        update: handler(async (req) => {
            const ctx = contextOf(req.getUrn());
            const outputs = await provider.update(
                ctx,
                req.getId(),
                plain(req.getOlds()),
                plain(req.getNews()),
            );
            return new messages.UpdateResponse().setProperties(toStruct(outputs));
        }),
        delete: handler(async (req) => {
            await provider.delete(contextOf(req.getUrn()), req.getId(), plain(req.getProperties()));
            return new empty.Empty();
        }),
        invoke: handler(async (req) => {
            if (provider.invoke === undefined) throw new Error(`unknown function ${req.getTok()}`);
            return new messages.InvokeResponse().setReturn(
                toStruct(await provider.invoke(req.getTok(), plain(req.getArgs()))),
            );
        }),
        call: handler(async (req) => {
            if (provider.call === undefined) throw new Error(`unknown method ${req.getTok()}`);
            return new messages.CallResponse().setReturn(
                toStruct(await provider.call(req.getTok(), plain(req.getArgs()))),
            );
        }),
        cancel: handler(() => new empty.Empty()),
    });
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
        if (err) {
            console.error(`pulumi-resource-${provider.name} (rds-iam test provider): ${err.message}`);
            process.exit(1);
        }
        process.stdout.write(`${port}\n`);
    });
    // The engine keeps our stdin open while it runs.
    process.stdin.resume();
    process.stdin.on("end", () => process.exit(0));
}
