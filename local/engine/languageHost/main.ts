/**
 * pulumi-language-nodejs for the tests: Pulumi's LanguageRuntime gRPC service over the protos that
 * @pulumi/pulumi ships, for the CLI that scripts/pulumi-engine.sh builds. Pulumi's own host (Go
 * module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not served by the
 * module proxy at any version, so this test harness stands in for it. It runs programs and plugins
 * with @pulumi/pulumi's own entry points exactly as the real host does (cmd/run, cmd/run-plugin,
 * cmd/run-policy-pack; the same arguments and environment); what it leaves out is listed in
 * README.md beside it.
 *
 * Started by the engine with the engine's address as its argument; prints its port on stdout.
 */
import * as childProcess from "node:child_process";
import * as path from "node:path";
import { requiredPackages } from "./packages";

const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const services = require("@pulumi/pulumi/proto/language_grpc_pb");
const messages = require("@pulumi/pulumi/proto/language_pb");
const pluginMessages = require("@pulumi/pulumi/proto/plugin_pb");
const empty = require("google-protobuf/google/protobuf/empty_pb");

/** Exit code by which @pulumi/pulumi's run says it already printed an actionable message. */
const EXITED_AFTER_MESSAGE = 32;
const VERSION = (require("@pulumi/pulumi/package.json") as { version: string }).version;

let engineAddress = process.argv.slice(2).find((a) => !a.startsWith("-")) ?? "";
const children = new Set<childProcess.ChildProcess>();

interface Options {
    typescript: boolean;
    nodeargs: string[];
    tsconfig?: string;
}

function optionsOf(info: any): Options {
    const raw = (info?.getOptions()?.toJavaScript() ?? {}) as Record<string, unknown>;
    return {
        typescript: raw.typescript !== false && raw.typescript !== "false",
        nodeargs: typeof raw.nodeargs === "string" ? raw.nodeargs.split(/\s+/).filter(Boolean) : [],
        tsconfig: typeof raw.tsconfig === "string" ? raw.tsconfig : undefined,
    };
}

function typescriptEnv(options: Options): Record<string, string> {
    return {
        ...(options.typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
        ...(options.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
    };
}

/** @pulumi/pulumi's entry point, resolved from the program's own node_modules as the real host does. */
function locate(module: string, directory: string): string {
    try {
        return require.resolve(module, { paths: [directory] });
    } catch {
        throw new Error(
            `It looks like the Pulumi SDK has not been installed. Have you run npm install or yarn install? (${module} not found from ${directory})`,
        );
    }
}

function spawn(args: string[], cwd: string, env: NodeJS.ProcessEnv, stdio: childProcess.StdioOptions) {
    const child = childProcess.spawn(process.execPath, args, { cwd, env, stdio });
    children.add(child);
    child.once("exit", () => children.delete(child));
    return child;
}

type Unary = import("@grpc/grpc-js").handleUnaryCall<any, any>;

function unary(handler: (request: any) => unknown | Promise<unknown>): Unary {
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

/** Run: the program, through @pulumi/pulumi's cmd/run with the engine's arguments and config. */
async function run(req: any): Promise<unknown> {
    const info = req.getInfo();
    const programDirectory: string = info?.getProgramDirectory() || req.getPwd();
    const options = optionsOf(info);
    const response = new messages.RunResponse();
    let runPath: string;
    try {
        runPath = locate("@pulumi/pulumi/cmd/run", programDirectory);
    } catch (e) {
        response.setError((e as Error).message);
        return response;
    }
    const arg = (name: string, value: string | undefined) => (value ? [`--${name}`, value] : []);
    const args = [
        ...options.nodeargs,
        runPath,
        ...arg("monitor", req.getMonitorAddress()),
        ...arg("engine", engineAddress),
        ...arg("organization", req.getOrganization()),
        ...arg("project", req.getProject()),
        ...arg("root-directory", info?.getRootDirectory()),
        ...arg("stack", req.getStack()),
        ...arg("pwd", programDirectory),
        ...(req.getDryrun() ? ["--dry-run"] : []),
        ...arg("parallel", String(req.getParallel())),
        info?.getEntryPoint() || ".",
        ...req.getArgsList(),
    ];
    const config = Object.fromEntries(req.getConfigMap().entries());
    const env = {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
        ...typescriptEnv(options),
    };
    const child = spawn(args, programDirectory, env, ["ignore", "inherit", "inherit"]);
    const code = await new Promise<number | null>((resolve) => {
        child.once("exit", (c, signal) => resolve(c ?? (signal ? 128 : null)));
        child.once("error", () => resolve(null));
    });
    if (code === EXITED_AFTER_MESSAGE) response.setBail(true);
    else if (code === null) response.setError("Problem executing program (could not run language executor)");
    else if (code !== 0) response.setError(`Program exited with non-zero exit code: ${code}`);
    return response;
}

/** RunPlugin: a plugin written in Node.js (a policy pack, a provider), its output streamed back. */
function runPlugin(call: any): void {
    const req = call.request;
    const info = req.getInfo();
    const programDirectory: string = info.getProgramDirectory();
    const options = optionsOf(info);
    const analyzer = req.getKind() === "analyzer";
    const send = (set: (r: any) => void) => {
        const r = new messages.RunPluginResponse();
        set(r);
        call.write(r);
    };
    let runPath: string;
    try {
        runPath = locate(
            analyzer ? "@pulumi/pulumi/cmd/run-policy-pack" : "@pulumi/pulumi/cmd/run-plugin",
            programDirectory,
        );
    } catch (e) {
        call.emit("error", { code: grpc.status.FAILED_PRECONDITION, details: (e as Error).message });
        return;
    }
    // As the real host: a policy pack gets the pack directory last and runs in it; other plugins
    // get their directory first and run in the engine's working directory.
    const args = analyzer
        ? [runPath, ...options.nodeargs, ...req.getArgsList(), programDirectory]
        : [runPath, ...options.nodeargs, programDirectory, ...req.getArgsList()];
    const env = Object.fromEntries(
        (req.getEnvList() as string[]).map((kv) => [
            kv.slice(0, kv.indexOf("=")),
            kv.slice(kv.indexOf("=") + 1),
        ]),
    );
    const child = spawn(
        args,
        analyzer ? programDirectory : req.getPwd() || programDirectory,
        { ...(Object.keys(env).length > 0 ? env : process.env), ...typescriptEnv(options) },
        ["ignore", "pipe", "pipe"],
    );
    child.stdout?.on("data", (d: Buffer) => send((r) => r.setStdout(d)));
    child.stderr?.on("data", (d: Buffer) => send((r) => r.setStderr(d)));
    child.once("exit", (code) => {
        send((r) => r.setExitcode(code ?? 1));
        call.end();
    });
    call.on("cancelled", () => child.kill("SIGTERM"));
}

function main(): void {
    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(services.LanguageRuntimeService, {
        handshake: unary((req) => {
            engineAddress = req.getEngineAddress() || engineAddress;
            return new messages.LanguageHandshakeResponse();
        }),
        getRequiredPlugins: unimplemented("GetRequiredPlugins"),
        getRequiredPackages: unary((req) => {
            const response = new messages.GetRequiredPackagesResponse();
            response.setPackagesList(
                requiredPackages(req.getInfo().getProgramDirectory()).map((p) => {
                    const dependency = new pluginMessages.PackageDependency();
                    dependency.setName(p.name);
                    dependency.setKind("resource");
                    dependency.setVersion(p.version);
                    if (p.server) dependency.setServer(p.server);
                    return dependency;
                }),
            );
            return response;
        }),
        run: unary(run),
        getPluginInfo: unary(() => new pluginMessages.PluginInfo().setVersion(VERSION)),
        // Dependencies are installed with npm ci before any pulumi command (README): nothing to do.
        installDependencies: (call: any) => call.end(),
        runtimeOptionsPrompts: unary(() => new messages.RuntimeOptionsResponse()),
        template: unimplemented("Template"),
        about: unary(() =>
            new messages.AboutResponse().setExecutable(process.execPath).setVersion(process.version.slice(1)),
        ),
        getProgramDependencies: unary(() => new messages.GetProgramDependenciesResponse()),
        runPlugin,
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
            console.error(`pulumi-language-nodejs (rds-iam test host): ${err.message}`);
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

if (path.basename(__filename).startsWith("main")) main();
