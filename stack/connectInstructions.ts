/**
 * The exact commands a person runs to log in with an IAM token, by hand: generate the token with
 * the AWS CLI, then connect with the stock client over verified TLS. Pure, for stack outputs and docs.
 */
import { engineFamily } from "../components/engines";
import { ConnectLineArgs, rdsIamConnectCommand } from "../components/client/cliCommand";

/** Where the instructions expect the RDS CA bundle (download: https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem). */
export const RDS_CA_BUNDLE_PATH = "/etc/ssl/certs/rds-global-bundle.pem";

/** What the stack knows about one IAM user's connection (the same facts the CLI line needs). */
export type ConnectInstructionArgs = ConnectLineArgs;

export interface ConnectInstructions {
    /** Prints a 15-minute token. */
    readonly token: string;
    /** Connects with that token (generated inline), TLS verified against the RDS CA. */
    readonly command: string;
    /** The same in one step with the rds-iam CLI (token, CA file and client flags handled). */
    readonly cli: string;
}

export function connectInstructions(args: ConnectInstructionArgs): ConnectInstructions {
    const token = `aws rds generate-db-auth-token --hostname ${args.host} --port ${args.port} --region ${args.region} --username ${args.username}`;
    if (engineFamily(args.engine) === "postgres") {
        const db = args.database ?? "postgres";
        return {
            token,
            cli: rdsIamConnectCommand(args),
            command: `PGPASSWORD="$(${token})" psql "host=${args.host} port=${args.port} dbname=${db} user=${args.username} sslmode=verify-full sslrootcert=${RDS_CA_BUNDLE_PATH}"`,
        };
    }
    const db = args.database === undefined ? "" : ` ${args.database}`;
    return {
        token,
        cli: rdsIamConnectCommand(args),
        command:
            `mysql --host=${args.host} --port=${args.port} --user=${args.username} --password="$(${token})" ` +
            `--ssl-ca=${RDS_CA_BUNDLE_PATH} --ssl-verify-server-cert --enable-cleartext-plugin${db}`,
    };
}
