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
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO, createWorkspace } from "../../local/engine/pulumi";
import { describePluginProgram } from "./pluginProgram";
import { exampleProject, generated, pythonVenv, toolsWith } from "./support";

const EXAMPLE = path.join(REPO, "examples", "python");

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
        },
        masterPassword,
    );
