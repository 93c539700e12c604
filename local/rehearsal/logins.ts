/**
 * Every principal × every database user, as a person on the workload's host would log in: an IAM
 * token signed with the principal's keys by @aws-sdk/rds-signer (through the client helper), TLS
 * verified against the database's CA, the emulator deciding; then what each allowed login may do
 * (probes.ts). Shared by the mocks rehearsal and the engine scenarios.
 */
import { getMysqlConnectionOptions, getPgConnectionOptions } from "../../components/client";
import { TokenCache } from "../../components/client/tokenCache";
import { EngineFamily } from "../../components/engines";
import { fakePrincipal } from "../emulator/principals";
import type { Principal } from "../emulator/verifier";
import { ACCOUNT_ID } from "../pulumi/mockAnswers";
import type { ReportLogin } from "../report/model";
import { loginLog } from "../servers";
import type { StackPrincipal } from "./principals";
import { RunSql, runProbes } from "./probes";

/** Where a login goes: the endpoint the token is signed for, and the address that reaches it. */
export interface LoginTarget {
    readonly family: EngineFamily;
    /** The database's endpoint name (TLS verifies it; the token is signed for it). */
    readonly address: string;
    readonly port: number;
    readonly connectHost: string;
    readonly connectPort: number;
    readonly caCertificate: string;
    readonly region: string;
    readonly database: string;
}

export interface Signer {
    readonly name: string;
    /** The database users the stack grants this principal. */
    readonly grants: readonly string[];
    readonly identity: Principal;
}

/**
 * The users a principal may log in as at the database's own endpoint. A workload that goes through
 * RDS Proxy is granted the proxy's prx- resource id, not the database's (RDS User Guide, "Configuring
 * IAM authentication for RDS Proxy"), so the database refuses its tokens: expected denied here.
 */
export function databaseGrants(p: StackPrincipal): readonly string[] {
    return p.via === "proxy" ? [] : p.grants;
}

/**
 * Who tries to log in: each workload's role, each IAM user given the same policy, and an "outsider"
 * (a role with no policy: what anyone else in the account gets). `grantsAt` says which users each
 * principal is expected to reach at the endpoint being tried (default: the database's own).
 */
export function principalSigners(
    principals: readonly StackPrincipal[],
    grantsAt: (p: StackPrincipal) => readonly string[] = databaseGrants,
): Signer[] {
    return [
        ...principals.map((p) => ({
            name: p.name,
            grants: grantsAt(p),
            identity: fakePrincipal(p.roleArn, p.policies),
        })),
        ...principals.flatMap((p) =>
            p.iamUsers.map((u) => ({
                name: `IAM user ${u}`,
                grants: grantsAt(p),
                identity: fakePrincipal(`arn:aws:iam::${ACCOUNT_ID}:user/${u}`, p.policies, false),
            })),
        ),
        {
            name: "outsider",
            grants: [],
            identity: fakePrincipal(`arn:aws:iam::${ACCOUNT_ID}:role/outsider`, []),
        },
    ];
}

/** Opens a session as `user` with an IAM token signed by `principal`; resolves to a SQL runner and a closer. */
export async function loginAs(
    target: LoginTarget,
    principal: Principal,
    user: string,
): Promise<{ run: RunSql; close: () => Promise<void> }> {
    const request = {
        host: target.address,
        port: target.port,
        username: user,
        region: target.region,
        database: target.database,
        credentials: {
            accessKeyId: principal.accessKeyId,
            secretAccessKey: principal.secretAccessKey,
            sessionToken: principal.sessionToken,
        },
        connectHost: target.connectHost,
        connectPort: target.connectPort,
        caCertificate: target.caCertificate,
        tokenCache: new TokenCache(),
    };
    if (target.family === "postgres") {
        const pg = require("pg") as typeof import("pg");
        const client = new pg.Client(getPgConnectionOptions({ ...request, engine: "postgres" }));
        await client.connect();
        return { run: (sql) => client.query(sql), close: () => client.end() };
    }
    const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
    const connection = await mysql.createConnection(
        await getMysqlConnectionOptions({ ...request, engine: "mysql" }),
    );
    return { run: (sql) => connection.query(sql), close: () => connection.end() };
}

/** Tries every signer as every user; each login expected as the grants say, observed as it went. */
export async function tryLogins(
    target: LoginTarget,
    signers: readonly Signer[],
    users: readonly { username: string; privileges?: readonly string[] }[],
    log: (line: string) => void = () => undefined,
): Promise<ReportLogin[]> {
    const logins: ReportLogin[] = [];
    for (const signer of signers) {
        for (const user of users) {
            const before = loginLog.length;
            const expected = signer.grants.includes(user.username) ? "allowed" : "denied";
            let observed: ReportLogin["observed"] = "allowed";
            let reason = "";
            let probes: ReportLogin["probes"] = [];
            try {
                const session = await loginAs(target, signer.identity, user.username);
                try {
                    probes = await runProbes(target.family, user.privileges ?? [], session.run);
                } finally {
                    await session.close();
                }
            } catch (e) {
                observed = "denied";
                reason = (e as Error).message;
            }
            if (loginLog.length > before) reason = String(loginLog.at(-1)?.reason);
            logins.push({ principal: signer.name, user: user.username, expected, observed, reason, probes });
            log(
                `  ${signer.name} → ${user.username}: ${observed}${expected === observed ? "" : `  (EXPECTED ${expected})`}`,
            );
        }
    }
    return logins;
}
