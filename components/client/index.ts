// The app-side client: IAM-token connection options for mysql2 and pg, the token cache, and the
// pure command-line builders the rds-iam CLI and the stack outputs share.
export {
    getConnectionOptions,
    getMysqlConnectionOptions,
    getPgConnectionOptions,
    resolveTarget,
    ConnectionRequest,
    MysqlConnectionOptions,
    PgConnectionOptions,
    ResolvedTarget,
} from "./connectionOptions";
export {
    TokenCache,
    TokenCacheOptions,
    TokenRequest,
    TokenSigner,
    SigningCredentials,
    rdsSigner,
    defaultTokenCache,
    TOKEN_RENEW_AFTER_MS,
    TOKEN_LIFETIME_MS,
} from "./tokenCache";
export { isRdsEndpoint, regionOfRdsEndpoint, notRdsEndpointWarning } from "./rdsEndpoint";
export { rdsCaBundle, trustedCa, writeCaFile } from "./caBundle";
export { NO_CREDENTIALS_MESSAGE, isMissingCredentialsError } from "./signingErrors";
export {
    rdsIamConnectCommand,
    ConnectLineArgs,
    mysqlCommand,
    psqlCommand,
    clientCommand,
    libpqParameters,
    connectionEnvironment,
    exportLines,
    installHint,
    mysqlClientFlavor,
    shellQuote,
    ClientCommand,
    ClientCommandArgs,
    MysqlClientFlavor,
} from "./cliCommand";
