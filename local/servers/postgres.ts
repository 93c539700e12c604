/**
 * A throwaway PostgreSQL (15, 16 or 17) that behaves like RDS for what rds-iam does: bootstrapped
 * by the superuser `rdsadmin`, with RDS's roles and a non-superuser master (rdsPrivileges.ts), TLS
 * only over TCP, scram for password roles. On 15 (built with LDAP) members of rds_iam are sent
 * through LDAP to the login hook — the way RDS sends them to IAM. The npm builds of 16/17 have no
 * LDAP, so there IAM users cannot log in at all (they have no password); the master's lock-out is
 * checked by `pg_has_role(master, 'rds_iam', 'USAGE')` instead.
 *
 * Why no `+rds_iam` line on 16+: pg_hba's group match counts admin-only memberships, and on 16+
 * rds_superuser holds ADMIN on rds_iam, so that line would send RDS's own master to IAM — which RDS
 * does not do (the documented flow, CREATE USER then GRANT rds_iam as master, keeps the master's
 * password login).
 */
import { BATCH_SEPARATOR } from "../../components/provider/connection";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { NetworkNamespace } from "../network/netns";
import { LDAP_SUFFIX } from "./loginHook";
import { PostgresMajor, postgresBinaries } from "./postgresBinaries";
import type { CertificateAuthority } from "./processes";
import {
    asUser,
    chownToUser,
    fileSize,
    readFrom,
    run,
    serverCertificate,
    stopProcess,
    waitUntilReady,
} from "./processes";
import { rdsPostgresSetup } from "./rdsPrivileges";
import type { ThrowawayServer } from "./index";

export const BOOTSTRAP_SUPERUSER = "rdsadmin";
export const MASTER_USERNAME = "master_admin";

export function postgresEndpoint(major: PostgresMajor): string {
    return `throwaway-pg${major}.c0ffee0example.us-east-1.rds.amazonaws.com`;
}

export interface PostgresOptions {
    readonly root: string;
    readonly major: PostgresMajor;
    readonly password: string;
    readonly port: number;
    /** The login hook's LDAP port (used where the build has LDAP). */
    readonly ldapPort: number;
    /** Run the server inside this network namespace (a private "VPC" the test process cannot reach). */
    readonly netns?: NetworkNamespace;
    /** The RDS-like name its certificate carries. @default postgresEndpoint(major) */
    readonly endpoint?: string;
    /** The master's name (RDS MasterUsername). @default MASTER_USERNAME */
    readonly masterUsername?: string;
    /** The database RDS creates from DBName, owned by the master. @default "appdb" */
    readonly databaseName?: string;
    /** Sign the certificate with this CA instead of self-signing it. */
    readonly ca?: CertificateAuthority;
    /**
     * The CA of an IAM front door (pgFrontDoor.ts): connections from FRONT_DOOR_ADDRESS with a client
     * certificate it signed, naming the user, are let in — the door has checked the user's IAM token.
     */
    readonly frontDoorCa?: CertificateAuthority;
}

/** The source address the IAM front door's connections come from. */
export const FRONT_DOOR_ADDRESS = "127.0.0.2";

function hbaLines(ldap: boolean, ldapPort: number, frontDoor: boolean): string[] {
    return [
        "# Unix socket: the bootstrap superuser, for setting up and inspecting only (as rdsadmin on RDS).",
        `local all ${BOOTSTRAP_SUPERUSER} trust`,
        ...(frontDoor
            ? [
                  "# The IAM front door, for users whose token it checked: a certificate only it can sign, naming the user.",
                  `hostssl all all ${FRONT_DOOR_ADDRESS}/32 cert`,
              ]
            : []),
        ...(ldap
            ? [
                  "# Members of rds_iam log in with an IAM token, checked by the login hook (as RDS does with IAM).",
                  `hostssl all +rds_iam 127.0.0.1/32 ldap ldapserver=127.0.0.1 ldapport=${ldapPort} ldapprefix="cn=" ldapsuffix=",${LDAP_SUFFIX}"`,
              ]
            : []),
        "# Everyone else: password over TLS. No 'host' line: plain TCP is refused.",
        "hostssl all all 127.0.0.1/32 scram-sha-256",
        "",
    ];
}

export async function startPostgres(
    options: PostgresOptions,
): Promise<{ server: ThrowawayServer; stop: () => Promise<void> }> {
    const { root, major, password, port } = options;
    const binaries = postgresBinaries(major);
    const dir = fs.mkdtempSync(path.join(root, `postgres${major}-`));
    const dataDir = path.join(dir, "data");
    const endpoint = options.endpoint ?? postgresEndpoint(major);
    fs.mkdirSync(dir, { recursive: true });
    const master = options.masterUsername ?? MASTER_USERNAME;
    const databaseName = options.databaseName ?? "appdb";
    const cert = await serverCertificate(dir, endpoint, options.ca);
    // The front door's CA, where the server (the postgres OS user, when we are root) can read it.
    const frontDoorCaFile = options.frontDoorCa && path.join(dir, "front-door-ca.crt");
    if (frontDoorCaFile) fs.writeFileSync(frontDoorCaFile, options.frontDoorCa!.pem);
    chownToUser("postgres", dir, cert.certFile, cert.keyFile, ...(frontDoorCaFile ? [frontDoorCaFile] : []));
    const [initCmd, initArgs] = asUser("postgres", path.join(binaries.binDir, "initdb"), [
        "-D",
        dataDir,
        "-U",
        BOOTSTRAP_SUPERUSER,
        "-A",
        "trust",
        "--no-sync",
        "--no-instructions",
        "-E",
        "UTF8",
        "--locale=C",
    ]);
    await run(initCmd, initArgs);
    fs.writeFileSync(
        path.join(dataDir, "pg_hba.conf"),
        hbaLines(binaries.ldap, options.ldapPort, options.frontDoorCa !== undefined).join("\n"),
    );
    const logFile = path.join(dir, "postgres.log");
    const logFd = fs.openSync(logFile, "a");
    chownToUser("postgres", logFile);
    const settings = {
        port: String(port),
        listen_addresses: "127.0.0.1",
        unix_socket_directories: dir,
        ssl: "on",
        ssl_cert_file: cert.certFile,
        ssl_key_file: cert.keyFile,
        ...(frontDoorCaFile ? { ssl_ca_file: frontDoorCaFile } : {}),
        password_encryption: "scram-sha-256",
        log_statement: "all",
        log_connections: "on", // "connection authorized: user=…": the sessions opened (loginsSince)
        log_line_prefix: "%m [%p] %u ",
        logging_collector: "off",
        fsync: "off",
        synchronous_commit: "off",
        full_page_writes: "off",
        shared_buffers: "32MB",
        max_connections: "300",
    };
    const [serverCmd, serverArgs] = asUser("postgres", path.join(binaries.binDir, "postgres"), [
        "-D",
        dataDir,
        ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
    ]);
    const [cmd, args] = options.netns ? options.netns.wrap(serverCmd, serverArgs) : [serverCmd, serverArgs];
    const child = childProcess.spawn(cmd, args, { stdio: ["ignore", logFd, logFd] });
    fs.closeSync(logFd);

    const pg = require("pg") as typeof import("pg");
    const superuser = (database = "postgres") =>
        new pg.Client({ host: dir, port, user: BOOTSTRAP_SUPERUSER, database });
    await waitUntilReady(`PostgreSQL ${major}`, child, logFile, async () => {
        const c = superuser();
        await c.connect();
        await c.end();
    });
    const setup = superuser();
    await setup.connect();
    try {
        const quote = {
            ident: (s: string) => setup.escapeIdentifier(s),
            literal: (s: string) => setup.escapeLiteral(s),
        };
        for (const sql of rdsPostgresSetup(major, master, password, quote.ident, quote.literal)) {
            await setup.query(sql);
        }
        // The app database belongs to the master, as the one RDS creates from DBName does.
        await setup.query(`CREATE DATABASE ${quote.ident(databaseName)} OWNER ${quote.ident(master)}`);
    } finally {
        await setup.end();
    }

    async function withClient<T>(client: import("pg").Client, work: () => Promise<T>): Promise<T> {
        await client.connect();
        try {
            return await work();
        } finally {
            await client.end();
        }
    }

    const server: ThrowawayServer = {
        engine: "postgres",
        label: `PostgreSQL ${major}`,
        version: String(major),
        iamLogin: binaries.ldap,
        host: "127.0.0.1",
        port,
        endpoint,
        caCertificate: cert.pem,
        master: { username: master, password },
        database: databaseName,
        dataDir,
        async query(sql, params, database = "postgres") {
            const client = new pg.Client({
                host: "127.0.0.1",
                port,
                user: master,
                password,
                database,
                ssl: { ca: cert.pem, servername: endpoint, rejectUnauthorized: true },
            });
            return withClient(client, async () => (await client.query(sql, params as unknown[])).rows);
        },
        async inspect(sql, params, database = "postgres") {
            const client = superuser(database);
            return withClient(client, async () => (await client.query(sql, params as unknown[])).rows);
        },
        async logMark() {
            return fileSize(logFile);
        },
        async statementsSince(mark: number) {
            return parsePostgresLog(readFrom(logFile, mark))
                .filter((s) => s.user !== BOOTSTRAP_SUPERUSER)
                .map((s) => s.sql);
        },
        async loginsSince(mark: number) {
            return [...readFrom(logFile, mark).matchAll(/connection authorized: user=(\S+)/g)]
                .map((m) => m[1])
                .filter((user) => user !== BOOTSTRAP_SUPERUSER);
        },
    };
    return { server, stop: () => stopProcess(child) };
}

/**
 * Statements from `log_statement=all` lines: "statement: …" (simple) and "execute <name>: …"
 * (extended), with the user who sent them (log_line_prefix "%m [%p] %u ").
 */
export function parsePostgresLog(text: string): { user: string; sql: string }[] {
    const statements: { user: string; sql: string; simple: boolean }[] = [];
    let inStatement = false;
    for (const line of text.split("\n")) {
        const m = /^\S+ \S+ \S+ \[\d+\] (\S*) ?LOG:\s+(statement|execute [^:]*): (.*)$/.exec(line);
        if (m) {
            statements.push({ user: m[1], sql: m[3], simple: m[2] === "statement" });
            inStatement = true;
        } else if (inStatement && line !== "" && !/^\d{4}-\d\d-\d\d /.test(line)) {
            // A statement's further lines (every log entry starts with its timestamp).
            statements[statements.length - 1].sql += "\n" + line.trim();
        } else {
            inStatement = false;
        }
    }
    // A batch (Session.batch) arrives as one simple query: each of its statements is one here.
    return statements.flatMap(({ user, sql, simple }) =>
        (simple ? sql.split(BATCH_SEPARATOR) : [sql]).map((part) => ({ user, sql: part })),
    );
}
