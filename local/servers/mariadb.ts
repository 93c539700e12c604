/**
 * A throwaway MariaDB that behaves like RDS for MariaDB for what rds-iam does: temp data dir, TLS
 * required, general log on, the test AWSAuthenticationPlugin (compiled here from aws_auth_plugin.c)
 * asking the login hook, and a master with exactly RDS's global privileges (rdsPrivileges.ts): no
 * SUPER, no FILE, no ALL. root is only for setting up and for inspecting in assertions.
 */
import { BATCH_SEPARATOR } from "../../components/provider/connection";
import * as childProcess from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { NetworkNamespace } from "../network/netns";
import { rdsMysqlMasterSetup } from "./rdsPrivileges";
import type { CertificateAuthority } from "./processes";
import {
    fileSize,
    isRoot,
    readFrom,
    requireBinary,
    run,
    serverCertificate,
    stopProcess,
    waitUntilReady,
} from "./processes";
import type { ThrowawayServer } from "./index";

const MASTER_USERNAME = "master_admin";
export const MARIADB_ENDPOINT = "throwaway-mariadb.c0ffee0example.us-east-1.rds.amazonaws.com";
const PLUGIN_HEADERS = "/usr/include/mariadb/server";

/** Compiles the test plugin once per source version into a cache dir; returns the plugin dir. */
export async function buildAuthPlugin(): Promise<string> {
    const source = path.join(__dirname, "aws_auth_plugin.c");
    const hash = crypto.createHash("sha256").update(fs.readFileSync(source)).digest("hex").slice(0, 16);
    const dir = path.join(os.tmpdir(), `rds-iam-plugin-${hash}`);
    const lib = path.join(dir, "aws_auth.so");
    if (!fs.existsSync(lib)) {
        if (!fs.existsSync(path.join(PLUGIN_HEADERS, "mysql", "plugin_auth.h"))) {
            throw new Error(
                `MariaDB plugin headers are missing; run: apt-get install -y libmariadbd-dev gcc (or: bash scripts/install-system-deps.sh)`,
            );
        }
        fs.mkdirSync(dir, { recursive: true });
        const tmp = `${lib}.${process.pid}`;
        await run(requireBinary(["gcc"]), [
            "-shared",
            "-fPIC",
            "-O2",
            "-Wall",
            "-DMYSQL_DYNAMIC_PLUGIN",
            `-I${PLUGIN_HEADERS}`,
            `-I${PLUGIN_HEADERS}/private`,
            "-o",
            tmp,
            source,
        ]);
        fs.renameSync(tmp, lib);
    }
    return dir;
}

export interface MariadbOptions {
    /** Run the server inside this network namespace. */
    readonly netns?: NetworkNamespace;
    /** The RDS-like name its certificate carries. @default MARIADB_ENDPOINT */
    readonly endpoint?: string;
    /** The master's name (RDS MasterUsername). @default "master_admin" */
    readonly masterUsername?: string;
    /** The database RDS creates from DBName. @default "appdb" */
    readonly databaseName?: string;
    /** Sign the certificate with this CA instead of self-signing it. */
    readonly ca?: CertificateAuthority;
}

export async function startMariadb(
    root: string,
    password: string,
    loginSocket: string,
    port: number,
    options: MariadbOptions = {},
): Promise<{ server: ThrowawayServer; stop: () => Promise<void> }> {
    const { netns } = options;
    const endpoint = options.endpoint ?? MARIADB_ENDPOINT;
    const master = options.masterUsername ?? MASTER_USERNAME;
    const databaseName = options.databaseName ?? "appdb";
    const dir = fs.mkdtempSync(path.join(root, "mariadb-"));
    const dataDir = path.join(dir, "data");
    fs.mkdirSync(dir, { recursive: true });
    const [cert, pluginDir] = await Promise.all([
        serverCertificate(dir, endpoint, options.ca),
        buildAuthPlugin(),
    ]);
    await run(requireBinary(["mariadb-install-db", "mysql_install_db"]), [
        "--no-defaults",
        `--datadir=${dataDir}`,
        // As root the server runs as root (--user=root); otherwise as the invoking user.
        ...(isRoot() ? ["--user=root"] : []),
        "--auth-root-authentication-method=socket",
        "--skip-test-db",
    ]);
    const socket = path.join(dir, "mariadb.sock");
    const logFile = path.join(dir, "error.log");
    const generalLog = path.join(dir, "general.log");
    const serverCommand: [string, string[]] = [
        requireBinary(["mariadbd", "mysqld"]),
        [
            "--no-defaults",
            `--datadir=${dataDir}`,
            `--port=${port}`,
            "--bind-address=127.0.0.1",
            `--socket=${socket}`,
            `--pid-file=${path.join(dir, "mariadb.pid")}`,
            ...(isRoot() ? ["--user=root"] : []),
            `--log-error=${logFile}`,
            `--ssl-cert=${cert.certFile}`,
            `--ssl-key=${cert.keyFile}`,
            `--ssl-ca=${cert.certFile}`,
            "--require-secure-transport=ON",
            "--general-log=ON",
            `--general-log-file=${generalLog}`,
            `--plugin-dir=${pluginDir}`,
            "--plugin-load-add=aws_auth.so",
            "--skip-log-bin",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=32M",
            "--innodb-flush-log-at-trx-commit=0",
            "--max-connections=400",
        ],
    ];
    const [cmd, args] = netns ? netns.wrap(...serverCommand) : serverCommand;
    const child = childProcess.spawn(cmd, args, {
        stdio: "ignore",
        env: { ...process.env, RDS_IAM_LOGIN_SOCKET: loginSocket },
    });

    const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
    // mariadb-install-db gives root and the installing OS user socket authentication.
    const adminUser = isRoot() ? "root" : os.userInfo().username;
    const admin = (options: { multipleStatements?: boolean; database?: string } = {}) =>
        mysql.createConnection({ socketPath: socket, user: adminUser, ...options });
    await waitUntilReady("MariaDB", child, logFile, async () => (await admin()).end());
    const setup = await admin();
    try {
        for (const sql of rdsMysqlMasterSetup(master, password, (v) => setup.escape(v))) {
            await setup.query(sql);
        }
        await setup.query(`CREATE DATABASE ${setup.escapeId(databaseName)}`);
    } finally {
        await setup.end();
    }
    const [[{ version }]] = (await (async () => {
        const c = await admin();
        try {
            return await c.query("SELECT VERSION() AS version");
        } finally {
            await c.end();
        }
    })()) as unknown as [[{ version: string }]];

    async function using<T>(
        connection: import("mysql2/promise").Connection,
        sql: string,
        params?: unknown[],
    ): Promise<T> {
        try {
            const [rows] = await connection.query(sql, params);
            return rows as T;
        } finally {
            await connection.end();
        }
    }

    const server: ThrowawayServer = {
        engine: "mariadb",
        label: `MariaDB ${version.replace(/-.*$/, "")}`,
        version: version.replace(/-.*$/, ""),
        iamLogin: true,
        host: "127.0.0.1",
        port,
        endpoint,
        caCertificate: cert.pem,
        master: { username: master, password },
        database: databaseName,
        dataDir,
        async query(sql, params, database) {
            const connection = await mysql.createConnection({
                host: endpoint,
                port,
                stream: () => net.connect(port, "127.0.0.1"),
                user: master,
                password,
                database,
                ssl: { ca: cert.pem, rejectUnauthorized: true, verifyIdentity: true },
            });
            return using(connection, sql, params);
        },
        async inspect(sql, params, database) {
            return using(await admin({ database }), sql, params);
        },
        async logMark() {
            return fileSize(generalLog);
        },
        async statementsSince(mark: number) {
            return parseGeneralLog(readFrom(generalLog, mark));
        },
        async loginsSince(mark: number) {
            return generalLogLogins(readFrom(generalLog, mark)).filter((user) => user !== adminUser);
        },
    };
    return { server, stop: () => stopProcess(child) };
}

/** Statements from the general log: "<time>\t<id> Query\t<sql>" with continuation lines. */
/** The user of each "Connect\tuser@host …" line of a MariaDB or MySQL general log. */
export function generalLogLogins(text: string): string[] {
    return [...text.matchAll(/\sConnect\t([^@\s]+)@/g)].map((m) => m[1]);
}

export function parseGeneralLog(text: string): string[] {
    const statements: string[] = [];
    let inQuery = false;
    for (const line of text.split("\n")) {
        const m = /^(?:\d{6}\s+\d{1,2}:\d{2}:\d{2})?\s+\d+\s+(\w[\w ]*?)\t(.*)$/.exec(line);
        if (m) {
            inQuery = m[1] === "Query" || m[1] === "Execute";
            if (inQuery) {
                statements.push(m[2]);
            }
        } else if (inQuery && line.length > 0) {
            statements[statements.length - 1] += "\n" + line;
        }
    }
    // A batch (Session.batch) arrives as one multi-statement query: each of its statements is one here.
    return statements.flatMap((sql) => sql.split(BATCH_SEPARATOR));
}
