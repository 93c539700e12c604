/**
 * What the provider asks of a database engine family, behind one interface: one dialect object per
 * family (postgres/, mysql/), so the operations never ask which engine they run on. Each method
 * takes an open master session; the SQL itself is built by pure functions in the dialect's sql.ts.
 */
import type { Session } from "./connection";

/** What happens to objects a deleted PostgreSQL user owns. */
export type OwnedObjectsOnDelete = "fail" | "drop" | "reassign";

/** The user as declared: what the provider converges the database to. */
export interface UserSpec {
    readonly username: string;
    /** The database the privileges apply to (PostgreSQL always has one). */
    readonly database?: string;
    /** Normalised privileges from the engine family's vocabulary. */
    readonly privileges: readonly string[];
    /** The master user the session is logged in as. */
    readonly master: string;
    /** Who manages the user (project/stack/resource): written as a marker where the engine can keep one. */
    readonly managedBy?: string;
    /** PostgreSQL: objects the user owns when it is deleted. @default "fail" */
    readonly ownedObjectsOnDelete?: OwnedObjectsOnDelete;
    /** PostgreSQL, with ownedObjectsOnDelete "reassign": the role that receives them. */
    readonly reassignOwnedTo?: string;
}

/** What the server says about a user. */
export interface ObservedUser {
    readonly exists: boolean;
    /** Logs in with IAM only: AWSAuthenticationPlugin 'RDS' + REQUIRE SSL (MySQL), LOGIN + rds_iam (PostgreSQL). */
    readonly iamAuthentication: boolean;
    /** The vocabulary privileges fully in place on the database. */
    readonly privileges: string[];
    /**
     * Everything else the user can do, beyond its declared privileges: role attributes, memberships,
     * global grants, grants on other databases or single objects, other accounts of the same name.
     * Sorted, human-readable; empty when the user has exactly its declared privileges.
     */
    readonly unmanaged: string[];
    /** Reasons the user cannot be adopted (PostgreSQL: a group role, cannot log in, a superuser…). */
    readonly notAdoptable: string[];
    /** The marker a create left (PostgreSQL: the role's comment), if any. */
    readonly managedBy?: string;
    /** A create that did not finish left it (MySQL: still locked). */
    readonly unfinished: boolean;
}

export const NOT_THERE: ObservedUser = {
    exists: false,
    iamAuthentication: false,
    privileges: [],
    unmanaged: [],
    notAdoptable: [],
    unfinished: false,
};

export interface Dialect {
    /** Reads the user, its login and everything it may do. */
    observe(session: Session, user: UserSpec): Promise<ObservedUser>;
    /** Creates a new IAM user with exactly the declared privileges. */
    create(session: Session, user: UserSpec): Promise<void>;
    /**
     * Makes an existing user exactly the declared IAM user: IAM login only, the declared privileges,
     * nothing else — or fails, changing nothing, with a list of what it could not remove.
     */
    converge(session: Session, user: UserSpec, observed: ObservedUser): Promise<void>;
    /**
     * Changes declared privileges `from` → `user.privileges` (nothing else drifted); resolves to the
     * user as read back afterwards when the dialect reads it in the same round trip as the change.
     */
    changePrivileges(session: Session, user: UserSpec, from: readonly string[]): Promise<ObservedUser | void>;
    /**
     * Makes `user` the IAM admin, or brings it back to that (MySQL-family engines only): an IAM-only
     * account with the master's grantable global privileges WITH GRANT OPTION. Refuses an account of
     * that name rds-iam did not make.
     */
    ensureAdmin?(session: Session, user: UserSpec): Promise<ObservedUser>;
    /** Drops the user; its objects go where `ownedObjectsOnDelete` says, never to a privileged role. */
    drop(session: Session, user: UserSpec): Promise<void>;
    /** Whether an error says the user already exists (a concurrent create won the race). */
    isAlreadyExists(error: unknown): boolean;
    /**
     * Runs `work` while no other rds-iam session works on the same user of this server, so a create
     * in progress is never mistaken for the leftover of one that was cut off. With `readFirst`, the
     * user is read as the lock is taken, in the same round trip where the dialect allows, and handed
     * to `work` (undefined when the dialect reads nothing up front).
     */
    exclusive<T>(
        session: Session,
        username: string,
        work: (observed: ObservedUser | undefined) => Promise<T>,
        readFirst?: UserSpec,
    ): Promise<T>;
    /** `observe` under `exclusive`'s guarantee, in as few round trips as the dialect allows. */
    observeExclusive(session: Session, user: UserSpec): Promise<ObservedUser>;
}
