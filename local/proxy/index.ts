/**
 * A local RDS Proxy with end-to-end IAM authentication (DefaultAuthScheme IAM_AUTH, requireTls) in
 * front of a throwaway database: it speaks the PostgreSQL or MySQL wire protocol up to the login,
 * checks what RDS Proxy checks (authorizer.ts), logs into the database as the same user with its
 * own role's token, and then relays the session byte for byte.
 *
 * Hand-written handshakes (pgSession.ts, mysqlSession.ts) rather than libraries: mysql2's server
 * mode has no server-side TLS (its ServerHandshake never offers CLIENT_SSL), and a PostgreSQL
 * gateway library would be a new dependency of the whole project for the ~100 lines of start-up
 * protocol the IAM front door (servers/pgFrontDoor.ts) already speaks by hand; after the login no
 * message is parsed at all.
 */
import * as net from "node:net";
import type { ServerEngine } from "../servers/loginHook";
import type { Principal } from "../emulator/verifier";
import { Authorizer, ProxyDecision, ProxyIdentity, ProxyTarget, createAuthorizer } from "./authorizer";
import { ProxyCertificate, wildcardFor } from "./certificate";
import { serveMysqlClient } from "./mysqlSession";
import { servePgClient } from "./pgSession";

export { ProxyDecision, ProxyIdentity, ProxyTarget } from "./authorizer";
export { ProxyCertificate, proxyCertificate, wildcardFor } from "./certificate";
export { mysqlRefusals, pgRefusals } from "./refusals";

/** RDS Proxy's EngineFamily values for the engines here. */
export type ProxyEngineFamily = "POSTGRESQL" | "MYSQL";

export interface RdsProxyOptions {
    readonly engineFamily: ProxyEngineFamily;
    /** The proxy endpoint, `<name>.proxy-<id>.<region>.rds.amazonaws.com`. */
    readonly endpoint: string;
    /** The proxy's resource id, `prx-…`: what its clients' connect policies name. */
    readonly resourceId: string;
    readonly region: string;
    readonly accountId: string;
    /** @default "aws" */
    readonly partition?: string;
    /** Where to listen. @default "127.0.0.1" */
    readonly host?: string;
    /** @default a free port */
    readonly port?: number;
    /** The port clients sign their tokens for (when a relay answers at the engine's port). @default the listening port */
    readonly tokenPort?: number;
    /** Its certificate, issued to the endpoint's wildcard name (certificate.ts). */
    readonly certificate: ProxyCertificate;
    /** The database users the proxy may log in as (DatabaseProxy `users`). */
    readonly users: readonly string[];
    /** The proxy's IAM role: signs its tokens for the database; its policies decide there. */
    readonly role: Principal;
    /** The workloads that may sign tokens for the proxy. */
    readonly clients: readonly Principal[];
    /** The database behind it. */
    readonly target: ProxyTarget;
    /** Clock for token expiry. @default Date.now */
    readonly now?: () => number;
    /**
     * How long a client may take from connecting to being relayed (a silent client must not hold a
     * database connection open).
     * @default 10000
     */
    readonly handshakeTimeoutMs?: number;
}

export interface RdsProxy {
    readonly endpoint: string;
    readonly host: string;
    readonly port: number;
    /** Every decision, newest last (client token, proxy users, the database's answer to the proxy). */
    readonly decisions: readonly ProxyDecision[];
    close(): Promise<void>;
}

const PRX_ID = /^prx-[a-z0-9]+$/;

export async function startRdsProxy(options: RdsProxyOptions): Promise<RdsProxy> {
    const wildcard = wildcardFor(options.endpoint); // throws for a name that is not a proxy endpoint
    if (options.certificate.wildcard !== wildcard)
        throw new Error(
            `the certificate is issued to ${options.certificate.wildcard}, not ${wildcard}: make it with proxyCertificate(dir, "${options.endpoint}", ca)`,
        );
    if (!PRX_ID.test(options.resourceId))
        throw new Error(
            `resourceId ${JSON.stringify(options.resourceId)} is not an RDS Proxy resource id (prx- and lowercase letters and digits)`,
        );
    const sockets = new Set<net.Socket>();
    const listener = net.createServer();
    await new Promise<void>((resolve, reject) => {
        listener.once("error", reject);
        listener.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
    });
    const port = (listener.address() as net.AddressInfo).port;
    const engine: ServerEngine = options.engineFamily === "POSTGRESQL" ? "postgres" : "mysql";
    const identity: ProxyIdentity = {
        endpoint: options.endpoint,
        port: options.tokenPort ?? port,
        region: options.region,
        accountId: options.accountId,
        resourceId: options.resourceId,
        ...(options.partition !== undefined ? { partition: options.partition } : {}),
    };
    const authorizer: Authorizer = createAuthorizer({
        identity,
        engine,
        clients: options.clients,
        role: options.role,
        users: options.users,
        target: options.target,
        ...(options.now !== undefined ? { now: options.now } : {}),
    });
    const certificate = { cert: options.certificate.cert, key: options.certificate.key };
    let connections = 0;
    listener.on("connection", (client: net.Socket) => {
        // Every socket of one client connection (its TLS layer, the database's) ends with it.
        const own = new Set<net.Socket>([client]);
        const track = (s: net.Socket) => {
            own.add(s);
            sockets.add(s);
            s.on("close", () => sockets.delete(s));
        };
        track(client);
        const endAll = () => {
            for (const s of own) s.destroy();
        };
        client.on("close", endAll);
        client.on("error", endAll);
        const session = { certificate, authorizer, target: options.target, track };
        const serving =
            options.engineFamily === "POSTGRESQL"
                ? servePgClient(client, session)
                : serveMysqlClient(client, { ...session, connectionId: ++connections });
        const timer = setTimeout(endAll, options.handshakeTimeoutMs ?? 10_000);
        serving
            .catch((e: Error) => {
                if (process.env.RDS_IAM_LOGIN_TRACE)
                    console.error(`[proxy ${options.endpoint}] ${e.message}`);
                endAll();
            })
            .finally(() => clearTimeout(timer));
    });
    return {
        endpoint: options.endpoint,
        host: options.host ?? "127.0.0.1",
        port,
        decisions: authorizer.decisions,
        close: () =>
            new Promise((resolve) => {
                for (const s of sockets) s.destroy();
                listener.close(() => resolve());
            }),
    };
}
