/**
 * Acting for another role inside one transaction, the way RDS's master can: to grant on the tables
 * a migration user owns, change its default privileges (ALTER DEFAULT PRIVILEGES FOR ROLE) or let
 * DROP OWNED remove what it granted, the master needs that role's privileges. It takes a
 * membership (16+: WITH INHERIT TRUE, SET FALSE; PostgreSQL 16 refuses ADMIN alone) and ends it
 * before COMMIT, so it is never committed — the owner is an IAM user, a member of rds_iam, and a
 * committed membership would hand the master rds_iam (transaction.ts checks before every COMMIT).
 *
 * Traps (cyrilgdn/terraform-provider-postgresql's temporary memberships, PostgreSQL 16's CREATEROLE
 * changes): a membership the master already inherits is used as it is — granting and revoking it
 * would end it; 16+ needs ADMIN OPTION on the role, which the master holds on the roles it created.
 */
import type { Row, Session } from "../connection";
import * as catalog from "./catalog";
import * as sql from "./sql";

const ROLE_ACCESS = `SELECT r.rolsuper AS superuser, pg_has_role(current_user, r.oid, 'USAGE') AS inherits,
    pg_has_role(current_user, r.oid, 'MEMBER WITH ADMIN OPTION') AS admin,
    EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles me ON me.oid = m.member AND me.rolname = current_user
      WHERE m.roleid = r.oid AND m.grantor = me.oid) AS self_granted
  FROM pg_roles r WHERE r.rolname = $1`;

export interface Acting {
    readonly enter: string[];
    readonly leave: string[];
}

function cannot(role: string, why: string): Error {
    return new Error(
        `the master user cannot act for "${role}" (the owner of the tables, FOR ROLE): ${why}. Nothing was changed.`,
    );
}

/** The statements that let the master act for `roles` in this transaction, after checking it may. */
export async function actFor(
    session: Session,
    major: number,
    master: string,
    roles: readonly string[],
): Promise<Acting> {
    const enter: string[] = [];
    const leave: string[] = [];
    for (const role of [...new Set(roles)].filter((r) => r !== master)) {
        const [access] = await session.query(ROLE_ACCESS, [role]);
        if (access === undefined) {
            throw new Error(
                `owner "${role}" (FOR ROLE) does not exist on this server: create that user first — give the migration user's ` +
                    "DatabaseUser `username` output as `owner`, so Pulumi creates it first. Nothing was changed.",
            );
        }
        if (access.inherits === true) continue;
        if (access.superuser === true)
            throw cannot(role, "it is a superuser, whose membership only a superuser can grant");
        if (major >= 16 && access.admin !== true) {
            throw cannot(
                role,
                `on PostgreSQL 16+ that needs ADMIN OPTION on it, which the master holds on the roles it created. Create "${role}" ` +
                    `through rds-iam (as the master), or grant it: GRANT "${role}" TO "${master}" WITH ADMIN OPTION`,
            );
        }
        if (access.self_granted === true) {
            throw cannot(
                role,
                `the master holds a membership in it that it granted itself without INHERIT, which a temporary membership would ` +
                    `replace and end. Revoke it (REVOKE "${role}" FROM "${master}") or give it INHERIT TRUE`,
            );
        }
        enter.push(sql.temporaryMembership(major, role, master));
        leave.push(sql.endTemporaryMembership(role, master));
    }
    return { enter, leave };
}

/**
 * The roles whose grants to the user rds-iam removes too, of those whose tables or default
 * privileges grant it something here: the declared owner and other rds-iam users (a previous owner). Grants of
 * roles outside rds-iam are left to an administrator (adoption lists them and refuses).
 */
export async function grantingRoles(
    session: Session,
    oid: unknown,
    user: string,
    master: string,
    owner: string | undefined,
    read?: readonly Row[],
): Promise<string[]> {
    const roles = (read ?? (await session.query(catalog.GRANTING_ROLES, [oid])))
        .map((r) => String(r.role))
        .filter((r) => r !== master && r !== user);
    const marked =
        roles.length === 0
            ? []
            : (await session.query(catalog.MARKED_ROLES, [roles, catalog.MARKER])).map((r) => String(r.role));
    return [...new Set([...roles.filter((r) => r === owner), ...marked])].sort();
}
