/**
 * A stack's exported resources as a graph that two programs of different languages can be compared
 * by (#26, acceptance): each resource by type and name, under its parent, with its inputs. What must
 * differ between two deployments of the same declaration is written as placeholders: the physical
 * names, ids and ARNs the cloud gave (by which resource and output they came from), the project's
 * and stack's names, and secrets' ciphertexts. The TypeScript program's users are dynamic resources, the plugin's
 * are its own type: both are written as the plugin's, and the dynamic provider's reference goes.
 */

/** The TypeScript library's user type and the plugin's: one concept, two front doors. */
const SAME_TYPES: Record<string, string> = {
    "pulumi-nodejs:dynamic/rds-iam:DatabaseUser": "rds-iam:index:DatabaseUser",
};
/** Outputs whose values the cloud chose (and every ARN): replaced wherever an input repeats them. */
const CHOSEN = [
    "id",
    "arn",
    "name",
    "resourceId",
    "identifier",
    "address",
    "endpoint",
    "uniqueId",
    "roleArn",
];

export interface GraphNode {
    readonly parent: string;
    readonly inputs: unknown;
}

interface StateResource {
    urn: string;
    id?: string;
    type: string;
    parent?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

const keyOf = (r: StateResource) => `${SAME_TYPES[r.type] ?? r.type} ${r.urn.split("::").pop()}`;

function withoutSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutSecrets);
    if (value !== null && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return "<secret>";
        return Object.fromEntries(
            Object.entries(o)
                .filter(([k]) => k !== "__provider")
                .map(([k, v]) => [k, withoutSecrets(v)]),
        );
    }
    return value;
}

/** The graph of a `pulumi stack export`'s resources (the stack and the default providers left out). */
export function resourceGraph(
    resources: readonly StateResource[],
    /** `project/stack/`, as the users' markers begin (components/databaseUser.ts managedBy). */
    stackPrefix: string,
    /** More values that differ by deployment (e.g. the local cloud's CA), by their placeholders. */
    more: Record<string, string> = {},
): Record<string, GraphNode> {
    const shown = resources.filter(
        (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
    );
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const chosen: [string, string][] = Object.entries(more).map(([placeholder, value]) => [
        value,
        placeholder,
    ]);
    const collect = (key: string, path: string, value: unknown, field?: string): void => {
        if (typeof value === "string") {
            if (value.length >= 6 && (value.startsWith("arn:") || (field && CHOSEN.includes(field))))
                chosen.push([value, `<${key}.${path}>`]);
            // An RDS Proxy's prx- id is in no output of its own, only at the end of its ARN; the
            // workloads' rds-db:connect ARNs name it (dbuser:prx-…/<user>).
            const proxyId = /:db-proxy:(prx-[0-9a-z]+)$/.exec(value)?.[1];
            if (proxyId !== undefined) chosen.push([proxyId, `<${key}.${path} prx- id>`]);
        } else if (Array.isArray(value)) value.forEach((v, i) => collect(key, `${path}[${i}]`, v, field));
        else if (value !== null && typeof value === "object")
            for (const [k, v] of Object.entries(value)) collect(key, path ? `${path}.${k}` : k, v, k);
    };
    for (const r of shown) {
        collect(keyOf(r), "id", r.id, "id");
        collect(keyOf(r), "", r.outputs ?? {});
    }
    // Longest first, so that a value is not replaced inside a longer one; compared as JSON text escapes it.
    chosen.sort((a, b) => b[0].length - a[0].length);
    const placeheld = (value: unknown): unknown => {
        let text = JSON.stringify(withoutSecrets(value));
        for (const [found, placeholder] of chosen)
            text = text.split(JSON.stringify(found).slice(1, -1)).join(placeholder);
        return JSON.parse(text.split(stackPrefix).join("<stack>/"));
    };
    return Object.fromEntries(
        shown
            .map((r): [string, GraphNode] => {
                const parent = r.parent === undefined ? undefined : byUrn.get(r.parent);
                return [
                    keyOf(r),
                    {
                        parent:
                            parent === undefined || parent.type === "pulumi:pulumi:Stack"
                                ? "stack"
                                : keyOf(parent),
                        inputs: placeheld(r.inputs ?? {}),
                    },
                ];
            })
            .sort(([a], [b]) => a.localeCompare(b)),
    );
}

/** The keys whose nodes differ between two graphs (or are in one only), each with both sides: for a failure message. */
export function differences(a: Record<string, GraphNode>, b: Record<string, GraphNode>): string[] {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
        .sort()
        .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
        .map((k) => `${k}:\n  ${JSON.stringify(a[k])}\n  ${JSON.stringify(b[k])}`);
}
