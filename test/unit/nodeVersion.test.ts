import * as assert from "node:assert/strict";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

describe("the declared Node version (#12.11)", () => {
    it("is one every installed runtime dependency supports: engines.node is a subset of each one's range", () => {
        const semver = require("semver") as { subset(a: string, b: string): boolean };
        const ours = (require(path.join(ROOT, "package.json")) as { engines: { node: string } }).engines.node;
        const lock = require(path.join(ROOT, "package-lock.json")) as {
            packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }>;
        };
        const unmet = Object.entries(lock.packages)
            .filter(([name, p]) => name !== "" && !p.dev && !Array.isArray(p.engines) && p.engines?.node)
            .filter(([, p]) => !semver.subset(ours, (p.engines as { node: string }).node))
            .map(
                ([name, p]) =>
                    `${name.replace(/^.*node_modules\//, "")} needs ${(p.engines as { node: string }).node}`,
            );
        assert.deepEqual(unmet, []);
    });

    it("declares Node 22.9 or later: @pulumi/pulumi needs 22, and npm's libraries it installs need 22.9 on the 22 line", () => {
        assert.equal(require(path.join(ROOT, "package.json")).engines.node, ">=22.9.0");
    });
});
