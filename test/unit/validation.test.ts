import * as assert from "node:assert/strict";
import {
    databaseNameProblems,
    privilegeProblems,
    privilegesNeedDatabaseProblems,
    usernameProblems,
    validateUsername,
} from "../../components/validation";

describe("validation by field", () => {
    it("gives each kind of bad user name its own code", () => {
        const codes = (name: unknown, master?: string) =>
            usernameProblems("postgres", name, master).map((p) => p.code);
        assert.deepEqual(
            [
                codes(42),
                codes(""),
                codes("u".repeat(64)),
                codes("bob'"),
                codes("rdsadmin"),
                codes("pg_monitor"),
                codes("dbmaster", "dbmaster"),
                codes("app_rw", "dbmaster"),
            ],
            [
                ["not-a-string"],
                ["empty"],
                ["too-long"],
                ["bad-characters"],
                ["reserved-name"],
                ["system-role-name"],
                ["master-user"],
                [],
            ],
        );
    });

    it("puts element problems of a privilege list at their index", () => {
        assert.deepEqual(privilegeProblems("mysql", ["SELECT", "SUPER", "insert", 7]), [
            {
                code: "unknown-privilege",
                at: "[1]",
                reason: 'unknown privilege "SUPER" for mysql; use one of ALL, SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, REFERENCES',
            },
            {
                code: "unknown-privilege",
                at: "[3]",
                reason: "unknown privilege 7 for mysql; use one of ALL, SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, REFERENCES",
            },
        ]);
    });

    it("asks for a database only where privileges have no default one, naming the setting to fix", () => {
        assert.deepEqual(
            [
                privilegesNeedDatabaseProblems("mariadb", ["SELECT"], undefined, "databaseName"),
                privilegesNeedDatabaseProblems("aurora-postgresql", ["SELECT"], undefined, "databaseName"),
                privilegesNeedDatabaseProblems("mysql", [], undefined, "database"),
                privilegesNeedDatabaseProblems("mysql", ["SELECT"], "app", "database"),
            ],
            [
                [
                    {
                        code: "privileges-need-database",
                        reason: "privileges on mariadb apply to a database; set databaseName",
                    },
                ],
                [],
                [],
                [],
            ],
        );
    });

    it("keeps the provider's failure shape: property and reason only", () => {
        assert.deepEqual(validateUsername("mysql", "root", "users[2].username"), [
            {
                property: "users[2].username",
                reason: 'username "root" is reserved by RDS or the engine; choose another name (not root, postgres, rds*, mysql*)',
            },
        ]);
    });

    it("accepts an ordinary database name", () => {
        assert.deepEqual(databaseNameProblems("mysql", "app_db"), []);
    });
});
