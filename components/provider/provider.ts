/**
 * The DatabaseUser dynamic provider: thin glue between Pulumi's CRUD calls and operations.ts.
 *
 * It is serialized into the Pulumi state, so it holds no state and no secret: the master password
 * is fetched inside each call (Secrets Manager, or the secret input) and drivers are required lazily.
 */
import * as pulumi from "@pulumi/pulumi";
import { engineFamily } from "../engines";
import { withSession } from "./connection";
import { UNKNOWN, UserInputs, checkUserInputs, normalizeUserInputs } from "./inputs";
import { changeUser, createUser, dropUser, observeUser } from "./operations";
import { masterPassword } from "./secrets";

/** Changing any of these means another user (or another server): replace, deleting first. */
const REPLACE_ON = ["engine", "host", "port", "username", "database"] as const;
/** Changing these only changes how we connect or what we grant: update in place. */
const UPDATE_ON = [
    "privileges",
    "master",
    "region",
    "connectHost",
    "connectPort",
    "caCertificate",
    "adopt",
] as const;

function userId(u: UserInputs): string {
    return `${u.engine}://${u.host}:${u.port}/${u.username}`;
}

function where(u: UserInputs): string {
    return `${u.engine} ${u.host}:${u.port}`;
}

async function session<T>(u: UserInputs, work: Parameters<typeof withSession<T>>[1]): Promise<T> {
    const password = await masterPassword(u.master, u.region);
    return withSession(
        {
            family: engineFamily(u.engine),
            host: u.host,
            port: u.port,
            connectHost: u.connectHost,
            connectPort: u.connectPort,
            caCertificate: u.caCertificate,
            database: u.database,
            user: u.master.username,
            password,
        },
        work,
    );
}

function outputs(u: UserInputs, iamAuthentication = true): Record<string, unknown> {
    return { ...u, masterUsername: u.master.username, iamAuthentication };
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
        // A refresh that found the login switched away from IAM is repaired by an update.
        const repair = olds.iamAuthentication === false ? ["iamAuthentication"] : [];
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
        await session(inputs, (s) =>
            createUser(engineFamily(inputs.engine), s, inputs, inputs.adopt === true, where(inputs)),
        );
        return { id: userId(inputs), outs: outputs(inputs) };
    },

    async read(id: string, props: UserInputs): Promise<pulumi.dynamic.ReadResult> {
        const observed = await session(props, (s) => observeUser(engineFamily(props.engine), s, props));
        if (!observed.exists) {
            return { id: "", props: {} }; // gone: Pulumi drops it from the state on refresh
        }
        const current = { ...props, privileges: observed.privileges };
        return {
            id,
            props: outputs(current, observed.iamAuthentication),
            inputs: current as unknown as Record<string, unknown>,
        };
    },

    async update(
        _id: string,
        olds: UserInputs & { iamAuthentication?: boolean },
        news: UserInputs,
    ): Promise<pulumi.dynamic.UpdateResult> {
        const privilegesChanged = !same(olds.privileges, news.privileges);
        const repair = olds.iamAuthentication === false;
        if (privilegesChanged || repair) {
            await session(news, (s) =>
                changeUser(engineFamily(news.engine), s, news, olds.privileges ?? [], repair),
            );
        }
        return { outs: outputs(news) };
    },

    async delete(_id: string, props: UserInputs): Promise<void> {
        await session(props, (s) => dropUser(engineFamily(props.engine), s, props, props.master.username));
    },
};
