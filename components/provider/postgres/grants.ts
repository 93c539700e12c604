/**
 * What a PostgreSQL user's privileges mean, as grants: the vocabulary (vocabulary.ts) read into
 * single grants that can be compared, diffed, granted and revoked one by one, and read back from
 * the catalog into the vocabulary. Pure.
 *
 * A table grant stands for the privilege on every table of its owner in its schema — the present
 * ones and, through the owner's default privileges, the future ones; `owner` undefined is the
 * master (the session's user). INSERT brings a sequence grant (USAGE, SELECT) so serial keys work.
 */
import {
    DEFAULT_SCHEMA,
    PgEntry,
    normalizePgPrivileges,
    parsePgEntry,
    tablePrivilegesBySchema,
} from "./vocabulary";

export interface Grant {
    readonly on: "database" | "schema" | "tables" | "sequences";
    readonly privilege: string;
    readonly schema?: string;
    /** tables/sequences: the role whose objects they are; undefined = the master. */
    readonly owner?: string;
}

export function grantKey(g: Grant): string {
    return [g.on, g.owner ?? "", g.schema ?? "", g.privilege].join("|");
}

function entriesOf(privileges: readonly string[]): PgEntry[] {
    return privileges.map(parsePgEntry).filter((e): e is PgEntry => e !== undefined);
}

/** The role whose tables the privileges cover (`FOR ROLE`), undefined for the master. */
export function ownerOf(privileges: readonly string[], master?: string): string | undefined {
    const entry = entriesOf(privileges).find((e) => e.kind === "owner");
    const role = entry?.kind === "owner" ? entry.role : undefined;
    return role === master ? undefined : role;
}

/** The grants a (normalized) privilege list stands for, each once. */
export function grantsOf(privileges: readonly string[], master?: string): Grant[] {
    const entries = entriesOf(privileges);
    const owner = ownerOf(privileges, master);
    const grants: Grant[] = [];
    const add = (g: Grant) => {
        if (!grants.some((x) => grantKey(x) === grantKey(g))) grants.push(g);
    };
    for (const e of entries) {
        if (e.kind === "database") add({ on: "database", privilege: e.privilege });
        if (e.kind === "schema") {
            add({ on: "schema", privilege: "USAGE", schema: e.schema });
            if (e.privilege === "CREATE") add({ on: "schema", privilege: "CREATE", schema: e.schema });
        }
    }
    for (const [schema, privileges] of Object.entries(tablePrivilegesBySchema(entries))) {
        add({ on: "schema", privilege: "USAGE", schema });
        for (const privilege of privileges) add({ on: "tables", privilege, schema, owner });
        if (privileges.includes("INSERT"))
            add({ on: "sequences", privilege: "USAGE, SELECT", schema, owner });
    }
    return grants;
}

/** Grants in `a` that are not in `b`. */
export function grantsMissing(a: readonly Grant[], b: readonly Grant[]): Grant[] {
    const keys = b.map(grantKey);
    return a.filter((g) => !keys.includes(grantKey(g)));
}

/** The schemas the grants name. */
export function schemasOf(grants: readonly Grant[]): string[] {
    return [...new Set(grants.flatMap((g) => (g.schema === undefined ? [] : [g.schema])))].sort();
}

/** The owners (other than the master) whose objects the grants cover. */
export function ownersOf(grants: readonly Grant[]): string[] {
    return [...new Set(grants.flatMap((g) => (g.owner === undefined ? [] : [g.owner])))].sort();
}

/**
 * Grants held, in the vocabulary: the inverse of grantsOf. A table grant whose schema's USAGE is
 * not held does not count (the user could not reach the tables); sequence grants are implied by
 * INSERT and not written.
 */
export function vocabularyOf(held: readonly Grant[]): string[] {
    const has = (g: Grant) => held.some((x) => grantKey(x) === grantKey(g));
    const out: string[] = [];
    let owner: string | undefined;
    for (const g of held) {
        if (g.on === "database") out.push(g.privilege);
        if (g.on === "schema") out.push(`${g.privilege} ON SCHEMA ${g.schema}`);
        if (g.on === "tables" && has({ on: "schema", privilege: "USAGE", schema: g.schema })) {
            out.push(g.schema === DEFAULT_SCHEMA ? g.privilege : `${g.privilege} IN SCHEMA ${g.schema}`);
            owner ??= g.owner;
        }
    }
    if (owner !== undefined) out.push(`FOR ROLE ${owner}`);
    return normalizePgPrivileges(out);
}
