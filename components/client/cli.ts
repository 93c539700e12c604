/**
 * The `rds-iam` command: `token` prints an RDS IAM auth token, `connect` runs mysql/mariadb/psql with
 * the right TLS flags, `env` prints export lines for scripts. Flags are parsed with node:util
 * parseArgs and resolved by the library's own resolver (target.ts); the command lines come from the
 * pure builders in cliCommand.ts.
 */
import { parseArgs } from "node:util";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Engine, ENGINES, engineFamily } from "../engines";
import { trustedCa, writeCaFile } from "./caBundle";
import {
    ClientCommand,
    ClientCommandArgs,
    MARIADB_CLIENT,
    MYSQL_CLIENT,
    MysqlClient,
    clientCommand,
    clientCommandLine,
    connectionEnvironment,
    installHint,
    mysqlClientFlavor,
    rdsIamTokenWords,
} from "./cliCommand";
import { notRdsEndpointWarning } from "./rdsEndpoint";
import { exportLines } from "./shell";
import { InputNames, ResolvedTarget, TargetError, checkCaCoverage, resolveTarget } from "./target";
import { defaultTokenCache, TokenCache } from "./tokenCache";

export const HELP = `rds-iam: connect to Amazon RDS with an IAM auth token

Usage:
  rds-iam token   --host <endpoint> --user <name> [--port <n> | --engine <engine>] [--region <r>]
  rds-iam connect --engine <engine> --host <endpoint> --user <name> [--database <db>] [options]
  rds-iam env     --engine <engine> --host <endpoint> --user <name> [--database <db>] [options]
  rds-iam help | --version

Install: rds-iam is not published on npm yet, so never run \`npx rds-iam\` (npx would fetch whatever
package holds that name on the registry). Build the package from a checkout, then install the file:
  git clone <repository> rds-iam && cd rds-iam && npm ci && npm pack   # writes rds-iam-<version>.tgz
  npm install -g ./rds-iam-<version>.tgz                               # on the host: puts rds-iam on PATH

Commands:
  token     print a token (valid 15 minutes) for host:port and user
  connect   run the MySQL client (--enable-cleartext-plugin --ssl-mode=VERIFY_IDENTITY), the MariaDB
            client (mysql or mariadb: --ssl-verify-server-cert) or psql (sslmode=verify-full), TLS
            verified against the RDS CA bundle (for an RDS Proxy endpoint: Amazon Root CA 1-4), the
            token in MYSQL_PWD / PGPASSWORD (never in argv)
  env       print export lines (PGHOST, PGPASSWORD, PGSSLMODE, … or MYSQL_HOST, MYSQL_PWD, …)

Options:
  --engine <engine>        ${ENGINES.join(" | ")}
  --host <host>            the RDS endpoint or RDS Proxy endpoint (or, with --signing-host, the address
                           to connect to)
  --port <n>               database port (default 3306 for MySQL/MariaDB, 5432 for PostgreSQL)
  --user <name>            database user, case-exact
  --database <db>          database to open
  --region <region>        AWS region (default: from the endpoint name, else AWS_REGION / AWS_DEFAULT_REGION)
  --signing-host <host>    the real RDS endpoint when --host is a tunnel, CNAME or proxy address:
                           the token is signed for it and TLS verifies it
  --signing-port <n>       the RDS port the token names when --port is a tunnel's local port (default --port)
  --ca-file <path>         PEM file to trust instead of the RDS CA bundle, or of Amazon Root CA 1-4 for a
                           proxy (needed in regions the bundle has no CA for: the error names the
                           region's bundle to download)
  --dry-run                connect: print the command line instead of running it (pasted, it signs
                           its own token with \`rds-iam token\`)
  --version                print the version

Credentials come from the default AWS chain (no flags needed):
  EC2 (instance profile):   rds-iam connect --engine postgres --host mydb.abc123.us-east-1.rds.amazonaws.com --user app_user --database appdb
  Lambda / ECS (role):      the function or task role is used; in code prefer getConnectionOptions from rds-iam/client
                            TOKEN=$(rds-iam token --engine mysql --host mydb.abc123.eu-west-1.rds.amazonaws.com --user app_user)
  Laptop (profile / SSO):   AWS_PROFILE=dev rds-iam connect --engine mysql --host mydb.abc123.eu-west-1.rds.amazonaws.com --user app_user
  Through an RDS Proxy:     rds-iam connect --engine aurora-mysql --host app.proxy-abc123.us-east-1.rds.amazonaws.com --user app_user
                            (a MySQL 8.0+ or MariaDB client: the proxy's certificate has a wildcard name)
  Laptop through a tunnel:  ssh -L 15432:mydb.abc123.us-east-1.rds.amazonaws.com:5432 bastion &
                            rds-iam connect --engine postgres --host 127.0.0.1 --port 15432 \\
                              --signing-host mydb.abc123.us-east-1.rds.amazonaws.com --signing-port 5432 --user app_user
  Scripts:                  eval "$(rds-iam env --engine postgres --host … --user app_user)" && psql -c 'select 1'
`;

/** A usage error: printed with a pointer to help, exit code 2. */
export class UsageError extends Error {}

/** What the CLI touches outside itself (injectable for tests). */
export interface CliContext {
    readonly env: NodeJS.ProcessEnv;
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    /** The package version `--version` prints. @default "unknown" */
    readonly version?: string;
    /** @default the process-wide token cache */
    readonly tokenCache?: TokenCache;
    /** Runs the client; resolves to its exit code. @default spawns it with `env` plus the token */
    readonly run?: (command: ClientCommand) => Promise<number>;
}

const OPTIONS = {
    engine: { type: "string" },
    host: { type: "string" },
    port: { type: "string" },
    user: { type: "string" },
    username: { type: "string" },
    database: { type: "string" },
    region: { type: "string" },
    "signing-host": { type: "string" },
    "signing-port": { type: "string" },
    "ca-file": { type: "string" },
    "dry-run": { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

interface ParsedTarget extends ResolvedTarget {
    readonly engine?: Engine;
    readonly database?: string;
    readonly caFile?: string;
    readonly dryRun: boolean;
}

/** Parses the flags of token/connect/env and resolves them with the library's resolver. */
export function parseTarget(command: string, argv: string[], env: NodeJS.ProcessEnv): ParsedTarget {
    let values;
    try {
        ({ values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
    if (command !== "token" && values.engine === undefined) {
        throw new UsageError(`--engine is required for ${command}: one of ${ENGINES.join(", ")}`);
    }
    const names: InputNames = {
        engine: "--engine",
        host: "--host",
        port: values["signing-port"] !== undefined ? "--signing-port" : "--port",
        connectPort: "--port",
        username: "--user",
        region: "--region",
        signingHost: "--signing-host",
    };
    let target: ResolvedTarget;
    try {
        // --host/--port say where to connect; --signing-host/--signing-port what the token names.
        target = resolveTarget(
            {
                engine: values.engine as Engine | undefined,
                host: values.host ?? "",
                port: values["signing-port"] ?? values.port,
                connectPort: values.port,
                username: values.user ?? values.username ?? "",
                region: values.region,
                signingHost: values["signing-host"],
            },
            {
                names,
                fallbackRegion: { value: env.AWS_REGION ?? env.AWS_DEFAULT_REGION, source: "AWS_REGION" },
            },
        );
    } catch (error) {
        throw error instanceof TargetError ? new UsageError(error.message) : error;
    }
    return {
        ...target,
        engine: values.engine as Engine | undefined,
        database: values.database,
        caFile: values["ca-file"],
        dryRun: values["dry-run"] ?? false,
    };
}

/** True when `program` is an executable file on PATH. */
export function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
    return (env.PATH ?? "").split(path.delimiter).some((dir) => {
        try {
            fs.accessSync(path.join(dir, program), fs.constants.X_OK);
            return true;
        } catch {
            return false;
        }
    });
}

/** The installed MySQL-protocol client: `mysql` (Oracle's or MariaDB's, by its --version), else `mariadb`. */
export function findMysqlClient(env: NodeJS.ProcessEnv): MysqlClient | undefined {
    if (onPath("mysql", env)) {
        const version =
            childProcess.spawnSync("mysql", ["--version"], { encoding: "utf8", env }).stdout ?? "";
        return { program: "mysql", flavor: mysqlClientFlavor(version) };
    }
    return onPath("mariadb", env) ? MARIADB_CLIENT : undefined;
}

function spawnClient(command: ClientCommand, env: NodeJS.ProcessEnv): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = childProcess.spawn(command.program, [...command.args], {
            stdio: "inherit",
            env: { ...env, ...command.env },
        });
        child.on("error", reject);
        child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
}

function clientArgs(target: ParsedTarget, caFile: string, mysqlClient: MysqlClient): ClientCommandArgs {
    return {
        engine: target.engine as Engine,
        rdsHost: target.token.host,
        connectHost: target.connectHost,
        connectPort: target.connectPort,
        username: target.token.username,
        ...(target.database !== undefined ? { database: target.database } : {}),
        caFile,
        mysqlClient,
    };
}

async function runCommand(command: string, rest: string[], context: CliContext): Promise<number> {
    const target = parseTarget(command, rest, context.env);
    const warning = notRdsEndpointWarning(target.token.host);
    if (warning) context.stderr(`${warning}\n`);
    const cache = context.tokenCache ?? defaultTokenCache;
    if (command === "token") {
        context.stdout(`${await cache.getToken(target.token)}\n`);
        return 0;
    }
    checkCaCoverage(target, target.caFile !== undefined, "--ca-file", "path");
    const family = engineFamily(target.engine as Engine);
    let mysqlClient = family === "mysql" ? findMysqlClient(context.env) : undefined;
    if (command === "connect") {
        const installed = family === "mysql" ? mysqlClient !== undefined : onPath("psql", context.env);
        if (!installed) throw new Error(installHint(family));
    }
    mysqlClient ??= MYSQL_CLIENT;
    // The RDS CA bundle, or Amazon Root CA 1-4 for an RDS Proxy endpoint (see amazonRootCa.ts).
    const caFile = target.caFile ?? writeCaFile(trustedCa(undefined, target.token.host));
    const args = clientArgs(target, caFile, mysqlClient);
    if (command === "connect" && target.dryRun) {
        context.stdout(`${clientCommandLine(args, rdsIamTokenWords(target.token))}\n`);
        return 0;
    }
    const token = await cache.getToken(target.token);
    if (command === "env") {
        context.stdout(`${exportLines(connectionEnvironment(args, token)).join("\n")}\n`);
        return 0;
    }
    const client = clientCommand(args, token);
    return await (context.run ?? ((c: ClientCommand) => spawnClient(c, context.env)))(client);
}

/** Runs the CLI; resolves to the process exit code. */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
    const [command, ...rest] = argv;
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
        (command === undefined ? context.stderr : context.stdout)(HELP);
        return command === undefined ? 2 : 0;
    }
    if (command === "--version" || command === "version") {
        context.stdout(`${context.version ?? "unknown"}\n`);
        return 0;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
        context.stdout(HELP);
        return 0;
    }
    try {
        if (command !== "token" && command !== "connect" && command !== "env") {
            throw new UsageError(`unknown command "${command}": use token, connect, env, help or --version`);
        }
        return await runCommand(command, rest, context);
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        context.stderr(`rds-iam: ${message}\n`);
        if (error instanceof UsageError) {
            context.stderr("run `rds-iam help` for usage and examples\n");
            return 2;
        }
        return 1;
    }
}

/** Entry point for the `rds-iam` bin (cli/rds-iam.js passes the package's version). */
export function main(options: { readonly version?: string } = {}): void {
    runCli(process.argv.slice(2), {
        env: process.env,
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        ...(options.version !== undefined ? { version: options.version } : {}),
    }).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            process.stderr.write(`rds-iam: ${String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
