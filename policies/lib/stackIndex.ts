/**
 * One pass over the stack's resources for the stack-level rules: databases by resource id and by
 * endpoint, parameter groups by name, DatabaseUsers, and every rds-db:connect ARN granted. Linear
 * in the number of resources; each rule then looks things up instead of scanning again.
 */
import {
    CLUSTER,
    CLUSTER_PARAMETER_GROUP,
    DATABASE_USER,
    INSTANCE,
    PARAMETER_GROUP,
    grantsConnect,
    list,
    parseDbUserArn,
    policyDocumentsOf,
    statementsOf,
} from "./resources";

export interface IndexedResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, any>;
}

export interface StackIndex {
    readonly databases: IndexedResource[];
    readonly databaseByResourceId: Map<string, IndexedResource>;
    readonly parameterGroupByName: Map<string, IndexedResource>;
    readonly users: IndexedResource[];
    /** `${host}\u0000${username}` of every DatabaseUser. */
    readonly userKeys: Set<string>;
    /** Every Allow rds-db:connect resource string, with the resource granting it. */
    readonly grants: { arn: string; grantedBy: IndexedResource }[];
}

export function databaseEndpoint(db: IndexedResource): string | undefined {
    return db.type === INSTANCE ? db.props.address : db.props.endpoint;
}

export function databaseResourceId(db: IndexedResource): string | undefined {
    return db.type === INSTANCE ? db.props.resourceId : db.props.clusterResourceId;
}

const cache = new WeakMap<readonly IndexedResource[], StackIndex>();

export function indexStack(resources: readonly IndexedResource[]): StackIndex {
    const cached = cache.get(resources);
    if (cached) return cached;
    const index: StackIndex = {
        databases: [],
        databaseByResourceId: new Map(),
        parameterGroupByName: new Map(),
        users: [],
        userKeys: new Set(),
        grants: [],
    };
    for (const r of resources) {
        if (r.type === INSTANCE || r.type === CLUSTER) {
            index.databases.push(r);
            const id = databaseResourceId(r);
            if (typeof id === "string") index.databaseByResourceId.set(id, r);
        } else if (r.type === PARAMETER_GROUP || r.type === CLUSTER_PARAMETER_GROUP) {
            index.parameterGroupByName.set(`${r.type}\u0000${r.props.name ?? r.name}`, r);
        } else if (r.type === DATABASE_USER) {
            index.users.push(r);
            index.userKeys.add(`${r.props.host}\u0000${r.props.username}`);
        }
        for (const document of policyDocumentsOf(r.type, r.props)) {
            for (const statement of statementsOf(document).filter(grantsConnect)) {
                for (const arn of list(statement.Resource)) index.grants.push({ arn, grantedBy: r });
            }
        }
    }
    cache.set(resources, index);
    return index;
}

export { parseDbUserArn };
