/**
 * The DatabaseUser dynamic provider: thin glue between Pulumi's CRUD calls and operations.ts.
 *
 * It is serialized into the Pulumi state, so it holds no state and no secret: the master password
 * is fetched inside each call (Secrets Manager, or the secret input) and drivers are required lazily.
 */
import * as pulumi from "@pulumi/pulumi";
import { engineFamily } from "../engines";
import { Session, withSession } from "./connection";
import { UserSpec } from "./dialect";
import { UNKNOWN, UserInputs, checkUserInputs, normalizeUserInputs } from "./inputs";
import { createUser, dialectOf, updateUser } from "./operations";
import { masterPassword } from "./secrets";

/** Changing any of these means another user (or another server): replace, deleting first. */
const REPLACE_ON = ["engine", "host", "port", "username", "database"] as const;
/** Changing these only changes how we connect, what we grant or how we delete: update in place. */
const UPDATE_ON = [
    "privileges",
    "master",
    "region",
    "connectHost",
    "connectPort",
    "caCertificate",
    "adopt",
    "managedBy",
    "ownedObjectsOnDelete",
    "reassignOwnedTo",
] as const;

function userId(u: UserInputs): string {
    return `${u.engine}://${u.host}:${u.port}/${u.username}`;
}

function where(u: UserInputs): string {
    return `${u.engine} ${u.host}:${u.port}`;
}

function spec(u: UserInputs): UserSpec {
    return {
        username: u.username,
        database: u.database,
        privileges: u.privileges,
        master: u.master.username,
        managedBy: u.managedBy,
        ownedObjectsOnDelete: u.ownedObjectsOnDelete,
        reassignOwnedTo: u.reassignOwnedTo,
    };
}

/**
 * A master session on the user's database. Reading and deleting must work when that database was
 * dropped outside Pulumi, so they fall back to the server's default database.
 */
async function session<T>(u: UserInputs, work: (s: Session) => Promise<T>, fallback = false): Promise<T> {
    const password = await masterPassword(u.master, u.region);
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

function outputs(
    u: UserInputs,
    observed: { iamAuthentication: boolean; unmanaged: string[] },
): Record<string, unknown> {
    return {
        ...u,
        masterUsername: u.master.username,
        iamAuthentication: observed.iamAuthentication,
        unmanagedPrivileges: observed.unmanaged,
    };
}

function same(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}

export const databaseUserProvider: pulumi.dynamic.ResourceProvider = {
    async check(
        _olds: Record<string, unknown>,
        news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.CheckResult> {
        const failures = checkUserInputs(news);
        return failures.length > 0 ? { failures } : { inputs: normalizeUserInputs(news) };
    },

    async diff(
        _id: string,
        olds: Record<string, unknown>,
        news: Record<string, unknown>,
    ): Promise<pulumi.dynamic.DiffResult> {
        const replaces = REPLACE_ON.filter((k) => !same(olds[k], news[k]));
        const updates = UPDATE_ON.filter((k) => !same(olds[k], news[k]));
        // A refresh that found the login switched away from IAM, or privileges beyond the declared
        // ones, is repaired by an update.
        const repair = [
            ...(olds.iamAuthentication === false ? ["iamAuthentication"] : []),
            ...(Array.isArray(olds.unmanagedPrivileges) && olds.unmanagedPrivileges.length > 0
                ? ["unmanagedPrivileges"]
                : []),
        ];
        const changed = [...replaces, ...updates, ...repair];
        const unknown = changed.some((k) => news[k] === UNKNOWN);
        return {
            changes: changed.length > 0 || unknown,
            replaces: [...replaces],
            deleteBeforeReplace: true,
            stables: ["engine", "username"],
        };
    },

    async create(inputs: UserInputs): Promise<pulumi.dynamic.CreateResult> {
        const observed = await session(inputs, (s) =>
            createUser(
                dialectOf(engineFamily(inputs.engine)),
                s,
                spec(inputs),
                inputs.adopt === true,
                where(inputs),
            ),
        );
        return { id: userId(inputs), outs: outputs(inputs, observed) };
    },

    async read(id: string, props: UserInputs): Promise<pulumi.dynamic.ReadResult> {
        const observed = await session(
            props,
            (s) => dialectOf(engineFamily(props.engine)).observe(s, spec(props)),
            true,
        );
        if (!observed.exists) {
            return { id: "", props: {} }; // gone: Pulumi drops it from the state on refresh
        }
        const current = { ...props, privileges: observed.privileges };
        return {
            id,
            props: outputs(current, observed),
            inputs: current as unknown as Record<string, unknown>,
        };
    },

    async update(_id: string, _olds: UserInputs, news: UserInputs): Promise<pulumi.dynamic.UpdateResult> {
        const observed = await session(news, (s) =>
            updateUser(dialectOf(engineFamily(news.engine)), s, spec(news), where(news)),
        );
        return { outs: outputs(news, observed) };
    },

    async delete(_id: string, props: UserInputs): Promise<void> {
        await session(props, (s) => dialectOf(engineFamily(props.engine)).drop(s, spec(props)), true);
    },
};
