/**
 * The provider's operations, the same for every engine: each takes a dialect (postgres/, mysql/)
 * and an open master session, and converges the database to the declared user. Every operation can
 * be retried after a failure and ends in the same state.
 */
import { EngineFamily } from "../engines";
import type { Session } from "./connection";
import { Dialect, NOT_THERE, ObservedUser, UserSpec } from "./dialect";
import { mysqlDialect } from "./mysql/dialect";
import { postgresDialect } from "./postgres/dialect";

export function dialectOf(family: EngineFamily): Dialect {
    return family === "postgres" ? postgresDialect : mysqlDialect;
}

function alreadyExists(user: UserSpec, where: string): Error {
    return new Error(
        `database user "${user.username}" already exists on ${where}. Set adopt: true to take it over (its login ` +
            `becomes IAM-only and its privileges are set to exactly [${user.privileges.join(", ")}]), or choose another username.`,
    );
}

/** Our own earlier create (its marker) or one cut off half-way: a retry finishes it without adopt. */
function isOurs(observed: ObservedUser, user: UserSpec): boolean {
    return observed.unfinished || (user.managedBy !== undefined && observed.managedBy === user.managedBy);
}

export async function createUser(
    dialect: Dialect,
    session: Session,
    user: UserSpec,
    adopt: boolean,
    where: string,
): Promise<ObservedUser> {
    const existing = await dialect.observe(session, user);
    if (existing.exists) {
        if (!adopt && !isOurs(existing, user)) throw alreadyExists(user, where);
        await dialect.converge(session, user, existing);
        return dialect.observe(session, user);
    }
    try {
        await dialect.create(session, user);
    } catch (e) {
        if (!dialect.isAlreadyExists(e)) throw e;
        // A concurrent create of the same name won the race: answer as if it had been there first.
        // Its account may still be half-made (locked): that is the winner's work in progress, not ours.
        const winner = await dialect.observe(session, user);
        const ours = user.managedBy !== undefined && winner.managedBy === user.managedBy;
        if (!adopt && !ours) throw alreadyExists(user, where);
        await dialect.converge(session, user, winner);
        return dialect.observe(session, user);
    }
    // A fresh create makes exactly the declared user, in one transaction (PostgreSQL) or locked until
    // its grants are in place (MySQL): no need to read it back.
    return { ...NOT_THERE, exists: true, iamAuthentication: true, privileges: [...user.privileges].sort() };
}

/**
 * Brings an existing user to its declared state: a repair (IAM login lost, privileges beyond the
 * declared ones, a half-made create) converges it whole; otherwise only the privileges change.
 */
export async function updateUser(
    dialect: Dialect,
    session: Session,
    user: UserSpec,
    where: string,
): Promise<ObservedUser> {
    const observed = await dialect.observe(session, user);
    if (!observed.exists) {
        throw new Error(
            `database user "${user.username}" no longer exists on ${where} (dropped outside Pulumi). Nothing was changed: ` +
                "run `pulumi refresh` to record that, and the next `pulumi up` creates it again.",
        );
    }
    if (!observed.iamAuthentication || observed.unmanaged.length > 0 || observed.unfinished) {
        await dialect.converge(session, user, observed);
    } else if (JSON.stringify(observed.privileges) !== JSON.stringify([...user.privileges].sort())) {
        await dialect.changePrivileges(session, user, observed.privileges);
    }
    return dialect.observe(session, user);
}
