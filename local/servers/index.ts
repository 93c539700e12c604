/**
 * Throwaway PostgreSQL and MariaDB servers for the tests that need real databases: started once per
 * test run on the first call (both in parallel, in a temp dir, on free loopback ports, TLS with a
 * fresh self-signed certificate), stopped and removed by the mocha root hook or at process exit.
 * Never the machine's own database services.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as net from "node:net";
import type { Server as LdapServer } from "ldapjs";
import { startLdapResponder, startPluginSocket } from "./loginHook";
import { startMariadb } from "./mariadb";
import { startPostgres, tmpRoot } from "./postgres";
import { freePort } from "./processes";

export {
    LoginAttempt,
    LoginDecision,
    LoginDecider,
    ServerEngine,
    loginLog,
    resetLoginDecider,
    setLoginDecider,
} from "./loginHook";

export interface ThrowawayServer {
    readonly engine: "postgres" | "mariadb";
    /** Where to open the TCP connection ("127.0.0.1"): the tunnel address. */
    readonly host: string;
    readonly port: number;
    /** RDS-like DNS name in the certificate; use it as DatabaseUser `host` and to sign tokens. */
    readonly endpoint: string;
    /** PEM of the server's self-signed certificate. */
    readonly caCertificate: string;
    readonly master: { readonly username: string; readonly password: string };
    /** A database that exists besides the defaults. */
    readonly database: string;
    readonly dataDir: string;
    /** Runs SQL as master over verified TLS. */
    query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
    /** Position in the server's statement log. */
    logMark(): Promise<number>;
    /** Statements the server received since the mark. */
    statementsSince(mark: number): Promise<string[]>;
}

export interface TestServers {
    readonly postgres: ThrowawayServer;
    readonly mariadb: ThrowawayServer;
    /** Milliseconds the start took. */
    readonly startupMs: number;
}

interface Running {
    readonly servers: TestServers;
    readonly root: string;
    readonly stops: (() => Promise<void>)[];
}

let starting: Promise<Running> | undefined;

async function start(): Promise<Running> {
    const began = Date.now();
    const root = tmpRoot();
    fs.chmodSync(root, 0o755); // the postgres OS user must reach its data dir inside
    const stops: (() => Promise<void>)[] = [];
    registerExitCleanup(root);
    try {
        const loginSocket = path.join(root, "login.sock");
        const [plugin, ldap, pgPort, mariadbPort] = await Promise.all([
            startPluginSocket(loginSocket),
            startLdapResponder(),
            freePort(),
            freePort(),
        ]);
        stops.push(
            () => closeServer(plugin),
            () => closeLdap(ldap.server),
        );
        const password = () => crypto.randomBytes(18).toString("base64url");
        const [postgres, mariadb] = await Promise.all([
            startPostgres(root, password(), ldap.port, pgPort).then((s) => {
                stops.push(s.stop);
                return s.server;
            }),
            startMariadb(root, password(), loginSocket, mariadbPort).then((s) => {
                stops.push(s.stop);
                return s.server;
            }),
        ]);
        return { servers: { postgres, mariadb, startupMs: Date.now() - began }, root, stops };
    } catch (e) {
        await Promise.allSettled(stops.map((stop) => stop()));
        fs.rmSync(root, { recursive: true, force: true });
        throw e;
    }
}

/** Starts both servers on the first call; later calls get the same servers. */
export async function getTestServers(): Promise<TestServers> {
    starting ??= start();
    return (await starting).servers;
}

/** Stops both servers and removes their files (the mocha root hook calls this). */
export async function stopTestServers(): Promise<void> {
    const current = starting;
    starting = undefined;
    if (current === undefined) {
        return;
    }
    let running: Running;
    try {
        running = await current;
    } catch {
        return; // a failed start already cleaned up
    }
    await Promise.allSettled(running.stops.map((stop) => stop()));
    fs.rmSync(running.root, { recursive: true, force: true });
}

function closeServer(server: net.Server): Promise<void> {
    return new Promise((resolve) => server.close(() => resolve()));
}

function closeLdap(server: LdapServer): Promise<void> {
    return new Promise((resolve) => server.close(() => resolve()));
}

const roots = new Set<string>();
let exitHookInstalled = false;

/** Last resort when the run is killed: kill the servers' process group members and remove files. */
function registerExitCleanup(root: string): void {
    roots.add(root);
    if (exitHookInstalled) {
        return;
    }
    exitHookInstalled = true;
    const cleanup = () => {
        for (const dir of roots) {
            for (const pidFile of [
                path.join(dir, "mariadb", "mariadb.pid"),
                path.join(dir, "postgres", "data", "postmaster.pid"),
            ]) {
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
