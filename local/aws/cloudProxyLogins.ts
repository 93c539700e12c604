/**
 * IAM logins through the RDS Proxy a stack deployed into the local cloud: the local RDS Proxy
 * (local/proxy) is started in front of the cloud's database with what the stack made — the proxy's
 * endpoint and prx- resource id, its role and the policies attached to that role, the users its
 * role may connect as — and every principal × user is tried at the proxy endpoint. The proxy checks
 * the client's token against `dbuser:prx-…/<user>`, then logs into the database with its own role's
 * token, which the database decides as RDS does (RDS User Guide, "Configuring IAM authentication
 * for RDS Proxy": end-to-end IAM).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { NamedDocument } from "../emulator/iamPolicy";
import { fakePrincipal } from "../emulator/principals";
import { proxyCertificate, startRdsProxy } from "../proxy";
import { ACCOUNT_ID } from "../pulumi/mockAnswers";
import type { ReportLogin } from "../report/model";
import { principalSigners, tryLogins } from "../rehearsal/logins";
import type { StackPrincipal } from "../rehearsal/principals";
import { resetLoginDecider } from "../servers";
import { createCertificateAuthority } from "../servers/processes";
import type { CloudDatabase, LocalCloud } from "./cloud";
import { StackLoginOptions, cloudCaCertificate, cloudPrincipals, decideLoginsAt } from "./cloudLogins";
import { T } from "./cloudResources";

/** The proxy in front of `db`, as the cloud holds it: undefined when the stack made none. */
export function cloudProxyFor(cloud: LocalCloud, db: CloudDatabase) {
    const dbResource = cloud.resources(db.type).find((r) => r.id === db.id);
    const identifier = dbResource?.outputs.clusterIdentifier ?? dbResource?.outputs.identifier;
    const target = cloud
        .resources(T.proxyTarget)
        .find((t) => (t.inputs.dbClusterIdentifier ?? t.inputs.dbInstanceIdentifier) === identifier);
    if (target === undefined) return undefined;
    const proxy = cloud.resources(T.proxy).find((p) => p.outputs.name === target.inputs.dbProxyName);
    if (proxy === undefined) return undefined;
    const roleName = String(proxy.inputs.roleArn).split("/").pop();
    const policies: NamedDocument[] = cloud
        .resources(T.rolePolicy)
        .filter((p) => p.inputs.role === roleName)
        .map((p) => ({ name: String(p.outputs.name ?? p.id), document: String(p.inputs.policy) }));
    // The users its role may connect as: `arn:…:dbuser:<db-…|cluster-…>/<user>` in those policies.
    const users = [
        ...new Set(
            policies.flatMap((p) =>
                [...String(p.document).matchAll(/:dbuser:[^/"]+\/([^"*]+)"/g)].map((m) => m[1]),
            ),
        ),
    ];
    return {
        endpoint: String(proxy.outputs.endpoint),
        resourceId: String(proxy.outputs.arn).split(":").pop() as string,
        engineFamily: proxy.inputs.engineFamily as "POSTGRESQL" | "MYSQL",
        role: fakePrincipal(String(proxy.inputs.roleArn), policies),
        users,
    };
}

/**
 * At the proxy endpoint a workload reaches what its policy names only if it goes through the proxy:
 * its grant names the prx- id. Everyone else's prx- tokens are refused (expected denied).
 */
function proxyGrants(p: StackPrincipal): readonly string[] {
    return p.via === "proxy" ? p.grants : [];
}

/** Every principal × user through the stack's proxy, each login marked `through: "proxy"`. */
export async function cloudProxyLogins(
    cloud: LocalCloud,
    db: CloudDatabase,
    options: StackLoginOptions,
): Promise<ReportLogin[]> {
    const found = cloudProxyFor(cloud, db);
    if (found === undefined)
        throw new Error(`the stack put no RDS Proxy in front of ${db.address}: nothing to log in through`);
    const principals = cloudPrincipals(cloud, options);
    const signers = principalSigners(principals, proxyGrants);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-cloud-proxy-"));
    // Clients verify the proxy against Amazon Trust Services, not the RDS CA (RDS User Guide, "Using
    // TLS/SSL with RDS Proxy"): a test CA stands in for it, as in the proxy's own tests.
    const ats = await createCertificateAuthority(
        path.join(dir, "ats"),
        "rds-iam test CA standing in for Amazon Trust Services",
    );
    const proxy = await startRdsProxy({
        engineFamily: found.engineFamily,
        endpoint: found.endpoint,
        resourceId: found.resourceId,
        region: db.region,
        accountId: ACCOUNT_ID,
        tokenPort: db.port,
        certificate: await proxyCertificate(path.join(dir, "proxy"), found.endpoint, ats),
        users: found.users,
        role: found.role,
        clients: signers.map((s) => s.identity),
        target: {
            host: db.ip,
            port: db.port,
            endpoint: db.address,
            tokenPort: db.port,
            caCertificate: cloudCaCertificate(cloud),
        },
    });
    // The database decides the proxy's own logins: its endpoint and resource id, the proxy role's policies.
    decideLoginsAt(cloud, db, [found.role]);
    try {
        const logins = await tryLogins(
            {
                family: found.engineFamily === "POSTGRESQL" ? "postgres" : "mysql",
                address: found.endpoint,
                port: db.port,
                connectHost: proxy.host,
                connectPort: proxy.port,
                caCertificate: ats.pem,
                region: db.region,
                database: options.database,
            },
            signers,
            options.users,
        );
        return logins.map((l) => ({ ...l, through: "proxy" as const }));
    } finally {
        resetLoginDecider();
        await proxy.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
