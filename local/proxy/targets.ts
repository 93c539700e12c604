/**
 * Databases for the local RDS Proxy to log into: a throwaway server of its own that decides IAM
 * logins the way RDS does, on every version — PostgreSQL behind its IAM front door
 * (servers/pgFrontDoor.ts; the npm builds of 16/17 have no LDAP), MariaDB and MySQL through their
 * AWSAuthenticationPlugin. Both ask the login hook (setLoginDecider), so whoever plays the
 * database's IAM decides the proxy's own logins too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ServerName, ServerOptions, ThrowawayServer, launchServer } from "../servers";
import { startPgFrontDoor } from "../servers/pgFrontDoor";
import { createCertificateAuthority, serverCertificate } from "../servers/processes";
import type { ProxyTarget } from "./authorizer";

export interface ProxyDatabase {
    readonly server: ThrowawayServer;
    /** What the proxy connects to; `endpoint`/`tokenPort` are what its tokens are signed for. */
    readonly target: ProxyTarget;
    stop(): Promise<void>;
}

/** Starts `name` (ServerUnavailableError when this machine cannot run it) with IAM logins decided by the login hook. */
export async function startProxyDatabase(
    name: ServerName,
    dir: string,
    options: Omit<ServerOptions, "ca" | "frontDoorCa"> = {},
): Promise<ProxyDatabase> {
    fs.mkdirSync(dir, { recursive: true });
    if (!name.startsWith("postgres")) {
        const { server, stop } = await launchServer(name, options);
        return {
            server,
            target: {
                host: server.host,
                port: server.port,
                endpoint: server.endpoint,
                tokenPort: server.port,
                caCertificate: server.caCertificate,
            },
            stop,
        };
    }
    const [rdsCa, frontDoorCa] = await Promise.all([
        createCertificateAuthority(path.join(dir, "rds-ca"), "rds-iam local RDS CA (proxy target)"),
        createCertificateAuthority(
            path.join(dir, "front-door-ca"),
            "rds-iam local IAM front door (proxy target)",
        ),
    ]);
    const { server, stop } = await launchServer(name, { ...options, frontDoorCa });
    const doorDir = path.join(dir, "door");
    fs.mkdirSync(doorDir, { recursive: true });
    const certificate = await serverCertificate(doorDir, server.endpoint, rdsCa);
    const door = await startPgFrontDoor({
        host: "127.0.0.1",
        port: 0,
        certificate,
        backend: server,
        ca: frontDoorCa,
        dir: doorDir,
    });
    return {
        server,
        target: {
            host: door.host,
            port: door.port,
            endpoint: server.endpoint,
            tokenPort: door.port,
            caCertificate: rdsCa.pem,
        },
        stop: async () => {
            await door.close();
            await stop();
        },
    };
}
