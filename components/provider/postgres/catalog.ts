/**
 * What the master can read about a role on RDS, without the role catalog itself (unreadable there):
 * pg_roles, pg_auth_members, ACLs through aclexplode, pg_default_acl and pg_shdepend. Queries are
 * plain strings; `observedUser` turns their rows into what the provider compares.
 */
import type { Row } from "../connection";
import { ObservedUser } from "../dialect";
import { TABLE_PRIVILEGES, managedByComment, splitPrivileges } from "./sql";

const MARKER = managedByComment("");

/**
 * The fixed OID of the role catalog, by which comments (pg_shdescription) and dependencies
 * (pg_shdepend) refer to roles; those views are readable by everyone, the catalog is not.
 */
const ROLE_CATALOG = 1260;

export const SERVER_VERSION = "SELECT current_setting('server_version_num')::int AS version";

/** The role; parameters [name]. */
export const ROLE = `SELECT r.oid::int8 AS oid, r.rolcanlogin AS login, r.rolsuper AS superuser,
    r.rolcreatedb AS createdb, r.rolcreaterole AS createrole, r.rolreplication AS replication,
    r.rolbypassrls AS bypassrls, (SELECT description FROM pg_shdescription WHERE objoid = r.oid AND classoid = ${ROLE_CATALOG}) AS comment
  FROM pg_roles r WHERE r.rolname = $1`;

/** Roles the role belongs to; parameters [oid]. */
export const MEMBER_OF = `SELECT g.rolname AS role FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
  WHERE m.member = $1 ORDER BY 1`;

/**
 * Roles that belong to the role and would share its privileges; parameters [oid]. On 16+ the
 * ADMIN-only grant its creator receives (no INHERIT, no SET) is not such a membership.
 */
export function membersQuery(major: number): string {
    const effective = major >= 16 ? " AND (m.inherit_option OR m.set_option)" : "";
    return `SELECT x.rolname AS member FROM pg_auth_members m JOIN pg_roles x ON x.oid = m.member
  WHERE m.roleid = $1${effective} ORDER BY 1`;
}

/** Database-level grants, every database; parameters [oid]. */
export const DATABASE_ACL = `SELECT d.datname AS database, a.privilege_type AS privilege, a.is_grantable AS grantable
  FROM pg_database d, aclexplode(d.datacl) a WHERE a.grantee = $1`;

/** Grants on schemas, relations and functions of the current database; parameters [oid]. */
export const OBJECT_ACL = `SELECT 'schema' AS kind, n.nspname AS schema, n.nspname AS name, false AS master_owned,
    a.privilege_type AS privilege, a.is_grantable AS grantable
  FROM pg_namespace n, aclexplode(n.nspacl) a WHERE a.grantee = $1
  UNION ALL
  SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END, n.nspname, c.relname,
    c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user), a.privilege_type, a.is_grantable
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a WHERE a.grantee = $1
  UNION ALL
  SELECT 'function', n.nspname, p.proname, false, a.privilege_type, a.is_grantable
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a WHERE a.grantee = $1`;

/** Tables and sequences of schema public the master owns (where its grants and default privileges apply). */
export const MASTER_PUBLIC_RELATIONS = `SELECT c.relname AS name, CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END AS kind
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)`;

/** Default-privilege entries naming the role, current database; parameters [oid]. */
export const DEFAULT_ACL = `SELECT pg_get_userbyid(da.defaclrole) AS owner, coalesce(n.nspname, '') AS schema,
    da.defaclobjtype AS type, a.privilege_type AS privilege
  FROM pg_default_acl da LEFT JOIN pg_namespace n ON n.oid = da.defaclnamespace, aclexplode(da.defaclacl) a
  WHERE a.grantee = $1`;

/** What depends on the role in every database (owned objects 'o', grants 'a', policies 'r'); parameters [oid]. */
export const DEPENDENCIES = `SELECT coalesce(d.datname, '') AS database, s.deptype AS type,
    s.classid::regclass::text AS catalog, count(*)::int AS n
  FROM pg_shdepend s LEFT JOIN pg_database d ON d.oid = s.dbid
  WHERE s.refclassid = ${ROLE_CATALOG} AND s.refobjid = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

/** Every query above (but the role's own row) in one round trip, each as a JSON array; parameters [oid]. */
export function catalogQuery(major: number): string {
    const json = (query: string) => `(SELECT coalesce(json_agg(q), '[]'::json) FROM (${query}) q)`;
    return `SELECT ${json(MEMBER_OF)} AS member_of, ${json(membersQuery(major))} AS members,
    ${json(DATABASE_ACL)} AS database_acl, ${json(OBJECT_ACL)} AS object_acl,
    ${json(MASTER_PUBLIC_RELATIONS)} AS master_relations, ${json(DEFAULT_ACL)} AS default_acl,
    ${json(DEPENDENCIES)} AS dependencies`;
}

/**
 * Would the master log in with IAM if this were committed? 16+: it has rds_iam's privileges or may
 * SET ROLE to it; 15: it is a member at all.
 */
export function masterIamCheck(major: number): string {
    return major >= 16
        ? "SELECT pg_has_role(current_user, 'rds_iam', 'USAGE') OR pg_has_role(current_user, 'rds_iam', 'SET') AS iam"
        : "SELECT pg_has_role(current_user, 'rds_iam', 'MEMBER') AS iam";
}

export interface CatalogRows {
    readonly role: Row;
    readonly memberOf: string[];
    readonly members: string[];
    readonly databaseAcl: Row[];
    readonly objectAcl: Row[];
    readonly masterRelations: Row[];
    readonly defaultAcl: Row[];
    readonly dependencies: Row[];
    readonly database: string;
    readonly master: string;
}

const CATALOG_NAMES: Readonly<Record<string, string>> = {
    pg_class: "tables, views or sequences",
    pg_namespace: "schemas",
    pg_proc: "functions",
    pg_type: "types",
    pg_database: "databases",
    pg_default_acl: "default privileges",
};

/** "appdb: 2 tables, views or sequences, 1 schemas" per database, for messages. */
export function describeDependencies(rows: readonly Row[], type: string): string[] {
    const byDatabase = new Map<string, string[]>();
    for (const row of rows.filter((r) => r.type === type)) {
        const database = String(row.database) || "(cluster-wide)";
        const what = `${row.n} ${CATALOG_NAMES[String(row.catalog)] ?? String(row.catalog)}`;
        byDatabase.set(database, [...(byDatabase.get(database) ?? []), what]);
    }
    return [...byDatabase].map(([database, what]) => `${database}: ${what.join(", ")}`);
}

/** The catalog rows as the provider's view of the user, against what it declares. */
export function observedUser(rows: CatalogRows, declared: readonly string[]): ObservedUser {
    const { role, database } = rows;
    const unmanaged: string[] = [];
    for (const [attribute, column] of [
        ["SUPERUSER", "superuser"],
        ["CREATEDB", "createdb"],
        ["CREATEROLE", "createrole"],
        ["REPLICATION", "replication"],
        ["BYPASSRLS", "bypassrls"],
    ] as const) {
        if (role[column] === true) unmanaged.push(`role attribute ${attribute}`);
    }
    for (const other of rows.memberOf.filter((r) => r !== "rds_iam"))
        unmanaged.push(`member of role "${other}"`);

    const own = rows.databaseAcl.filter((r) => r.database === database);
    const privileges: string[] = [];
    for (const p of ["CREATE", "TEMPORARY"]) if (own.some((r) => r.privilege === p)) privileges.push(p);
    for (const r of rows.databaseAcl) {
        const expected =
            r.database === database && ["CONNECT", "CREATE", "TEMPORARY"].includes(String(r.privilege));
        if (!expected || r.grantable === true) {
            unmanaged.push(
                `${r.privilege}${r.grantable === true ? " WITH GRANT OPTION" : ""} on database "${r.database}"`,
            );
        }
    }

    const expectedTable = splitPrivileges(declared).table;
    const tables = rows.masterRelations.filter((r) => r.kind === "table").map((r) => String(r.name));
    const defaults = rows.defaultAcl.filter((d) => d.owner === rows.master && d.schema === "public");
    for (const p of TABLE_PRIVILEGES) {
        const inDefaults = defaults.some((d) => d.type === "r" && d.privilege === p);
        const onEveryTable = tables.every((t) =>
            rows.objectAcl.some(
                (a) => a.kind === "table" && a.schema === "public" && a.name === t && a.privilege === p,
            ),
        );
        if (inDefaults && onEveryTable) privileges.push(p);
    }
    const usesSequences = expectedTable.includes("INSERT");
    for (const a of rows.objectAcl) {
        const where = `${a.kind} ${a.schema === a.name ? `"${a.name}"` : `${a.schema}.${a.name}`}`;
        const expected =
            a.grantable !== true &&
            ((a.kind === "schema" &&
                a.name === "public" &&
                a.privilege === "USAGE" &&
                expectedTable.length > 0) ||
                (a.kind === "table" &&
                    a.schema === "public" &&
                    a.master_owned === true &&
                    expectedTable.includes(String(a.privilege))) ||
                (a.kind === "sequence" &&
                    a.schema === "public" &&
                    a.master_owned === true &&
                    usesSequences &&
                    ["USAGE", "SELECT"].includes(String(a.privilege))));
        if (!expected)
            unmanaged.push(`${a.privilege}${a.grantable === true ? " WITH GRANT OPTION" : ""} on ${where}`);
    }
    for (const d of rows.defaultAcl) {
        const expected =
            d.owner === rows.master &&
            d.schema === "public" &&
            ((d.type === "r" && expectedTable.includes(String(d.privilege))) ||
                (d.type === "S" && usesSequences && ["USAGE", "SELECT"].includes(String(d.privilege))));
        if (!expected) {
            unmanaged.push(
                `default ${d.privilege} on new objects of ${d.owner}${d.schema ? ` in schema "${d.schema}"` : ""}`,
            );
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
    for (const [attribute, column] of [
        ["SUPERUSER", "superuser"],
        ["REPLICATION", "replication"],
        ["BYPASSRLS", "bypassrls"],
    ] as const) {
        if (role[column] === true)
            notAdoptable.push(`it has ${attribute}, which only a superuser can remove`);
    }

    const all = TABLE_PRIVILEGES.every((p) => privileges.includes(p));
    const vocabulary = [
        ...(all ? ["ALL"] : privileges.filter((p) => TABLE_PRIVILEGES.includes(p))),
        ...privileges.filter((p) => !TABLE_PRIVILEGES.includes(p)),
    ].sort();
    const comment = typeof role.comment === "string" ? role.comment : undefined;
    return {
        exists: true,
        iamAuthentication: role.login === true && rows.memberOf.includes("rds_iam"),
        privileges: vocabulary,
        unmanaged: [...new Set(unmanaged)].sort(),
        notAdoptable,
        managedBy: comment?.startsWith(MARKER) ? comment.slice(MARKER.length) : undefined,
        unfinished: false,
    };
}
