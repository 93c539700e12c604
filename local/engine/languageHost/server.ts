/**
 * What the test language hosts share (pulumi-language-nodejs in main.ts, pulumi-language-python in
 * python.ts): Pulumi's LanguageRuntime gRPC service over the protos @pulumi/pulumi ships, the
 * children they start, and the engine's address. Each host passes only the methods it serves
 * differently; the rest answer UNIMPLEMENTED or minimally, as its README lists.
 */
import * as childProcess from "node:child_process";

export const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
export const messages = require("@pulumi/pulumi/proto/language_pb");
export const pluginMessages = require("@pulumi/pulumi/proto/plugin_pb");
const services = require("@pulumi/pulumi/proto/language_grpc_pb");
const empty = require("google-protobuf/google/protobuf/empty_pb");

/** Exit code by which a program's runner says it already printed an actionable message ("bail"). */
export const EXITED_AFTER_MESSAGE = 32;

let engine = process.argv.slice(2).find((a) => !a.startsWith("-")) ?? "";
/** The engine's address: the host's argument, or what the engine's Handshake says. */
export const engineAddress = (): string => engine;

const children = new Set<childProcess.ChildProcess>();

/** Starts a child the host stops when the engine cancels or goes away. */
export function spawnTracked(
    command: string,
    args: readonly string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    stdio: childProcess.StdioOptions,
): childProcess.ChildProcess {
    const child = childProcess.spawn(command, args, { cwd, env, stdio });
    children.add(child);
    child.once("exit", () => children.delete(child));
    return child;
}

/** The child's exit code (128 for a signal), or null when it could not be started. */
export function exitOf(child: childProcess.ChildProcess): Promise<number | null> {
    return new Promise((resolve) => {
        child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : null)));
        child.once("error", () => resolve(null));
    });
}

/** RunResponse for a program's exit code, worded as Pulumi's hosts word it. */
export function runResponseOf(code: number | null): unknown {
    const response = new messages.RunResponse();
    if (code === EXITED_AFTER_MESSAGE) response.setBail(true);
    else if (code === null) response.setError("Problem executing program (could not run language executor)");
    else if (code !== 0) response.setError(`Program exited with non-zero exit code: ${code}`);
    return response;
}

/** The program's configuration as Pulumi's hosts hand it to the program: PULUMI_CONFIG and its secret keys. */
export function configEnv(req: any): Record<string, string> {
    return {
        PULUMI_CONFIG: JSON.stringify(Object.fromEntries(req.getConfigMap().entries())),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
    };
}

/** A plugin's environment as the engine sends it (KEY=VALUE), or the host's own when it sends none. */
export function pluginEnv(req: any): NodeJS.ProcessEnv {
    const env = Object.fromEntries(
        (req.getEnvList() as string[]).map((kv) => [
            kv.slice(0, kv.indexOf("=")),
            kv.slice(kv.indexOf("=") + 1),
        ]),
    );
    return Object.keys(env).length > 0 ? env : process.env;
}

type Unary = import("@grpc/grpc-js").handleUnaryCall<any, any>;

export function unary(handler: (request: any) => unknown | Promise<unknown>): Unary {
    return (call, callback) => {
        Promise.resolve()
            .then(() => handler(call.request))
            .then(
                (response) => callback(null, response),
                (e: Error) => callback({ code: grpc.status.UNKNOWN, details: e.message }),
            );
    };
}

function unimplemented(name: string): Unary {
    return (_call, callback) =>
        callback({
            code: grpc.status.UNIMPLEMENTED,
            details: `${name} is not implemented by the rds-iam test language host`,
        });
}

/** The resource plugins a program needs, as GetRequiredPackages answers them. */
export function packagesResponse(
    packages: readonly { name: string; version: string; server?: string }[],
): unknown {
    const response = new messages.GetRequiredPackagesResponse();
    response.setPackagesList(
        packages.map((p) => {
            const dependency = new pluginMessages.PackageDependency();
            dependency.setName(p.name);
            dependency.setKind("resource");
            dependency.setVersion(p.version);
            if (p.server) dependency.setServer(p.server);
            return dependency;
        }),
    );
    return response;
}

export interface HostMethods {
    readonly getRequiredPackages: Unary;
    readonly run: Unary;
    readonly runPlugin?: (call: any) => void;
    readonly about: Unary;
    readonly version: string;
}

/** Serves the LanguageRuntime on a free loopback port and prints the port, as the engine expects. */
export function serveLanguageRuntime(name: string, methods: HostMethods): void {
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(services.LanguageRuntimeService, {
        handshake: unary((req) => {
            engine = req.getEngineAddress() || engine;
            return new messages.LanguageHandshakeResponse();
        }),
        getRequiredPlugins: unimplemented("GetRequiredPlugins"),
        getRequiredPackages: methods.getRequiredPackages,
        run: methods.run,
        getPluginInfo: unary(() => new pluginMessages.PluginInfo().setVersion(methods.version)),
        // Dependencies are installed before any pulumi command (README): nothing to do.
        installDependencies: (call: any) => call.end(),
        runtimeOptionsPrompts: unary(() => new messages.RuntimeOptionsResponse()),
        template: unimplemented("Template"),
        about: methods.about,
        getProgramDependencies: unary(() => new messages.GetProgramDependenciesResponse()),
        runPlugin: methods.runPlugin ?? unimplemented("RunPlugin"),
        generateProgram: unimplemented("GenerateProgram"),
        generateProject: unimplemented("GenerateProject"),
        generatePackage: unimplemented("GeneratePackage"),
        pack: unimplemented("Pack"),
        link: unimplemented("Link"),
        cancel: unary(() => {
            for (const child of children) child.kill("SIGINT");
            return new empty.Empty();
        }),
    });
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
        if (err) {
            console.error(`${name} (rds-iam test host): ${err.message}`);
            process.exit(1);
        }
        process.stdout.write(`${port}\n`);
    });
    // The engine holds our stdin open for as long as it runs: when it goes, so do we and our children.
    process.stdin.resume();
    process.stdin.on("end", () => {
        for (const child of children) child.kill("SIGTERM");
        process.exit(0);
    });
}
