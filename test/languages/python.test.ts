/**
 * A Python program on the rds-iam provider plugin (#26.4, the Python half), under the real engine in
 * the local AWS world: examples/python's __main__.py, on the Python SDK that `pulumi package gen-sdk`
 * generates from schema.json, with the `pulumi` package from PyPI in a fresh virtualenv. The engine
 * runs it through pulumi-language-python (the project's test host, local/engine/languageHost/python.ts:
 * Pulumi's own is a Go module the proxy does not serve) and starts the plugin the program declares by
 * its directory. What it is held to is pluginProgram.ts, the same as YAML.
 *
 * A missing prerequisite (the CLI, the language hosts, Python with venv, PyPI) fails the suite with
 * the cause and the fix; nothing is skipped.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalCloud, startLocalCloud } from "../../local/aws/cloud";
import { REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { destroyAndClose, ok, onlyDatabase } from "../engine/harness";
import { transcript } from "../support/engine";
import { describePluginProgram } from "./pluginProgram";
import { differences, resourceGraph } from "./resourceGraph";
import { exampleProject, generated, pythonVenv, toolsWith } from "./support";

const EXAMPLE = path.join(REPO, "examples", "python");
const PACK = path.join(REPO, "policies");
/** The TypeScript dev stack's workloads but the api: what the examples declare. */
const REPORTS_WORKLOAD = "    - name: reports\n      service: lambda\n      users: [reporting_ro]\n";

/** The example's SDK and venv, made once for the file's suites (the venv is fresh each run). */
let venv: string | undefined;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-python-"));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function exampleVenv(): string {
    return (venv ??= pythonVenv(path.join(scratch, "venv"), generated("python", scratch)));
}

for (const masterPassword of ["managed", "generated"] as const)
    describePluginProgram(
        {
            title: "a Python program",
            example: "examples/python",
            async workspace(cloud) {
                const { engine, hosts } = toolsWith("pulumi-language-python");
                return createWorkspace({
                    engine,
                    cloudEnv: cloud.env,
                    projectYaml: exampleProject(path.join(EXAMPLE, "Pulumi.yaml"), {
                        "virtualenv: venv": `virtualenv: ${exampleVenv()}`,
                    }),
                    stackFiles: { "__main__.py": path.join(EXAMPLE, "__main__.py") },
                    pathDirs: [hosts.binDir],
                });
            },
            more: masterPassword === "managed" ? samePolicyAndGraph : undefined,
        },
        masterPassword,
    );

/** The policy pack and the TypeScript program, beside the Python stack that is up (#26.5, acceptance). */
function samePolicyAndGraph({ cloud, ws }: { cloud(): LocalCloud; ws(): Workspace }): void {
    it("passes the policy pack unchanged (--policy-pack policies), and fails a variant with a public database on rds-iam-not-publicly-accessible (#26.5)", async () => {
        const passed = await ok(ws().pulumi(["preview", "--policy-pack", PACK]));
        assert.doesNotMatch(passed.stdout, /\[mandatory\]/, transcript(passed));
        const main = path.join(ws().dir, "__main__.py");
        const program = fs.readFileSync(main, "utf8");
        assert.ok(
            program.includes("deletion_protection=False,"),
            "the example no longer says deletion_protection=False",
        );
        fs.writeFileSync(
            main,
            program.replace(
                "deletion_protection=False,",
                "deletion_protection=False,\n    publicly_accessible=True,",
            ),
        );
        try {
            const refused = await ws().pulumi(["preview", "--policy-pack", PACK]);
            assert.notEqual(refused.code, 0, transcript(refused));
            assert.match(
                refused.stdout,
                /\[mandatory\]\s+\[severity: \w+\]\s+rds-iam-not-publicly-accessible\s/,
                transcript(refused),
            );
            assert.deepEqual(
                refused.stdout
                    .match(/\[mandatory\]\s+\[severity: \w+\]\s+\S+/g)
                    ?.map((v) => v.split(/\s+/).pop()),
                ["rds-iam-not-publicly-accessible"],
                "the variant has one mistake, and only its rule fails",
            );
        } finally {
            fs.writeFileSync(main, program);
        }
    });

    it("makes the same resources as the TypeScript program with the same declaration: the same child resources, IAM JSON and SQL (pulumi stack export of both)", async function () {
        this.timeout(600_000);
        const python = onlyDatabase(cloud());
        const devStack = path.join(scratch, "Pulumi.dev.yaml");
        const shipped = fs.readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8");
        assert.ok(
            shipped.includes(REPORTS_WORKLOAD),
            "Pulumi.dev.yaml no longer declares the reports workload this test leaves out",
        );
        fs.writeFileSync(devStack, shipped.replace(REPORTS_WORKLOAD, ""));
        // A cloud of its own: the local cloud names some resources by their Pulumi names alone.
        const other = await startLocalCloud();
        const { engine } = toolsWith("pulumi-language-python");
        const ts = createWorkspace({
            engine,
            cloudEnv: other.env,
            stackFiles: { "Pulumi.dev.yaml": devStack },
        });
        try {
            await ok(ts.pulumi(["stack", "init", "dev"]));
            await ok(ts.pulumi(["config", "set", "rds-iam:caBundleFile", other.caFile]));
            await ok(ts.pulumi(["up", "--yes", "--skip-preview"]));
            const typescript = onlyDatabase(other);
            const graph = async (w: Workspace, prefix: string, c: LocalCloud) =>
                resourceGraph((await w.exportState()).deployment.resources ?? [], prefix, {
                    "<the local cloud's CA>": fs.readFileSync(c.caFile, "utf8"),
                });
            const pythonGraph = await graph(ws(), "rds-iam-python/dev/", cloud());
            const typescriptGraph = await graph(ts, "rds-iam/dev/", other);
            assert.deepEqual(
                differences(pythonGraph, typescriptGraph),
                [],
                "Python (first) and TypeScript differ",
            );
            assert.deepEqual(pythonGraph, typescriptGraph);
            assert.ok(
                Object.keys(pythonGraph).length >= 20,
                "the graphs compared hold the stack's resources",
            );
            // The same statements for the users, on each database's own server.
            const sql = async (server: typeof python.server, prefix: string) =>
                (await server.statementsSince(0))
                    .filter((s) => /app_rw|reporting_ro/.test(s))
                    .map((s) => s.split(prefix).join("<stack>/"))
                    .sort();
            const pythonSql = await sql(python.server, "rds-iam-python/dev/");
            assert.ok(
                pythonSql.some((s) => /GRANT rds_iam TO "?app_rw/i.test(s)),
                pythonSql.join("\n"),
            );
            assert.deepEqual(pythonSql, await sql(typescript.server, "rds-iam/dev/"));
        } finally {
            await destroyAndClose(ts, other);
        }
    });
}

// The test host itself (local/engine/languageHost/python.ts), held to what Pulumi's own Python host
// answers: a program's unhandled exception is shown with its traceback and ends the run ("bail",
// exit code 32 of pulumi-language-python-exec); a virtualenv that Pulumi.yaml names but that does not
// exist is said, with the fix, before anything runs.
describe("the test Python language host (pulumi-language-python)", function () {
    this.timeout(600_000);
    const project = (virtualenv: string) =>
        `name: host-probe\nruntime:\n  name: python\n  options:\n    virtualenv: ${virtualenv}\n`;
    let ws: Workspace | undefined;
    afterEach(() => ws?.remove());

    const probe = async (virtualenv: string, program: string) => {
        const { engine, hosts } = toolsWith("pulumi-language-python");
        const main = path.join(scratch, "probe.py");
        fs.writeFileSync(main, program);
        ws = createWorkspace({
            engine,
            cloudEnv: {},
            projectYaml: project(virtualenv),
            stackFiles: { "__main__.py": main },
            pathDirs: [hosts.binDir],
        });
        // stack init already asks the host for the program's packages.
        const init = await ws.pulumi(["stack", "init", "dev"]);
        return init.code === 0 ? ws.pulumi(["preview"]) : init;
    };

    it("runs the program with its config and shows an unhandled exception with the program's traceback, once", async () => {
        const r = await probe(
            exampleVenv(),
            'import pulumi\npulumi.export("stack", pulumi.get_stack())\nraise ValueError("probe failure " + pulumi.get_project())\n',
        );
        assert.notEqual(r.code, 0, transcript(r));
        assert.match(r.stdout, /Program failed with an unhandled exception:/, transcript(r));
        assert.match(r.stdout, /__main__\.py", line 3/, transcript(r));
        assert.match(r.stdout, /ValueError: probe failure host-probe/, transcript(r));
        assert.doesNotMatch(
            r.stdout,
            /Program exited with non-zero exit code/,
            "a bail adds no second error",
        );
    });

    // Pulumi's own host would make it (and pip install requirements.txt) on first use; this one
    // leaves installing to the user, as its README says, and says so.
    it("says a missing virtualenv and how to make it, and runs nothing", async () => {
        const missing = path.join(scratch, "no-such-venv");
        const r = await probe(missing, 'raise SystemExit("must not run")\n');
        assert.notEqual(r.code, 0, transcript(r));
        assert.match(
            r.stdout + r.stderr,
            new RegExp(
                `is not a virtual environment \\(no bin/python\\)\\. Create it: python3 -m venv ${missing}`,
            ),
            transcript(r),
        );
        assert.doesNotMatch(r.stdout + r.stderr, /must not run/);
    });
});
