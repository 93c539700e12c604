/**
 * Generated SDKs (#26.3): `pulumi package gen-sdk` (the real CLI of scripts/pulumi-engine.sh, with the
 * code generators of scripts/language-hosts.sh) turns schema.json into a Python and a Go SDK, and
 * each one builds: Python pip-installs into a fresh venv and imports, Go `go build`s against the Pulumi
 * Go SDK at the CLI's version, and the Go example program (examples/go) vets and builds against it. There is no Java SDK here: its generator is pulumi-java's
 * pkg/codegen/java, in the Go module github.com/pulumi/pulumi-java/pkg, which the module proxy refuses
 * at every version (403 "This module version is not available"), and no registry ships a
 * pulumi-language-java; Maven Central does serve the Java SDK it would compile against (com.pulumi:pulumi).
 *
 * The SDKs are generated here, at test time, into a temporary directory, and not committed under
 * sdk/<language>/: the schema stays the one source of truth (schema.test.ts holds schema.json to what
 * plugin/schema/spec.ts builds from the components' JSDoc), so an SDK can never lag behind it.
 * Committed SDKs would need CI to regenerate them and fail on any diff — the same generation as here,
 * plus thousands of generated lines in every change of an Arg. Generating takes well under a second.
 * Publishing is a separate, later step: a Go SDK is fetched by its module path
 * (language.go.importBasePath, github.com/rds-iam/rds-iam/sdk/go), so a release would generate sdk/go
 * and commit or tag it then; Python would go to PyPI as a built package.
 *
 * A missing prerequisite fails its test with the cause and the fix; none is skipped. Downloads are
 * cached where each tool keeps them per user: pip's cache (~/.cache/pip), Go's module and build
 * caches (go env GOMODCACHE GOCACHE, which scripts/pulumi-engine.sh fills with the same modules).
 * The venv itself is made anew each run, so that the SDK's own install_requires are what pip resolves.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENGINES } from "../../components/engines";
import type { LanguageHostsFound } from "../../local/engine/languageHosts";
import { EngineFound, REPO } from "../../local/engine/pulumi";
import { SCHEMA_PATH } from "../../plugin/schema/spec";
import { PYTHON_PULUMI, generated, languageToolsOrFail, need, pythonVenv, run, tail } from "./support";

let prerequisites: { engine: EngineFound; hosts: LanguageHostsFound } | undefined;

/** The CLI and the code generators, found once. */
function tools(): { engine: EngineFound; hosts: LanguageHostsFound } {
    return (prerequisites ??= languageToolsOrFail());
}

const scratch: string[] = [];
function tempDir(language: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rds-iam-sdk-${language}-`));
    scratch.push(dir);
    return dir;
}

function onPath(command: string, versionArg: string): boolean {
    return run(command, [versionArg], { timeout: 60_000 }).status === 0;
}

/** Go on PATH, or a failure naming it and the fix: the Go SDK and example are built with go build. */
function requireGo(): void {
    need(
        onPath("go", "version"),
        "no Go toolchain on PATH: the Go SDK is built with go build",
        "install Go 1.26 or later (Debian: apt-get install golang-go, or https://go.dev/dl)",
    );
}

/** The go command in `dir`, on this machine's own toolchain, resolving modules (no go.work). */
function goIn(dir: string): (args: string[]) => ReturnType<typeof run> {
    const env = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", GOWORK: "off" };
    return (args) => run("go", args, { cwd: dir, env, timeout: 840_000 });
}

const schemaLanguage = (
    JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")) as { language: { go: { importBasePath: string } } }
).language;

describe("the generated SDKs (pulumi package gen-sdk)", () => {
    after(() => {
        for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("Python: pip-installs into a fresh venv with the pulumi package and imports pulumi_rds_iam", function () {
        this.timeout(600_000);
        const dir = tempDir("python");
        const sdk = generated("python", dir);
        assert.ok(fs.existsSync(path.join(sdk, "setup.py")), `no setup.py in ${sdk}`);
        const venv = pythonVenv(path.join(dir, "venv"), sdk);
        const probe = [
            "import importlib.metadata, json, pulumi, pulumi_rds_iam as m",
            "print(json.dumps({'pulumi': importlib.metadata.version('pulumi'),",
            " 'components': [issubclass(c, pulumi.ComponentResource) for c in (m.Database, m.DatabaseAccessRole, m.DatabaseProxy)],",
            " 'proxyGrant': 'proxy' in m.GrantArgs.__init__.__code__.co_varnames,",
            " 'custom': issubclass(m.DatabaseUser, pulumi.CustomResource),",
            " 'engines': [e.value for e in m.Engine]}))",
        ].join("\n");
        const imported = run(path.join(venv, "bin", "python"), ["-c", probe], { timeout: 120_000 });
        assert.equal(imported.status, 0, `import pulumi_rds_iam failed:\n${tail(imported)}`);
        assert.deepEqual(JSON.parse(imported.output.trim().split("\n").pop() as string), {
            pulumi: PYTHON_PULUMI,
            components: [true, true, true],
            proxyGrant: true,
            custom: true,
            engines: [...ENGINES],
        });
    });

    it("Go: go build ./... against github.com/pulumi/pulumi/sdk/v3 at the CLI's version", function () {
        this.timeout(900_000);
        const { engine } = tools();
        const dir = tempDir("go");
        const sdk = generated("go", dir);
        requireGo();
        // The generator's go.mod (written because the schema sets meta.supportPack) requires
        // sdk/v3 v3.269.0, the floor pkg/v3 writes; the SDK is built against the CLI's own version.
        const go = goIn(sdk);
        const sdkModule = `github.com/pulumi/pulumi/sdk/v3@${engine.version}`;
        const edit = go(["mod", "edit", `-require=${sdkModule}`]);
        assert.equal(edit.status, 0, `go mod edit failed (is there a go.mod in ${sdk}?):\n${tail(edit)}`);
        const tidy = go(["mod", "tidy"]);
        need(
            tidy.status === 0,
            `go mod tidy with ${sdkModule} failed:\n${tail(tidy)}`,
            `the Go module proxy (GOPROXY=${go(["env", "GOPROXY"]).output.trim()}) must serve ${sdkModule} and its dependencies`,
        );
        const build = go(["build", "./..."]);
        assert.equal(build.status, 0, `go build ./... failed:\n${tail(build, 40)}`);
        const listed = go(["list", "./..."]);
        assert.equal(listed.status, 0, tail(listed));
        assert.deepEqual(listed.output.trim().split("\n"), [
            schemaLanguage.go.importBasePath,
            `${schemaLanguage.go.importBasePath}/internal`,
        ]);
    });

    it("Go: examples/go (the dev stack's database and api role) builds against the generated SDK", function () {
        this.timeout(900_000);
        const { engine } = tools();
        const dir = tempDir("go-example");
        const sdk = generated("go", dir);
        const example = path.join(REPO, "examples", "go");
        requireGo();
        const project = path.join(dir, "example");
        fs.mkdirSync(project);
        for (const file of ["main.go", "go.mod"])
            fs.copyFileSync(path.join(example, file), path.join(project, file));
        // The example names the Pulumi Go SDK at the CLI's version, as its plugin and schema carry rds-iam's.
        assert.match(
            fs.readFileSync(path.join(project, "go.mod"), "utf8"),
            new RegExp(`github\\.com/pulumi/pulumi/sdk/v3 ${engine.version.replace(/\./g, "\\.")}\n`),
            "examples/go/go.mod does not require the CLI's version of github.com/pulumi/pulumi/sdk/v3",
        );
        const go = goIn(project);
        const replace = go([
            "mod",
            "edit",
            `-replace=${schemaLanguage.go.importBasePath.replace(/\/rdsiam$/, "")}=${sdk}`,
        ]);
        assert.equal(replace.status, 0, tail(replace));
        const tidy = go(["mod", "tidy"]);
        assert.equal(tidy.status, 0, `go mod tidy of examples/go failed:\n${tail(tidy)}`);
        const vet = go(["vet", "./..."]);
        assert.equal(vet.status, 0, `go vet of examples/go failed:\n${tail(vet, 40)}`);
        const build = go(["build", "-o", path.join(dir, "example-bin"), "."]);
        assert.equal(build.status, 0, `go build of examples/go failed:\n${tail(build, 40)}`);
        assert.ok(fs.statSync(path.join(dir, "example-bin")).size > 0);
    });
});
