/**
 * Throwaway database servers that play RDS: PostgreSQL 15, 16 and 17, MariaDB and MySQL 8.0, each
 * with RDS's privilege model (a non-superuser master; see rdsPrivileges.ts), started on first use in a temp
 * dir on a free loopback port with TLS and a fresh self-signed certificate, stopped and removed by
 * the mocha root hook or at process exit. Never the machine's own database services.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as net from "node:net";
import type { Server as LdapServer } from "ldapjs";
import { startLdapResponder, startPluginSocket } from "./loginHook";
import { startMariadb } from "./mariadb";
import { startMysql } from "./mysql";
import { startPostgres } from "./postgres";
import { POSTGRES_MAJORS, PostgresMajor } from "./postgresBinaries";
import type { NetworkNamespace } from "../network/netns";
import { CertificateAuthority, freePort } from "./processes";

export {
    LoginAttempt,
    LoginDecision,
    LoginDecider,
    ServerEngine,
    loginLog,
    resetLoginDecider,
    setLoginDecider,
} from "./loginHook";
export { POSTGRES_MAJORS, PostgresMajor } from "./postgresBinaries";
export { ServerUnavailableError } from "./mysqlBinaries";

export interface ThrowawayServer {
    readonly engine: "postgres" | "mariadb" | "mysql";
    /** "PostgreSQL 16", "MariaDB 10.11.19": for test names and messages. */
    readonly label: string;
    /** The server's version ("16", "10.11.19"). */
    readonly version: string;
    /** Whether IAM token logins reach the login hook (PostgreSQL 15 through LDAP, MariaDB through its plugin). */
    readonly iamLogin: boolean;
    /** Where to open the TCP connection ("127.0.0.1"): the tunnel address. */
    readonly host: string;
    readonly port: number;
    /** RDS-like DNS name in the certificate; use it as DatabaseUser `host` and to sign tokens. */
    readonly endpoint: string;
    /** PEM of the server's self-signed certificate. */
    readonly caCertificate: string;
    /** The RDS-like master: what the product logs in as. */
    readonly master: { readonly username: string; readonly password: string };
    /** A database owned by the master, besides the defaults. */
    readonly database: string;
    readonly dataDir: string;
    /** Runs SQL as the master over verified TLS (in `database`, default the server's default). */
    query(sql: string, params?: unknown[], database?: string): Promise<Record<string, unknown>[]>;
    /** Runs SQL as the superuser (rdsadmin / root) over the local socket: for set-up and assertions only. */
    inspect(sql: string, params?: unknown[], database?: string): Promise<Record<string, unknown>[]>;
    /** Position in the server's statement log. */
    logMark(): Promise<number>;
    /** Statements the server received since the mark (the superuser's own left out on PostgreSQL). */
    statementsSince(mark: number): Promise<string[]>;
    /** The users who opened a session since the mark, one entry per session (the superuser's left out). */
    loginsSince(mark: number): Promise<string[]>;
}

export type ServerName = `postgres${PostgresMajor}` | "mariadb" | "mysql80";

/**
 * Every server the provider suite runs on: the PostgreSQL majors we deploy, MariaDB and MySQL 8.0
 * (whose binaries are fetched at test time: getServer("mysql80") rejects with ServerUnavailableError
 * when they cannot be).
 */
export const PROVIDER_MATRIX: readonly ServerName[] = [
    ...POSTGRES_MAJORS.map((major) => `postgres${major}` as const),
    "mariadb",
    "mysql80",
];

interface Shared {
    readonly root: string;
    readonly loginSocket: string;
    readonly ldapPort: number;
}

let shared: Promise<Shared> | undefined;
const started = new Map<string, Promise<ThrowawayServer>>();
const stops: (() => Promise<void>)[] = [];

async function startShared(): Promise<Shared> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-test-"));
    fs.chmodSync(root, 0o755); // the postgres OS user (when we are root) must reach its data dir inside
    registerExitCleanup(root);
    const loginSocket = path.join(root, "login.sock");
    const [plugin, ldap] = await Promise.all([startPluginSocket(loginSocket), startLdapResponder()]);
    stops.push(
        () => new Promise((resolve) => (plugin as net.Server).close(() => resolve())),
        () => new Promise((resolve) => (ldap.server as LdapServer).close(() => resolve())),
    );
    return { root, loginSocket, ldapPort: ldap.port };
}

const newPassword = () => crypto.randomBytes(18).toString("base64url");

export interface ServerOptions {
    /** Run it inside this network namespace (a private "VPC"): its TCP port is then reachable only from inside. */
    readonly netns?: NetworkNamespace;
    /** The RDS-like name its certificate carries (e.g. a stack's own endpoint). */
    readonly endpoint?: string;
    /** The master's name (RDS MasterUsername). @default "master_admin" */
    readonly masterUsername?: string;
    /** The database RDS creates from DBName, owned by the master. @default "appdb" */
    readonly databaseName?: string;
    /** Sign the server's certificate with this CA (a local cloud's stand-in for the RDS CA). */
    readonly ca?: CertificateAuthority;
    /** PostgreSQL: admit an IAM front door (pgFrontDoor.ts) whose client certificates this CA signs. */
    readonly frontDoorCa?: CertificateAuthority;
    /** The master's password (RDS MasterUserPassword). @default a random one, as a managed secret's */
    readonly masterPassword?: string;
}

/**
 * A server of its own, not shared with other callers: what the local cloud starts for one RDS
 * instance or cluster. `stop` stops it (the mocha hook and process exit stop it too).
 */
export async function launchServer(
    name: ServerName,
    options: ServerOptions = {},
): Promise<{ server: ThrowawayServer; stop: () => Promise<void> }> {
    shared ??= startShared();
    const { root, loginSocket, ldapPort } = await shared;
    const port = await freePort();
    const password = options.masterPassword ?? newPassword();
    const { server, stop } =
        name === "mariadb"
            ? await startMariadb(root, password, loginSocket, port, options)
            : name === "mysql80"
              ? await startMysql(root, password, port, options)
              : await startPostgres({
                    ...options,
                    root,
                    major: Number(name.slice("postgres".length)) as PostgresMajor,
                    password,
                    port,
                    ldapPort,
                });
    let stopped: Promise<void> | undefined;
    const stopOnce = () => (stopped ??= stop());
    stops.push(stopOnce);
    return { server, stop: stopOnce };
}

async function startServer(name: ServerName, options: ServerOptions): Promise<ThrowawayServer> {
    return (await launchServer(name, options)).server;
}

/**
 * One server, started on its first use; later calls with the same options get the same server.
 * In a network namespace its TCP port is reachable only from inside it; set-up and `inspect` still
 * work through its Unix socket, `query` does not.
 */
export function getServer(name: ServerName, options: ServerOptions = {}): Promise<ThrowawayServer> {
    const key = [name, options.netns?.name ?? "", options.endpoint ?? "", options.masterUsername ?? ""].join(
        "|",
    );
    return memoized(key, () => startServer(name, options));
}

function memoized(key: string, start: () => Promise<ThrowawayServer>): Promise<ThrowawayServer> {
    let server = started.get(key);
    if (server === undefined) {
        server = start();
        started.set(key, server);
    }
    return server;
}

export interface TestServers {
    /** PostgreSQL 15: the one with emulated IAM logins. */
    readonly postgres: ThrowawayServer;
    readonly mariadb: ThrowawayServer;
    /** Milliseconds the start took. */
    readonly startupMs: number;
}

/** PostgreSQL 15 and MariaDB, started in parallel on the first call. */
export async function getTestServers(): Promise<TestServers> {
    const began = Date.now();
    const [postgres, mariadb] = await Promise.all([getServer("postgres15"), getServer("mariadb")]);
    return { postgres, mariadb, startupMs: Date.now() - began };
}

/** Stops every server and removes their files (the mocha root hook calls this). */
export async function stopTestServers(): Promise<void> {
    const current = shared;
    await Promise.allSettled([...started.values()]);
    shared = undefined;
    started.clear();
    const pending = stops.splice(0);
    await Promise.allSettled(pending.map((stop) => stop()));
    if (current !== undefined) {
        const { root } = await current.catch(() => ({ root: undefined }));
        if (root !== undefined) fs.rmSync(root, { recursive: true, force: true });
    }
}

const roots = new Set<string>();
let exitHookInstalled = false;

/** Last resort when the run is killed: kill the servers and remove their files. */
function registerExitCleanup(root: string): void {
    roots.add(root);
    if (exitHookInstalled) {
        return;
    }
    exitHookInstalled = true;
    const cleanup = () => {
        for (const dir of roots) {
            const pidFiles: string[] = [];
            for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
                if (entry.startsWith("postgres"))
                    pidFiles.push(path.join(dir, entry, "data", "postmaster.pid"));
                if (entry.startsWith("mariadb")) pidFiles.push(path.join(dir, entry, "mariadb.pid"));
                if (entry.startsWith("mysql-")) pidFiles.push(path.join(dir, entry, "mysql.pid"));
            }
            for (const pidFile of pidFiles) {
                try {
                    process.kill(Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]), "SIGKILL");
                } catch {
                    // not running
                }
            }
            fs.rmSync(dir, { recursive: true, force: true });
        }
    };
    process.once("exit", cleanup);
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            cleanup();
            process.exit(130);
        });
    }
}
