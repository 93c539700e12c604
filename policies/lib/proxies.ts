/**
 * Each RDS Proxy of a stack with what the proxy rules ask about it: its prx- id (the last part of
 * its ARN), its role (by roleArn), the databases its ProxyTargets name (by dbInstanceIdentifier /
 * dbClusterIdentifier), and the database users workloads are granted through it
 * (`dbuser:prx-…/<user>`). Linear in the number of resources; cached per stack.
 */
import { hasWildcard } from "./iam";
import { CLUSTER, INSTANCE, PROXY, PROXY_TARGET, parseDbUserArn } from "./resources";
import { indexRoles } from "./roles";
import { IndexedResource, databaseResourceId, indexStack, known } from "./stackIndex";

export interface ProxyFacts {
    readonly proxy: IndexedResource;
    /** The prx- id, when the proxy's ARN is known. */
    readonly id?: string;
    /** End-to-end IAM: defaultAuthScheme "IAM_AUTH" (the proxy signs its own tokens to the database). */
    readonly endToEndIam: boolean;
    /** roleArn as written, and the role of the stack it names. */
    readonly roleArn?: string;
    readonly role?: IndexedResource;
    /** The stack's databases its targets name, and the identifiers of targets that are not in the stack. */
    readonly targets: readonly IndexedResource[];
    readonly missingTargets: readonly string[];
    /** User name → the resources granting it through the proxy (literal user names only). */
    readonly users: ReadonlyMap<string, readonly IndexedResource[]>;
}

export interface ProxyIndex {
    readonly proxies: readonly ProxyFacts[];
    /** Roles of the stack that are some proxy's role. */
    readonly proxyRoles: ReadonlySet<IndexedResource>;
}

const cache = new WeakMap<readonly IndexedResource[], ProxyIndex>();

export function indexProxies(resources: readonly IndexedResource[]): ProxyIndex {
    const cached = cache.get(resources);
    if (cached) return cached;
    const roles = indexRoles(resources);
    const stack = indexStack(resources);
    const dbByIdentifier = new Map<string, IndexedResource>();
    for (const r of resources) {
        const key = r.type === INSTANCE ? "identifier" : r.type === CLUSTER ? "clusterIdentifier" : undefined;
        const identifier = key ? known(() => r.props[key]) : undefined;
        if (typeof identifier === "string") dbByIdentifier.set(`${r.type}\u0000${identifier}`, r);
    }
    const targetsOf = new Map<string, { found: IndexedResource[]; missing: string[] }>();
    for (const t of resources.filter((r) => r.type === PROXY_TARGET)) {
        const entry = targetsOf.get(String(t.props.dbProxyName)) ?? { found: [], missing: [] };
        targetsOf.set(String(t.props.dbProxyName), entry);
        const [type, identifier] =
            t.props.dbClusterIdentifier !== undefined
                ? [CLUSTER, t.props.dbClusterIdentifier]
                : [INSTANCE, t.props.dbInstanceIdentifier];
        const db = dbByIdentifier.get(`${type}\u0000${identifier}`);
        if (db) entry.found.push(db);
        else entry.missing.push(String(identifier));
    }
    const proxies = resources
        .filter((r) => r.type === PROXY)
        .map((proxy): ProxyFacts => {
            const id = databaseResourceId(proxy);
            const users = new Map<string, IndexedResource[]>();
            for (const grant of stack.grants) {
                const arn = parseDbUserArn(grant.arn);
                if (id === undefined || arn?.resourceId !== id || hasWildcard(arn.username)) continue;
                const by = users.get(arn.username) ?? [];
                if (!by.includes(grant.grantedBy)) by.push(grant.grantedBy);
                users.set(arn.username, by);
            }
            const roleArn = proxy.props.roleArn;
            const targets = targetsOf.get(String(proxy.props.name ?? proxy.name));
            return {
                proxy,
                id,
                endToEndIam: proxy.props.defaultAuthScheme === "IAM_AUTH",
                roleArn: typeof roleArn === "string" ? roleArn : undefined,
                role: roles.roleFor(roleArn),
                targets: targets?.found ?? [],
                missingTargets: targets?.missing ?? [],
                users,
            };
        });
    const index: ProxyIndex = {
        proxies,
        proxyRoles: new Set(proxies.map((p) => p.role).filter((r) => r !== undefined)),
    };
    cache.set(resources, index);
    return index;
}

/**
 * The ARN a proxy's role must be allowed rds-db:connect on to log in to a target database as a user
 * (`arn:<partition>:rds-db:<region>:<account>:dbuser:<db-…|cluster-…>/<user>`); undefined when the
 * database's resource id or placement is not known.
 */
export function targetUserArn(
    db: IndexedResource,
    username: string,
    resources: readonly IndexedResource[],
): string | undefined {
    const where = indexStack(resources).placementOf.get(db);
    const id = databaseResourceId(db);
    if (!where?.partition || !where.region || !where.accountId || typeof id !== "string") return undefined;
    return `arn:${where.partition}:rds-db:${where.region}:${where.accountId}:dbuser:${id}/${username}`;
}
