import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * A package-shaped directory with the real launcher, a compiled CLI that says "compiled" and, when
 * `withSources`, a TypeScript CLI that says "source" (a checkout with a stale bin/ left behind).
 */
function layout(dir: string, withSources: boolean): string {
    fs.mkdirSync(path.join(dir, "cli"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "cli", "rds-iam.js"), path.join(dir, "cli", "rds-iam.js"));
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "rds-iam", version: "9.9.9" }));
    fs.mkdirSync(path.join(dir, "bin", "components", "client"), { recursive: true });
    fs.writeFileSync(
        path.join(dir, "bin", "components", "client", "cli.js"),
        'exports.main = (o) => console.log("compiled " + o.version);\n',
    );
    if (withSources) {
        fs.mkdirSync(path.join(dir, "components", "client"), { recursive: true });
        fs.writeFileSync(
            path.join(dir, "components", "client", "cli.ts"),
            'export function main(o: { version: string }): void { console.log("source " + o.version); }\n',
        );
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    }
    return path.join(dir, "cli", "rds-iam.js");
}

describe("the rds-iam launcher (cli/rds-iam.js)", function () {
    this.timeout(30_000);
    let scratch: string;
    before(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-launcher-"));
    });
    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it("in a checkout runs the TypeScript sources, never a bin/ left by an earlier build", () => {
        const launcher = layout(path.join(scratch, "checkout"), true);
        const result = childProcess.spawnSync(process.execPath, [launcher], { encoding: "utf8" });
        assert.deepEqual([result.status, result.stdout, result.stderr], [0, "source 9.9.9\n", ""]);
    });

    it("in an installed package (no sources) runs the compiled CLI with the package's version", () => {
        const launcher = layout(path.join(scratch, "installed"), false);
        const result = childProcess.spawnSync(process.execPath, [launcher], { encoding: "utf8" });
        assert.deepEqual([result.status, result.stdout, result.stderr], [0, "compiled 9.9.9\n", ""]);
    });
});
