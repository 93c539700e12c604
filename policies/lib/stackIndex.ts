/**
 * One pass over the stack's resources for the stack-level rules: databases and RDS proxies by
 * resource id, where each lives (partition, region, account), parameter groups by name,
 * DatabaseUsers, the AWS providers' configuration, and every resource an Allow statement that
 * might grant rds-db:connect names. Linear in the number of resources; rules look things up.
 */
import { UnknownValueError } from "@pulumi/policy";
import { connectGrants, readPolicy } from "./grants";
import {
    AWS_PROVIDER,
    CLUSTER,
    CLUSTER_PARAMETER_GROUP,
    DATABASE_USER_TYPES,
    INSTANCE,
    PARAMETER_GROUP,
    PROXY,
    parseDbUserArn,
    policyDocumentsOf,
} from "./resources";
import { partitionOfRegion } from "./partitions";

export interface IndexedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, any>;
}

/** Where a database, proxy or stack lives, and how we know. */
export interface Placement {
    readonly partition?: string;
    readonly region?: string;
    readonly accountId?: string;
    /** e.g. `its ARN arn:aws:rds:…`, `the AWS provider "default_7_0_0"`. */
    readonly source: string;
}

export interface StackIndex {
    readonly databases: IndexedResource[];
    /** Databases (by DbiResourceId / DbClusterResourceId) and proxies (by their prx- id). */
    readonly targetByResourceId: Map<string, IndexedResource>;
    readonly placementOf: Map<IndexedResource, Placement>;
    /** The stack's own placement, from its AWS providers (undefined fields where they disagree or say nothing). */
    readonly stack: Placement;
    readonly parameterGroupByName: Map<string, IndexedResource>;
    readonly users: IndexedResource[];
    /** `${host}\u0000${username}` of every DatabaseUser. */
    readonly userKeys: Set<string>;
    /** Every Resource of an Allow statement that might grant rds-db:connect, with the resource granting it. */
    readonly grants: { arn: string; grantedBy: IndexedResource }[];
    /**
     * `instance|cluster\u0000<identifier>` of every database whose master rds-iam switches to IAM
     * (masterPassword "iam": rds-iam's MasterAuthentication): its master is an IAM login.
     */
    readonly iamOnlyMasters: Set<string>;
}

/** rds-iam's switch of a database's master to IAM database authentication (masterPassword "iam"). */
export const MASTER_AUTHENTICATION = "pulumi-nodejs:dynamic/rds-iam:MasterAuthentication";

/** Whether `db`'s master user logs in with IAM (an IAM-only master), and so may be granted rds-db:connect. */
export function isIamOnlyMaster(index: StackIndex, db: IndexedResource, username: string): boolean {
    const [kind, identifier, master] =
        db.type === INSTANCE
            ? ["instance", db.props.identifier, db.props.username]
            : ["cluster", db.props.clusterIdentifier, db.props.masterUsername];
    return master === username && index.iamOnlyMasters.has(`${kind}\u0000${identifier}`);
}

/** A prop's value, or undefined while it is unknown (preview) instead of aborting the rule. */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (e) {
        if (e instanceof UnknownValueError) return undefined;
        throw e;
    }
}

export function databaseEndpoint(db: IndexedResource): string | undefined {
    return db.type === INSTANCE ? db.props.address : db.props.endpoint;
}

export function databaseResourceId(db: IndexedResource): string | undefined {
    if (db.type === PROXY) {
        const arn = known(() => db.props.arn);
        return typeof arn === "string" ? arn.split(":").pop() : undefined;
    }
    return db.type === INSTANCE ? db.props.resourceId : db.props.clusterResourceId;
}

/** From the resource's own ARN, else its region (AWS provider v7 resources carry one), else the stack's. */
function placementOf(r: IndexedResource, stack: Placement): Placement {
    const arn = known(() => r.props.arn);
    const m = typeof arn === "string" ? /^arn:([^:]+):rds:([^:]+):(\d{12}):/.exec(arn) : null;
    if (m) return { partition: m[1], region: m[2], accountId: m[3], source: `its ARN ${arn}` };
    const region = known(() => r.props.region);
    if (typeof region === "string" && region !== "")
        return {
            partition: partitionOfRegion(region),
            region,
            accountId: stack.accountId,
            source: `its region ${region}`,
        };
    return stack;
}

function stackPlacement(providers: readonly IndexedResource[]): Placement {
    const one = (values: unknown[]) => {
        const distinct = [...new Set(values.filter((v) => typeof v === "string" && v !== ""))];
        return distinct.length === 1 ? (distinct[0] as string) : undefined;
    };
    const region = one(providers.map((p) => known(() => p.props.region)));
    const accountId = one(providers.flatMap((p) => known(() => p.props.allowedAccountIds) ?? []));
    const names = providers.map((p) => `"${p.name}"`).join(", ");
    return {
        partition: region === undefined ? undefined : partitionOfRegion(region),
        region,
        accountId,
        source: `the AWS provider config (${names})`,
    };
}

const cache = new WeakMap<readonly IndexedResource[], StackIndex>();

export function indexStack(resources: readonly IndexedResource[]): StackIndex {
    const cached = cache.get(resources);
    if (cached) return cached;
    const stack = stackPlacement(resources.filter((r) => r.type === AWS_PROVIDER));
    const index: StackIndex = {
        databases: [],
        targetByResourceId: new Map(),
        placementOf: new Map(),
        stack,
        parameterGroupByName: new Map(),
        users: [],
        userKeys: new Set(),
        grants: [],
        iamOnlyMasters: new Set(),
    };
    for (const r of resources) {
        if (r.type === INSTANCE || r.type === CLUSTER || r.type === PROXY) {
            if (r.type !== PROXY) index.databases.push(r);
            index.placementOf.set(r, placementOf(r, stack));
            const id = databaseResourceId(r);
            if (typeof id === "string") index.targetByResourceId.set(id, r);
        } else if (r.type === PARAMETER_GROUP || r.type === CLUSTER_PARAMETER_GROUP) {
            index.parameterGroupByName.set(`${r.type}\u0000${r.props.name ?? r.name}`, r);
        } else if (DATABASE_USER_TYPES.includes(r.type)) {
            index.users.push(r);
            index.userKeys.add(`${r.props.host}\u0000${r.props.username}`);
        } else if (r.type === MASTER_AUTHENTICATION) {
            index.iamOnlyMasters.add(`${r.props.kind}\u0000${r.props.identifier}`);
        }
        for (const document of policyDocumentsOf(r.type, r.props)) {
            for (const statement of connectGrants(readPolicy(document).statements)) {
                for (const arn of statement.resource ?? []) index.grants.push({ arn, grantedBy: r });
            }
        }
    }
    cache.set(resources, index);
    return index;
}

export { parseDbUserArn };
