/**
 * The SQL runner's code as one self-contained file: the handler with the pg and mysql2 drivers and
 * the RDS CA bundle inside (no node_modules at run time). The published package ships it prebuilt
 * (`npm run build` writes bin/runner/index.js); in a source checkout it is built on first use with
 * esbuild, a development dependency.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Where the package ships the prebuilt bundle (bin/components/runner → bin/runner). */
const PREBUILT = path.resolve(__dirname, "..", "..", "runner", "index.js");
/** The handler's source, present in a checkout. */
const ENTRY = path.resolve(__dirname, "handler.ts");

/** Builds the bundle into `outFile` (esbuild, minified, for Lambda's Node.js 22 runtime); returns its size in bytes. */
export function buildRunnerBundle(outFile: string): number {
    const esbuild = require("esbuild") as typeof import("esbuild");
    esbuild.buildSync({
        entryPoints: [ENTRY],
        outfile: outFile,
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        minify: true,
        legalComments: "eof",
        // pg's optional native binding is never used; the AWS SDK clients are never called by the
        // runner (the deployer's side calls them). @aws-sdk/rds-signer and the credential chain it
        // signs with (@aws-sdk/credential-providers) are inside: with an IAM-only master the runner
        // signs the master's token with its role (provider/masterToken.ts), and nothing promises that
        // Lambda's runtime ships the SDK's libraries beside its clients.
        external: [
            "pg-native",
            "@aws-sdk/client-lambda",
            "@aws-sdk/client-rds",
            "@aws-sdk/client-secrets-manager",
        ],
        logLevel: "error",
    });
    return fs.statSync(outFile).size;
}

let built: string | undefined;

/** The newest modification time of the library's sources (the bundle is stale when older). */
function newestSource(dir: string): number {
    let newest = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
    }
    return newest;
}

/**
 * The path of the runner bundle: the shipped one; in a checkout, the one built from source under
 * .tmp/runner, rebuilt when a library source is newer than it.
 */
export function runnerBundlePath(): string {
    if (fs.existsSync(PREBUILT)) return PREBUILT;
    if (built !== undefined) return built;
    if (!fs.existsSync(ENTRY)) {
        throw new Error(`the SQL runner bundle is missing (${PREBUILT}); reinstall rds-iam`);
    }
    const outFile = path.resolve(__dirname, "..", "..", ".tmp", "runner", "index.js");
    const fresh =
        fs.existsSync(outFile) && fs.statSync(outFile).mtimeMs > newestSource(path.resolve(__dirname, ".."));
    if (!fresh) {
        fs.mkdirSync(path.dirname(outFile), { recursive: true });
        // Written aside and renamed: parallel processes never see half a file.
        const staging = `${outFile}.${process.pid}.tmp`;
        buildRunnerBundle(staging);
        fs.renameSync(staging, outFile);
    }
    built = outFile;
    return outFile;
}
