/**
 * The DatabaseUser dynamic provider: thin glue between Pulumi's CRUD calls and operations.ts.
 *
 * Each DatabaseUser stores a reference to this module (reference.ts; states written before that hold
 * this code itself, serialized), so it holds no state and no secret: the master password
 * is fetched inside each call (Secrets Manager, or the secret input) and drivers are required lazily.
 */
import * as pulumi from "@pulumi/pulumi";
import { Operation, runOperation } from "./core";
import { ObservedUser } from "./dialect";
import { UNKNOWN, UserInputs, checkUserInputs, normalizeUserInputs } from "./inputs";
import { masterToken } from "./masterToken";
import { masterPassword, stackCredentials } from "./secrets";
import { invokeRunner } from "../runner/invoke";

/** Changing any of these means another user (or another server): replace, deleting first. */
const REPLACE_ON = ["engine", "host", "port", "username", "database", "iamAdmin"] as const;
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
    "sqlRunner",
    "runnerFunction",
    // A new runner version (rds-iam upgraded, configuration changed) moves the users to it in place.
    "runnerVersion",
    "runnerCodeSha256",
    "runnerRoleArn",
] as const;

function userId(u: UserInputs): string {
    return `${u.engine}://${u.host}:${u.port}/${u.username}`;
}

/**
 * Runs one operation where the inputs say: in this process (sqlRunner "deployer"), or in the runner
 * function inside the database's VPC (sqlRunner "lambda"). The master password is read here, by
 * the deployer, in both cases, and never stored; it goes to the runner only after the deployer has
 * checked that the function version is rds-iam's own code (runner/verify.ts). With a token login
 * (master.iamAuth: the IAM-only master, or the IAM admin) there is no password: the deployer signs
 * the token here, the runner signs its own with its role.
 */
async function performOnce(operation: Operation, given: UserInputs): Promise<ObservedUser | undefined> {
    // The IAM admin reads and updates itself with its own token (it holds the master's privileges
    // WITH GRANT OPTION): once it is made, only its delete needs the master password.
    const u: UserInputs =
        given.iamAdmin === true && (operation === "read" || operation === "update")
            ? {
                  ...given,
                  master: {
                      username: given.username,
                      iamAuth: true,
                      masterUsername: given.master.username,
                      ...(given.master.aws === undefined ? {} : { aws: given.master.aws }),
                  },
              }
            : given;
    if (u.master.iamAuth === true) {
        // An IAM-only master: the runner signs its own token with its role; here the deployer does.
        if (u.sqlRunner === "lambda") return invokeRunner(operation, u, undefined);
        const token = await masterToken(
            { host: u.host, port: u.port, username: u.master.username, region: u.region },
            stackCredentials(u.master.aws, u.region),
        );
        return runOperation(operation, u, token);
    }
    const password = await masterPassword(u.master, u.region);
    if (u.sqlRunner === "lambda") {
        return invokeRunner(operation, u, password);
    }
    return runOperation(operation, u, password);
}

/**
 * performOnce, and with RDS_IAM_OPERATION_LOG set to a file, one JSON line appended to it per
 * operation: `{"operation","user","startedAt","ms","ok"}` (startedAt in epoch milliseconds). What a
 * slow `pulumi up` spent in the users' SQL, set beside the engine's own time (bench --wan reads it).
 * It names users and servers, never a password.
 */
async function perform(operation: Operation, given: UserInputs): Promise<ObservedUser | undefined> {
    const file = process.env.RDS_IAM_OPERATION_LOG;
    if (file === undefined || file === "") return performOnce(operation, given);
    const { performance } = require("node:perf_hooks") as typeof import("node:perf_hooks");
    const fs = require("node:fs") as typeof import("node:fs");
    const started = performance.now();
    let ok = false;
    try {
        const observed = await performOnce(operation, given);
        ok = true;
        return observed;
    } finally {
        const line = {
            operation,
            user: userId(given),
            startedAt: performance.timeOrigin + started,
            ms: performance.now() - started,
            ok,
        };
        fs.appendFileSync(file, JSON.stringify(line) + "\n");
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

/** Where the dynamic-provider host keeps the serialized provider, in inputs and outputs alike. */
const PROVIDER_KEY = "__provider";

/**
 * Whether this provider's code differs from the one stored with the user (an rds-iam upgrade). The
 * engine's dynamic-provider host runs read and delete with the code in the state and takes no action
 * of its own when it changes (its diff's comment; pulumi/pulumi#6238, #4805), so an unchanged diff
 * would leave refresh and destroy on the old release for ever. An update stores the new code.
 */
function providerChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
    const [before, after] = [olds[PROVIDER_KEY], news[PROVIDER_KEY]];
    return typeof before === "string" && typeof after === "string" && after !== UNKNOWN && before !== after;
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
        const changed = [
            ...replaces,
            ...updates,
            ...repair,
            ...(providerChanged(olds, news) ? [PROVIDER_KEY] : []),
        ];
        const unknown = changed.some((k) => news[k] === UNKNOWN);
        return {
            changes: changed.length > 0 || unknown,
            replaces: [...replaces],
            deleteBeforeReplace: true,
            stables: ["engine", "username"],
        };
    },

    async create(inputs: UserInputs): Promise<pulumi.dynamic.CreateResult> {
        const observed = (await perform("create", inputs)) as ObservedUser;
        return { id: userId(inputs), outs: outputs(inputs, observed) };
    },

    async read(id: string, props: UserInputs): Promise<pulumi.dynamic.ReadResult> {
        const observed = (await perform("read", props)) as ObservedUser;
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
        const observed = (await perform("update", news)) as ObservedUser;
        return { outs: outputs(news, observed) };
    },

    async delete(_id: string, props: UserInputs): Promise<void> {
        await perform("delete", props);
    },
};
