/**
 * What the master can read about a role on RDS, without the role catalog itself (unreadable there):
 * pg_roles, pg_auth_members, ACLs through aclexplode, pg_default_acl and pg_shdepend. Queries are
 * plain strings; observe.ts turns their rows into what the provider compares.
 */
import type { Row } from "../connection";
import { managedByComment } from "./sql";

/** The marker's fixed beginning (the role's comment), by which rds-iam's users are recognised. */
export const MARKER = managedByComment("");

/**
 * The fixed OID of the role catalog, by which comments (pg_shdescription) and dependencies
 * (pg_shdepend) refer to roles; those views are readable by everyone, the catalog is not.
 */
export const ROLE_CATALOG = 1260;

export const SERVER_VERSION =
    "SELECT current_setting('server_version_num')::int AS version, current_setting('server_version') AS name";

/** The role; parameters [name]. */
export const ROLE = `SELECT r.oid::int8 AS oid, r.rolcanlogin AS login, r.rolsuper AS superuser,
    r.rolcreatedb AS createdb, r.rolcreaterole AS createrole, r.rolreplication AS replication,
    r.rolbypassrls AS bypassrls, (SELECT description FROM pg_shdescription WHERE objoid = r.oid AND classoid = ${ROLE_CATALOG}) AS comment
  FROM pg_roles r WHERE r.rolname = $1`;

/** ROLE with the role's oid as oid too (`roid`), for the joins of the one-query reads below. */
const ROLE_WITH_OID = ROLE.replace("SELECT r.oid::int8 AS oid", "SELECT r.oid AS roid, r.oid::int8 AS oid");

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

/**
 * Grants on schemas, relations and functions of the current database, with the object's owner
 * and its name as SQL (quoted by the server); parameters [oid].
 */
export const OBJECT_ACL = `SELECT 'schema' AS kind, n.nspname AS schema, n.nspname AS name,
    pg_get_userbyid(n.nspowner) AS owner, quote_ident(n.nspname) AS target, a.privilege_type AS privilege, a.is_grantable AS grantable
  FROM pg_namespace n, aclexplode(n.nspacl) a WHERE a.grantee = $1
  UNION ALL
  SELECT CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END, n.nspname, c.relname,
    pg_get_userbyid(c.relowner), quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.privilege_type, a.is_grantable
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a WHERE a.grantee = $1
  UNION ALL
  SELECT 'function', n.nspname, p.proname, pg_get_userbyid(p.proowner), p.oid::regprocedure::text, a.privilege_type, a.is_grantable
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace, aclexplode(p.proacl) a WHERE a.grantee = $1`;

const RELATION_KINDS = "('r', 'p', 'v', 'm', 'f', 'S')";

/**
 * Tables and sequences of one owner (parameter 2; NULL: the master) in the schemas the user's
 * privileges name (parameter 3) or where it has that owner's default privileges; parameters
 * [oid, owner, schemas].
 */
export const OWNER_RELATIONS = `SELECT n.nspname AS schema, c.relname AS name, CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END AS kind
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ${RELATION_KINDS} AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = coalesce($2::text, current_user::text))
    AND (n.nspname = ANY($3::text[]) OR n.oid IN (SELECT da.defaclnamespace FROM pg_default_acl da, aclexplode(da.defaclacl) a
      WHERE a.grantee = $1 AND da.defaclrole = c.relowner))`;

/** Tables and sequences of some owners (parameter 2) in some schemas (parameter 1), for grants by name. */
export const RELATIONS_OF = `SELECT pg_get_userbyid(c.relowner) AS owner, n.nspname AS schema, c.relname AS name, c.relkind = 'S' AS sequence
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ${RELATION_KINDS} AND n.nspname = ANY($1::text[]) AND pg_get_userbyid(c.relowner) = ANY($2::text[])
  ORDER BY 2, 3`;

/** Which of the schemas (parameter 1) exist in the current database. */
export const SCHEMAS = "SELECT nspname AS schema FROM pg_namespace WHERE nspname = ANY($1::text[])";

/** Default-privilege entries naming the role, current database; parameters [oid]. */
export const DEFAULT_ACL = `SELECT pg_get_userbyid(da.defaclrole) AS owner, coalesce(n.nspname, '') AS schema,
    da.defaclobjtype AS type, a.privilege_type AS privilege
  FROM pg_default_acl da LEFT JOIN pg_namespace n ON n.oid = da.defaclnamespace, aclexplode(da.defaclacl) a
  WHERE a.grantee = $1`;

/** What every role gets through PUBLIC on the current database (NULL ACL: PostgreSQL's default, CONNECT and TEMPORARY). */
export const PUBLIC_DATABASE = `SELECT a.privilege_type AS privilege
  FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
  WHERE d.datname = current_database() AND a.grantee = 0`;

/** Schemas of the current database where PUBLIC may CREATE (before 15 public's default; kept by upgrades). */
export const PUBLIC_SCHEMAS = `SELECT n.nspname AS schema, pg_get_userbyid(n.nspowner) AS owner,
    pg_has_role(current_user, n.nspowner, 'USAGE') AS can_act
  FROM pg_namespace n, aclexplode(n.nspacl) a WHERE a.grantee = 0 AND a.privilege_type = 'CREATE' ORDER BY 1`;

/** The roles whose objects or default privileges grant the role something here; parameters [oid]. */
export const GRANTING_ROLES = `SELECT pg_get_userbyid(da.defaclrole) AS role FROM pg_default_acl da, aclexplode(da.defaclacl) a WHERE a.grantee = $1
  UNION SELECT pg_get_userbyid(c.relowner) FROM pg_class c, aclexplode(c.relacl) a WHERE a.grantee = $1`;

/** Which of the roles (parameter 1) carry rds-iam's marker (parameter 2). */
export const MARKED_ROLES = `SELECT r.rolname AS role FROM pg_roles r
  WHERE r.rolname = ANY($1::text[]) AND left(coalesce((SELECT description FROM pg_shdescription
    WHERE objoid = r.oid AND classoid = ${ROLE_CATALOG}), ''), length($2)) = $2`;

/** What depends on the role in every database (owned objects 'o', grants 'a', policies 'r'); parameters [oid]. */
export const DEPENDENCIES = `SELECT coalesce(d.datname, '') AS database, s.deptype AS type,
    s.classid::regclass::text AS catalog, count(*)::int AS n
  FROM pg_shdepend s LEFT JOIN pg_database d ON d.oid = s.dbid
  WHERE s.refclassid = ${ROLE_CATALOG} AND s.refobjid = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;

/** Every query above (but the role's own row) in one round trip, each as a JSON array; parameters [oid, owner, schemas]. */
export function catalogQuery(major: number): string {
    const json = (query: string) => `(SELECT coalesce(json_agg(q), '[]'::json) FROM (${query}) q)`;
    return `SELECT ${json(MEMBER_OF)} AS member_of, ${json(membersQuery(major))} AS members,
    ${json(DATABASE_ACL)} AS database_acl, ${json(OBJECT_ACL)} AS object_acl,
    ${json(OWNER_RELATIONS)} AS relations, ${json(DEFAULT_ACL)} AS default_acl,
    ${json(DEPENDENCIES)} AS dependencies, ${json(PUBLIC_DATABASE)} AS public_database,
    ${json(PUBLIC_SCHEMAS)} AS public_schemas`;
}

/**
 * The role's row and catalogQuery's columns in one round trip, by name; parameters [name, owner,
 * schemas]. No row when the role does not exist. (`roid`: the role's oid as oid, for the joins.)
 */
export function observeQuery(major: number): string {
    const role = ROLE_WITH_OID;
    const columns = catalogQuery(major)
        .replace(/^SELECT /, "")
        .replace(/\$1\b/g, "observed_role.roid");
    // An alias no inner query uses (membersQuery has its own "x").
    return `SELECT to_json(observed_role) AS role, observed_catalog.* FROM (${role}) observed_role, LATERAL (SELECT ${columns}) observed_catalog`;
}

/** The role and what depends on it (DEPENDENCIES), in one round trip: what a delete decides on; parameters [name]. */
export function dropQuery(): string {
    const role = ROLE_WITH_OID;
    const json = (query: string) => `(SELECT coalesce(json_agg(q), '[]'::json) FROM (${query}) q)`;
    const dependencies = DEPENDENCIES.replace(/\$1\b/g, "dropped_role.roid");
    return `SELECT to_json(dropped_role) AS role, ${json(dependencies)} AS dependencies FROM (${role}) dropped_role`;
}

/** GRANTING_ROLES for one role, parameterless (a transaction's opening read). */
export function grantingRolesOf(oid: unknown): string {
    if (!/^\d+$/.test(String(oid))) throw new Error(`not a role oid: ${String(oid)}`);
    return GRANTING_ROLES.replace(/\$1\b/g, `${String(oid)}::oid`);
}

/** observeQuery with its parameters written in, for a batch (the read-back after COMMIT). */
export function observeQueryWith(
    major: number,
    name: string,
    owner: string | null,
    schemas: readonly string[],
    literal: (value: string) => string,
): string {
    // Replacer functions: a literal's "$" must not read as a replacement pattern.
    return observeQuery(major)
        .replace("$1", () => literal(name))
        .replace(/\$2::text/g, () => (owner === null ? "NULL::text" : `${literal(owner)}::text`))
        .replace(/\$3::text\[\]/g, () => textArray(schemas, literal));
}

export interface CatalogRows {
    readonly role: Row;
    readonly memberOf: string[];
    readonly members: string[];
    readonly databaseAcl: Row[];
    readonly objectAcl: Row[];
    /** Tables and sequences of the declared owner (OWNER_RELATIONS). */
    readonly relations: Row[];
    readonly defaultAcl: Row[];
    readonly dependencies: Row[];
    readonly publicDatabase: Row[];
    readonly publicSchemas: Row[];
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

/** A text[] literal for a query sent without parameters (in a batch). */
export function textArray(values: readonly string[], literal: (value: string) => string): string {
    return `ARRAY[${values.map(literal).join(", ")}]::text[]`;
}

/**
 * What a change's grants are built from, in one row (one round trip, and parameterless so it can
 * travel in the transaction's opening batch): which of `schemas` exist, the tables and sequences of
 * `owners` in them, and PUBLIC's privileges on this database and its schemas.
 */
export function grantContextQuery(
    schemas: readonly string[],
    owners: readonly string[],
    literal: (value: string) => string,
): string {
    const json = (query: string) => `(SELECT coalesce(json_agg(q), '[]'::json) FROM (${query}) q)`;
    const relations = RELATIONS_OF.replace("$1::text[]", () => textArray(schemas, literal)).replace(
        "$2::text[]",
        () => textArray(owners, literal),
    );
    return `SELECT ${json(SCHEMAS.replace("$1::text[]", () => textArray(schemas, literal)))} AS schemas, ${json(relations)} AS relations, ${json(PUBLIC_DATABASE)} AS public_database, ${json(PUBLIC_SCHEMAS)} AS public_schemas`;
}
