/** Small helpers for running throwaway servers: free ports, certificates, waiting, stopping. */
import * as childProcess from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as net.AddressInfo).port;
            server.close(() => resolve(port));
        });
    });
}

export function run(
    command: string,
    args: string[],
    options: childProcess.ExecFileOptions = {},
): Promise<string> {
    return new Promise((resolve, reject) => {
        childProcess.execFile(command, args, { ...options, encoding: "utf8" }, (error, stdout, stderr) => {
            if (error) {
                reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stderr}`));
            } else {
                resolve(String(stdout));
            }
        });
    });
}

/** The system packages the throwaway servers need, and the one command that installs them. */
export const SYSTEM_PACKAGES_HINT =
    "the throwaway servers need Debian packages that are missing; run: sudo bash scripts/install-system-deps.sh " +
    "(it installs postgresql mariadb-server libmariadbd-dev gcc openssl with apt-get)";

/** Finds a binary or fails with the exact command that installs it. */
export function requireBinary(candidates: string[], hint: string = SYSTEM_PACKAGES_HINT): string {
    for (const candidate of candidates) {
        if (candidate.includes("/") ? fs.existsSync(candidate) : whichSync(candidate)) {
            return candidate.includes("/") ? candidate : (whichSync(candidate) as string);
        }
    }
    throw new Error(`none of ${candidates.join(", ")} is installed: ${hint}`);
}

function whichSync(name: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(":").concat(["/usr/sbin", "/sbin"])) {
        const full = path.join(dir, name);
        if (fs.existsSync(full)) {
            return full;
        }
    }
    return undefined;
}

export interface Certificate {
    readonly certFile: string;
    readonly keyFile: string;
    readonly pem: string;
}

/** A certificate authority that signs servers' certificates (the local stand-in for a cloud's CA). */
export type CertificateAuthority = Certificate;

/** A P-256 CA certificate and key in `dir` (valid 2 days), subject `CN=<name>`. */
export async function createCertificateAuthority(dir: string, name: string): Promise<CertificateAuthority> {
    fs.mkdirSync(dir, { recursive: true });
    const certFile = path.join(dir, "ca.crt");
    const keyFile = path.join(dir, "ca.key");
    await run(requireBinary(["openssl"]), [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        certFile,
        "-days",
        "2",
        "-subj",
        `/CN=${name}`,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    fs.chmodSync(keyFile, 0o600);
    return { certFile, keyFile, pem: fs.readFileSync(certFile, "utf8") };
}

/**
 * A P-256 server certificate naming `dnsName`, localhost and 127.0.0.1: self-signed, or signed by
 * `ca` (its `pem` is then the CA's, which is what a client trusts).
 */
export async function serverCertificate(
    dir: string,
    dnsName: string,
    ca?: CertificateAuthority,
): Promise<Certificate> {
    const certFile = path.join(dir, "server.crt");
    const keyFile = path.join(dir, "server.key");
    // A common name holds at most 64 characters; the names are in subjectAltName (what TLS checks).
    const subject = [
        "-subj",
        `/CN=${dnsName.length <= 64 ? dnsName : dnsName.split(".")[0]}`,
        "-addext",
        `subjectAltName=DNS:${dnsName},DNS:localhost,IP:127.0.0.1`,
    ];
    const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile];
    const openssl = requireBinary(["openssl"]);
    if (ca === undefined) {
        await run(openssl, ["req", "-x509", ...key, "-out", certFile, "-days", "2", ...subject]);
        fs.chmodSync(keyFile, 0o600);
        return { certFile, keyFile, pem: fs.readFileSync(certFile, "utf8") };
    }
    const csr = path.join(dir, "server.csr");
    await run(openssl, ["req", "-new", ...key, "-out", csr, ...subject]);
    await run(openssl, [
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca.certFile,
        "-CAkey",
        ca.keyFile,
        "-set_serial",
        `0x${crypto.randomBytes(12).toString("hex")}`,
        "-out",
        certFile,
        "-days",
        "2",
        "-copy_extensions",
        "copyall",
    ]);
    fs.chmodSync(keyFile, 0o600);
    return { certFile, keyFile, pem: ca.pem };
}

/** A client certificate with subject `CN=<commonName>`, signed by `ca` (PostgreSQL `cert` auth maps CN to the user). */
export async function clientCertificate(
    dir: string,
    commonName: string,
    ca: CertificateAuthority,
): Promise<Certificate> {
    const certFile = path.join(dir, "client.crt");
    const keyFile = path.join(dir, "client.key");
    const csr = path.join(dir, "client.csr");
    const openssl = requireBinary(["openssl"]);
    await run(openssl, [
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        csr,
        "-subj",
        `/CN=${commonName}`,
    ]);
    await run(openssl, [
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca.certFile,
        "-CAkey",
        ca.keyFile,
        "-set_serial",
        `0x${crypto.randomBytes(12).toString("hex")}`,
        "-out",
        certFile,
        "-days",
        "2",
    ]);
    return { certFile, keyFile, pem: fs.readFileSync(certFile, "utf8") };
}

/** A self-signed P-256 certificate naming `dnsName`, localhost and 127.0.0.1. */
export function selfSignedCertificate(dir: string, dnsName: string): Promise<Certificate> {
    return serverCertificate(dir, dnsName);
}

/** Polls `probe` until it resolves, the process dies, or the time runs out. */
export async function waitUntilReady(
    what: string,
    child: childProcess.ChildProcess,
    logFile: string,
    probe: () => Promise<unknown>,
    timeoutMs = 30_000,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null) {
            throw new Error(
                `${what} exited (${child.exitCode ?? child.signalCode}) while starting:\n${tail(logFile)}`,
            );
        }
        try {
            await probe();
            return;
        } catch (e) {
            lastError = e;
            await new Promise((r) => setTimeout(r, 40));
        }
    }
    throw new Error(
        `${what} did not start in ${timeoutMs} ms: ${(lastError as Error)?.message}\n${tail(logFile)}`,
    );
}

export function tail(file: string, lines = 20): string {
    try {
        return fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
        return "(no log)";
    }
}

/** Stops a server process: SIGTERM, then SIGKILL after a grace period. */
export async function stopProcess(child: childProcess.ChildProcess, graceMs = 5_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return;
    }
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
}

/** Byte offset of the end of a file (a mark in a log). */
export function fileSize(file: string): number {
    try {
        return fs.statSync(file).size;
    } catch {
        return 0;
    }
}

export function readFrom(file: string, offset: number): string {
    const fd = fs.openSync(file, "r");
    try {
        const size = fs.fstatSync(fd).size;
        const buffer = Buffer.alloc(Math.max(0, size - offset));
        fs.readSync(fd, buffer, 0, buffer.length, offset);
        return buffer.toString("utf8");
    } finally {
        fs.closeSync(fd);
    }
}

/** True when this process runs as root (then servers run as a service user, as they refuse root). */
export function isRoot(): boolean {
    return process.getuid?.() === 0;
}

/** `command args` run as the given OS user when we are root, as ourselves otherwise. */
export function asUser(user: string, command: string, args: string[]): [string, string[]] {
    return isRoot() ? [requireBinary(["runuser"]), ["-u", user, "--", command, ...args]] : [command, args];
}

/** Hands files to a service user when we are root (no-op otherwise). */
export function chownToUser(user: string, ...files: string[]): void {
    if (!isRoot()) return;
    const uid = Number(childProcess.execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
    const gid = Number(childProcess.execFileSync("id", ["-g", user], { encoding: "utf8" }).trim());
    for (const f of files) fs.chownSync(f, uid, gid);
}
