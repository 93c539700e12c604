/**
 * Drives the real Pulumi dynamic-provider host (@pulumi/pulumi/cmd/dynamic-provider) over gRPC,
 * the way the engine does: spawn it with the project root as working directory, read its port,
 * Configure, then Check/Diff/Create/Read/Update/Delete with the serialized provider in `__provider`.
 */
import * as childProcess from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const TYPE = "pulumi-nodejs:dynamic/rds-iam:DatabaseUser";

/** The provider exactly as a DatabaseUser stores it in the state. */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
    return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
}

type Props = Record<string, unknown>;

export interface HostedProvider {
    check(
        olds: Props,
        news: Props,
    ): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
    diff(
        id: string,
        olds: Props,
        news: Props,
    ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
    create(props: Props): Promise<{ id: string; properties: Props }>;
    read(id: string, props: Props): Promise<{ id: string; properties: Props }>;
    update(id: string, olds: Props, news: Props): Promise<Props>;
    delete(id: string, props: Props): Promise<void>;
    stop(): Promise<void>;
}

export async function startDynamicProviderHost(providerText: string): Promise<HostedProvider> {
    const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
    const services = require("@pulumi/pulumi/proto/provider_grpc_pb");
    const messages = require("@pulumi/pulumi/proto/provider_pb");
    const struct = require("google-protobuf/google/protobuf/struct_pb");
    const hostScript = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js", {
        paths: [PROJECT_ROOT],
    });
    // The engine address is only used for logging; the host tolerates one that is never dialled.
    const child = childProcess.spawn(process.execPath, [hostScript, "127.0.0.1:1"], {
        cwd: PROJECT_ROOT,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, PULUMI_PROJECT: "rds-iam", PULUMI_STACK: "test" },
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
            out += d;
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) resolve(Number(m[1]));
        });
        child.once("exit", (code) => reject(new Error(`dynamic-provider host exited (${code}): ${stderr}`)));
    });
    const client = new services.ResourceProviderClient(
        `127.0.0.1:${port}`,
        grpc.credentials.createInsecure(),
    );
    const call = <T>(method: string, request: unknown): Promise<T> =>
        new Promise((resolve, reject) =>
            client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))),
        );
    const urn = `urn:pulumi:test::rds-iam::${TYPE}::user`;
    const withProvider = (props: Props) =>
        struct.Struct.fromJavaScript({ ...stripUndefined(props), __provider: providerText });
    const plain = (s: { toJavaScript(): Props } | undefined): Props => {
        const { __provider: _ignored, ...rest } = s?.toJavaScript() ?? {};
        return rest;
    };

    const configure = new messages.ConfigureRequest();
    configure.setArgs(struct.Struct.fromJavaScript({}));
    configure.setAcceptsecrets(false);
    await call("configure", configure);

    return {
        async check(olds, news) {
            const req = new messages.CheckRequest();
            req.setUrn(urn);
            req.setOlds(withProvider(olds));
            req.setNews(withProvider(news));
            const res = await call<any>("check", req);
            return {
                inputs: plain(res.getInputs()),
                failures: res
                    .getFailuresList()
                    .map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
            };
        },
        async diff(id, olds, news) {
            const req = new messages.DiffRequest();
            req.setId(id);
            req.setUrn(urn);
            req.setOlds(withProvider(olds));
            req.setNews(withProvider(news));
            const res = await call<any>("diff", req);
            return {
                changes: res.getChanges() === messages.DiffResponse.DiffChanges.DIFF_SOME,
                replaces: res.getReplacesList(),
                deleteBeforeReplace: res.getDeletebeforereplace(),
            };
        },
        async create(props) {
            const req = new messages.CreateRequest();
            req.setUrn(urn);
            req.setProperties(withProvider(props));
            const res = await call<any>("create", req);
            return { id: res.getId(), properties: plain(res.getProperties()) };
        },
        async read(id, props) {
            const req = new messages.ReadRequest();
            req.setId(id);
            req.setUrn(urn);
            req.setProperties(withProvider(props));
            const res = await call<any>("read", req);
            return { id: res.getId(), properties: plain(res.getProperties()) };
        },
        async update(id, olds, news) {
            const req = new messages.UpdateRequest();
            req.setId(id);
            req.setUrn(urn);
            req.setOlds(withProvider(olds));
            req.setNews(withProvider(news));
            return plain((await call<any>("update", req)).getProperties());
        },
        async delete(id, props) {
            const req = new messages.DeleteRequest();
            req.setId(id);
            req.setUrn(urn);
            req.setProperties(withProvider(props));
            await call("delete", req);
        },
        async stop() {
            client.close();
            child.kill("SIGTERM");
            await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once("exit", r)));
        },
    };
}

function stripUndefined(props: Props): Props {
    return JSON.parse(JSON.stringify(props));
}
