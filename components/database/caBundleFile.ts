/**
 * The CA bundle file the PostgreSQL admin provider verifies the server with (`sslrootcert` takes a
 * path). Written by the program on each run, content-addressed (the name is a hash of the PEM, so
 * runs never disagree about a file's content), into a directory only this user can write: another
 * local user who could swap the file could make the provider trust their own server.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** `$TMPDIR/rds-iam-<uid>`: private to the user running Pulumi. */
export function defaultCaDirectory(): string {
    return path.join(os.tmpdir(), `rds-iam-${process.getuid?.() ?? "user"}`);
}

/** Creates `dir` (0700) or checks that it is a directory of ours that nobody else can write. */
function privateDirectory(dir: string): void {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir);
    const uid = process.getuid?.();
    const ours = uid === undefined || stat.uid === uid;
    if (!stat.isDirectory() || !ours || (stat.mode & 0o077) !== 0) {
        throw new Error(
            `${dir} must be a directory owned by you and closed to others (mode 0700) to hold the CA ` +
                `bundle the admin provider trusts; it is ${stat.isDirectory() ? `mode ${(stat.mode & 0o777).toString(8)}, owner uid ${stat.uid}` : "not a directory"}. Remove it and run again`,
        );
    }
}

/** Writes `pem` to `<dir>/rds-ca-<sha256 prefix>.pem` (atomically, unless already there) and returns the path. */
export function writeCaBundleFile(pem: string, dir = defaultCaDirectory()): string {
    privateDirectory(dir);
    const hash = crypto.createHash("sha256").update(pem).digest("hex").slice(0, 16);
    const file = path.join(dir, `rds-ca-${hash}.pem`);
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    if (current !== pem) {
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, pem, { mode: 0o644 });
        fs.renameSync(temporary, file);
    }
    return file;
}
