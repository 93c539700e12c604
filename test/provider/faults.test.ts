import * as assert from "node:assert/strict";
import { Session } from "../../components/provider/connection";
import { createUser } from "../../components/provider/operations";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { freePort } from "../../local/servers/processes";
import { TestServers, getTestServers } from "../../local/servers";
import { userInputs } from "../../local/servers/userInputs";

describe("DatabaseUser provider faults", function () {
    this.timeout(120_000);
    let servers: TestServers;
    before(async () => {
        servers = await getTestServers();
    });

    async function create(inputs: Record<string, unknown>) {
        const checked = await provider.check!({}, inputs);
        assert.equal(checked.failures, undefined);
        return provider.create(checked.inputs);
    }

    it("explains a server that refuses connections", async () => {
        const port = await freePort();
        const inputs = userInputs(servers.postgres, "app", { port });
        await assert.rejects(create(inputs), {
            message: `PostgreSQL ${servers.postgres.endpoint}:${port} via 127.0.0.1:${port} as master_admin: connect ECONNREFUSED 127.0.0.1:${port}`,
        });
    });

    for (const engine of ["postgres", "mariadb"] as const) {
        it(`says the master password is wrong on ${engine} without repeating it`, async () => {
            const password = "Wr0ng-Master-Password";
            const error = await create(
                userInputs(servers[engine], "app", { master: { username: "master_admin", password } }),
            ).then(
                () => undefined,
                (e: Error) => e,
            );
            assert.ok(error);
            assert.equal(error!.message.includes(password), false);
            assert.equal(
                error!.message,
                engine === "postgres"
                    ? `PostgreSQL ${servers.postgres.endpoint}:${servers.postgres.port} via 127.0.0.1:${servers.postgres.port} as master_admin: password authentication failed for user "master_admin"`
                    : `MySQL ${servers.mariadb.endpoint}:${servers.mariadb.port} via 127.0.0.1:${servers.mariadb.port} as master_admin: Access denied for user 'master_admin'@'127.0.0.1' (using password: YES)`,
            );
        });

        it(`refuses a ${engine} server whose certificate it does not trust`, async () => {
            const other = engine === "postgres" ? servers.mariadb : servers.postgres;
            await assert.rejects(
                create(userInputs(servers[engine], "app", { caCertificate: other.caCertificate })),
                /self[- ]signed certificate/,
            );
        });

        it(`refuses the RDS CA bundle for a ${engine} server signed by another CA (the default trust)`, async () => {
            const { caCertificate: _ignored, ...inputs } = userInputs(servers[engine], "app");
            await assert.rejects(create(inputs), /self[- ]signed certificate/);
        });
    }

    it("rolls the whole PostgreSQL create back when a grant fails, so a retry converges", async () => {
        const inputs = userInputs(servers.postgres, "rollback_user", { database: "no_such_db" });
        await assert.rejects(create(inputs), /database "no_such_db" does not exist/);
        assert.deepEqual(
            await servers.postgres.query("SELECT rolname FROM pg_roles WHERE rolname = 'rollback_user'"),
            [],
        );
        const { id, outs } = await create({ ...inputs, database: "appdb" });
        await provider.delete!(id, outs);
    });

    for (const engine of ["postgres", "mariadb"] as const) {
        it(`creates and deletes 50 users in parallel on one ${engine} server`, async () => {
            const names = Array.from({ length: 50 }, (_, i) => `par_${i}`);
            const created = await Promise.all(
                names.map((n) => create(userInputs(servers[engine], n, { privileges: ["SELECT"] }))),
            );
            const count =
                engine === "postgres"
                    ? await servers.postgres.query(
                          "SELECT count(*)::int AS n FROM pg_roles r WHERE rolname LIKE 'par\\_%' AND pg_has_role(r.oid, 'rds_iam', 'MEMBER')",
                      )
                    : await servers.mariadb.query(
                          "SELECT count(*) AS n FROM mysql.user WHERE User LIKE 'par\\_%' AND plugin = 'AWSAuthenticationPlugin'",
                      );
            assert.equal(Number(count[0].n), 50);
            await Promise.all(created.map((c) => provider.delete!(c.id, c.outs)));
            const left =
                engine === "postgres"
                    ? await servers.postgres.query(
                          "SELECT count(*)::int AS n FROM pg_roles WHERE rolname LIKE 'par\\_%'",
                      )
                    : await servers.mariadb.query(
                          "SELECT count(*) AS n FROM mysql.user WHERE User LIKE 'par\\_%'",
                      );
            assert.equal(Number(left[0].n), 0);
        });
    }
});

describe("waiting for IAM authentication to be applied (MySQL error 1524)", () => {
    const saved = { ...process.env };
    beforeEach(() => {
        process.env.RDS_IAM_PLUGIN_RETRY_ATTEMPTS = "4";
        process.env.RDS_IAM_PLUGIN_RETRY_DELAY_MS = "1";
    });
    afterEach(() => {
        process.env.RDS_IAM_PLUGIN_RETRY_ATTEMPTS = saved.RDS_IAM_PLUGIN_RETRY_ATTEMPTS;
        process.env.RDS_IAM_PLUGIN_RETRY_DELAY_MS = saved.RDS_IAM_PLUGIN_RETRY_DELAY_MS;
        if (saved.RDS_IAM_PLUGIN_RETRY_ATTEMPTS === undefined)
            delete process.env.RDS_IAM_PLUGIN_RETRY_ATTEMPTS;
        if (saved.RDS_IAM_PLUGIN_RETRY_DELAY_MS === undefined)
            delete process.env.RDS_IAM_PLUGIN_RETRY_DELAY_MS;
    });

    /** A session whose CREATE USER fails with 1524 the first `failures` times. */
    function pluginLoadingSession(failures: number): { session: Session; statements: string[] } {
        const statements: string[] = [];
        let left = failures;
        return {
            statements,
            session: {
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
            },
        };
    }

    it("retries CREATE USER until the plugin is loaded", async () => {
        const { session, statements } = pluginLoadingSession(2);
        await createUser(
            "mysql",
            session,
            { username: "app", database: "orders", privileges: ["SELECT"] },
            false,
            "mysql db:3306",
        );
        assert.deepEqual(statements, [
            "CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
            "CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
            "CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
            "GRANT SELECT ON `orders`.* TO 'app'@'%'",
        ]);
    });

    it("gives up after the bounded attempts and says IAM auth is not applied yet", async () => {
        const { session, statements } = pluginLoadingSession(100);
        await assert.rejects(
            createUser("mysql", session, { username: "app", privileges: [] }, false, "mysql db:3306"),
            {
                message:
                    "Plugin 'AWSAuthenticationPlugin' is not loaded\nAWSAuthenticationPlugin is not loaded: IAM database authentication is not applied on the instance yet (the modification is pending). Waited 4 attempts; apply it (apply immediately or reboot in the maintenance window) and run pulumi up again.",
            },
        );
        assert.equal(statements.length, 4);
    });
});
