/**
 * What the provider does to a database, per engine family: create, inspect, change and drop an
 * IAM user. Each takes an open master session; the SQL itself comes from mysql.ts / postgres.ts.
 */
import { EngineFamily } from "../engines";
import * as my from "./mysql";
import * as pg from "./postgres";
import { Session } from "./connection";
import {
    CONCURRENT_UPDATE_POLICY,
    isConcurrentUpdate,
    isPluginNotLoaded,
    pluginNotLoadedPolicy,
    withRetry,
} from "./retry";

export interface UserState {
    readonly username: string;
    readonly database?: string;
    readonly privileges: string[];
}

/** What the server says about a user; undefined fields mean "not there". */
export interface ObservedUser {
    readonly exists: boolean;
    /** Authenticates with IAM: AWSAuthenticationPlugin 'RDS' + REQUIRE SSL (MySQL), login + rds_iam (PostgreSQL). */
    readonly iamAuthentication: boolean;
    readonly privileges: string[];
}

async function runAll(session: Session, statements: readonly string[]): Promise<void> {
    for (const sql of statements) {
        await session.query(sql);
    }
}

/** Runs statements in one PostgreSQL transaction, retried when role catalogs are updated concurrently. */
async function inTransaction(session: Session, statements: readonly string[]): Promise<void> {
    await withRetry(CONCURRENT_UPDATE_POLICY, isConcurrentUpdate, async () => {
        await session.query("BEGIN");
        try {
            await runAll(session, statements);
            await session.query("COMMIT");
        } catch (e) {
            await session.query("ROLLBACK").catch(() => undefined);
            throw e;
        }
    });
}

export async function observeUser(
    family: EngineFamily,
    session: Session,
    user: UserState,
): Promise<ObservedUser> {
    if (family === "postgres") {
        const [row] = await session.query(pg.POSTGRES_READ_USER, [user.username]);
        if (row === undefined) {
            return { exists: false, iamAuthentication: false, privileges: [] };
        }
        const privileges = await session.query(pg.POSTGRES_READ_PRIVILEGES, [user.username, user.database]);
        return {
            exists: true,
            iamAuthentication: row.login === true && row.rds_iam === true,
            privileges: pg.postgresObservedPrivileges(privileges.map((p) => String(p.privilege))),
        };
    }
    const [row] = await session.query(my.MYSQL_READ_USER, [user.username]);
    if (row === undefined) {
        return { exists: false, iamAuthentication: false, privileges: [] };
    }
    const privileges =
        user.database === undefined
            ? []
            : await session.query(my.MYSQL_READ_PRIVILEGES, [my.mysqlGrantee(user.username), user.database]);
    return {
        exists: true,
        iamAuthentication:
            row.plugin === "AWSAuthenticationPlugin" &&
            row.authentication_string === "RDS" &&
            row.ssl_type === "ANY",
        privileges: my.mysqlObservedPrivileges(privileges.map((p) => String(p.privilege))),
    };
}

export async function createUser(
    family: EngineFamily,
    session: Session,
    user: UserState,
    adopt: boolean,
    where: string,
): Promise<void> {
    const existing = await observeUser(family, session, user);
    if (existing.exists && !adopt) {
        throw new Error(
            `database user "${user.username}" already exists on ${where}. Set adopt: true to take it over ` +
                `(its login becomes IAM-only and its privileges are set to [${user.privileges.join(", ")}]), or choose another username.`,
        );
    }
    if (family === "postgres") {
        const database = user.database as string;
        await inTransaction(
            session,
            existing.exists
                ? [
                      ...pg.postgresUseIamAuthentication(user.username),
                      ...pg.postgresChangePrivileges(
                          user.username,
                          database,
                          existing.privileges,
                          user.privileges,
                      ),
                  ]
                : pg.postgresCreateUser(user.username, database, user.privileges),
        );
        return;
    }
    if (existing.exists) {
        await runMysql(session, [
            ...my.mysqlUseIamAuthentication(user.username),
            ...my.mysqlResetPrivileges(user.username, user.database, user.privileges),
        ]);
        return;
    }
    const [create, ...grants] = my.mysqlCreateUser(user.username, user.database, user.privileges);
    await runMysql(session, [create]);
    try {
        await runAll(session, grants);
    } catch (e) {
        // MySQL DDL is not transactional: undo the CREATE so a retry starts clean and nothing half-made stays.
        await runAll(session, my.mysqlDropUser(user.username)).catch(() => undefined);
        throw e;
    }
}

/** MySQL statements that need the IAM plugin, retried while RDS is still applying IAM auth. */
async function runMysql(session: Session, statements: readonly string[]): Promise<void> {
    const policy = pluginNotLoadedPolicy();
    await withRetry(
        policy,
        isPluginNotLoaded,
        () => runAll(session, statements),
        (e) =>
            new Error(
                `${(e as Error).message}\nAWSAuthenticationPlugin is not loaded: IAM database authentication is not applied on the ` +
                    `instance yet (the modification is pending). Waited ${policy.attempts} attempts; apply it (apply immediately or ` +
                    "reboot in the maintenance window) and run pulumi up again.",
            ),
    );
}

export async function changeUser(
    family: EngineFamily,
    session: Session,
    user: UserState,
    from: readonly string[],
    repairAuthentication: boolean,
): Promise<void> {
    if (family === "postgres") {
        await inTransaction(session, [
            ...(repairAuthentication ? pg.postgresUseIamAuthentication(user.username) : []),
            ...pg.postgresChangePrivileges(user.username, user.database as string, from, user.privileges),
        ]);
        return;
    }
    if (repairAuthentication) {
        await runMysql(session, my.mysqlUseIamAuthentication(user.username));
    }
    await runAll(session, my.mysqlChangePrivileges(user.username, user.database, from, user.privileges));
}

export async function dropUser(
    family: EngineFamily,
    session: Session,
    user: UserState,
    master: string,
): Promise<void> {
    if (family === "postgres") {
        const [exists] = await session.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [user.username]);
        if (exists === undefined) {
            return;
        }
        const [me] = await session.query(pg.POSTGRES_MASTER_IS_SUPERUSER);
        await inTransaction(session, pg.postgresDropUser(user.username, master, me?.superuser === true));
        return;
    }
    await runAll(session, my.mysqlDropUser(user.username));
}
