/**
 * Generated SDKs (#26.3): `pulumi package gen-sdk` (the real CLI of scripts/pulumi-engine.sh, with the
 * code generators of scripts/language-hosts.sh) turns schema.json into a Python, Go and Java SDK, and
 * each one builds: Python pip-installs into a fresh venv and imports, Go `go build`s against the Pulumi
 * Go SDK at the CLI's version, Java `mvn -q compile`s against the Pulumi Java SDK (com.pulumi:pulumi).
 *
 * The SDKs are generated here, at test time, into a temporary directory, and not committed under
 * sdk/<language>/: the schema stays the one source of truth (schema.test.ts holds schema.json to what
 * plugin/schema/spec.ts builds from the components' JSDoc), so an SDK can never lag behind it.
 * Committed SDKs would need CI to regenerate them and fail on any diff — the same generation as here,
 * plus thousands of generated lines in every change of an Arg. Generating takes well under a second.
 * Publishing is a separate, later step: a Go SDK is fetched by its module path
 * (language.go.importBasePath, github.com/rds-iam/rds-iam/sdk/go), so a release would generate sdk/go
 * and commit or tag it then; Python and Java would go to PyPI and Maven Central as built packages.
 *
 * A missing prerequisite fails its test with the cause and the fix; none is skipped. Downloads are
 * cached where each tool keeps them per user: pip's cache (~/.cache/pip), Go's module and build
 * caches (go env GOMODCACHE GOCACHE, which scripts/pulumi-engine.sh fills with the same modules), and
 * Maven's local repository (~/.m2/repository). The venv itself is made anew each run, so that the
 * SDK's own install_requires are what pip resolves.
 */
import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ENGINES } from "../../components/engines";
import { LanguageHostsFound, findLanguageHosts } from "../../local/engine/languageHosts";
import { EngineFound, findEngine } from "../../local/engine/pulumi";
import { SCHEMA_PATH } from "../../plugin/schema/spec";

/**
 * The `pulumi` package the Python SDK is installed with. The CLI is v3.276.0, but PyPI's newest
 * pulumi is 3.272.0 (3.273.0 only as alphas; `pip download pulumi==3.276.0` finds no distribution),
 * so the nearest served release; the generated setup.py asks only for pulumi>=3.0.0,<4.0.0.
 */
const PYTHON_PULUMI = "3.272.0";

/** The Maven artifact of Pulumi's Java SDK: Maven Central serves it (newest seen: 1.36.1). */
const JAVA_SDK = "com.pulumi:pulumi:1.36.1";

/** The Java code generator's Go module: `pulumi-language-java` is built from it. */
const JAVA_CODEGEN_MODULE = "github.com/pulumi/pulumi-java/pkg";

interface Ran {
    readonly status: number | null;
    readonly output: string;
}

function run(
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
function tail(r: Ran, lines = 25): string {
    return r.output.trim().split("\n").slice(-lines).join("\n");
}

/** Fails the test with the cause and the fix unless the check holds. */
function need(ok: boolean, cause: string, fix: string): asserts ok {
    if (!ok) throw new Error(`${cause}\nFix: ${fix}`);
}

let prerequisites: { engine: EngineFound; hosts: LanguageHostsFound } | undefined;

/** The CLI and the code generators, or a failure naming what is missing (their scripts say how to get it). */
function tools(): { engine: EngineFound; hosts: LanguageHostsFound } {
    if (prerequisites) return prerequisites;
    const engine = findEngine();
    need(
        !("unavailable" in engine),
        `no Pulumi CLI: ${"unavailable" in engine ? engine.unavailable : ""}`,
        "see scripts/pulumi-engine.sh",
    );
    const hosts = findLanguageHosts();
    need(
        !("unavailable" in hosts),
        `no code generators: ${"unavailable" in hosts ? hosts.unavailable : ""}`,
        "see scripts/language-hosts.sh",
    );
    prerequisites = { engine, hosts };
    return prerequisites;
}

const scratch: string[] = [];
function tempDir(language: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rds-iam-sdk-${language}-`));
    scratch.push(dir);
    return dir;
}

/**
 * `pulumi package gen-sdk schema.json --language <language>`, run by the real CLI with the codegen
 * plugins first on PATH (for gen-sdk only: they serve nothing but GeneratePackage) and a throwaway
 * PULUMI_HOME; plugin downloads are off, so a missing generator is said at once.
 */
function genSdk(language: string, dir: string): Ran {
    const { engine, hosts } = tools();
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

function generated(language: string, dir: string): string {
    const r = genSdk(language, dir);
    assert.equal(r.status, 0, `pulumi package gen-sdk --language ${language} failed:\n${tail(r)}`);
    return path.join(dir, "out", language);
}

function onPath(command: string, versionArg: string): boolean {
    return run(command, [versionArg], { timeout: 60_000 }).status === 0;
}

const schemaLanguage = (
    JSON.parse(fs.readFileSync(SCHEMA_PATH, "utf8")) as { language: { go: { importBasePath: string } } }
).language;

/**
 * A pom.xml for a Java SDK whose generator writes Gradle build files only (pulumi-java's
 * `buildFiles: "gradle"`; Gradle is not installed here, Maven is): the group, artifact and version of
 * its publication and each `implementation("group:artifact:version")` of its dependencies block.
 */
function pomFromGradle(gradle: string, release = "11"): string {
    const group = /^group\s*=\s*"([^"]+)"/m.exec(gradle)?.[1] ?? "com.pulumi";
    const artifact = /artifactId\s*=\s*"([^"]+)"/.exec(gradle)?.[1] ?? "sdk";
    const version = /\?\s*"([^"]+)"/.exec(gradle)?.[1] ?? "0.0.0";
    const deps = [...gradle.matchAll(/implementation\("([^":]+):([^":]+):([^"]+)"\)/g)].map(
        ([, g, a, v]) =>
            `        <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`,
    );
    return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<!-- Written by test/languages/sdks.test.ts from the generator's build.gradle. -->`,
        `<project xmlns="http://maven.apache.org/POM/4.0.0">`,
        `    <modelVersion>4.0.0</modelVersion>`,
        `    <groupId>${group}</groupId>`,
        `    <artifactId>${artifact}</artifactId>`,
        `    <version>${version}</version>`,
        `    <packaging>jar</packaging>`,
        `    <properties>`,
        `        <maven.compiler.release>${release}</maven.compiler.release>`,
        `        <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>`,
        `    </properties>`,
        `    <build>`,
        `        <plugins>`,
        // Maven 3.8's default compiler plugin (3.1) knows no maven.compiler.release.
        `            <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>`,
        `        </plugins>`,
        `    </build>`,
        `    <dependencies>`,
        ...deps,
        `    </dependencies>`,
        `</project>`,
        ``,
    ].join("\n");
}

/** `mvn -q -B compile` in a Maven project, or a failure naming what Maven could not do. */
function mavenCompile(project: string): void {
    need(
        onPath("mvn", "-v"),
        "no Maven (mvn) on PATH: the Java SDK is compiled with Maven",
        "apt-get install maven (and a JDK 17: apt-get install openjdk-17-jdk-headless)",
    );
    const r = run("mvn", ["-q", "-B", "compile"], { cwd: project, timeout: 900_000 });
    assert.equal(
        r.status,
        0,
        `mvn -q compile failed (a dependency Maven Central does not serve, or a compile error):\n${tail(r, 40)}`,
    );
}

describe("the generated SDKs (pulumi package gen-sdk)", () => {
    after(() => {
        for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("Python: pip-installs into a fresh venv with the pulumi package and imports pulumi_rds_iam", function () {
        this.timeout(600_000);
        const dir = tempDir("python");
        const sdk = generated("python", dir);
        assert.ok(fs.existsSync(path.join(sdk, "setup.py")), `no setup.py in ${sdk}`);
        const venv = path.join(dir, "venv");
        const made = run("python3", ["-m", "venv", venv], { timeout: 120_000 });
        need(
            made.status === 0,
            `python3 -m venv failed:\n${tail(made)}`,
            "install Python 3.9 or later with its venv module (Debian: apt-get install python3 python3-venv)",
        );
        const pip = run(
            path.join(venv, "bin", "pip"),
            ["install", "--disable-pip-version-check", "-q", sdk, `pulumi==${PYTHON_PULUMI}`],
            {
                timeout: 540_000,
            },
        );
        need(
            pip.status === 0,
            `pip install of the generated SDK with pulumi==${PYTHON_PULUMI} failed:\n${tail(pip)}`,
            "PyPI must be reachable (pip's index or PIP_INDEX_URL) and serve pulumi at that version; change PYTHON_PULUMI to a served 3.x release",
        );
        const probe = [
            "import importlib.metadata, json, pulumi, pulumi_rds_iam as m",
            "print(json.dumps({'pulumi': importlib.metadata.version('pulumi'),",
            " 'components': [issubclass(m.Database, pulumi.ComponentResource), issubclass(m.DatabaseAccessRole, pulumi.ComponentResource)],",
            " 'custom': issubclass(m.DatabaseUser, pulumi.CustomResource),",
            " 'engines': [e.value for e in m.Engine]}))",
        ].join("\n");
        const imported = run(path.join(venv, "bin", "python"), ["-c", probe], { timeout: 120_000 });
        assert.equal(imported.status, 0, `import pulumi_rds_iam failed:\n${tail(imported)}`);
        assert.deepEqual(JSON.parse(imported.output.trim().split("\n").pop() as string), {
            pulumi: PYTHON_PULUMI,
            components: [true, true],
            custom: true,
            engines: [...ENGINES],
        });
    });

    it("Go: go build ./... against github.com/pulumi/pulumi/sdk/v3 at the CLI's version", function () {
        this.timeout(900_000);
        const { engine } = tools();
        const dir = tempDir("go");
        const sdk = generated("go", dir);
        need(
            onPath("go", "version"),
            "no Go toolchain on PATH: the Go SDK is built with go build",
            "install Go 1.26 or later (Debian: apt-get install golang-go, or https://go.dev/dl)",
        );
        // The generator's go.mod (written because the schema sets meta.supportPack) requires
        // sdk/v3 v3.269.0, the floor pkg/v3 writes; the SDK is built against the CLI's own version.
        const env = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod", GOWORK: "off" };
        const go = (args: string[]) => run("go", args, { cwd: sdk, env, timeout: 840_000 });
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

    it("Java: mvn -q compile of the SDK pulumi-language-java generates", function () {
        this.timeout(900_000);
        const dir = tempDir("java");
        const r = genSdk("java", dir);
        if (r.status !== 0 && /no language plugin 'pulumi-language-java'/.test(r.output)) {
            // Why there is none: pulumi-language-java is built from pulumi-java's Go module, which
            // local/engine/codegen would serve as it serves Python and Go, if the proxy had it.
            const probe = run("go", ["list", "-m", "-versions", JAVA_CODEGEN_MODULE], {
                cwd: os.tmpdir(),
                env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
                timeout: 60_000,
            });
            const served =
                probe.status === 0
                    ? `the module proxy lists ${probe.output.trim()}`
                    : `the Go module proxy does not serve ${JAVA_CODEGEN_MODULE} (${tail(probe, 2).replace(/\s+/g, " ")})`;
            need(
                false,
                `no Java code generator: pulumi package gen-sdk --language java needs a pulumi-language-java plugin, and none is on PATH; it is built from ${JAVA_CODEGEN_MODULE} (pkg/codegen/java), and ${served}`,
                `put a pulumi-language-java (pulumi-java's language host, v1.x) on PATH, or, once the proxy serves ${JAVA_CODEGEN_MODULE} at a version built on pkg/v3 ${tools().engine.version}, serve GeneratePackage with it from a codegen plugin as local/engine/codegen does for Python and Go`,
            );
        }
        assert.equal(r.status, 0, `pulumi package gen-sdk --language java failed:\n${tail(r)}`);
        const sdk = path.join(dir, "out", "java");
        const gradle = path.join(sdk, "build.gradle");
        if (!fs.existsSync(path.join(sdk, "pom.xml"))) {
            assert.ok(
                fs.existsSync(gradle),
                `the Java generator wrote neither pom.xml nor build.gradle in ${sdk} (the schema sets language.java.buildFiles: "gradle")`,
            );
            fs.writeFileSync(path.join(sdk, "pom.xml"), pomFromGradle(fs.readFileSync(gradle, "utf8")));
        }
        mavenCompile(sdk);
    });

    it("Java's build half: Maven Central serves com.pulumi:pulumi, and a pom written from a generator-style build.gradle compiles against it", function () {
        this.timeout(900_000);
        const dir = tempDir("maven");
        const [group, artifact, version] = JAVA_SDK.split(":");
        // The dependencies block as pulumi-java's build.gradle template writes it, with its defaults.
        const gradle = [
            `group = "com.rdsiam"`,
            `def resolvedVersion = System.getenv("PACKAGE_VERSION") ?: (project.version == "unspecified" ? "0.1.0" : project.version)`,
            `dependencies {`,
            `    implementation("com.google.code.findbugs:jsr305:3.0.2")`,
            `    implementation("com.google.code.gson:gson:2.8.9")`,
            `    implementation("${group}:${artifact}:${version}")`,
            `}`,
            `            artifactId = "rds-iam"`,
        ].join("\n");
        const pom = pomFromGradle(gradle);
        assert.match(
            pom,
            /<groupId>com\.rdsiam<\/groupId>\s*<artifactId>rds-iam<\/artifactId>\s*<version>0\.1\.0<\/version>/,
        );
        fs.writeFileSync(path.join(dir, "pom.xml"), pom);
        const source = path.join(dir, "src", "main", "java", "com", "rdsiam", "rdsiam");
        fs.mkdirSync(source, { recursive: true });
        // What a generated component resource leans on: ComponentResource, Output, the annotations.
        fs.writeFileSync(
            path.join(source, "Probe.java"),
            [
                "package com.rdsiam.rdsiam;",
                "",
                "import com.pulumi.core.Output;",
                "import com.pulumi.core.annotations.Export;",
                "import com.pulumi.core.annotations.ResourceType;",
                "import com.pulumi.resources.ComponentResource;",
                "import com.pulumi.resources.ComponentResourceOptions;",
                "import javax.annotation.Nullable;",
                "",
                '@ResourceType(type = "rds-iam:index:Probe")',
                "public class Probe extends ComponentResource {",
                '    @Export(name = "endpoint", refs = {String.class}, tree = "[0]")',
                "    private Output<String> endpoint;",
                "",
                "    public Output<String> endpoint() { return this.endpoint; }",
                "",
                "    public Probe(String name, @Nullable ComponentResourceOptions options) {",
                '        super("rds-iam:index:Probe", name, null, options, true);',
                "    }",
                "}",
                "",
            ].join("\n"),
        );
        mavenCompile(dir);
        assert.ok(
            fs.existsSync(path.join(dir, "target", "classes", "com", "rdsiam", "rdsiam", "Probe.class")),
        );
    });
});
