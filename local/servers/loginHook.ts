/**
 * The IAM login hook of the throwaway servers. MariaDB's test AWSAuthenticationPlugin asks over a
 * UNIX socket; PostgreSQL sends members of rds_iam to an LDAP simple bind. Both end in one
 * pluggable decider, so a test (or the IAM emulator) decides who logs in with which token.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import type { Server as LdapServer } from "ldapjs";

export type ServerEngine = "postgres" | "mariadb" | "mysql";

export interface LoginAttempt {
    readonly engine: ServerEngine;
    readonly user: string;
    readonly clientHost: string;
    readonly password: string;
}

export interface LoginDecision {
    readonly allow: boolean;
    readonly reason: string;
}

export type LoginDecider = (attempt: LoginAttempt) => Promise<LoginDecision> | LoginDecision;

const allowNonEmpty: LoginDecider = (a) =>
    a.password.length > 0
        ? { allow: true, reason: "default decider: any non-empty token" }
        : { allow: false, reason: "default decider: empty token" };

let decider: LoginDecider = allowNonEmpty;

/** Every decision made, newest last, so a failed login can say why. */
export const loginLog: (LoginAttempt & LoginDecision)[] = [];

export function setLoginDecider(decide: LoginDecider): void {
    decider = decide;
}

export function resetLoginDecider(): void {
    decider = allowNonEmpty;
}

/** The decision on one IAM login, logged: for the plugin socket, the LDAP responder and the front door. */
export async function decideLogin(attempt: LoginAttempt): Promise<LoginDecision> {
    let decision: LoginDecision;
    try {
        decision = await decider(attempt);
    } catch (e) {
        decision = { allow: false, reason: `decider failed: ${(e as Error).message}` };
    }
    loginLog.push({ ...attempt, ...decision });
    if (process.env.RDS_IAM_LOGIN_TRACE) {
        console.error(
            `[login] ${attempt.engine} ${attempt.user}@${attempt.clientHost}: ${decision.allow ? "ALLOW" : "DENY"} ${decision.reason}`,
        );
    }
    return decision;
}

/**
 * The socket the MariaDB (or MySQL) plugin asks: `user\0host\0token\0`, answered
 * `ALLOW|DENY <reason>\n`; attempts are reported as `engine`'s.
 */
export async function startPluginSocket(path: string, engine: ServerEngine = "mariadb"): Promise<net.Server> {
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
        const chunks: Buffer[] = [];
        socket.on("data", (c) => chunks.push(c));
        socket.on("error", () => socket.destroy());
        socket.on("end", async () => {
            const [user = "", clientHost = "", password = ""] = Buffer.concat(chunks)
                .toString("utf8")
                .split("\0");
            const decision = await decideLogin({ engine, user, clientHost, password });
            socket.end(`${decision.allow ? "ALLOW" : "DENY"} ${decision.reason.replace(/\n/g, " ")}\n`);
        });
    });
    fs.rmSync(path, { force: true });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(path, resolve));
    return server;
}

export const LDAP_SUFFIX = "dc=rds-iam";

/** An LDAP responder for PostgreSQL's `ldap` auth: bind DN `cn=<user>,dc=rds-iam`, password = token. */
export async function startLdapResponder(): Promise<{ server: LdapServer; port: number }> {
    const ldap = require("ldapjs") as typeof import("ldapjs");
    const server = ldap.createServer();
    server.bind(LDAP_SUFFIX, async (req: any, res: any, next: (e?: unknown) => void) => {
        const rdn = req.dn.rdns?.[0];
        const user = rdn?.getValue
            ? rdn.getValue("cn")
            : String(req.dn).replace(/^cn=/, "").replace(/,.*$/, "");
        const decision = await decideLogin({
            engine: "postgres",
            user: String(user ?? ""),
            clientHost: "127.0.0.1",
            password: String(req.credentials ?? ""),
        });
        if (!decision.allow) {
            return next(new ldap.InvalidCredentialsError(decision.reason));
        }
        res.end();
        return next();
    });
    const port = await new Promise<number>((resolve, reject) => {
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () =>
            resolve(((server as unknown as net.Server).address() as net.AddressInfo).port),
        );
    });
    return { server, port };
}
