import * as assert from "node:assert/strict";
import * as my from "../../components/provider/mysql";
import * as pg from "../../components/provider/postgres";

describe("MySQL/MariaDB SQL builders", () => {
    it("create the user with the IAM plugin, REQUIRE SSL, and grant on the database only", () => {
        assert.deepEqual(my.mysqlCreateUser("App_RW", "orders", ["INSERT", "SELECT"]), [
            "CREATE USER 'App_RW'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
            "GRANT INSERT, SELECT ON `orders`.* TO 'App_RW'@'%'",
        ]);
    });

    it("write ALL as ALL PRIVILEGES on the database, never globally", () => {
        assert.deepEqual(
            my.mysqlCreateUser("app", "orders", ["ALL"])[1],
            "GRANT ALL PRIVILEGES ON `orders`.* TO 'app'@'%'",
        );
    });

    it("create a login-only user when there are no privileges", () => {
        assert.deepEqual(my.mysqlCreateUser("app", undefined, []), [
            "CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
        ]);
    });

    it("quote hostile names through mysql2's escaping", () => {
        assert.deepEqual(my.mysqlCreateUser("a'b", "d`b", ["SELECT"]), [
            "CREATE USER 'a\\'b'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
            "GRANT SELECT ON `d``b`.* TO 'a\\'b'@'%'",
        ]);
    });

    it("revoke only what was removed and grant only what was added", () => {
        assert.deepEqual(
            my.mysqlChangePrivileges("app", "orders", ["INSERT", "SELECT"], ["SELECT", "UPDATE"]),
            ["REVOKE INSERT ON `orders`.* FROM 'app'@'%'", "GRANT UPDATE ON `orders`.* TO 'app'@'%'"],
        );
    });

    it("replace the whole set when moving to or from ALL", () => {
        assert.deepEqual(my.mysqlChangePrivileges("app", "orders", ["SELECT"], ["ALL"]), [
            "REVOKE SELECT ON `orders`.* FROM 'app'@'%'",
            "GRANT ALL PRIVILEGES ON `orders`.* TO 'app'@'%'",
        ]);
    });

    it("drop the user idempotently", () => {
        assert.deepEqual(my.mysqlDropUser("app"), ["DROP USER IF EXISTS 'app'@'%'"]);
    });

    it("read the full privilege set back as ALL", () => {
        const everything = [
            "SELECT",
            "INSERT",
            "UPDATE",
            "DELETE",
            "CREATE",
            "DROP",
            "INDEX",
            "ALTER",
            "CREATE TEMPORARY TABLES",
            "LOCK TABLES",
            "EXECUTE",
            "CREATE VIEW",
            "SHOW VIEW",
            "CREATE ROUTINE",
            "ALTER ROUTINE",
            "EVENT",
            "TRIGGER",
            "REFERENCES",
            "DELETE HISTORY",
        ];
        assert.deepEqual(my.mysqlObservedPrivileges(everything), ["ALL"]);
        assert.deepEqual(my.mysqlObservedPrivileges(["SELECT", "INSERT"]), ["INSERT", "SELECT"]);
    });
});

describe("PostgreSQL SQL builders", () => {
    it("create a login role in rds_iam with CONNECT, schema usage and table privileges now and for future tables", () => {
        assert.deepEqual(pg.postgresCreateUser("app_rw", "orders", ["SELECT"]), [
            "CREATE USER app_rw WITH LOGIN",
            "GRANT rds_iam TO app_rw",
            "GRANT CONNECT ON DATABASE orders TO app_rw",
            "GRANT USAGE ON SCHEMA public TO app_rw",
            "GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_rw",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO app_rw",
        ]);
    });

    it("quote names that are not plain lower case, keeping their case", () => {
        assert.deepEqual(pg.postgresCreateUser("App_RW", "Orders", []), [
            'CREATE USER "App_RW" WITH LOGIN',
            'GRANT rds_iam TO "App_RW"',
            'GRANT CONNECT ON DATABASE "Orders" TO "App_RW"',
        ]);
    });

    it("give INSERT the sequences too and database privileges on the database", () => {
        assert.deepEqual(pg.postgresCreateUser("app", "orders", ["INSERT", "TEMPORARY"]).slice(3), [
            "GRANT USAGE ON SCHEMA public TO app",
            "GRANT TEMPORARY ON DATABASE orders TO app",
            "GRANT INSERT ON ALL TABLES IN SCHEMA public TO app",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT INSERT ON TABLES TO app",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO app",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO app",
        ]);
    });

    it("change privileges by revoking the removed and granting the added", () => {
        assert.deepEqual(
            pg.postgresChangePrivileges("app", "orders", ["SELECT", "UPDATE"], ["SELECT", "DELETE"]),
            [
                "REVOKE UPDATE ON ALL TABLES IN SCHEMA public FROM app",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE UPDATE ON TABLES FROM app",
                "GRANT DELETE ON ALL TABLES IN SCHEMA public TO app",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT DELETE ON TABLES TO app",
            ],
        );
    });

    it("revoke rds_iam before the master joins the user, then reassign, drop owned and drop the role", () => {
        assert.deepEqual(pg.postgresDropUser("app", "dbmaster", false), [
            "REVOKE rds_iam FROM app",
            "GRANT app TO dbmaster",
            "REASSIGN OWNED BY app TO dbmaster",
            "DROP OWNED BY app",
            "DROP ROLE app",
        ]);
    });

    it("skip the membership grant when the master is a superuser", () => {
        assert.deepEqual(pg.postgresDropUser("app", "dbmaster", true), [
            "REVOKE rds_iam FROM app",
            "REASSIGN OWNED BY app TO dbmaster",
            "DROP OWNED BY app",
            "DROP ROLE app",
        ]);
    });
});
