/**
 * A throwaway Oracle MySQL 8.0 that behaves like RDS for MySQL 8.0 for what rds-iam does: temp data
 * dir (--initialize-insecure), TLS required, general log on, the test AWSAuthenticationPlugin
 * (compiled here with g++ from aws_auth_plugin_mysql.cc against our own ABI header) asking the login
 * hook, and a master with RDS for MySQL 8.0.36+'s privileges and its rds_superuser_role
 * (rdsPrivileges.ts): no SUPER, no SYSTEM_USER, no FILE, no ALL. root (socket only) is for setting
 * up and for inspecting in assertions.
 *
 * The binaries are MySQL 8.0.31 (mysqlBinaries.ts: the only MySQL server any registry this project
 * reaches ships). RDS runs 8.0.36 and later minors; the master gets the 8.0.36+ grants anyway (all
 * exist in 8.0.31). Not emulated: 8.0.36's refusal of DML on the mysql schema's tables.
 */
import { BATCH_SEPARATOR } from "../../components/provider/connection";
import * as childProcess from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { NetworkNamespace } from "../network/netns";
import { startPluginSocket } from "./loginHook";
import { generalLogLogins } from "./mariadb";
import { mysqlBaseDir } from "./mysqlBinaries";
import { rdsMysql80MasterSetup } from "./rdsPrivileges";
import type { CertificateAuthority } from "./processes";
import {
    fileSize,
    isRoot,
    readFrom,
    requireBinary,
    run,
    serverCertificate,
    stopProcess,
    tail,
    waitUntilReady,
} from "./processes";
import type { ThrowawayServer } from "./index";

const MASTER_USERNAME = "master_admin";
export const MYSQL_ENDPOINT = "throwaway-mysql.c0ffee0example.us-east-1.rds.amazonaws.com";

/** Compiles the MySQL test plugin once per source version into a cache dir; returns the plugin dir. */
export async function buildMysqlAuthPlugin(): Promise<string> {
    const sources = ["aws_auth_plugin_mysql.cc", "mysql_plugin_abi.h"].map((f) => path.join(__dirname, f));
    const hash = crypto.createHash("sha256");
    for (const source of sources) hash.update(fs.readFileSync(source));
    const dir = path.join(os.tmpdir(), `rds-iam-mysql-plugin-${hash.digest("hex").slice(0, 16)}`);
    const lib = path.join(dir, "aws_auth.so");
    if (!fs.existsSync(lib)) {
        const compiler = requireBinary(
            ["g++"],
            "the MySQL test plugin needs a C++ compiler; run: apt-get install -y g++ (or: bash scripts/install-system-deps.sh)",
        );
        fs.mkdirSync(dir, { recursive: true });
        const tmp = `${lib}.${process.pid}`;
        await run(compiler, [
            "-shared",
            "-fPIC",
            "-fvisibility=hidden",
            "-O2",
            "-Wall",
            "-Wextra",
            "-o",
            tmp,
            sources[0],
        ]);
        fs.renameSync(tmp, lib);
    }
    return dir;
}

export interface MysqlOptions {
    /** Run the server inside this network namespace. */
    readonly netns?: NetworkNamespace;
    /** The RDS-like name its certificate carries. @default MYSQL_ENDPOINT */
    readonly endpoint?: string;
    /** The master's name (RDS MasterUsername). @default "master_admin" */
    readonly masterUsername?: string;
    /** The database RDS creates from DBName. @default "appdb" */
    readonly databaseName?: string;
    /** Sign the certificate with this CA instead of self-signing it. */
    readonly ca?: CertificateAuthority;
}

export async function startMysql(
    root: string,
    password: string,
    port: number,
    options: MysqlOptions = {},
): Promise<{ server: ThrowawayServer; stop: () => Promise<void> }> {
    const { netns } = options;
    const endpoint = options.endpoint ?? MYSQL_ENDPOINT;
    const master = options.masterUsername ?? MASTER_USERNAME;
    const databaseName = options.databaseName ?? "appdb";
    const baseDir = await mysqlBaseDir();
    const dir = fs.mkdtempSync(path.join(root, "mysql-"));
    const dataDir = path.join(dir, "data");
    const [cert, pluginDir] = await Promise.all([
        serverCertificate(dir, endpoint, options.ca),
        buildMysqlAuthPlugin(),
    ]);
    const mysqld = path.join(baseDir, "bin", "mysqld");
    const common = [
        "--no-defaults",
        `--basedir=${baseDir}`,
        `--datadir=${dataDir}`,
        // As root the server runs as root (--user=root); otherwise as the invoking user.
        ...(isRoot() ? ["--user=root"] : []),
        "--innodb-redo-log-capacity=16M",
    ];
    const initLog = path.join(dir, "init.log");
    await run(mysqld, [...common, "--initialize-insecure", `--log-error=${initLog}`]).catch((e: Error) => {
        throw new Error(`${e.message}\n${tail(initLog)}`);
    });

    // The plugin's own socket, so its logins are reported as MySQL's.
    const loginSocket = path.join(dir, "login.sock");
    const plugin = await startPluginSocket(loginSocket, "mysql");
    const socket = path.join(dir, "mysql.sock");
    const logFile = path.join(dir, "error.log");
    const generalLog = path.join(dir, "general.log");
    const serverCommand: [string, string[]] = [
        mysqld,
        [
            ...common,
            `--port=${port}`,
            "--bind-address=127.0.0.1",
            `--socket=${socket}`,
            "--mysqlx=OFF",
            `--pid-file=${path.join(dir, "mysql.pid")}`,
            `--log-error=${logFile}`,
            `--ssl-cert=${cert.certFile}`,
            `--ssl-key=${cert.keyFile}`,
            `--ssl-ca=${cert.certFile}`,
            "--require-secure-transport=ON",
            "--general-log=ON",
            `--general-log-file=${generalLog}`,
            `--plugin-dir=${pluginDir}`,
            "--plugin-load-add=aws_auth.so",
            "--secure-file-priv=NULL",
            "--skip-log-bin",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=32M",
            "--innodb-flush-log-at-trx-commit=0",
            "--performance-schema=OFF",
            "--max-connections=400",
        ],
    ];
    const [cmd, args] = netns ? netns.wrap(...serverCommand) : serverCommand;
    const child = childProcess.spawn(cmd, args, {
        stdio: "ignore",
        env: { ...process.env, RDS_IAM_LOGIN_SOCKET: loginSocket },
    });

    const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
    // --initialize-insecure leaves root@localhost with an empty password: reachable on the socket only.
    const admin = (options: { database?: string } = {}) =>
        mysql.createConnection({ socketPath: socket, user: "root", password: "", ...options });
    const stop = async () => {
        await stopProcess(child);
        await new Promise<void>((resolve) => plugin.close(() => resolve()));
    };
    let version: string;
    try {
        await waitUntilReady("MySQL", child, logFile, async () => (await admin()).end(), 60_000);
        const setup = await admin();
        try {
            for (const sql of rdsMysql80MasterSetup(master, password, (v) => setup.escape(v))) {
                await setup.query(sql);
            }
            await setup.query(`CREATE DATABASE ${setup.escapeId(databaseName)}`);
            const [[row]] = (await setup.query("SELECT VERSION() AS version")) as unknown as [
                [{ version: string }],
            ];
            version = row.version.replace(/-.*$/, "");
        } finally {
            await setup.end();
        }
    } catch (e) {
        await stop();
        throw e;
    }

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
        engine: "mysql",
        label: `MySQL ${version}`,
        version,
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
            return parseMysqlGeneralLog(readFrom(generalLog, mark));
        },
        async loginsSince(mark: number) {
            return generalLogLogins(readFrom(generalLog, mark)).filter((user) => user !== "root");
        },
    };
    return { server, stop };
}

/**
 * Statements from MySQL's general log: "<ISO time>Z\t<id> Query\t<sql>" with continuation lines
 * (passwords appear as <secret>).
 */
export function parseMysqlGeneralLog(text: string): string[] {
    const statements: string[] = [];
    let inQuery = false;
    for (const line of text.split("\n")) {
        const m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\s+\d+\s+(\w[\w ]*?)\t(.*)$/.exec(line);
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
