/**
 * pulumi-language-python for the tests: Pulumi's own Python host (Go module
 * github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) is not served by the module
 * proxy, as with the Node.js one (README.md beside this file). It runs the program with the pulumi
 * package from PyPI, in the virtualenv that Pulumi.yaml names (runtime option `virtualenv`, relative
 * to the project's root) or with python3 from PATH, through python_exec.py: the flags the real host
 * gives its pulumi-language-python-exec (--monitor, --engine, --project, --root_directory, --stack,
 * --pwd, --dry_run, --parallel, --organization, the entry point) and its environment (PULUMI_CONFIG,
 * PULUMI_CONFIG_SECRET_KEYS, the virtualenv activated); exit code 32 means "bail". Its
 * GetRequiredPackages lists installed distributions that ship a pulumi-plugin.json (python_packages.py).
 *
 * Started by the engine with the engine's address as its argument; prints its port on stdout.
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    configEnv,
    engineAddress,
    exitOf,
    messages,
    packagesResponse,
    runResponseOf,
    serveLanguageRuntime,
    spawnTracked,
    unary,
} from "./server";

const VERSION = (require("@pulumi/pulumi/package.json") as { version: string }).version;

interface Python {
    readonly executable: string;
    readonly env: NodeJS.ProcessEnv;
}

/**
 * The program's Python: its virtualenv's, activated as Pulumi's toolchain does (VIRTUAL_ENV, its bin
 * first on PATH, no PYTHONHOME), or python3 on PATH when Pulumi.yaml names none. Options this host
 * does not serve (another toolchain, a typechecker) are refused rather than ignored.
 */
function pythonOf(info: any): Python {
    const options = (info?.getOptions()?.toJavaScript() ?? {}) as Record<string, unknown>;
    const toolchain = options.toolchain ?? "pip";
    if (toolchain !== "pip")
        throw new Error(
            `runtime option toolchain "${String(toolchain)}" is not served by the rds-iam test language host: use pip (the default)`,
        );
    if (options.typechecker !== undefined && options.typechecker !== "none")
        throw new Error(
            `runtime option typechecker "${String(options.typechecker)}" is not served by the rds-iam test language host: remove it`,
        );
    if (typeof options.virtualenv !== "string") return { executable: "python3", env: process.env };
    const root: string = info.getRootDirectory() || info.getProgramDirectory();
    const venv = path.resolve(root, options.virtualenv);
    const executable = path.join(venv, "bin", "python");
    if (!fs.existsSync(executable))
        throw new Error(
            `The 'virtualenv' option in Pulumi.yaml is set to "${options.virtualenv}", but ${venv} is not a virtual environment ` +
                `(no bin/python). Create it: python3 -m venv ${venv} && ${venv}/bin/pip install -r requirements.txt`,
        );
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        VIRTUAL_ENV: venv,
        PATH: [path.join(venv, "bin"), process.env.PATH].join(path.delimiter),
    };
    delete env.PYTHONHOME;
    return { executable, env };
}

async function run(req: any): Promise<unknown> {
    const info = req.getInfo();
    let python: Python;
    try {
        python = pythonOf(info);
    } catch (e) {
        return new messages.RunResponse().setError((e as Error).message);
    }
    const arg = (name: string, value: string | undefined) => (value ? [`--${name}`, value] : []);
    const args = [
        "-u",
        path.join(__dirname, "python_exec.py"),
        ...arg("monitor", req.getMonitorAddress()),
        ...arg("engine", engineAddress()),
        ...arg("project", req.getProject()),
        ...arg("root_directory", info?.getRootDirectory()),
        ...arg("stack", req.getStack()),
        ...arg("pwd", req.getPwd()),
        "--dry_run",
        String(req.getDryrun()),
        ...arg("parallel", String(req.getParallel())),
        ...arg("organization", req.getOrganization()),
        info?.getEntryPoint() || ".",
        ...req.getArgsList(),
    ];
    const programDirectory: string = info?.getProgramDirectory() || req.getPwd();
    const child = spawnTracked(
        python.executable,
        args,
        programDirectory,
        { ...python.env, ...configEnv(req) },
        ["ignore", "inherit", "inherit"],
    );
    return runResponseOf(await exitOf(child));
}

function requiredPackages(req: any): unknown {
    const info = req.getInfo();
    const python = pythonOf(info);
    const listed = childProcess.spawnSync(python.executable, [path.join(__dirname, "python_packages.py")], {
        env: python.env,
        encoding: "utf8",
    });
    if (listed.status !== 0)
        throw new Error(
            `could not list the program's Python packages with ${python.executable}: ${listed.stderr || listed.error?.message}`,
        );
    const packages = JSON.parse(listed.stdout) as { name: string; version: string; server: string }[];
    return packagesResponse(
        packages.map((p) => ({
            name: p.name,
            version: p.version.startsWith("v") ? p.version : `v${p.version}`,
            ...(p.server ? { server: p.server } : {}),
        })),
    );
}

function about(): unknown {
    const version = childProcess.spawnSync("python3", ["--version"], { encoding: "utf8" });
    return new messages.AboutResponse()
        .setExecutable("python3")
        .setVersion((version.stdout || version.stderr || "").replace(/^Python /, "").trim());
}

if (path.basename(__filename).startsWith("python")) {
    serveLanguageRuntime("pulumi-language-python", {
        getRequiredPackages: unary(requiredPackages),
        run: unary(run),
        about: unary(about),
        version: VERSION,
    });
}
