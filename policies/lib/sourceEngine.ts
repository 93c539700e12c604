/**
 * The engine of a database that does not state one. An aws.rds.Instance created as a read replica
 * (`replicateSourceDb`), from a snapshot (`snapshotIdentifier`) or to a point in time
 * (`restoreToPointInTime`) may leave `engine` out: RDS takes it from the source. The pack looks the
 * source up among the stack's instances, clusters, snapshots and snapshot copies (by identifier or
 * ARN; an automated snapshot `rds:<instance>-<yyyy-mm-dd-hh-mm>` names its instance), else reads it
 * from the family of the database's own parameter group in the stack (`postgres16` → postgres).
 * Linear in the number of resources; cached per stack.
 */
import { CLUSTER, INSTANCE, PARAMETER_GROUP, SNAPSHOT, SNAPSHOT_COPY } from "./resources";
import { IndexedResource, known } from "./stackIndex";

export type EngineReading =
    /** `how` says where the engine came from when the database does not state it, e.g. `from its source "orders"`. */
    | { readonly engine: string; readonly how?: string }
    /** `derived` is e.g. `a read replica of "arn:aws:rds:…:db:elsewhere"`. */
    | { readonly engine: undefined; readonly derived?: string };

/** What an engine-less instance derives from, as written: its kind and the source it names. */
export function derivedFrom(db: IndexedResource): { kind: string; source: string } | undefined {
    if (db.type !== INSTANCE || (typeof db.props.engine === "string" && db.props.engine !== ""))
        return undefined;
    const pitr = db.props.restoreToPointInTime;
    const candidates: [string, unknown][] = [
        ["a read replica of", db.props.replicateSourceDb],
        ["restored from snapshot", db.props.snapshotIdentifier],
        ["restored to a point in time of", pitr?.sourceDbInstanceIdentifier ?? pitr?.sourceDbiResourceId],
    ];
    const found = candidates.find(([, v]) => typeof v === "string" && v !== "");
    return found ? { kind: found[0], source: found[1] as string } : undefined;
}

const AUTOMATED_SNAPSHOT = /^rds:(.+)-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$/;

/** `arn:…:db:orders` → `orders`; `arn:…:snapshot:rds:orders-…` → `rds:orders-…`; an identifier stays. */
const resourceName = (ref: string) =>
    ref.startsWith("arn:") ? ref.split(":").slice(6).join(":") || ref : ref;

export interface EngineIndex {
    engineOf(db: IndexedResource): EngineReading;
}

const cache = new WeakMap<readonly IndexedResource[], EngineIndex>();

export function indexEngines(resources: readonly IndexedResource[]): EngineIndex {
    const cached = cache.get(resources);
    if (cached) return cached;
    const byRef = new Map<string, IndexedResource>();
    const groups = new Map<string, IndexedResource>();
    const keys: Record<string, string[]> = {
        [INSTANCE]: ["identifier", "arn", "resourceId"],
        [CLUSTER]: ["clusterIdentifier", "arn"],
        [SNAPSHOT]: ["dbSnapshotIdentifier", "dbSnapshotArn"],
        [SNAPSHOT_COPY]: ["targetDbSnapshotIdentifier", "dbSnapshotArn"],
    };
    for (const r of resources) {
        for (const key of keys[r.type] ?? []) {
            const value = known(() => r.props[key]);
            if (typeof value === "string" && value !== "") byRef.set(`${r.type}\u0000${value}`, r);
        }
        if (r.type === PARAMETER_GROUP) groups.set(String(r.props.name ?? r.name), r);
    }
    const find = (types: string[], ref: string) =>
        types
            .flatMap((t) => [byRef.get(`${t}\u0000${ref}`), byRef.get(`${t}\u0000${resourceName(ref)}`)])
            .find((r) => r !== undefined);

    /** The stack resource a derived database's source names, following snapshots to their instance. */
    const sourceOf = (kind: string, ref: string): IndexedResource | undefined => {
        if (kind !== "restored from snapshot") return find([INSTANCE, CLUSTER], ref);
        const snapshot = find([SNAPSHOT, SNAPSHOT_COPY], ref);
        if (snapshot) return snapshot;
        const automated = AUTOMATED_SNAPSHOT.exec(resourceName(ref));
        return automated ? find([INSTANCE], automated[1]) : undefined;
    };

    const engineOf = (db: IndexedResource, seen = new Set<IndexedResource>()): EngineReading => {
        if (typeof db.props.engine === "string" && db.props.engine !== "") return { engine: db.props.engine };
        seen.add(db);
        const derived = db.type === INSTANCE ? derivedFrom(db) : undefined;
        let source: IndexedResource | undefined;
        if (db.type === SNAPSHOT) source = find([INSTANCE], String(db.props.dbInstanceIdentifier));
        else if (db.type === SNAPSHOT_COPY)
            source = find([SNAPSHOT, SNAPSHOT_COPY], String(db.props.sourceDbSnapshotIdentifier));
        else if (derived) source = sourceOf(derived.kind, derived.source);
        if (source && !seen.has(source)) {
            const upstream = engineOf(source, seen);
            if (upstream.engine !== undefined)
                return { engine: upstream.engine, how: `from its source "${source.name}"` };
        }
        const group = db.type === INSTANCE ? groups.get(String(db.props.parameterGroupName)) : undefined;
        const family = group?.props.family;
        if (typeof family === "string" && /\d/.test(family))
            return {
                engine: family.replace(/[\d.]+$/, ""),
                how: `from the family ${family} of its parameter group "${group!.name}"`,
            };
        return { engine: undefined, derived: derived ? `${derived.kind} "${derived.source}"` : undefined };
    };
    const index: EngineIndex = { engineOf: (db) => engineOf(db) };
    cache.set(resources, index);
    return index;
}
