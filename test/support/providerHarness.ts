/** Driving the DatabaseUser provider against the throwaway servers the way the engine does. */
import * as assert from "node:assert/strict";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { loginAndAsk } from "../../local/servers/login";
import { ServerName, ThrowawayServer, getServer } from "../../local/servers";
import { userInputs } from "../../local/servers/userInputs";

export interface Created {
    readonly id: string;
    readonly outs: Record<string, any>;
    readonly inputs: Record<string, any>;
}

/** check() like the engine, then create(). */
export async function createVia(
    server: ThrowawayServer,
    username: string,
    extra: Record<string, unknown> = {},
): Promise<Created> {
    const checked = await provider.check!({}, userInputs(server, username, extra));
    assert.deepEqual(checked.failures, undefined);
    const created = await provider.create(checked.inputs);
    return {
        id: created.id,
        outs: created.outs as Record<string, any>,
        inputs: checked.inputs as Record<string, any>,
    };
}

/** check() then update(), like `pulumi up` after a change. */
export async function updateVia(
    created: Created,
    change: Record<string, unknown>,
): Promise<Record<string, any>> {
    const news = (await provider.check!(created.inputs, { ...created.inputs, ...change })).inputs;
    return (await provider.update!(created.id, created.outs, news)).outs as Record<string, any>;
}

/** Removes a user as the superuser, whatever state a test left it in. */
export async function removeAsSuperuser(server: ThrowawayServer, username: string): Promise<void> {
    if (server.engine !== "postgres") {
        for (const row of await server.inspect("SELECT Host FROM mysql.user WHERE User = ?", [username])) {
            await server.inspect(`DROP USER IF EXISTS ?@?`, [username, row.Host]);
        }
        return;
    }
    const [role] = await server.inspect("SELECT oid FROM pg_roles WHERE rolname = $1", [username]);
    if (role === undefined) return;
    const databases = await server.inspect(
        "SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname",
    );
    for (const { datname } of databases) {
        await server.inspect(`DROP OWNED BY "${username}"`, [], String(datname));
    }
    await server.inspect(`DROP ROLE "${username}"`);
}

/**
 * The master keeps its password login: on 16+ it has neither rds_iam's privileges nor SET to it
 * (RDS would switch it to IAM), on 15 it is no member at all; and a password login works.
 */
export async function assertMasterKeepsPasswordLogin(server: ThrowawayServer): Promise<void> {
    if (server.engine !== "postgres") return;
    const [row] = await server.inspect(
        Number(server.version) >= 16
            ? "SELECT pg_has_role($1, 'rds_iam', 'USAGE') AS usage, pg_has_role($1, 'rds_iam', 'SET') AS set"
            : "SELECT pg_has_role($1, 'rds_iam', 'USAGE') AS usage, pg_has_role($1, 'rds_iam', 'MEMBER') AS set",
        [server.master.username],
    );
    assert.deepEqual(row, { usage: false, set: false }, "the master must not gain rds_iam");
    assert.equal(
        await loginAndAsk(server, { user: server.master.username, password: server.master.password }),
        server.master.username,
    );
}

/** Runs SQL as the master in the server's app database. */
export function inAppDb(server: ThrowawayServer, sql: string, params?: unknown[]) {
    return server.query(sql, params, server.engine === "postgres" ? server.database : undefined);
}

/**
 * The server for a provider test, with a table the master owns in the app database (PostgreSQL:
 * grants "on all tables" and default privileges have something to act on).
 */
export async function serverWithTable(name: ServerName): Promise<ThrowawayServer> {
    const server = await getServer(name);
    if (server.engine === "postgres") {
        await inAppDb(server, "CREATE TABLE IF NOT EXISTS public.orders (id serial PRIMARY KEY, note text)");
    }
    return server;
}
