/**
 * The catalog rows (catalog.ts) as the provider's view of a user, against what it declares: the
 * vocabulary privileges fully in place, and everything else it may do, including what it may do
 * only because PUBLIC may (PostgreSQL grants every role CONNECT and TEMPORARY on every database by
 * default — "Privileges" in the PostgreSQL manual, DDL chapter).
 */
import { ObservedUser } from "../dialect";
import { CatalogRows, MARKER, describeDependencies } from "./catalog";
import { Grant, grantKey, grantsOf, ownerOf, schemasOf, vocabularyOf } from "./grants";
import { PG_DATABASE_PRIVILEGES, PG_TABLE_PRIVILEGES } from "./vocabulary";

const ATTRIBUTES = [
    ["SUPERUSER", "superuser"],
    ["CREATEDB", "createdb"],
    ["CREATEROLE", "createrole"],
    ["REPLICATION", "replication"],
    ["BYPASSRLS", "bypassrls"],
] as const;

/** Table grants (and their schema's USAGE) held on the owner's tables in the given schemas. */
function heldTableGrants(rows: CatalogRows, owner: string | undefined, schemas: readonly string[]): Grant[] {
    const ownerName = owner ?? rows.master;
    const held: Grant[] = [];
    const candidates = [
        ...new Set([
            ...schemas,
            ...rows.defaultAcl
                .filter((d) => d.owner === ownerName && d.schema !== "")
                .map((d) => String(d.schema)),
        ]),
    ];
    for (const schema of candidates) {
        const tables = rows.relations
            .filter((r) => r.kind === "table" && r.schema === schema)
            .map((r) => r.name);
        for (const privilege of PG_TABLE_PRIVILEGES) {
            const inDefaults = rows.defaultAcl.some(
                (d) =>
                    d.owner === ownerName &&
                    d.schema === schema &&
                    d.type === "r" &&
                    d.privilege === privilege,
            );
            const onEveryTable = tables.every((t) =>
                rows.objectAcl.some(
                    (a) =>
                        a.kind === "table" &&
                        a.schema === schema &&
                        a.name === t &&
                        a.privilege === privilege,
                ),
            );
            if (inDefaults && onEveryTable) held.push({ on: "tables", privilege, schema, owner });
        }
    }
    return held;
}

export function observedUser(rows: CatalogRows, declared: readonly string[]): ObservedUser {
    const { role, database } = rows;
    const owner = ownerOf(declared, rows.master);
    const ownerName = owner ?? rows.master;
    const declaredGrants = grantsOf(declared, rows.master);
    const unmanaged: string[] = [];
    for (const [attribute, column] of ATTRIBUTES) {
        if (role[column] === true) unmanaged.push(`role attribute ${attribute}`);
    }
    for (const other of rows.memberOf.filter((r) => r !== "rds_iam"))
        unmanaged.push(`member of role "${other}"`);

    const held: Grant[] = [];
    for (const p of PG_DATABASE_PRIVILEGES) {
        if (rows.databaseAcl.some((r) => r.database === database && r.privilege === p)) {
            held.push({ on: "database", privilege: p });
        }
    }
    for (const r of rows.databaseAcl) {
        const expected =
            r.database === database && ["CONNECT", ...PG_DATABASE_PRIVILEGES].includes(String(r.privilege));
        if (!expected || r.grantable === true) {
            unmanaged.push(
                `${r.privilege}${r.grantable === true ? " WITH GRANT OPTION" : ""} on database "${r.database}"`,
            );
        }
    }
    for (const a of rows.objectAcl) {
        if (
            a.kind === "schema" &&
            a.grantable !== true &&
            ["USAGE", "CREATE"].includes(String(a.privilege))
        ) {
            held.push({ on: "schema", privilege: String(a.privilege), schema: String(a.schema) });
        }
    }
    held.push(...heldTableGrants(rows, owner, schemasOf(declaredGrants)));

    const keys = [...declaredGrants, ...held].map(grantKey);
    const covers = (g: Grant) => keys.includes(grantKey(g));
    const inserts = (schema: unknown) =>
        covers({ on: "tables", privilege: "INSERT", schema: String(schema), owner });
    for (const a of rows.objectAcl) {
        const where = `${a.kind} ${a.schema === a.name ? `"${a.name}"` : `${a.schema}.${a.name}`}`;
        const ours = a.grantable !== true && a.owner === ownerName;
        const expected =
            (a.kind === "schema" &&
                a.grantable !== true &&
                ["USAGE", "CREATE"].includes(String(a.privilege))) ||
            (a.kind === "table" &&
                ours &&
                covers({ on: "tables", privilege: String(a.privilege), schema: String(a.schema), owner })) ||
            (a.kind === "sequence" &&
                ours &&
                inserts(a.schema) &&
                ["USAGE", "SELECT"].includes(String(a.privilege)));
        if (!expected)
            unmanaged.push(`${a.privilege}${a.grantable === true ? " WITH GRANT OPTION" : ""} on ${where}`);
    }
    for (const d of rows.defaultAcl) {
        const ours = d.owner === ownerName && d.schema !== "";
        const expected =
            ours &&
            ((d.type === "r" &&
                covers({ on: "tables", privilege: String(d.privilege), schema: String(d.schema), owner })) ||
                (d.type === "S" && inserts(d.schema) && ["USAGE", "SELECT"].includes(String(d.privilege))));
        if (!expected) {
            unmanaged.push(
                `default ${d.privilege} on new objects of ${d.owner}${d.schema ? ` in schema "${d.schema}"` : ""}`,
            );
        }
    }
    // What every role may do here through PUBLIC is the user's too (CONNECT it has anyway).
    for (const p of rows.publicDatabase.map((r) => String(r.privilege))) {
        if (PG_DATABASE_PRIVILEGES.includes(p) && !covers({ on: "database", privilege: p })) {
            unmanaged.push(`${p} on database "${database}" through PUBLIC`);
        }
    }
    for (const s of rows.publicSchemas) {
        if (!covers({ on: "schema", privilege: "CREATE", schema: String(s.schema) })) {
            unmanaged.push(`CREATE on schema "${s.schema}" through PUBLIC`);
        }
    }
    for (const line of describeDependencies(
        rows.dependencies.filter((r) => r.database !== database && r.database !== ""),
        "a",
    )) {
        unmanaged.push(`privileges in database ${line}`);
    }

    const notAdoptable: string[] = [];
    if (role.login !== true)
        notAdoptable.push("it cannot log in (NOLOGIN), so it is a group role, not a user");
    if (rows.members.length > 0) {
        notAdoptable.push(
            `it has members (${rows.members.join(", ")}): they would inherit rds_iam and be switched to IAM login`,
        );
    }
    for (const [attribute, column] of ATTRIBUTES.filter(([a]) => !["CREATEDB", "CREATEROLE"].includes(a))) {
        if (role[column] === true)
            notAdoptable.push(`it has ${attribute}, which only a superuser can remove`);
    }

    const comment = typeof role.comment === "string" ? role.comment : undefined;
    return {
        exists: true,
        iamAuthentication: role.login === true && rows.memberOf.includes("rds_iam"),
        privileges: vocabularyOf(held),
        unmanaged: [...new Set(unmanaged)].sort(),
        notAdoptable,
        managedBy: comment?.startsWith(MARKER) ? comment.slice(MARKER.length) : undefined,
        unfinished: false,
    };
}
