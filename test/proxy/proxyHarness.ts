/**
 * One local RDS Proxy world per engine: a throwaway database with emulated RDS IAM logins, a test
 * CA standing in for Amazon Trust Services, and two proxies in front of the database — one whose
 * role may connect as its users, one whose role may not — plus the principals the tests sign with.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { connectPolicyDocument } from "../../components/connectPolicy";
import { fakePrincipal } from "../../local/emulator/principals";
import { Principal, createIamLoginVerifier } from "../../local/emulator/verifier";
import { RdsProxy, proxyCertificate, startRdsProxy } from "../../local/proxy";
import { ProxyDatabase, startProxyDatabase } from "../../local/proxy/targets";
import { ServerName, setLoginDecider } from "../../local/servers";
import { createCertificateAuthority } from "../../local/servers/processes";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const PROXY_ID = "prx-0a1b2c3d4e5f60718";
export const DATABASE_ID = "db-PROXYTARGETTHROWAWAY00001";
/** The proxy endpoint clients sign for and verify (its certificate says *.proxy-c0ffee0example…). */
export const PROXY_ENDPOINT = "orders.proxy-c0ffee0example.us-east-1.rds.amazonaws.com";
/** The user the proxies know, and one the database has but the proxies do not. */
export const USER = "app_rw";
export const UNKNOWN_USER = "ghost_rw";
/** A password user (not an IAM user at the database) the proxy knows: its role's token cannot log in as it. */
export const PASSWORD_USER = "pw_rw";

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

function grant(name: string, resourceId: string, usernames: string[]) {
    return {
        name,
        document: JSON.stringify(
            connectPolicyDocument(
                usernames.map((username) => ({ region: REGION, accountId: ACCOUNT, resourceId, username })),
            ),
        ),
    };
}

export interface ProxyWorld {
    readonly database: ProxyDatabase;
    /** The test CA standing in for Amazon Trust Services (what clients trust for the proxy). */
    readonly amazonTrustCa: string;
    /** Its role may connect as app_rw, ghost_rw and pw_rw on the database; it knows app_rw and pw_rw. */
    readonly proxy: RdsProxy;
    /** Its role may connect only as another user: its logins to the database fail. */
    readonly proxyWithoutUser: RdsProxy;
    /** Granted dbuser:prx-…/app_rw, …/ghost_rw and …/pw_rw: the workload the proxy serves. */
    readonly workload: Principal;
    /** Granted only dbuser:db-…/app_rw: may log into the database directly, not through the proxy. */
    readonly databaseOnly: Principal;
    readonly proxyRole: Principal;
    readonly proxyRoleWithoutUser: Principal;
    close(): Promise<void>;
}

/** IAM users app_rw and ghost_rw, allowed to read the database; pw_rw with a password. */
async function createIamUsers(database: ProxyDatabase): Promise<void> {
    const { server } = database;
    for (const user of [USER, UNKNOWN_USER]) {
        if (server.engine === "postgres") {
            await server.query(`DROP ROLE IF EXISTS ${user}`);
            await server.query(`CREATE USER ${user} WITH LOGIN`);
            await server.query(`GRANT rds_iam TO ${user}`);
            await server.query(`GRANT CONNECT ON DATABASE ${server.database} TO ${user}`);
        } else {
            await server.query(`DROP USER IF EXISTS '${user}'@'%'`);
            await server.query(
                `CREATE USER '${user}'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL`,
            );
            await server.query(`GRANT SELECT ON ${server.database}.* TO '${user}'@'%'`);
        }
    }
    if (server.engine === "postgres") {
        await server.query(`DROP ROLE IF EXISTS ${PASSWORD_USER}`);
        await server.query(`CREATE USER ${PASSWORD_USER} WITH LOGIN PASSWORD 'pw-secret-1'`);
    } else {
        await server.query(`DROP USER IF EXISTS '${PASSWORD_USER}'@'%'`);
        await server.query(`CREATE USER '${PASSWORD_USER}'@'%' IDENTIFIED BY 'pw-secret-1' REQUIRE SSL`);
    }
}

/** Starts the world for `name`; `start` lets serverOrSkip turn "cannot run here" into pending. */
export async function startProxyWorld(name: ServerName, dir: string): Promise<ProxyWorld> {
    const database = await startProxyDatabase(name, path.join(dir, "database"));
    await createIamUsers(database);
    const ca = await createCertificateAuthority(
        path.join(dir, "ats"),
        "rds-iam test CA standing in for Amazon Trust Services",
    );
    const certificate = await proxyCertificate(path.join(dir, "proxy"), PROXY_ENDPOINT, ca);
    const workload = fakePrincipal(role("orders-api"), [
        grant("orders-api-proxy", PROXY_ID, [USER, UNKNOWN_USER, PASSWORD_USER]),
    ]);
    const databaseOnly = fakePrincipal(role("orders-batch"), [grant("orders-batch-db", DATABASE_ID, [USER])]);
    const proxyRole = fakePrincipal(role("orders-proxy"), [
        grant("orders-proxy-connect", DATABASE_ID, [USER, UNKNOWN_USER, PASSWORD_USER]),
    ]);
    const proxyRoleWithoutUser = fakePrincipal(role("orders-proxy-stale"), [
        grant("orders-proxy-stale-connect", DATABASE_ID, ["other_rw"]),
    ]);
    // The database's own IAM decision: its endpoint and resource id, every principal's policies.
    setLoginDecider(
        createIamLoginVerifier({
            databases: [
                {
                    engine: database.server.engine,
                    endpoint: database.target.endpoint,
                    port: database.target.tokenPort,
                    region: REGION,
                    accountId: ACCOUNT,
                    resourceId: DATABASE_ID,
                },
            ],
            principals: [workload, databaseOnly, proxyRole, proxyRoleWithoutUser],
        }),
    );
    const common = {
        engineFamily: database.server.engine === "postgres" ? "POSTGRESQL" : "MYSQL",
        endpoint: PROXY_ENDPOINT,
        resourceId: PROXY_ID,
        region: REGION,
        accountId: ACCOUNT,
        certificate,
        users: [USER, PASSWORD_USER],
        clients: [workload, databaseOnly],
        target: database.target,
    } as const;
    const proxy = await startRdsProxy({ ...common, role: proxyRole });
    const proxyWithoutUser = await startRdsProxy({ ...common, role: proxyRoleWithoutUser });
    return {
        database,
        amazonTrustCa: ca.pem,
        proxy,
        proxyWithoutUser,
        workload,
        databaseOnly,
        proxyRole,
        proxyRoleWithoutUser,
        close: async () => {
            await Promise.all([proxy.close(), proxyWithoutUser.close()]);
            await database.stop();
        },
    };
}

export function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-proxy-"));
}

export function credentialsOf(p: Principal) {
    return { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey, sessionToken: p.sessionToken };
}
