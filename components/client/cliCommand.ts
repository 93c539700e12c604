/**
 * Pure builders for the command lines rds-iam runs, prints or exports: the exact `mysql` /
 * `mariadb` / `psql` argv and environment, the `rds-iam` and AWS CLI lines, and the `env` variables.
 * The CLI, the stack outputs (stack/connectInstructions.ts) and the env lines all render from these.
 * The token never goes on a command line (it would show in `ps`); it travels in MYSQL_PWD / PGPASSWORD.
 */
import * as net from "node:net";
import { Engine, EngineFamily, engineFamily } from "../engines";
import type { TokenRequest } from "./tokenCache";
import { commandSubstitution, shellQuote } from "./shell";

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

/** The `rds-iam connect …` words for one user (the installed CLI, never `npx`). */
export function rdsIamConnectWords(args: ConnectLineArgs): string[] {
    return [
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
}

/** `rds-iam token …`: prints a token for the request. */
export function rdsIamTokenWords(token: TokenRequest): string[] {
    return [
        "rds-iam",
        "token",
        "--host",
        token.host,
        "--port",
        String(token.port),
        "--user",
        token.username,
        "--region",
        token.region,
    ];
}

/** `aws rds generate-db-auth-token …`: the AWS CLI's way to print the same token. */
export function awsCliTokenWords(token: Omit<TokenRequest, "credentials">): string[] {
    return [
        "aws",
        "rds",
        "generate-db-auth-token",
        "--hostname",
        token.host,
        "--port",
        String(token.port),
        "--region",
        token.region,
        "--username",
        token.username,
    ];
}

/**
 * Which MySQL-protocol client runs: Oracle's MySQL client (8.x: `--ssl-mode`, needs
 * `--enable-cleartext-plugin`) or MariaDB's (`--ssl-verify-server-cert`; always allows the cleartext
 * plugin, so `--enable-cleartext-plugin` only draws an "obsolete option" warning:
 * https://mariadb.com/docs/reference/mdb/cli/mariadb/enable-cleartext-plugin/ and Connector/C
 * commit 36c0422, "we don't take any actions - plugins are always enabled").
 */
export type MysqlClientFlavor = "mysql" | "mariadb";

/** The binary to run and its flavor (a MariaDB install may only have `mariadb`, or `mysql` as a link). */
export interface MysqlClient {
    readonly program: "mysql" | "mariadb";
    readonly flavor: MysqlClientFlavor;
}

export const MYSQL_CLIENT: MysqlClient = { program: "mysql", flavor: "mysql" };
export const MARIADB_CLIENT: MysqlClient = { program: "mariadb", flavor: "mariadb" };

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
    /** Path of the PEM CA file: the RDS CA bundle, or Amazon Root CA 1-4 for an RDS Proxy endpoint. */
    readonly caFile: string;
    /** @default MYSQL_CLIENT (Oracle's `mysql`) */
    readonly mysqlClient?: MysqlClient;
}

/** A command to spawn: program, argv and the extra environment, which carries only the token. */
export interface ClientCommand {
    readonly program: string;
    readonly args: readonly string[];
    readonly env: Readonly<Record<string, string>>;
}

/** The MySQL-protocol client's flags after host and port: user, TLS, database. */
function mysqlFlags(args: ClientCommandArgs): string[] {
    const client = args.mysqlClient ?? MYSQL_CLIENT;
    // Through a tunnel the client checks the name it connects to (127.0.0.1), not the RDS name:
    // only the chain can be verified there. WL#9091 removed --ssl-verify-server-cert from MySQL 8.
    // An RDS Proxy's certificate has a wildcard name (*.proxy-<id>.…): Oracle's client verifies it
    // from 8.0 on (AWS: VERIFY_IDENTITY needs "the MySQL 8.0-compatible mysql command", see
    // amazonRootCa.ts), MariaDB's through OpenSSL's X509_check_host, psql as libpq's one-label wildcard.
    const verifyName = args.connectHost === args.rdsHost;
    const tls =
        client.flavor === "mariadb"
            ? [`--ssl-ca=${args.caFile}`, ...(verifyName ? ["--ssl-verify-server-cert"] : [])]
            : [
                  "--enable-cleartext-plugin",
                  `--ssl-ca=${args.caFile}`,
                  `--ssl-mode=${verifyName ? "VERIFY_IDENTITY" : "VERIFY_CA"}`,
              ];
    return [
        `--user=${args.username}`,
        ...tls,
        ...(args.database !== undefined ? [`--database=${args.database}`] : []),
    ];
}

/** The `mysql` / `mariadb` invocation; the token in MYSQL_PWD (deprecated by MySQL, WL#13449, still read by 8.4 and 9.x). */
export function mysqlCommand(args: ClientCommandArgs, token: string): ClientCommand {
    return {
        program: (args.mysqlClient ?? MYSQL_CLIENT).program,
        args: [`--host=${args.connectHost}`, `--port=${args.connectPort}`, ...mysqlFlags(args)],
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

/**
 * The client command as one shell line whose token the shell computes by running `tokenCommand`
 * (`PGPASSWORD="$(rds-iam token …)" psql '…'`): safe to paste, and the token is in no argv.
 */
export function clientCommandLine(args: ClientCommandArgs, tokenCommand: readonly string[]): string {
    const command = clientCommand(args, "");
    const assignments = Object.keys(command.env).map((key) => `${key}=${commandSubstitution(tokenCommand)}`);
    return [...assignments, shellQuote(command.program), ...command.args.map(shellQuote)].join(" ");
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
        // mysql has no environment variable for the user, TLS or cleartext plugin: pass these flags
        // (`mysql $RDS_IAM_MYSQL_FLAGS`: split on spaces by the shell, so not quoted).
        RDS_IAM_MYSQL_FLAGS: mysqlFlags(args).join(" "),
    };
}

/** The exact install command for a missing client binary. */
export function installHint(family: EngineFamily): string {
    return family === "postgres"
        ? "psql not found: install it with `sudo apt-get install -y postgresql-client` (Debian/Ubuntu) or `sudo dnf install -y postgresql15` (Amazon Linux 2023; `sudo yum install -y postgresql` on Amazon Linux 2)"
        : "neither mysql nor mariadb found: install one with `sudo apt-get install -y mariadb-client` (Debian/Ubuntu) or `sudo dnf install -y mariadb105` (Amazon Linux 2023; `sudo yum install -y mariadb` on Amazon Linux 2)";
}
