// The app-side client, also importable alone as `rds-iam/client` (it never loads @pulumi/*):
// IAM-token connection options for mysql2 and pg, and the token cache behind them. The CLI and the
// command-line builders are internal (the `rds-iam` bin uses them).
export {
    getConnectionOptions,
    getMysqlConnectionOptions,
    getPgConnectionOptions,
    ConnectionRequest,
    MysqlConnectionOptions,
    PgConnectionOptions,
} from "./connectionOptions";
export {
    TokenCache,
    TokenCacheOptions,
    TokenRequest,
    TokenSigner,
    SigningCredentials,
    RenewalErrorHandler,
    defaultTokenCache,
    TOKEN_RENEW_AFTER_MS,
    TOKEN_LIFETIME_MS,
} from "./tokenCache";
export { TargetError } from "./target";
export { rdsCaBundle } from "../rdsCa";
