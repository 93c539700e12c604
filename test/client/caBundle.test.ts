import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defaultCaDirectory, writeCaFile } from "../../components/client/caBundle";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
const NAME = `ca-${crypto.createHash("sha256").update(PEM).digest("hex").slice(0, 16)}.pem`;

describe("client CA file for the command-line clients", () => {
    let scratch: string;
    beforeEach(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-ca-test-"));
    });
    afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

    const refusal = (dir: string, problem: string, chmod: boolean) =>
        `refusing to keep the RDS CA file in ${dir}: it ${problem}, so another local user could replace the ` +
        `certificates rds-iam trusts. Fix: ${chmod ? `run \`chmod 700 ${dir}\`, or ` : ""}remove it (\`rm -rf ${dir}\`) ` +
        `and rds-iam recreates it private (0700), or pass --ca-file <path>`;

    it("lives in $TMPDIR/rds-iam-<uid>, one directory per local user", () => {
        assert.equal(defaultCaDirectory(), path.join(os.tmpdir(), `rds-iam-${process.getuid!()}`));
    });

    it("creates a private directory (0700) and the file named by its content hash, then reuses it", () => {
        const dir = path.join(scratch, "ca");
        const file = writeCaFile(PEM, dir);
        assert.equal(file, path.join(dir, NAME));
        assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
        assert.equal(fs.readFileSync(file, "utf8"), PEM);
        assert.equal(writeCaFile(PEM, dir), file);
        assert.deepEqual(fs.readdirSync(dir), [NAME]);
    });

    it("refuses a pre-existing directory that group or others can write to, and writes nothing", () => {
        const dir = path.join(scratch, "ca");
        fs.mkdirSync(dir);
        fs.chmodSync(dir, 0o755);
        assert.throws(() => writeCaFile(PEM, dir), {
            message: refusal(dir, "has mode 0755, open to other users", true),
        });
        assert.deepEqual(fs.readdirSync(dir), []);
    });

    it("refuses a pre-existing private directory owned by another user", function () {
        if (process.getuid!() !== 0) this.skip(); // only root can hand a directory to another user
        const dir = path.join(scratch, "ca");
        fs.mkdirSync(dir, { mode: 0o700 });
        fs.chownSync(dir, 65534, 65534);
        assert.throws(() => writeCaFile(PEM, dir), {
            message: refusal(dir, "is owned by uid 65534, not by you (uid 0)", false),
        });
        assert.deepEqual(fs.readdirSync(dir), []);
    });

    it("refuses a symbolic link in its place, even to a private directory", () => {
        const target = path.join(scratch, "elsewhere");
        fs.mkdirSync(target, { mode: 0o700 });
        const dir = path.join(scratch, "ca");
        fs.symlinkSync(target, dir);
        assert.throws(() => writeCaFile(PEM, dir), {
            message: refusal(dir, "is not a directory (a symbolic link or a file)", false),
        });
        assert.deepEqual(fs.readdirSync(target), []);
    });
});
