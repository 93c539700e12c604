/**
 * The `rds-iam` command: `token` prints an RDS IAM auth token, `connect` runs mysql/psql with the
 * right TLS and cleartext flags, `env` prints export lines for scripts. Arguments are parsed with
 * node:util parseArgs; the command lines themselves come from the pure builders in cliCommand.ts.
 */
import { parseArgs } from "node:util";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Engine, ENGINES, engineFamily, isEngine, defaultPort } from "../engines";
import { rdsCaBundle, writeCaFile } from "./caBundle";
import {
    ClientCommand,
    ClientCommandArgs,
    clientCommand,
    connectionEnvironment,
    exportLines,
    installHint,
    mysqlClientFlavor,
    shellQuote,
} from "./cliCommand";
import { notRdsEndpointWarning, regionOfRdsEndpoint } from "./rdsEndpoint";
import { defaultTokenCache, TokenCache, TokenRequest } from "./tokenCache";

export const HELP = `rds-iam: connect to Amazon RDS with an IAM auth token

Usage:
  npx rds-iam token   --host <endpoint> --user <name> [--port <n> | --engine <engine>] [--region <r>]
  npx rds-iam connect --engine <engine> --host <endpoint> --user <name> [--database <db>] [options]
  npx rds-iam env     --engine <engine> --host <endpoint> --user <name> [--database <db>] [options]
  npx rds-iam help

Commands:
  token     print a token (valid 15 minutes) for host:port and user
  connect   run mysql or psql with the token, TLS verified against the RDS CA bundle
            (mysql: --enable-cleartext-plugin --ssl-ca; psql: sslmode=verify-full)
  env       print export lines (PGHOST, PGPASSWORD, PGSSLMODE, … or MYSQL_HOST, MYSQL_PWD, …)

Options:
  --engine <engine>        ${ENGINES.join(" | ")}
  --host <host>            the RDS endpoint (or, with --signing-host, the address to connect to)
  --port <n>               database port (default 3306 for MySQL/MariaDB, 5432 for PostgreSQL)
  --user <name>            database user, case-exact
  --database <db>          database to open
  --region <region>        AWS region (default: from the endpoint name, else AWS_REGION / AWS_DEFAULT_REGION)
  --signing-host <host>    the real RDS endpoint when --host is a tunnel, CNAME or proxy address:
                           the token is signed for it and TLS verifies it
  --signing-port <n>       the RDS port the token names when --port is a tunnel's local port (default --port)
  --ca-file <path>         PEM file to trust instead of the RDS CA bundle
  --dry-run                connect: print the command instead of running it (token not shown)

Credentials come from the default AWS chain (no flags needed):
  EC2 (instance profile):   npx rds-iam connect --engine postgres --host mydb.abc123.us-east-1.rds.amazonaws.com --user app_user --database appdb
  Lambda / ECS (role):      the function or task role is used; in code prefer client.getConnectionOptions(...)
                            TOKEN=$(npx rds-iam token --engine mysql --host mydb.abc123.eu-west-1.rds.amazonaws.com --user app_user)
  Laptop (profile / SSO):   AWS_PROFILE=dev npx rds-iam connect --engine mysql --host mydb.abc123.eu-west-1.rds.amazonaws.com --user app_user
  Laptop through a tunnel:  ssh -L 15432:mydb.abc123.us-east-1.rds.amazonaws.com:5432 bastion &
                            npx rds-iam connect --engine postgres --host 127.0.0.1 --port 15432 \\
                              --signing-host mydb.abc123.us-east-1.rds.amazonaws.com --signing-port 5432 --user app_user
  Scripts:                  eval "$(npx rds-iam env --engine postgres --host … --user app_user)" && psql -c 'select 1'
`;

/** A usage error: printed with a pointer to help, exit code 2. */
export class UsageError extends Error {}

/** What the CLI touches outside itself (injectable for tests). */
export interface CliContext {
    readonly env: NodeJS.ProcessEnv;
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    readonly tokenCache?: TokenCache;
    /** Runs the client; resolves to its exit code. */
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

interface ParsedTarget {
    readonly engine?: Engine;
    readonly token: TokenRequest;
    readonly connectHost: string;
    readonly connectPort: number;
    readonly database?: string;
    readonly caFile?: string;
    readonly dryRun: boolean;
}

/** Parses and validates the options of token/connect/env (pure apart from reading `env`). */
export function parseTarget(command: string, argv: string[], env: NodeJS.ProcessEnv): ParsedTarget {
    let values;
    try {
        ({ values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
    const engineName = values.engine;
    if (engineName !== undefined && !isEngine(engineName)) {
        throw new UsageError(`unknown engine "${engineName}": use one of ${ENGINES.join(", ")}`);
    }
    const engine = engineName as Engine | undefined;
    if (command !== "token" && engine === undefined) {
        throw new UsageError(`--engine is required for ${command}: one of ${ENGINES.join(", ")}`);
    }
    const host = values.host;
    if (!host)
        throw new UsageError(
            "--host is required: the RDS endpoint, e.g. mydb.abc123.us-east-1.rds.amazonaws.com",
        );
    const username = values.user ?? values.username;
    if (!username)
        throw new UsageError("--user is required: the database user that logs in with IAM (case-exact)");
    let port: number;
    if (values.port !== undefined) {
        port = parsePort("--port", values.port);
    } else if (engine !== undefined) {
        port = defaultPort(engine);
    } else {
        throw new UsageError("--port or --engine is required (the token names host:port)");
    }
    const signingHost = values["signing-host"] ?? host;
    const signingPort =
        values["signing-port"] !== undefined ? parsePort("--signing-port", values["signing-port"]) : port;
    const region =
        values.region ?? regionOfRdsEndpoint(signingHost) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) {
        throw new UsageError(
            `--region is required: "${signingHost}" does not name its region and AWS_REGION is not set`,
        );
    }
    return {
        engine,
        token: { host: signingHost, port: signingPort, username, region },
        connectHost: host,
        connectPort: port,
        database: values.database,
        caFile: values["ca-file"],
        dryRun: values["dry-run"] ?? false,
    };
}

function parsePort(flag: string, text: string): number {
    const port = Number(text);
    if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
        throw new UsageError(`${flag} must be an integer between 1 and 65535; got "${text}"`);
    }
    return port;
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

function spawnClient(command: ClientCommand): Promise<number> {
    return new Promise((resolve, reject) => {
        const child = childProcess.spawn(command.program, [...command.args], {
            stdio: "inherit",
            env: { ...process.env, ...command.env },
        });
        child.on("error", reject);
        child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    });
}

function clientArgs(target: ParsedTarget, caFile: string, env: NodeJS.ProcessEnv): ClientCommandArgs {
    const engine = target.engine as Engine;
    const flavor =
        engineFamily(engine) === "mysql" && onPath("mysql", env)
            ? mysqlClientFlavor(
                  childProcess.spawnSync("mysql", ["--version"], { encoding: "utf8", env }).stdout ?? "",
              )
            : "mysql";
    return {
        engine,
        rdsHost: target.token.host,
        connectHost: target.connectHost,
        connectPort: target.connectPort,
        username: target.token.username,
        ...(target.database !== undefined ? { database: target.database } : {}),
        caFile,
        mysqlFlavor: flavor,
    };
}

/** Runs the CLI; resolves to the process exit code. */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
    const [command, ...rest] = argv;
    if (command === undefined || command === "help" || command === "--help" || command === "-h") {
        (command === undefined ? context.stderr : context.stdout)(HELP);
        return command === undefined ? 2 : 0;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
        context.stdout(HELP);
        return 0;
    }
    try {
        if (command !== "token" && command !== "connect" && command !== "env") {
            throw new UsageError(`unknown command "${command}": use token, connect, env or help`);
        }
        const target = parseTarget(command, rest, context.env);
        const warning = notRdsEndpointWarning(target.token.host);
        if (warning) context.stderr(`${warning}\n`);
        if (command === "connect" && target.engine) {
            const program = engineFamily(target.engine) === "mysql" ? "mysql" : "psql";
            if (!onPath(program, context.env)) throw new Error(installHint(engineFamily(target.engine)));
        }
        const token = await (context.tokenCache ?? defaultTokenCache).getToken(target.token);
        if (command === "token") {
            context.stdout(`${token}\n`);
            return 0;
        }
        const caFile = target.caFile ?? writeCaFile(rdsCaBundle());
        const args = clientArgs(target, caFile, context.env);
        if (command === "env") {
            context.stdout(`${exportLines(connectionEnvironment(args, token)).join("\n")}\n`);
            return 0;
        }
        const client = clientCommand(args, token);
        if (target.dryRun) {
            const env = Object.keys(client.env).map((key) => `${key}=<token>`);
            context.stdout(`${[...env, client.program, ...client.args.map(shellQuote)].join(" ")}\n`);
            return 0;
        }
        return await (context.run ?? spawnClient)(client);
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        context.stderr(`rds-iam: ${message}\n`);
        if (error instanceof UsageError) {
            context.stderr("run `npx rds-iam help` for usage and examples\n");
            return 2;
        }
        return 1;
    }
}

/** Entry point for the `rds-iam` bin. */
export function main(): void {
    runCli(process.argv.slice(2), {
        env: process.env,
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
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

if (require.main === module) main();
