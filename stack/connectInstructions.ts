/**
 * The stack output `connect.<user>`: the exact commands a person on the workload's host runs to log
 * in with an IAM token. Rendered from the same pure builders as the rds-iam CLI
 * (components/client/cliCommand.ts), so the two never disagree. Pure.
 */
import { engineFamily } from "../components/engines";
import { rdsCaBundleUrl } from "../components/rdsCa";
import {
    ClientCommandArgs,
    ConnectLineArgs,
    MARIADB_CLIENT,
    MYSQL_CLIENT,
    awsCliTokenWords,
    clientCommandLine,
    rdsIamConnectWords,
} from "../components/client/cliCommand";
import { shellWords } from "../components/client/shell";

/** What the stack knows about one IAM user's connection (the same facts the CLI line needs). */
export type ConnectInstructionArgs = ConnectLineArgs;

export interface ConnectInstructions {
    /** Downloads the region's RDS CA bundle to `caFile` in the current directory (run once). */
    readonly caDownload: string;
    /** The CA file the commands trust, relative to the directory `caDownload` ran in. */
    readonly caFile: string;
    /** Prints a 15-minute token with the AWS CLI. */
    readonly token: string;
    /**
     * Connects with psql, or with Oracle's MySQL 8 client, signing the token inline into
     * PGPASSWORD / MYSQL_PWD (never argv), TLS verified against `caFile` and the RDS name.
     */
    readonly command: string;
    /** MySQL-protocol engines only: the same with the MariaDB client (`mariadb`). */
    readonly mariadbCommand?: string;
    /** The same in one step with the installed rds-iam CLI (token, CA file and client flags handled). */
    readonly cli: string;
}

export function connectInstructions(args: ConnectInstructionArgs): ConnectInstructions {
    const caFile = `rds-ca-${args.region}.pem`;
    const token = awsCliTokenWords(args);
    const client: ClientCommandArgs = {
        engine: args.engine,
        rdsHost: args.host,
        connectHost: args.host,
        connectPort: args.port,
        username: args.username,
        ...(args.database !== undefined ? { database: args.database } : {}),
        caFile,
    };
    const mysqlFamily = engineFamily(args.engine) === "mysql";
    return {
        caDownload: shellWords(["curl", "-fsSL", "-o", caFile, rdsCaBundleUrl(args.region)]),
        caFile,
        token: shellWords(token),
        command: clientCommandLine(
            { ...client, ...(mysqlFamily ? { mysqlClient: MYSQL_CLIENT } : {}) },
            token,
        ),
        ...(mysqlFamily
            ? { mariadbCommand: clientCommandLine({ ...client, mysqlClient: MARIADB_CLIENT }, token) }
            : {}),
        cli: shellWords(rdsIamConnectWords(args)),
    };
}
