/**
 * What RDS Proxy answers when it refuses a connection, in its own words. Every text is the one the
 * RDS User Guide lists in "Troubleshooting for RDS Proxy" (Common issues and solutions,
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.troubleshooting.html):
 *
 * MySQL:
 * - `ERROR 3159 (HY000): This RDS Proxy requires TLS connections.` (Require Transport Layer Security on)
 * - `ERROR 1045 (28000): Access denied for user 'DB_USER'@'%' (using password: YES)` — the one
 *   answer for every failed login (a bad token, a missing connect permission, an unknown user).
 *
 * PostgreSQL:
 * - `This RDS Proxy requires TLS connections.` (Require Transport Layer Security, sslmode=disable)
 * - `The IAM authentication failed for the role role_name. Check the IAM token for this role and try
 *   again.` ("There is a problem with the IAM token used for IAM authentication.")
 * - `This RDS proxy has no credentials for the role role_name. Check the credentials for this role
 *   and try again.` (a user the proxy has no credentials for)
 * - `Request returned an error: database_error.` ("The database connection established from the
 *   proxy returned an error", e.g. `Request returned an error: database "x" does not exist`): what
 *   a client sees when the proxy's own IAM login to the database is refused.
 * - `A user name is missing from the connection startup packet. Provide a user name for this connection.`
 * - `Feature not supported: RDS Proxy supports only version 3.0 of the PostgreSQL messaging protocol.`
 * - `Feature not supported: RDS Proxy currently doesn't support streaming replication mode.`
 *
 * The guide gives no SQLSTATE for the PostgreSQL texts: these carry 28000
 * (invalid_authorization_specification) for refused logins, 0A000 (feature_not_supported) for the
 * "Feature not supported" ones, and 08006 for errors from the database connection.
 */

export interface PgRefusal {
    readonly code: string;
    readonly message: string;
}

export interface MysqlRefusal {
    readonly errno: number;
    readonly sqlState: string;
    readonly message: string;
}

export const pgRefusals = {
    tlsRequired: (): PgRefusal => ({ code: "28000", message: "This RDS Proxy requires TLS connections." }),
    iamFailed: (user: string): PgRefusal => ({
        code: "28000",
        message: `The IAM authentication failed for the role ${user}. Check the IAM token for this role and try again.`,
    }),
    noCredentials: (user: string): PgRefusal => ({
        code: "28000",
        message: `This RDS proxy has no credentials for the role ${user}. Check the credentials for this role and try again.`,
    }),
    databaseError: (databaseMessage: string): PgRefusal => ({
        code: "08006",
        message: `Request returned an error: ${databaseMessage}`,
    }),
    userMissing: (): PgRefusal => ({
        code: "28000",
        message:
            "A user name is missing from the connection startup packet. Provide a user name for this connection.",
    }),
    protocolVersion: (): PgRefusal => ({
        code: "0A000",
        message:
            "Feature not supported: RDS Proxy supports only version 3.0 of the PostgreSQL messaging protocol.",
    }),
    replication: (): PgRefusal => ({
        code: "0A000",
        message: "Feature not supported: RDS Proxy currently doesn't support streaming replication mode.",
    }),
};

export const mysqlRefusals = {
    tlsRequired: (): MysqlRefusal => ({
        errno: 3159,
        sqlState: "HY000",
        message: "This RDS Proxy requires TLS connections.",
    }),
    accessDenied: (user: string): MysqlRefusal => ({
        errno: 1045,
        sqlState: "28000",
        message: `Access denied for user '${user}'@'%' (using password: YES)`,
    }),
};
