/**
 * Pure builders for the command lines the `rds-iam` CLI prints or runs: the `npx rds-iam connect`
 * line for stack outputs, the exact `mysql` / `psql` argv and environment, and the `env` lines.
 * The token never goes on a command line (it would show in `ps`); it travels in MYSQL_PWD / PGPASSWORD.
 */
import * as net from "node:net";
import { Engine, EngineFamily, engineFamily } from "../engines";

/** What the stack knows about one IAM user's connection. */
export interface ConnectLineArgs {
    readonly engine: Engine;
    readonly host: string;
    readonly port: number;
    readonly username: string;
    readonly region: string;
    /** @default none */
    readonly database?: string;
}

/** Quotes a word for POSIX shells only when it needs it. */
export function shellQuote(word: string): string {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The exact `npx rds-iam connect …` line for one user (for stack outputs and docs). */
export function rdsIamConnectCommand(args: ConnectLineArgs): string {
    const words = [
        "npx",
        "rds-iam",
        "connect",
        "--engine",
        args.engine,
        "--host",
        args.host,
        "--port",
        String(args.port),
        "--user",
        args.username,
        "--region",
        args.region,
        ...(args.database !== undefined ? ["--database", args.database] : []),
    ];
    return words.map(shellQuote).join(" ");
}

/** Which `mysql` client is installed: MySQL's (8.x: --ssl-mode) or MariaDB's (--ssl-verify-server-cert). */
export type MysqlClientFlavor = "mysql" | "mariadb";

/** Reads the flavor from `mysql --version` output. */
export function mysqlClientFlavor(versionOutput: string): MysqlClientFlavor {
    return /mariadb/i.test(versionOutput) ? "mariadb" : "mysql";
}

/** Everything a database command-line client needs besides the token. */
export interface ClientCommandArgs {
    readonly engine: Engine;
    /** The RDS endpoint the token is signed for (and the name TLS should verify). */
    readonly rdsHost: string;
    /** Where the TCP connection goes (equals rdsHost unless tunneled). */
    readonly connectHost: string;
    readonly connectPort: number;
    readonly username: string;
    /** @default none */
    readonly database?: string;
    /** Path of the PEM CA file. */
    readonly caFile: string;
    /** @default "mysql" */
    readonly mysqlFlavor?: MysqlClientFlavor;
}

/** A command to spawn: program, argv and the extra environment (which carries the token). */
export interface ClientCommand {
    readonly program: string;
    readonly args: readonly string[];
    readonly env: Readonly<Record<string, string>>;
}

/** The `mysql` invocation: cleartext plugin on, TLS verified against the CA (and the name when not tunneled). */
export function mysqlCommand(args: ClientCommandArgs, token: string): ClientCommand {
    const verifyName = args.connectHost === args.rdsHost;
    const tls =
        (args.mysqlFlavor ?? "mysql") === "mariadb"
            ? [`--ssl-ca=${args.caFile}`, ...(verifyName ? ["--ssl-verify-server-cert"] : [])]
            : [`--ssl-ca=${args.caFile}`, `--ssl-mode=${verifyName ? "VERIFY_IDENTITY" : "VERIFY_CA"}`];
    return {
        program: "mysql",
        args: [
            `--host=${args.connectHost}`,
            `--port=${args.connectPort}`,
            `--user=${args.username}`,
            "--enable-cleartext-plugin",
            ...tls,
            ...(args.database !== undefined ? [`--database=${args.database}`] : []),
        ],
        env: { MYSQL_PWD: token },
    };
}

/** libpq connection parameters: verify-full against the RDS name; a tunnel IP goes in `hostaddr`. */
export function libpqParameters(args: ClientCommandArgs): Record<string, string> {
    const tunneledToIp = args.connectHost !== args.rdsHost && net.isIP(args.connectHost) !== 0;
    return {
        host: tunneledToIp ? args.rdsHost : args.connectHost,
        ...(tunneledToIp ? { hostaddr: args.connectHost } : {}),
        port: String(args.connectPort),
        user: args.username,
        ...(args.database !== undefined ? { dbname: args.database } : {}),
        sslmode: "verify-full",
        sslrootcert: args.caFile,
    };
}

/** Quotes a libpq conninfo value when it needs it. */
function conninfoValue(value: string): string {
    return /^[^\s'\\]+$/.test(value) ? value : `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** The `psql` invocation: one conninfo string, the token in PGPASSWORD. */
export function psqlCommand(args: ClientCommandArgs, token: string): ClientCommand {
    const conninfo = Object.entries(libpqParameters(args))
        .map(([key, value]) => `${key}=${conninfoValue(value)}`)
        .join(" ");
    return { program: "psql", args: [conninfo], env: { PGPASSWORD: token } };
}

/** The client command for the engine. */
export function clientCommand(args: ClientCommandArgs, token: string): ClientCommand {
    return engineFamily(args.engine) === "mysql" ? mysqlCommand(args, token) : psqlCommand(args, token);
}

/** The environment a script needs to connect with the engine's own client or driver defaults. */
export function connectionEnvironment(args: ClientCommandArgs, token: string): Record<string, string> {
    if (engineFamily(args.engine) === "postgres") {
        const p = libpqParameters(args);
        return {
            PGHOST: p.host,
            ...(p.hostaddr !== undefined ? { PGHOSTADDR: p.hostaddr } : {}),
            PGPORT: p.port,
            PGUSER: p.user,
            ...(p.dbname !== undefined ? { PGDATABASE: p.dbname } : {}),
            PGPASSWORD: token,
            PGSSLMODE: p.sslmode,
            PGSSLROOTCERT: p.sslrootcert,
        };
    }
    return {
        MYSQL_HOST: args.connectHost,
        MYSQL_TCP_PORT: String(args.connectPort),
        MYSQL_PWD: token,
        // mysql has no environment variable for the user, TLS or cleartext plugin: pass these flags.
        RDS_IAM_MYSQL_FLAGS: mysqlCommand(args, token)
            .args.filter((a) => !/^--(host|port)=/.test(a))
            .join(" "),
    };
}

/** `export KEY='value'` lines for `eval "$(npx rds-iam env …)"`. */
export function exportLines(environment: Record<string, string>): string[] {
    return Object.entries(environment).map(([key, value]) => `export ${key}=${shellQuote(value)}`);
}

/** The exact install command for a missing client binary. */
export function installHint(family: EngineFamily): string {
    return family === "postgres"
        ? "psql not found: install it with `sudo apt-get install -y postgresql-client` (Debian/Ubuntu) or `sudo dnf install -y postgresql15` (Amazon Linux 2023; `sudo yum install -y postgresql` on Amazon Linux 2)"
        : "mysql not found: install it with `sudo apt-get install -y mariadb-client` (Debian/Ubuntu) or `sudo dnf install -y mariadb105` (Amazon Linux 2023; `sudo yum install -y mariadb` on Amazon Linux 2)";
}
