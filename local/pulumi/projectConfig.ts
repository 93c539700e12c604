/**
 * The engine's project-config merge rule, as the mocks and the static tests apply it: a key of the
 * project's own namespace that Pulumi.yaml declares with neither `default` nor `value` must be set by
 * the stack (pulumi/pulumi pkg/workspace/config.go, validateStackConfigAndApplyProjectConfig: the
 * engine then fails with "Stack '<stack>' is missing configuration value(s) …"). Keys of other
 * namespaces (`aws:region`) are not required.
 */
import * as fs from "node:fs";
import * as path from "node:path";

interface Project {
    name: string;
    config?: Record<string, { default?: unknown; value?: unknown } | unknown>;
}

function readProject(dir: string): Project {
    const yaml = require("yaml") as typeof import("yaml");
    return yaml.parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as Project;
}

/** The declared keys (without the project prefix) that `stackKeys` leaves unset, sorted. */
export function missingKeys(project: Project, stackKeys: readonly string[]): string[] {
    const set = new Set(
        stackKeys.map((k) => (k.startsWith(`${project.name}:`) ? k.slice(project.name.length + 1) : k)),
    );
    return Object.entries(project.config ?? {})
        .filter(([key, schema]) => {
            if (key.includes(":") && !key.startsWith(`${project.name}:`)) return false;
            const bare = key.startsWith(`${project.name}:`) ? key.slice(project.name.length + 1) : key;
            const s = (typeof schema === "object" && schema !== null ? schema : {}) as {
                default?: unknown;
                value?: unknown;
            };
            return s.default === undefined && s.value === undefined && !set.has(bare);
        })
        .map(([key]) => key)
        .sort();
}

/** The keys a stack file (Pulumi.<stack>.yaml beside its Pulumi.yaml) leaves unset. */
export function missingProjectConfigKeys(stackFile: string): string[] {
    const yaml = require("yaml") as typeof import("yaml");
    const stack = (yaml.parse(fs.readFileSync(stackFile, "utf8")) ?? {}) as {
        config?: Record<string, unknown>;
    };
    return missingKeys(readProject(path.dirname(stackFile)), Object.keys(stack.config ?? {}));
}

/** The engine's error for those keys, word for word. */
export function missingConfigError(stack: string, keys: readonly string[]): Error {
    const list = keys.map((k) => `'${k}'`);
    const joined =
        list.length === 1 ? list[0] : `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
    return new Error(
        `Stack '${stack}' is missing configuration value${keys.length === 1 ? "" : "s"} ${joined}`,
    );
}

export { readProject };
