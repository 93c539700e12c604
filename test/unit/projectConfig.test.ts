/**
 * The engine's project-config rule, checked statically for every stack file shipped: a key of the
 * project's namespace that Pulumi.yaml declares with neither `default` nor `value` must be set by the
 * stack, or `pulumi preview` and `pulumi up` fail before the program runs with "Stack '<stack>' is
 * missing configuration value(s) …" (pulumi/pulumi pkg/workspace/config.go,
 * validateStackConfigAndApplyProjectConfig; its tests include
 * TestStackConfigErrorsWhenMissingTwoStackValueForConfigTypeWithNoDefault). The engine scenarios
 * (test/engine/) run the same files under the real CLI; this test is the fast guard.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { missingProjectConfigKeys } from "../../local/pulumi/projectConfig";

const ROOT = path.resolve(__dirname, "..", "..");
const STACK_FILES = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[^.]+\.yaml(\.example)?$/.test(f));

describe("the stack files against the engine's project-config rule", () => {
    it("finds the shipped stack files (Pulumi.dev.yaml, Pulumi.prod.yaml.example)", () => {
        assert.deepEqual(STACK_FILES.sort(), ["Pulumi.dev.yaml", "Pulumi.prod.yaml.example"]);
    });

    for (const file of STACK_FILES) {
        it(`${file} sets every key Pulumi.yaml declares without a default`, () => {
            assert.deepEqual(missingProjectConfigKeys(path.join(ROOT, file)), []);
        });
    }

    it("names the keys a stack leaves unset when Pulumi.yaml declares them without a default", () => {
        const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "rds-iam-config-"));
        try {
            fs.writeFileSync(
                path.join(dir, "Pulumi.yaml"),
                "name: p\nruntime: nodejs\nconfig:\n  a:\n    type: string\n  b:\n    default: 1\n  c:\n    value: 2\n  aws:region:\n    type: string\n",
            );
            fs.writeFileSync(path.join(dir, "Pulumi.s.yaml"), "config:\n  p:x: 1\n");
            assert.deepEqual(missingProjectConfigKeys(path.join(dir, "Pulumi.s.yaml")), ["a"]);
            fs.writeFileSync(path.join(dir, "Pulumi.s.yaml"), "config:\n  p:a: set\n");
            assert.deepEqual(missingProjectConfigKeys(path.join(dir, "Pulumi.s.yaml")), []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
