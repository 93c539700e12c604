/**
 * Master sessions kept between operations of one process (#25.2, components/provider/sessionPool.ts):
 * counted at a relay in front of each server, the way the WAN bench counts them.
 */
import * as assert from "node:assert/strict";
import {
    ConnectionTarget,
    closeIdleSessions,
    idleSessions,
    withSession,
} from "../../components/provider/connection";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { Relay, startRelay } from "../../local/network/relay";
import { ServerName, ThrowawayServer } from "../../local/servers";
import { userInputs } from "../../local/servers/userInputs";
import { serverOrSkip } from "../support/matrix";

for (const name of ["postgres17", "mariadb"] as ServerName[]) {
    describe(`master sessions kept between operations on ${name} (#25.2)`, function () {
        this.timeout(60_000);
        let server: ThrowawayServer;
        let relay: Relay;
        const inputs = (username: string, extra: Record<string, unknown> = {}) =>
            userInputs(server, username, {
                privileges: ["SELECT"],
                connectHost: relay.host,
                connectPort: relay.port,
                ...extra,
            });
        const target = (): ConnectionTarget => ({
            family: server.engine === "postgres" ? "postgres" : "mysql",
            host: server.endpoint,
            port: server.port,
            connectHost: relay.host,
            connectPort: relay.port,
            caCertificate: server.caCertificate,
            database: server.engine === "postgres" ? server.database : undefined,
            user: server.master.username,
            password: server.master.password,
        });
        const create = async (username: string, extra?: Record<string, unknown>) =>
            provider.create((await provider.check!({}, inputs(username, extra))).inputs);

        before(async function () {
            server = await serverOrSkip(this, name);
            relay = await startRelay({
                host: "127.0.0.1",
                port: 0,
                targetHost: server.host,
                targetPort: server.port,
            });
        });
        beforeEach(() => closeIdleSessions());
        after(async () => {
            closeIdleSessions();
            await relay?.close();
        });

        it("reuses one connection for operations one after another on the same database as the same master", async () => {
            const before = relay.connections();
            const a = await create("pool_a");
            const b = await create("pool_b");
            await provider.read!(a.id, a.outs);
            await provider.delete!(a.id, a.outs);
            await provider.delete!(b.id, b.outs);
            assert.equal(relay.connections() - before, 1);
            assert.equal(idleSessions(), 1);
        });

        it("asks the server its version once per connection, not once per operation (counted on the wire)", async () => {
            const a = await create("pool_v1");
            await provider.read!(a.id, a.outs);
            const first = relay.roundTrips();
            await provider.read!(a.id, a.outs);
            const second = relay.roundTrips() - first;
            await withSession(target(), (s) => s.once("probe", async () => s.query("SELECT 1 AS one")));
            const probed = relay.roundTrips();
            const again = await withSession(target(), (s) =>
                s.once("probe", async () => s.query("SELECT 2 AS one")),
            );
            assert.equal(relay.roundTrips(), probed, "the kept connection answered from what it read before");
            assert.equal(String(again[0].one), "1");
            await provider.delete!(a.id, a.outs);
            // PostgreSQL: the role with its catalog in one query; MariaDB: the user's named lock, the
            // account with its hosts and grants, and the lock's release in one batch. Neither asks the
            // version again (with it, 2).
            const warmRead = 1;
            assert.ok(second <= warmRead, `a warm read took ${second} round trips, more than ${warmRead}`);
        });

        it("creates and changes a user in at most 3 round trips each, and deletes it in as few, once the connection is warm (#25.2, counted on the wire)", async () => {
            const postgres = name === "postgres17";
            // A table of the master's, for SELECT/INSERT to be granted on (MariaDB grants on the database).
            if (postgres)
                await server.query("CREATE TABLE IF NOT EXISTS public.orders (id int)", [], server.database);
            const warm = await create("pool_rt0");
            await provider.read!(warm.id, warm.outs); // MariaDB: the server's version, read once per connection
            const counted = async (work: () => Promise<unknown>) => {
                const before = relay.roundTrips();
                await work();
                return relay.roundTrips() - before;
            };
            // PostgreSQL create: BEGIN, the turn and the grant context in one batch; the statements,
            // the master check and COMMIT in another. update: the user read, then the same two with
            // the read-back after COMMIT. Before batching: about 19 each.
            // MariaDB create: the user's named lock; CREATE (locked), the grants and the unlock; the
            // release. update: the lock with the account read; the change with its read-back; the release.
            let created: Awaited<ReturnType<typeof create>> | undefined;
            const createTrips = await counted(async () => {
                created = await create("pool_rt1");
            });
            const news = (
                await provider.check!(created!.outs, {
                    ...created!.outs,
                    privileges: ["SELECT", "INSERT"],
                })
            ).inputs;
            let updated: Record<string, any> = {};
            const updateTrips = await counted(async () => {
                updated = (await provider.update!(created!.id, created!.outs, news)).outs!;
            });
            assert.deepEqual([...updated.privileges].sort(), ["INSERT", "SELECT"]);
            assert.deepEqual(updated.unmanagedPrivileges, []);
            const granted = postgres
                ? (
                      await server.inspect(
                          "SELECT has_table_privilege('pool_rt1', 'public.orders', 'INSERT') AS granted",
                          [],
                          server.database,
                      )
                  )[0].granted === true
                : (
                      await server.inspect(
                          "SELECT 1 FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ? AND TABLE_SCHEMA = ? AND PRIVILEGE_TYPE = 'INSERT'",
                          ["'pool_rt1'@'%'", server.database],
                      )
                  ).length === 1;
            assert.ok(granted, "the update really granted INSERT");
            assert.ok(createTrips <= 3, `a warm create took ${createTrips} round trips`);
            assert.ok(updateTrips <= 3, `a warm update took ${updateTrips} round trips`);
            // PostgreSQL delete: the role with what depends on it; the IAM login taken away in one
            // batch; then BEGIN with the roles that granted it something, and the DROP with COMMIT.
            // MariaDB: the lock, the DROP, the release.
            const deleteTrips = await counted(() => provider.delete!(created!.id, updated));
            const deleteLimit = postgres ? 4 : 3;
            assert.ok(deleteTrips <= deleteLimit, `a warm delete took ${deleteTrips} round trips`);
            assert.deepEqual(
                await server.inspect(
                    postgres
                        ? "SELECT 1 FROM pg_roles WHERE rolname = 'pool_rt1'"
                        : "SELECT 1 FROM mysql.user WHERE user = 'pool_rt1'",
                ),
                [],
            );
            await provider.delete!(warm.id, warm.outs);
        });

        it("opens another connection for another password (a rotated master secret logs in afresh)", async () => {
            const before = relay.connections();
            const a = await create("pool_c");
            const wrong = await create("pool_d", {
                master: { username: server.master.username, password: "not-the-password" },
            }).then(
                () => undefined,
                (e: Error) => e,
            );
            assert.ok(
                wrong instanceof Error,
                "the wrong password is refused, not served from the kept session",
            );
            await provider.delete!(a.id, a.outs);
            assert.equal(relay.connections() - before, 2);
        });

        it("closes a session whose operation failed instead of keeping it", async () => {
            const a = await create("pool_e");
            closeIdleSessions();
            const before = relay.connections();
            const again = await create("pool_e").then(
                () => undefined,
                (e: Error) => e,
            );
            assert.match(String(again?.message), /already exists/);
            assert.equal(idleSessions(), 0);
            await provider.delete!(a.id, a.outs);
            assert.equal(relay.connections() - before, 2);
        });

        it("starts again on a new connection when the server ended the kept one while it was idle", async () => {
            const a = await create("pool_f");
            assert.equal(idleSessions(), 1);
            // What DROP DATABASE … WITH (FORCE), a failover or an idle timeout does to it.
            await server.inspect(
                server.engine === "postgres"
                    ? "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'rds-iam'"
                    : "SELECT 1",
            );
            if (server.engine !== "postgres") {
                const ids = await server.inspect(
                    `SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = '${server.master.username}'`,
                );
                for (const { id } of ids) await server.inspect(`KILL ${Number(id)}`);
            }
            await new Promise((r) => setTimeout(r, 200));
            await provider.delete!(a.id, a.outs);
            assert.equal((await provider.read!(a.id, a.outs)).id, "");
        });

        it("keeps nothing with RDS_IAM_POOL_IDLE_MS=0", async () => {
            process.env.RDS_IAM_POOL_IDLE_MS = "0";
            try {
                const before = relay.connections();
                const a = await create("pool_g");
                await provider.delete!(a.id, a.outs);
                assert.equal(relay.connections() - before, 2);
                assert.equal(idleSessions(), 0);
            } finally {
                delete process.env.RDS_IAM_POOL_IDLE_MS;
            }
        });
    });
}
