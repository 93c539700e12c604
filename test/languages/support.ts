/** What the multi-language suites share: the engine and the language hosts, or a pending suite with the reason. */
import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineFound, REPO, findEngine } from "../../local/engine/pulumi";
import { LanguageHostsFound, findLanguageHosts } from "../../local/engine/languageHosts";
import { SCHEMA_PATH } from "../../plugin/schema/spec";
import { requireEngine } from "../support/engine";

export function requireLanguageHosts(ctx: Mocha.Context): { engine: EngineFound; hosts: LanguageHostsFound } {
    const engine = requireEngine(ctx);
    const hosts = findLanguageHosts();
    if ("unavailable" in hosts) {
        if (process.env.RDS_IAM_REQUIRE_ENGINE === "1")
            throw new Error(
                `the language hosts are required here (RDS_IAM_REQUIRE_ENGINE=1): ${hosts.unavailable}`,
            );
        console.log(`      (not run: ${hosts.unavailable})`);
        ctx.skip();
    }
    return { engine, hosts: hosts as LanguageHostsFound };
}

/** Fails unless the check holds, naming the cause and the fix. */
export function need(holds: boolean, cause: string, fix: string): asserts holds {
    if (!holds) throw new Error(`${cause}\nFix: ${fix}`);
}

/**
 * The CLI and the language hosts, or a failure (never a skip) naming which is missing and the script
 * that builds it: for the suites whose subject is the other languages themselves.
 */
export function languageToolsOrFail(): { engine: EngineFound; hosts: LanguageHostsFound } {
    const engine = findEngine();
    need(
        !("unavailable" in engine),
        `no Pulumi CLI: ${"unavailable" in engine ? engine.unavailable : ""}`,
        "run `bash scripts/pulumi-engine.sh` (it builds the CLI from its Go module) and fix what it says",
    );
    const hosts = findLanguageHosts();
    need(
        !("unavailable" in hosts),
        `no language hosts (pulumi-language-yaml, the code generators): ${"unavailable" in hosts ? hosts.unavailable : ""}`,
        "run `bash scripts/language-hosts.sh` (it builds them from the Go module proxy) and fix what it says",
    );
    return { engine, hosts };
}

/**
 * The `pulumi` package the Python SDK is installed with. The CLI is v3.276.0, but PyPI's newest
 * pulumi is 3.272.0 (3.273.0 only as alphas; `pip download pulumi==3.276.0` finds no distribution),
 * so the nearest served release; the generated setup.py asks only for pulumi>=3.0.0,<4.0.0. The CLI
 * cannot be built at 3.272.0 to match instead: the module proxy refuses pkg/v3 v3.272.0 (403; the
 * versions it serves around it are v3.260.0 and v3.274.0 and later, `go list -m -versions`, 2026-12-07).
 */
export const PYTHON_PULUMI = "3.272.0";

export interface Ran {
    readonly status: number | null;
    readonly output: string;
}

export function run(
    command: string,
    args: string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Ran {
    const r = childProcess.spawnSync(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeout ?? 600_000,
        stdio: ["ignore", "pipe", "pipe"],
    });
    const output = `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? `\n${r.error.message}` : ""}`;
    return { status: r.status, output };
}

/** The last lines of a command's output, for a failure message. */
export function tail(r: Ran, lines = 25): string {
    return r.output.trim().split("\n").slice(-lines).join("\n");
}

/**
 * `pulumi package gen-sdk schema.json --language <language>`, run by the real CLI with the codegen
 * plugins first on PATH (for gen-sdk only: they serve nothing but GeneratePackage) and a throwaway
 * PULUMI_HOME; plugin downloads are off, so a missing generator is said at once.
 */
function genSdk(language: string, dir: string): Ran {
    const { engine, hosts } = languageToolsOrFail();
    const env = {
        ...process.env,
        PATH: [hosts.genSdkDir, engine.binDir, process.env.PATH].join(path.delimiter),
        PULUMI_HOME: path.join(dir, "pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    return run(
        path.join(engine.binDir, "pulumi"),
        ["package", "gen-sdk", SCHEMA_PATH, "--language", language, "--out", path.join(dir, "out")],
        {
            env,
            timeout: 120_000,
        },
    );
}

/** The SDK of `language` generated into dir/out/<language>, or a failure with gen-sdk's output. */
export function generated(language: string, dir: string): string {
    const r = genSdk(language, dir);
    assert.equal(r.status, 0, `pulumi package gen-sdk --language ${language} failed:\n${tail(r)}`);
    return path.join(dir, "out", language);
}

/**
 * A fresh venv at `venv` with the SDK at `sdk` and pulumi at PYTHON_PULUMI installed (pip's own cache
 * keeps the downloads per user), or a failure naming what is missing and the fix.
 */
export function pythonVenv(venv: string, sdk: string): string {
    const made = run("python3", ["-m", "venv", venv], { timeout: 120_000 });
    need(
        made.status === 0,
        `python3 -m venv failed:\n${tail(made)}`,
        "install Python 3.9 or later with its venv module (Debian: apt-get install python3 python3-venv)",
    );
    const pip = run(
        path.join(venv, "bin", "pip"),
        ["install", "--disable-pip-version-check", "-q", sdk, `pulumi==${PYTHON_PULUMI}`],
        { timeout: 540_000 },
    );
    need(
        pip.status === 0,
        `pip install of the generated SDK with pulumi==${PYTHON_PULUMI} failed:\n${tail(pip)}`,
        "PyPI must be reachable (pip's index or PIP_INDEX_URL) and serve pulumi at that version; change PYTHON_PULUMI to a served 3.x release",
    );
    return venv;
}

/** The CLI and the language hosts, with `host` (e.g. pulumi-language-yaml) among them. */
export function toolsWith(host: string): { engine: EngineFound; hosts: LanguageHostsFound } {
    const { engine, hosts } = languageToolsOrFail();
    need(
        fs.existsSync(path.join(hosts.binDir, host)),
        `scripts/language-hosts.sh succeeded but ${hosts.binDir} has no ${host}`,
        "run `bash scripts/language-hosts.sh` again",
    );
    return { engine, hosts };
}

/** The plugin path as the examples give it, relative to their own directories. */
const PLUGIN_PATH = "path: ../../plugin";

/**
 * An example's Pulumi.yaml with the plugin's path absolute (the workspace is elsewhere), and any
 * other `line → replacement`s, each of which must be found.
 */
export function exampleProject(file: string, more: Record<string, string> = {}): string {
    let text = fs.readFileSync(file, "utf8");
    for (const [line, replacement] of Object.entries({
        [PLUGIN_PATH]: `path: ${path.join(REPO, "plugin")}`,
        ...more,
    })) {
        need(
            text.includes(line),
            `${file} no longer says \`${line}\`, which the test replaces`,
            "update the test with the example",
        );
        text = text.replace(line, replacement);
    }
    return text;
}
