/**
 * The IAM decisions of an RDS Proxy with end-to-end IAM authentication (DefaultAuthScheme IAM_AUTH):
 *
 * 1. The client's token must be signed for the proxy endpoint, and its signer allowed
 *    `rds-db:connect` on `dbuser:prx-…/<user>` — the proxy's resource id, not the database's
 *    ("Configuring IAM authentication for RDS Proxy": clients' policies name the proxy,
 *    https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-iam-setup.html). The same
 *    verifier the throwaway databases use decides (token.ts, decideConnect.ts), with the proxy as
 *    the "database": a token for the database host fails its host check.
 * 2. The user must be one of the proxy's users. A real IAM_AUTH proxy keeps no list of users (it has
 *    no `auth` secrets): a user outside DatabaseProxy `users` is one its role's policy does not name,
 *    so AWS would fail it at step 3. The stand-in refuses it here, before any database login, with
 *    the answer RDS Proxy documents for a user it has no credentials for — stricter than AWS when a
 *    role was granted more users by hand, never friendlier.
 * 3. The proxy then logs into the database as that user with a token its own role signs for the
 *    database endpoint ("the proxy uses IAM authentication to connect to your database … configure
 *    rds-db:connect for your IAM role", same page); the database's own IAM check decides that one.
 */
import { LoginDecision, ServerEngine } from "../servers/loginHook";
import { signToken } from "../emulator/principals";
import { Principal, createIamLoginVerifier } from "../emulator/verifier";

/** Where the proxy logs in: the database's endpoint (TLS name, token host) and where to open TCP. */
export interface ProxyTarget {
    /** Where to open the TCP connection (a tunnel or front door address). */
    readonly host: string;
    readonly port: number;
    /** The database's RDS endpoint: its certificate's name and the host its tokens are signed for. */
    readonly endpoint: string;
    /** The port tokens for the database name (the endpoint's port). */
    readonly tokenPort: number;
    /** PEM the proxy trusts for the database's certificate (the RDS CA stand-in). */
    readonly caCertificate: string;
}

export interface ProxyIdentity {
    /** The proxy endpoint, `<name>.proxy-<id>.<region>.rds.amazonaws.com`: clients sign for it. */
    readonly endpoint: string;
    /** The port clients sign for (the proxy's listening port unless it sits behind a relay). */
    readonly port: number;
    readonly region: string;
    readonly accountId: string;
    /** The proxy's resource id `prx-…`, the one in its clients' `dbuser:prx-…/<user>` ARNs. */
    readonly resourceId: string;
    /** @default "aws" */
    readonly partition?: string;
}

export type ProxyStage = "client-token" | "proxy-users" | "database-login";

/** One decision the proxy made, newest last: why a connection was refused (or let through). */
export interface ProxyDecision {
    readonly stage: ProxyStage;
    readonly user: string;
    readonly allow: boolean;
    readonly reason: string;
}

export interface AuthorizerOptions {
    readonly identity: ProxyIdentity;
    /** The attempt engine the verifier files decisions under ("postgres" or "mysql"). */
    readonly engine: ServerEngine;
    /** The workloads' principals: their keys verify tokens, their policies decide `dbuser:prx-…`. */
    readonly clients: readonly Principal[];
    /** The proxy's own role: it signs the proxy's tokens for the database. */
    readonly role: Principal;
    /** The database users the proxy knows. */
    readonly users: readonly string[];
    readonly target: ProxyTarget;
    /** Clock for token expiry. @default Date.now */
    readonly now?: () => number;
}

export type Authorization =
    | { readonly allowed: true; readonly databaseToken: string }
    | { readonly allowed: false; readonly stage: Exclude<ProxyStage, "database-login"> };

export interface Authorizer {
    /** Steps 1 and 2, then the token the proxy's role signs for the database (step 3 is the database's). */
    authorize(user: string, clientHost: string, token: string): Promise<Authorization>;
    /** Records the database's answer to the proxy's own login. */
    recordDatabaseLogin(user: string, decision: LoginDecision): void;
    readonly decisions: ProxyDecision[];
}

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
    const { identity } = options;
    const verify = createIamLoginVerifier({
        databases: [
            {
                engine: options.engine,
                endpoint: identity.endpoint,
                port: identity.port,
                region: identity.region,
                accountId: identity.accountId,
                resourceId: identity.resourceId,
                ...(identity.partition !== undefined ? { partition: identity.partition } : {}),
            },
        ],
        principals: options.clients,
        ...(options.now !== undefined ? { now: options.now } : {}),
    });
    const users = new Set(options.users);
    const decisions: ProxyDecision[] = [];
    const record = (stage: ProxyStage, user: string, allow: boolean, reason: string) => {
        decisions.push({ stage, user, allow, reason });
        if (process.env.RDS_IAM_LOGIN_TRACE)
            console.error(
                `[proxy ${identity.endpoint}] ${stage} ${user}: ${allow ? "ALLOW" : "DENY"} ${reason}`,
            );
    };
    return {
        decisions,
        async authorize(user, clientHost, token) {
            const decision = await verify({ engine: options.engine, user, clientHost, password: token });
            record("client-token", user, decision.allow, decision.reason);
            if (!decision.allow) return { allowed: false, stage: "client-token" };
            if (!users.has(user)) {
                record(
                    "proxy-users",
                    user,
                    false,
                    `"${user}" is not one of the proxy's users (${[...users].join(", ")})`,
                );
                return { allowed: false, stage: "proxy-users" };
            }
            const databaseToken = await signToken(
                options.role,
                options.target.endpoint,
                options.target.tokenPort,
                user,
                identity.region,
            );
            return { allowed: true, databaseToken };
        },
        recordDatabaseLogin(user, decision) {
            record("database-login", user, decision.allow, decision.reason);
        },
    };
}
