import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { HELP } from "../../components/client/cli";

// `npx rds-iam …` would download whatever package holds the (unpublished) name from the registry.
describe("documentation of the rds-iam CLI", () => {
    it("the README mentions `npx rds-iam` only to warn against it", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
        assert.deepEqual(
            readme.split("\n").filter((line) => /npx +rds-iam/.test(line)),
            [
                "**Installing.** rds-iam is not published on npm yet. Never run `npx rds-iam`: npx would download whatever",
            ],
        );
    });

    it("the CLI help mentions npx only to warn against it, and says how to install from a tarball", () => {
        const lines = HELP.split("\n");
        assert.deepEqual(
            lines.filter((line) => line.includes("npx")),
            [
                "Install: rds-iam is not published on npm yet, so never run `npx rds-iam` (npx would fetch whatever",
            ],
        );
        assert.equal(
            lines.includes(
                "  npm install -g ./rds-iam-<version>.tgz                               # on the host: puts rds-iam on PATH",
            ),
            true,
        );
    });
});
