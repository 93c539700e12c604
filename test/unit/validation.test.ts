import * as assert from "node:assert/strict";
import {
    PRIVILEGES,
    databaseNameProblems,
    normalizePrivileges,
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

describe("system databases (issue 11.3)", () => {
    it("refuses every MySQL/MariaDB system database, saying what it holds", () => {
        assert.deepEqual(
            ["mysql", "information_schema", "PERFORMANCE_SCHEMA", "sys"].map((d) =>
                databaseNameProblems("mariadb", d).map((p) => p.reason),
            ),
            [
                [
                    'database "mysql" is a system database of MariaDB: it holds the server\'s accounts and their password hashes. Grant privileges on a database of your own',
                ],
                [
                    'database "information_schema" is a system database of MariaDB: it is the server\'s catalog, not a database of yours. Grant privileges on a database of your own',
                ],
                [
                    'database "PERFORMANCE_SCHEMA" is a system database of MariaDB: it holds server instrumentation, including other sessions\' statements. Grant privileges on a database of your own',
                ],
                [
                    'database "sys" is a system database of MariaDB: it holds views over performance_schema and the server\'s internals. Grant privileges on a database of your own',
                ],
            ],
        );
    });

    it("refuses PostgreSQL's templates and rdsadmin but not the postgres database", () => {
        assert.deepEqual(
            ["template0", "template1", "rdsadmin", "postgres"].map((d) =>
                databaseNameProblems("aurora-postgresql", d).map((p) => p.code),
            ),
            [["system-database"], ["system-database"], ["system-database"], []],
        );
    });

    it("refuses them in the provider's check() too, before any SQL", async () => {
        const { databaseUserProvider } = await import("../../components/provider/provider");
        const result = await databaseUserProvider.check!(
            {},
            {
                engine: "mysql",
                host: "db.example.com",
                port: 3306,
                username: "app",
                database: "mysql",
                privileges: ["SELECT"],
                master: { username: "dbmaster", password: "x" },
            },
        );
        assert.deepEqual(result.failures, [
            {
                property: "database",
                reason: 'database "mysql" is a system database of MySQL: it holds the server\'s accounts and their password hashes. Grant privileges on a database of your own',
            },
        ]);
    });
});

describe("privileges stored as the server reads them back (issue 11.13)", () => {
    it("drops what ALL covers next to it", () => {
        assert.deepEqual(normalizePrivileges(["ALL", "SELECT", "insert"], "mysql"), ["ALL"]);
    });

    it("writes MySQL's whole vocabulary listed one by one as ALL", () => {
        assert.deepEqual(
            normalizePrivileges(
                PRIVILEGES.mysql.filter((p) => p !== "ALL"),
                "aurora-mysql",
            ),
            ["ALL"],
        );
    });

    it("keeps PostgreSQL's database privileges beside ALL, which covers table privileges only", () => {
        assert.deepEqual(
            [
                normalizePrivileges(["ALL", "SELECT", "CREATE"], "postgres"),
                normalizePrivileges(
                    PRIVILEGES.postgres.filter((p) => p !== "ALL"),
                    "postgres",
                ),
                normalizePrivileges(["SELECT", "INSERT"], "postgres"),
            ],
            [
                ["ALL", "CREATE"],
                ["ALL", "CREATE", "TEMPORARY"],
                ["INSERT", "SELECT"],
            ],
        );
    });

    it("leaves the set as given (canonical, sorted) when the engine is not known", () => {
        assert.deepEqual(normalizePrivileges([" select", "ALL"]), ["ALL", "SELECT"]);
    });
});

describe("PostgreSQL's scoped privileges", () => {
    it("fold each schema's table privileges into ALL and drop USAGE where table privileges or CREATE include it", () => {
        assert.deepEqual(
            normalizePrivileges(
                [
                    ...PRIVILEGES.postgres
                        .filter((p) => !["ALL", "CREATE", "TEMPORARY"].includes(p))
                        .map((p) => `${p} IN SCHEMA app`),
                    "USAGE ON SCHEMA app",
                    "CREATE ON SCHEMA ledger",
                    "USAGE ON SCHEMA ledger",
                    "USAGE ON SCHEMA lookup",
                    "for role App_Owner",
                ],
                "aurora-postgresql",
            ),
            ["ALL IN SCHEMA app", "CREATE ON SCHEMA ledger", "FOR ROLE App_Owner", "USAGE ON SCHEMA lookup"],
        );
    });

    it("give each kind of bad scoped entry its own code", () => {
        const codes = (privileges: string[]) => privilegeProblems("postgres", privileges).map((p) => p.code);
        assert.deepEqual(
            [
                codes(["SELECT IN SCHEMA information_schema"]),
                codes(["USAGE ON SCHEMA 1app"]),
                codes(["SELECT", "FOR ROLE a", "FOR ROLE b"]),
                codes(["FOR ROLE a", "USAGE ON SCHEMA app"]),
                codes(["DELETE ON SCHEMA app"]),
                codes(["SELECT IN SCHEMA app", "FOR ROLE app_owner"]),
            ],
            [
                ["system-schema"],
                ["bad-characters"],
                ["conflicting-owner"],
                ["owner-without-table-privileges"],
                ["unknown-privilege"],
                [],
            ],
        );
    });

    it("name the scoped forms when an entry is unknown", () => {
        assert.deepEqual(privilegeProblems("postgres", ["SUPERUSER"]), [
            {
                code: "unknown-privilege",
                at: "[0]",
                reason: 'unknown privilege "SUPERUSER" for postgres; use one of ALL, SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, CREATE, TEMPORARY, <table privilege> IN SCHEMA <schema>, USAGE ON SCHEMA <schema>, CREATE ON SCHEMA <schema>, FOR ROLE <owner>',
            },
        ]);
    });
});
