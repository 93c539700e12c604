/**
 * A throwaway PostgreSQL for tests: temp data dir owned by the postgres OS user (PostgreSQL refuses
 * to run as root), TLS only over TCP, scram for password roles, and members of rds_iam sent
 * through LDAP to the login hook — the way RDS sends them to IAM.
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LDAP_SUFFIX } from "./loginHook";
import {
    fileSize,
    readFrom,
    requireBinary,
    run,
    selfSignedCertificate,
    stopProcess,
    waitUntilReady,
} from "./processes";
import type { ThrowawayServer } from "./index";

export const POSTGRES_ENDPOINT = "throwaway-pg.c0ffee0example.us-east-1.rds.amazonaws.com";

function postgresBinary(name: string): string {
    const versions = fs.existsSync("/usr/lib/postgresql")
        ? fs.readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a))
        : [];
    return requireBinary(versions.map((v) => `/usr/lib/postgresql/${v}/bin/${name}`).concat([name]));
}

/** Runs a command as the postgres OS user when we are root. */
function asPostgres(command: string, args: string[]): [string, string[]] {
    return process.getuid?.() === 0
        ? [requireBinary(["runuser"]), ["-u", "postgres", "--", command, ...args]]
        : [command, args];
}

export async function startPostgres(
    root: string,
    password: string,
    ldapPort: number,
    port: number,
): Promise<{ server: ThrowawayServer; stop: () => Promise<void> }> {
    const dir = path.join(root, "postgres");
    const dataDir = path.join(dir, "data");
    fs.mkdirSync(dir, { recursive: true });
    const cert = await selfSignedCertificate(dir, POSTGRES_ENDPOINT);
    const pwFile = path.join(dir, "pw");
    fs.writeFileSync(pwFile, password, { mode: 0o600 });
    if (process.getuid?.() === 0) {
        for (const f of [dir, cert.certFile, cert.keyFile, pwFile]) {
            fs.chownSync(f, uidOf("postgres"), gidOf("postgres"));
        }
    }
    const [initCmd, initArgs] = asPostgres(postgresBinary("initdb"), [
        "-D",
        dataDir,
        "-U",
        "master_admin",
        `--pwfile=${pwFile}`,
        "-A",
        "scram-sha-256",
        "--no-sync",
        "--no-instructions",
        "-E",
        "UTF8",
    ]);
    await run(initCmd, initArgs);
    fs.writeFileSync(
        path.join(dataDir, "pg_hba.conf"),
        [
            "# Unix socket: local administration by the test harness only.",
            "local all all trust",
            "# Members of rds_iam log in with an IAM token, checked by the login hook (as RDS does with IAM).",
            `hostssl all +rds_iam 127.0.0.1/32 ldap ldapserver=127.0.0.1 ldapport=${ldapPort} ldapprefix="cn=" ldapsuffix=",${LDAP_SUFFIX}"`,
            "# Everyone else: password over TLS. No 'host' line: plain TCP is refused.",
            "hostssl all all 127.0.0.1/32 scram-sha-256",
            "",
        ].join("\n"),
    );
    const logFile = path.join(dir, "postgres.log");
    const logFd = fs.openSync(logFile, "a");
    if (process.getuid?.() === 0) {
        fs.fchownSync(logFd, uidOf("postgres"), gidOf("postgres"));
    }
    const settings = {
        port: String(port),
        listen_addresses: "127.0.0.1",
        unix_socket_directories: dir,
        ssl: "on",
        ssl_cert_file: cert.certFile,
        ssl_key_file: cert.keyFile,
        log_statement: "all",
        log_line_prefix: "%m [%p] %u ",
        logging_collector: "off",
        fsync: "off",
        synchronous_commit: "off",
        full_page_writes: "off",
        shared_buffers: "32MB",
        max_connections: "300",
    };
    const [cmd, args] = asPostgres(postgresBinary("postgres"), [
        "-D",
        dataDir,
        ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
    ]);
    const child = childProcess.spawn(cmd, args, { stdio: ["ignore", logFd, logFd], detached: false });
    fs.closeSync(logFd);

    const pg = require("pg") as typeof import("pg");
    const admin = () => new pg.Client({ host: dir, port, user: "master_admin", database: "postgres" });
    await waitUntilReady("PostgreSQL", child, logFile, async () => {
        const c = admin();
        await c.connect();
        await c.end();
    });
    const setup = admin();
    await setup.connect();
    // As on RDS: rds_iam exists and cannot log in; the master can create roles and databases.
    await setup.query("CREATE ROLE rds_iam NOLOGIN");
    await setup.query("CREATE DATABASE appdb");
    await setup.end();

    const server: ThrowawayServer = {
        engine: "postgres",
        host: "127.0.0.1",
        port,
        endpoint: POSTGRES_ENDPOINT,
        caCertificate: cert.pem,
        master: { username: "master_admin", password },
        database: "appdb",
        dataDir,
        async query(sql: string, params?: unknown[]) {
            const client = new pg.Client({
                host: "127.0.0.1",
                port,
                user: "master_admin",
                password,
                database: "postgres",
                ssl: { ca: cert.pem, servername: POSTGRES_ENDPOINT, rejectUnauthorized: true },
            });
            await client.connect();
            try {
                return (await client.query(sql, params as unknown[])).rows;
            } finally {
                await client.end();
            }
        },
        async logMark() {
            return fileSize(logFile);
        },
        async statementsSince(mark: number) {
            return parsePostgresLog(readFrom(logFile, mark));
        },
    };
    return { server, stop: () => stopProcess(child) };
}

/** Statements from `log_statement=all` lines: "statement: …" (simple) and "execute <name>: …" (extended). */
export function parsePostgresLog(text: string): string[] {
    const statements: string[] = [];
    let inStatement = false;
    for (const line of text.split("\n")) {
        const m = /^\S+ \S+ \S+ \[\d+\] \S* ?LOG:\s+(?:statement|execute [^:]*): (.*)$/.exec(line);
        if (m) {
            statements.push(m[1]);
            inStatement = true;
        } else if (inStatement && /^\s/.test(line)) {
            statements[statements.length - 1] += "\n" + line.trim();
        } else {
            inStatement = false;
        }
    }
    return statements;
}

function uidOf(user: string): number {
    return Number(childProcess.execFileSync("id", ["-u", user], { encoding: "utf8" }).trim());
}

function gidOf(user: string): number {
    return Number(childProcess.execFileSync("id", ["-g", user], { encoding: "utf8" }).trim());
}

export const tmpRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-test-"));
