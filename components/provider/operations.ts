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

/**
 * Creates the user without asking first whether it exists (a round trip saved on every create): the
 * create itself fails, changing nothing, when a user of that name is there — then it is ours (an
 * earlier create of this resource, or one cut off half-way), adopted, or refused. A concurrent
 * create of the same name waits for this one (dialect.exclusive, or PostgreSQL's transactional role
 * catalog), so what is found then is never another create still in progress.
 */
export async function createUser(
    dialect: Dialect,
    session: Session,
    user: UserSpec,
    adopt: boolean,
    where: string,
): Promise<ObservedUser> {
    try {
        await dialect.create(session, user);
    } catch (e) {
        if (!dialect.isAlreadyExists(e)) throw e;
        const existing = await dialect.observe(session, user);
        if (!adopt && !isOurs(existing, user)) throw alreadyExists(user, where);
        await dialect.converge(session, user, existing);
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
    /** The user as read just now under the operation's lock, when the dialect read it there. */
    readUnderLock?: ObservedUser,
): Promise<ObservedUser> {
    const observed = readUnderLock ?? (await dialect.observe(session, user));
    if (!observed.exists) {
        throw new Error(
            `database user "${user.username}" no longer exists on ${where} (dropped outside Pulumi). Nothing was changed: ` +
                "run `pulumi refresh` to record that, and the next `pulumi up` creates it again.",
        );
    }
    if (!observed.iamAuthentication || observed.unmanaged.length > 0 || observed.unfinished) {
        await dialect.converge(session, user, observed);
    } else if (JSON.stringify(observed.privileges) !== JSON.stringify([...user.privileges].sort())) {
        const after = await dialect.changePrivileges(session, user, observed.privileges);
        if (after) return after;
    } else {
        return observed; // nothing to change: what was just read is what there is
    }
    return dialect.observe(session, user);
}
