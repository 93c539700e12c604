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
import { cloudProxyFor } from "../../local/aws/cloudProxyLogins";
import { REPO, Workspace, createWorkspace } from "../../local/engine/pulumi";
import { ACCOUNT_ID } from "../../local/pulumi/mockAnswers";
import {
    destroyAndClose,
    mandatoryRules,
    ok,
    onlyDatabase,
    policyResources,
    stackOutputs,
    withFileEdit,
} from "../engine/harness";
import { transcript } from "../support/engine";
import { describePluginProgram } from "./pluginProgram";
import { exampleProject, generated, pythonVenv, toolsWith } from "./support";
import {
    REPORTS_WORKLOAD,
    assertSameGraph,
    devStackWith,
    stackGraph,
    userStatements,
    withTypeScriptTwin,
} from "./typescriptTwin";

const EXAMPLE = path.join(REPO, "examples", "python");
const PACK = path.join(REPO, "policies");

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
        const refused = await withFileEdit(
            path.join(ws().dir, "__main__.py"),
            "deletion_protection=False,",
            "deletion_protection=False,\n    publicly_accessible=True,",
            () => ws().pulumi(["preview", "--policy-pack", PACK]),
        );
        assert.notEqual(refused.code, 0, transcript(refused));
        assert.match(
            refused.stdout,
            /\[mandatory\]\s+\[severity: \w+\]\s+rds-iam-not-publicly-accessible\s/,
            transcript(refused),
        );
        assert.deepEqual(
            mandatoryRules(refused.stdout),
            ["rds-iam-not-publicly-accessible"],
            "the variant has one mistake, and only its rule fails",
        );
    });

    it("makes the same resources as the TypeScript program with the same declaration: the same child resources, IAM JSON and SQL (pulumi stack export of both)", async function () {
        this.timeout(600_000);
        const { engine } = toolsWith("pulumi-language-python");
        // The examples declare the dev stack's workloads but reports.
        const stackFile = devStackWith([{ from: REPORTS_WORKLOAD, to: "" }]);
        await withTypeScriptTwin(engine, stackFile, async (twin) => {
            assertSameGraph(await stackGraph(ws(), cloud(), "rds-iam-python/dev/"), twin.graph, "Python");
            // The same statements for the users, on each database's own server.
            const users = ["app_rw", "reporting_ro"];
            const pythonSql = await userStatements(cloud(), users, "rds-iam-python/dev/");
            assert.ok(
                pythonSql.some((s) => /GRANT rds_iam TO "?app_rw/i.test(s)),
                pythonSql.join("\n"),
            );
            assert.deepEqual(pythonSql, await userStatements(twin.cloud, users, "rds-iam/dev/"));
        });
    });
}

/** The Python example with the dev stack's reports workload behind a DatabaseProxy, as examples/yaml-proxy has it. */
const PYTHON_PROXY = `
proxy = rds_iam.DatabaseProxy(
    "db-proxy",
    database=db,
    users=["reporting_ro"],
    allowed_cidr_blocks=["10.20.0.0/16"],
)
reports = rds_iam.DatabaseAccessRole(
    "reports",
    service=rds_iam.WorkloadService.LAMBDA_,
    grants=[rds_iam.GrantArgs(proxy=proxy, username="reporting_ro")],
)
pulumi.export("proxyId", proxy.proxy_id)
pulumi.export("reportsRoleArn", reports.role_arn)
`;

// grants[].proxy is typed any in the schema (so that the SDK imports at all: plugin/schema/spec.ts),
// so what matters is that the Python SDK still hands the plugin the proxy itself, as a resource
// reference it resolves to the DatabaseProxy it built (plugin/construct.ts).
describe("a DatabaseProxy from a Python program on the rds-iam plugin under the real Pulumi engine (examples/python with the reports workload behind a proxy)", function () {
    this.timeout(600_000);
    let cloud: LocalCloud;
    let ws: Workspace;
    const program = fs.readFileSync(path.join(EXAMPLE, "__main__.py"), "utf8") + PYTHON_PROXY;

    before(async function () {
        this.timeout(900_000);
        cloud = await startLocalCloud();
        const { engine, hosts } = toolsWith("pulumi-language-python");
        const source = path.join(scratch, "proxy_main.py");
        fs.writeFileSync(source, program);
        ws = createWorkspace({
            engine,
            cloudEnv: cloud.env,
            projectYaml: exampleProject(path.join(EXAMPLE, "Pulumi.yaml"), {
                "virtualenv: venv": `virtualenv: ${exampleVenv()}`,
            }),
            stackFiles: { "__main__.py": source },
            pathDirs: [hosts.binDir],
        });
        await ok(ws.pulumi(["stack", "init", "dev"]));
        await ok(ws.pulumi(["config", "set", "caBundleFile", cloud.caFile]));
    });

    after(async function () {
        this.timeout(120_000);
        await destroyAndClose(ws, cloud);
    });

    it("refuses at preview a grant through the proxy of a user it does not serve: the plugin received the proxy itself", async () => {
        const preview = await withFileEdit(
            path.join(ws.dir, "__main__.py"),
            'GrantArgs(proxy=proxy, username="reporting_ro")',
            'GrantArgs(proxy=proxy, username="app_rw")',
            () => ws.pulumi(["preview"]),
        );
        assert.notEqual(preview.code, 0, transcript(preview));
        assert.match(
            preview.stdout + preview.stderr,
            /grants\[0\]\.username[\s\S]*proxy "db-proxy" does not log in as "app_rw"/,
            transcript(preview),
        );
        assert.deepEqual(cloud.resources(), []);
    });

    it("deploys with pulumi up: the reports role may connect as reporting_ro through the proxy's prx- id only", async () => {
        await ok(ws.pulumi(["up", "--yes", "--skip-preview"]));
        const found = cloudProxyFor(cloud, onlyDatabase(cloud));
        assert.ok(found, "the local cloud holds a proxy whose target is the instance");
        assert.deepEqual(found.users, ["reporting_ro"]);
        const outputs = await stackOutputs(ws);
        assert.equal(outputs.proxyId, found.resourceId);
        assert.deepEqual(policyResources(cloud, "reports-connect"), [
            `arn:aws:rds-db:us-east-1:${ACCOUNT_ID}:dbuser:${found.resourceId}/reporting_ro`,
        ]);
    });

    it("destroys everything", async () => {
        await ok(ws.pulumi(["destroy", "--yes", "--skip-preview"]));
        assert.deepEqual(cloud.resources(), []);
    });
});

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
