import * as assert from "node:assert/strict";
import * as net from "node:net";
import { withSession } from "../../components/provider/connection";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { ThrowawayServer } from "../../local/servers";
import { loginAndAsk } from "../../local/servers/login";
import { userInputs } from "../../local/servers/userInputs";
import { createVia, removeAsSuperuser, updateVia } from "../support/providerHarness";
import { serverOrSkip } from "../support/matrix";

for (const name of ["mariadb", "mysql80"] as const) {
    describe(`MySQL/MariaDB grants that cannot reach further than declared, on ${name}`, function () {
        this.timeout(60_000);
        let m: ThrowawayServer;
        before(async function () {
            m = await serverOrSkip(this, name);
            await m.inspect("CREATE DATABASE IF NOT EXISTS app_db");
            await m.inspect("CREATE DATABASE IF NOT EXISTS appXdb");
            await m.inspect("CREATE TABLE IF NOT EXISTS appXdb.secrets (v text)");
            await m.inspect("INSERT INTO appXdb.secrets VALUES ('not yours')");
        });
        afterEach(async () => {
            await m.inspect("SET GLOBAL sql_mode = DEFAULT");
            await m.inspect("DROP USER IF EXISTS 'limited_master'@'%'");
            for (const u of ["narrow", "half_made"]) await removeAsSuperuser(m, u);
        });

        // MySQL Reference Manual, "GRANT Statement": _ and % are wildcards in database-level grants.
        it("grants SELECT on app_db without also granting appXdb", async () => {
            await createVia(m, "narrow", { database: "app_db", privileges: ["SELECT"] });
            const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
            const connection = await mysql.createConnection({
                host: m.endpoint,
                port: m.port,
                stream: () => net.connect(m.port, m.host),
                user: "narrow",
                password: "an-iam-token",
                ssl: { ca: m.caCertificate },
                authPlugins: { mysql_clear_password: () => () => Buffer.from("an-iam-token\0") },
            });
            try {
                await assert.rejects(connection.query("SELECT v FROM appXdb.secrets"), {
                    // MySQL 8.0.31 names the table alone; MariaDB and newer MySQL name it with its database.
                    message:
                        m.engine === "mysql"
                            ? "SELECT command denied to user 'narrow'@'127.0.0.1' for table 'secrets'"
                            : "SELECT command denied to user 'narrow'@'127.0.0.1' for table `appXdb`.`secrets`",
                });
            } finally {
                await connection.end();
            }
        });

        // MariaDB creates a missing account in GRANT unless sql_mode has NO_AUTO_CREATE_USER; MySQL 8 never does.
        it("never creates a passwordless account when the server's sql_mode lacks NO_AUTO_CREATE_USER", async () => {
            await m.inspect("SET GLOBAL sql_mode = ''");
            const created = await createVia(m, "narrow", { privileges: ["SELECT"] });
            await m.inspect("DROP USER 'narrow'@'%'");
            await assert.rejects(
                updateVia(created, { privileges: ["SELECT", "INSERT"] }),
                /no longer exists/,
            );
            assert.deepEqual(await m.inspect("SELECT User FROM mysql.user WHERE User = 'narrow'"), []);
            // And the provider's sessions pin sql_mode whatever the server's is, so no GRANT can create an account.
            const [row] = await withSession(
                {
                    family: "mysql",
                    host: m.endpoint,
                    port: m.port,
                    connectHost: m.host,
                    caCertificate: m.caCertificate,
                    user: m.master.username,
                    password: m.master.password,
                },
                (s) => s.query("SELECT @@SESSION.sql_mode AS mode"),
            );
            assert.equal(
                row.mode,
                m.engine === "mariadb"
                    ? "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION"
                    : "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
            );
        });

        it("finishes a create cut off between CREATE USER and GRANT on the retry, without adopt", async () => {
            // What a lost connection after the first statement leaves: the account, locked, no grants.
            await m.query(
                "CREATE USER 'half_made'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL ACCOUNT LOCK",
            );
            await assert.rejects(
                loginAndAsk(m, { user: "half_made", password: "token" }),
                /Access denied|locked/,
            );
            const { outs } = await createVia(m, "half_made", { privileges: ["SELECT"] });
            assert.deepEqual(
                [outs.iamAuthentication, outs.privileges, outs.unmanagedPrivileges],
                [true, ["SELECT"], []],
            );
            assert.equal(await loginAndAsk(m, { user: "half_made", password: "token" }), "half_made@%");
        });

        it("leaves nothing half-made when the grant fails and the session still works", async () => {
            const inputs = (await provider.check!({}, userInputs(m, "narrow", { privileges: ["SELECT"] })))
                .inputs;
            // A master that may create users and read the grant tables, but not grant on appdb.
            await m.inspect("DROP USER IF EXISTS 'limited_master'@'%'");
            await m.inspect("CREATE USER 'limited_master'@'%' IDENTIFIED BY 'limited-pw' REQUIRE SSL");
            await m.inspect("GRANT CREATE USER ON *.* TO 'limited_master'@'%'");
            await m.inspect("GRANT SELECT ON mysql.* TO 'limited_master'@'%'");
            try {
                await assert.rejects(
                    provider.create({
                        ...inputs,
                        master: { username: "limited_master", password: "limited-pw" },
                    }),
                    /Access denied for user 'limited_master'@'%' to database 'appdb'/,
                );
                assert.deepEqual(await m.inspect("SELECT User FROM mysql.user WHERE User = 'narrow'"), []);
                await provider.create(inputs);
            } finally {
                await m.inspect("DROP USER IF EXISTS 'limited_master'@'%'");
            }
        });
    });
}
