/**
 * PUBLIC's privileges on the databases rds-iam manages users in. PostgreSQL gives PUBLIC — every
 * role, this IAM user too — CONNECT and TEMPORARY on every database by default ("Privileges" in
 * the PostgreSQL manual, DDL chapter), and databases upgraded from before 15 keep PUBLIC's CREATE on
 * schema public (PostgreSQL 15 release notes). No per-role REVOKE takes them away from one user, so
 * a user declared ["SELECT"] could still create temporary tables (or tables) there.
 *
 * rds-iam takes them from PUBLIC on the user's database, in the transaction that creates or
 * changes the user, and keeps everyone else's access as it was: every role that could log in then
 * (but superusers, the database owner, and rds-iam's own users, which get exactly their declared
 * privileges) and rds_superuser (so RDS administrators, the master among them, keep theirs) get
 * those privileges explicitly first. Roles made afterwards get only what they are granted. The
 * master keeps its access as the owner (transaction.ts checks CONNECT before COMMIT). Other
 * databases are not changed: there the user may still connect and do what PUBLIC may.
 */
import type { Row, Session } from "../connection";
import * as catalog from "./catalog";
import { ident } from "./sql";

const DATABASE = `SELECT pg_get_userbyid(d.datdba) AS owner, pg_has_role(current_user, d.datdba, 'USAGE') AS can_act
  FROM pg_database d WHERE d.datname = current_database()`;

/** Roles that keep PUBLIC's privileges as their own; parameters [marker, the user]. */
export const KEPT_ROLES = `SELECT r.rolname AS name FROM pg_roles r
  WHERE (r.rolcanlogin OR r.rolname = 'rds_superuser') AND NOT r.rolsuper AND r.rolname <> $2
    AND r.oid <> (SELECT datdba FROM pg_database WHERE datname = current_database())
    AND left(coalesce((SELECT description FROM pg_shdescription WHERE objoid = r.oid AND classoid = ${catalog.ROLE_CATALOG}), ''),
      length($1)) <> $1
  ORDER BY 1`;

/** Grants to `keep` what PUBLIC has, then takes it from PUBLIC. */
export function takePublicAccessStatements(
    database: string,
    onDatabase: readonly string[],
    createOnSchemas: readonly string[],
    keep: readonly string[],
): string[] {
    const roles = keep.map(ident).join(", ");
    const move = (privileges: string, on: string) => [
        ...(keep.length === 0 ? [] : [`GRANT ${privileges} ON ${on} TO ${roles}`]),
        `REVOKE ${privileges} ON ${on} FROM PUBLIC`,
    ];
    return [
        ...(onDatabase.length === 0 ? [] : move(onDatabase.join(", "), `DATABASE ${ident(database)}`)),
        ...createOnSchemas.flatMap((schema) => move("CREATE", `SCHEMA ${ident(schema)}`)),
    ];
}

function refuse(what: string, kind: "database" | "schema", name: string, owner: string, fix: string): Error {
    const where = `${kind} ${ident(name)}`;
    return new Error(
        `PUBLIC (every role) has ${what} on ${where}, so this IAM user could do that too beyond its declared privileges, ` +
            `and the master user cannot take it away: it does not own ${where} (its owner is "${owner}"). Nothing was changed. ` +
            `${fix}, or as the owner run REVOKE ${what} ON ${kind.toUpperCase()} ${ident(name)} FROM PUBLIC (granting it to the ` +
            "roles that need it), and run pulumi up again.",
    );
}

/** The statements that take PUBLIC's privileges away here (none when it has none); run inside the transaction. */
export async function takePublicAccess(
    session: Session,
    user: string,
    read?: { readonly onDatabase: readonly Row[]; readonly schemas: readonly Row[] },
): Promise<string[]> {
    const database = session.database ?? "postgres";
    const onDatabase = (read?.onDatabase ?? (await session.query(catalog.PUBLIC_DATABASE)))
        .map((r) => String(r.privilege))
        .filter((p) => ["CONNECT", "TEMPORARY", "CREATE"].includes(p))
        .sort();
    const schemas = read?.schemas ?? (await session.query(catalog.PUBLIC_SCHEMAS));
    if (onDatabase.length === 0 && schemas.length === 0) return [];
    const [db] = await session.query(DATABASE);
    if (onDatabase.length > 0 && db.can_act !== true) {
        throw refuse(
            onDatabase.join(", "),
            "database",
            database,
            String(db.owner),
            `Make the master the owner (ALTER DATABASE ${ident(database)} OWNER TO …)`,
        );
    }
    for (const s of schemas.filter((row) => row.can_act !== true)) {
        throw refuse(
            "CREATE",
            "schema",
            String(s.schema),
            String(s.owner),
            "Make the master the schema's owner",
        );
    }
    const keep = (await session.query(KEPT_ROLES, [catalog.MARKER, user])).map((r) => String(r.name));
    return takePublicAccessStatements(
        database,
        onDatabase,
        schemas.map((s) => String(s.schema)),
        keep,
    );
}
