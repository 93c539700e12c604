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
import * as path from "node:path";
import { requiredPackages } from "./packages";
import {
    configEnv,
    engineAddress,
    exitOf,
    grpc,
    messages,
    packagesResponse,
    pluginEnv,
    runResponseOf,
    serveLanguageRuntime,
    spawnTracked,
    unary,
} from "./server";

const VERSION = (require("@pulumi/pulumi/package.json") as { version: string }).version;

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

function spawn(
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
    stdio: import("node:child_process").StdioOptions,
) {
    return spawnTracked(process.execPath, args, cwd, env, stdio);
}

/** Run: the program, through @pulumi/pulumi's cmd/run with the engine's arguments and config. */
async function run(req: any): Promise<unknown> {
    const info = req.getInfo();
    const programDirectory: string = info?.getProgramDirectory() || req.getPwd();
    const options = optionsOf(info);
    let runPath: string;
    try {
        runPath = locate("@pulumi/pulumi/cmd/run", programDirectory);
    } catch (e) {
        return new messages.RunResponse().setError((e as Error).message);
    }
    const arg = (name: string, value: string | undefined) => (value ? [`--${name}`, value] : []);
    const args = [
        ...options.nodeargs,
        runPath,
        ...arg("monitor", req.getMonitorAddress()),
        ...arg("engine", engineAddress()),
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
    const env = { ...process.env, ...configEnv(req), ...typescriptEnv(options) };
    const child = spawn(args, programDirectory, env, ["ignore", "inherit", "inherit"]);
    return runResponseOf(await exitOf(child));
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
    const child = spawn(
        args,
        analyzer ? programDirectory : req.getPwd() || programDirectory,
        { ...pluginEnv(req), ...typescriptEnv(options) },
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
    serveLanguageRuntime("pulumi-language-nodejs", {
        getRequiredPackages: unary((req) =>
            packagesResponse(requiredPackages(req.getInfo().getProgramDirectory())),
        ),
        run: unary(run),
        runPlugin,
        about: unary(() =>
            new messages.AboutResponse().setExecutable(process.execPath).setVersion(process.version.slice(1)),
        ),
        version: VERSION,
    });
}

if (path.basename(__filename).startsWith("main")) main();
