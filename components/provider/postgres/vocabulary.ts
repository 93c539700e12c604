/**
 * PostgreSQL's privilege vocabulary: what a `privileges` entry may say, read into a structure and
 * written back in one canonical spelling. Pure and dependency-free (validation.ts, which every
 * component asks, and the dialect both use it; names are checked in validation.ts).
 *
 * Keywords are case-insensitive, schema and role names case-exact (they are quoted in SQL):
 * - `CREATE`, `TEMPORARY`: on the user's database (CONNECT is always granted).
 * - `SELECT` … `TRIGGER`, `ALL`: on the tables of schema public — now and in future;
 *   `SELECT IN SCHEMA app`: the same on the tables of schema `app` (`… IN SCHEMA public` is `SELECT`).
 * - `USAGE ON SCHEMA app`, `CREATE ON SCHEMA app`: on the schema itself. Table privileges in a
 *   schema and CREATE on it include USAGE, which is then not written.
 * - `FOR ROLE app_owner`: the table privileges cover the tables `app_owner` owns (its present ones,
 *   and through `ALTER DEFAULT PRIVILEGES FOR ROLE app_owner` the ones it creates later) instead of
 *   the master's. At most one; it needs a table privilege.
 */

/** Privileges on tables; ALL stands for all of them. */
export const PG_TABLE_PRIVILEGES: readonly string[] = [
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "TRUNCATE",
    "REFERENCES",
    "TRIGGER",
];

/** Privileges on the user's database (besides CONNECT, always granted). */
export const PG_DATABASE_PRIVILEGES: readonly string[] = ["CREATE", "TEMPORARY"];

/** Privileges on a schema. */
export const PG_SCHEMA_PRIVILEGES: readonly string[] = ["USAGE", "CREATE"];

/** The schema unqualified table privileges apply to. */
export const DEFAULT_SCHEMA = "public";

/** The scoped forms, for messages. */
export const PG_SCOPED_FORMS: readonly string[] = [
    "<table privilege> IN SCHEMA <schema>",
    "USAGE ON SCHEMA <schema>",
    "CREATE ON SCHEMA <schema>",
    "FOR ROLE <owner>",
];

export type PgEntry =
    | { readonly kind: "database"; readonly privilege: string }
    /** `privilege` is one of PG_TABLE_PRIVILEGES or ALL. */
    | { readonly kind: "table"; readonly privilege: string; readonly schema: string }
    | { readonly kind: "schema"; readonly privilege: string; readonly schema: string }
    | { readonly kind: "owner"; readonly role: string };

const TABLE_WORDS = ["ALL", ...PG_TABLE_PRIVILEGES].join("|");
const TABLE_IN_SCHEMA = new RegExp(`^(${TABLE_WORDS}) IN SCHEMA (\\S+)$`, "i");
const ON_SCHEMA = /^(USAGE|CREATE) ON SCHEMA (\S+)$/i;
const FOR_ROLE = /^FOR ROLE (\S+)$/i;

/** Whitespace collapsed, keywords upper-cased, a trailing schema or role name kept as written. */
export function canonicalEntry(text: string): string {
    const collapsed = text.trim().replace(/\s+/g, " ");
    const named = /^(.* (?:SCHEMA|ROLE)) (\S+)$/i.exec(collapsed);
    return named === null ? collapsed.toUpperCase() : `${named[1].toUpperCase()} ${named[2]}`;
}

/** The entry's meaning, or undefined when it is not in the vocabulary (names are not checked here). */
export function parsePgEntry(text: string): PgEntry | undefined {
    const entry = canonicalEntry(text);
    if (PG_DATABASE_PRIVILEGES.includes(entry)) return { kind: "database", privilege: entry };
    if (entry === "ALL" || PG_TABLE_PRIVILEGES.includes(entry)) {
        return { kind: "table", privilege: entry, schema: DEFAULT_SCHEMA };
    }
    let m = TABLE_IN_SCHEMA.exec(entry);
    if (m !== null) return { kind: "table", privilege: m[1].toUpperCase(), schema: m[2] };
    m = ON_SCHEMA.exec(entry);
    if (m !== null) return { kind: "schema", privilege: m[1].toUpperCase(), schema: m[2] };
    m = FOR_ROLE.exec(entry);
    if (m !== null) return { kind: "owner", role: m[1] };
    return undefined;
}

export function formatPgEntry(entry: PgEntry): string {
    switch (entry.kind) {
        case "database":
            return entry.privilege;
        case "table":
            return entry.schema === DEFAULT_SCHEMA
                ? entry.privilege
                : `${entry.privilege} IN SCHEMA ${entry.schema}`;
        case "schema":
            return `${entry.privilege} ON SCHEMA ${entry.schema}`;
        case "owner":
            return `FOR ROLE ${entry.role}`;
    }
}

/** Table privileges per schema, ALL expanded. */
export function tablePrivilegesBySchema(entries: readonly PgEntry[]): Record<string, string[]> {
    const bySchema: Record<string, string[]> = {};
    for (const e of entries) {
        if (e.kind !== "table") continue;
        const held = (bySchema[e.schema] ??= []);
        for (const p of e.privilege === "ALL" ? PG_TABLE_PRIVILEGES : [e.privilege]) {
            if (!held.includes(p)) held.push(p);
        }
    }
    return bySchema;
}

/**
 * The canonical set: one spelling per meaning, sorted, so equal sets compare equal and a refresh
 * reads back what was stored. Per schema, every table privilege listed one by one becomes ALL;
 * USAGE next to table privileges or CREATE in the same schema is dropped (they include it).
 * Entries outside the vocabulary are kept, canonically spelled, for validation to name.
 */
export function normalizePgPrivileges(privileges: readonly string[]): string[] {
    const entries: PgEntry[] = [];
    const unknown: string[] = [];
    for (const p of privileges) {
        const entry = parsePgEntry(p);
        if (entry === undefined) unknown.push(canonicalEntry(p));
        else entries.push(entry);
    }
    const tables = tablePrivilegesBySchema(entries);
    const out: string[] = [...unknown];
    for (const [schema, held] of Object.entries(tables)) {
        const all = PG_TABLE_PRIVILEGES.every((p) => held.includes(p));
        for (const privilege of all ? ["ALL"] : held) {
            out.push(formatPgEntry({ kind: "table", privilege, schema }));
        }
    }
    const creates = entries.filter((e) => e.kind === "schema" && e.privilege === "CREATE");
    for (const e of entries) {
        if (e.kind === "table") continue;
        if (
            e.kind === "schema" &&
            e.privilege === "USAGE" &&
            (tables[e.schema] !== undefined ||
                creates.some((c) => c.kind === "schema" && c.schema === e.schema))
        ) {
            continue;
        }
        out.push(formatPgEntry(e));
    }
    return [...new Set(out)].sort();
}
