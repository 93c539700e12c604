/**
 * A Pulumi YAML program on the rds-iam provider plugin (#26.1, the YAML half of #26.4), under the real
 * engine in the local AWS world: examples/yaml/Pulumi.yaml declares the plugin by its directory
 * (`plugins: providers:`), which the engine starts through the Node.js language host's RunPlugin
 * (plugin/PulumiPlugin.yaml). What it is held to is pluginProgram.ts, the same for every language.
 *
 * A missing prerequisite (the CLI of scripts/pulumi-engine.sh, pulumi-language-yaml of
 * scripts/language-hosts.sh) fails the suite with the cause and the fix; nothing is skipped.
 */
import * as path from "node:path";
import { REPO, createWorkspace } from "../../local/engine/pulumi";
import { describePluginProgram } from "./pluginProgram";
import { exampleProject, toolsWith } from "./support";

for (const masterPassword of ["managed", "generated"] as const)
    describePluginProgram(
        {
            title: "a Pulumi YAML program",
            example: "examples/yaml",
            async workspace(cloud) {
                const { engine, hosts } = toolsWith("pulumi-language-yaml");
                return createWorkspace({
                    engine,
                    cloudEnv: cloud.env,
                    projectYaml: exampleProject(path.join(REPO, "examples", "yaml", "Pulumi.yaml")),
                    pathDirs: [hosts.binDir],
                });
            },
        },
        masterPassword,
    );
