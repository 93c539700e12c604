/**
 * One operation on one database user, given the master password: the core both transports share.
 * The deployer transport runs it in the Pulumi process; the Lambda transport runs the same function
 * inside the database's VPC (components/runner/handler.ts) — one copy of the logic, two ways in.
 */
import { engineFamily } from "../engines";
import { Session, withSession } from "./connection";
import { ObservedUser, UserSpec } from "./dialect";
import { UserInputs } from "./inputs";
import { createUser, dialectOf, updateUser } from "./operations";

export type Operation = "create" | "read" | "update" | "delete";

export const OPERATIONS: readonly Operation[] = ["create", "read", "update", "delete"];

export function where(u: UserInputs): string {
    return `${u.engine} ${u.host}:${u.port}`;
}

export function userSpec(u: UserInputs): UserSpec {
    return {
        username: u.username,
        database: u.database,
        privileges: u.privileges,
        // The IAM admin logs in for the master: the master is the one it acts for.
        master: u.master.masterUsername ?? u.master.username,
        managedBy: u.managedBy,
        ownedObjectsOnDelete: u.ownedObjectsOnDelete,
        reassignOwnedTo: u.reassignOwnedTo,
    };
}

/**
 * A master session on the user's database. Reading and deleting must work when that database was
 * dropped outside Pulumi, so they fall back to the server's default database.
 */
async function session<T>(
    u: UserInputs,
    password: string,
    work: (s: Session) => Promise<T>,
    fallback: boolean,
): Promise<T> {
    const family = engineFamily(u.engine);
    const target = {
        family,
        host: u.host,
        port: u.port,
        connectHost: u.connectHost,
        connectPort: u.connectPort,
        caCertificate: u.caCertificate,
        region: u.region,
        database: family === "postgres" ? u.database : undefined,
        user: u.master.username,
        password,
        masterIamLogin: u.master.iamAuth === true,
    };
    try {
        return await withSession(target, work);
    } catch (e) {
        if (fallback && family === "postgres" && (e as { code?: string }).code === "3D000") {
            return withSession({ ...target, database: "postgres" }, work);
        }
        throw e;
    }
}

/** Runs the operation; resolves to what the server holds afterwards (delete: nothing). */
export async function runOperation(
    operation: Operation,
    u: UserInputs,
    password: string,
): Promise<ObservedUser | undefined> {
    const dialect = dialectOf(engineFamily(u.engine));
    const user = userSpec(u);
    // Under the user's lock; with readFirst, the user is read as the lock is taken (one round trip
    // where the dialect allows) and handed to work.
    const run = <T>(
        work: (s: Session, observed: ObservedUser | undefined) => Promise<T>,
        fallback: boolean,
        readFirst?: UserSpec,
    ) =>
        session(
            u,
            password,
            (s) => dialect.exclusive(s, u.username, (observed) => work(s, observed), readFirst),
            fallback,
        );
    const read = () => session(u, password, (s) => dialect.observeExclusive(s, user), true);
    if (u.iamAdmin === true) {
        // The IAM admin holds the master's global privileges by design: none of them is "unmanaged".
        const asAdmin = (observed: ObservedUser): ObservedUser => ({
            ...observed,
            privileges: [],
            unmanaged: [],
        });
        const ensure = dialect.ensureAdmin;
        if (ensure === undefined)
            throw new Error(`an IAM admin user is offered on MySQL-family engines only, not ${u.engine}`);
        switch (operation) {
            case "create":
            case "update":
                return asAdmin(await run((s) => ensure(s, user), false));
            case "read":
                return asAdmin(await read());
            case "delete":
                await run((s) => dialect.drop(s, user), true);
                return undefined;
        }
    }
    switch (operation) {
        case "create":
            return run((s) => createUser(dialect, s, user, u.adopt === true, where(u)), false);
        case "read":
            return read();
        case "update":
            return run((s, observed) => updateUser(dialect, s, user, where(u), observed), false, user);
        case "delete":
            await run((s) => dialect.drop(s, user), true);
            return undefined;
    }
}
