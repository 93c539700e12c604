import * as assert from "node:assert/strict";
import { UNKNOWN } from "../../components/provider/inputs";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { PROVIDER_MATRIX, TestServers, getServer, getTestServers } from "../../local/servers";
import { userInputs } from "../../local/servers/userInputs";

type Case = [
    description: string,
    engine: "mariadb" | "postgres",
    change: Record<string, unknown>,
    property: string,
];

const long = (n: number) => "u".repeat(n);
const HOSTILE: Case[] = [
    ["a single quote", "mariadb", { username: "bob'" }, "username"],
    [
        "a quote that closes the literal and comments out the rest",
        "mariadb",
        { username: "x'@'%' -- " },
        "username",
    ],
    ["a backtick", "mariadb", { username: "bob`" }, "username"],
    ["a double quote", "postgres", { username: 'bob"' }, "username"],
    ["a semicolon and a second statement", "postgres", { username: "a; DROP ROLE master_admin" }, "username"],
    ["a SQL comment", "mariadb", { username: "a--b" }, "username"],
    ["a C comment", "postgres", { username: "a/*b*/" }, "username"],
    ["a NUL byte", "mariadb", { username: "a\u0000b" }, "username"],
    ["a newline", "postgres", { username: "a\nb" }, "username"],
    ["a tab", "mariadb", { username: "a\tb" }, "username"],
    ["a space", "postgres", { username: "app user" }, "username"],
    ["leading whitespace", "mariadb", { username: " app" }, "username"],
    ["a Cyrillic look-alike", "postgres", { username: "аpp" }, "username"],
    ["a fullwidth look-alike", "mariadb", { username: "ａpp" }, "username"],
    ["a zero-width space", "postgres", { username: "app\u200b" }, "username"],
    ["an emoji", "mariadb", { username: "app🙂" }, "username"],
    ["a percent sign", "mariadb", { username: "app%" }, "username"],
    ["an at sign", "mariadb", { username: "app@host" }, "username"],
    ["a backslash", "postgres", { username: "app\\" }, "username"],
    ["a dollar quote", "postgres", { username: "$$app$$" }, "username"],
    ["a leading digit", "postgres", { username: "1app" }, "username"],
    ["the empty name", "mariadb", { username: "" }, "username"],
    ["33 characters on MariaDB", "mariadb", { username: long(33) }, "username"],
    ["64 characters on PostgreSQL", "postgres", { username: long(64) }, "username"],
    ["root", "mariadb", { username: "root" }, "username"],
    ["rdsadmin", "mariadb", { username: "rdsadmin" }, "username"],
    ["rdsrepladmin", "mariadb", { username: "rdsrepladmin" }, "username"],
    ["rds_superuser", "postgres", { username: "rds_superuser" }, "username"],
    ["rds_iam itself", "postgres", { username: "rds_iam" }, "username"],
    ["postgres", "postgres", { username: "postgres" }, "username"],
    ["a mysql.* name", "mariadb", { username: "mysql_sys" }, "username"],
    ["a pg_ system role name", "postgres", { username: "pg_monitor" }, "username"],
    ["the master user", "mariadb", { username: "master_admin" }, "username"],
    ["the master user on PostgreSQL", "postgres", { username: "master_admin" }, "username"],
    ["a username that is not a string", "postgres", { username: 42 }, "username"],
    ["a privilege outside the vocabulary", "mariadb", { privileges: ["SUPER"] }, "privileges[0]"],
    [
        "a privilege with an injected grant",
        "mariadb",
        { privileges: ["SELECT ON *.* TO x; --"] },
        "privileges[0]",
    ],
    ["GRANT OPTION", "postgres", { privileges: ["GRANT OPTION"] }, "privileges[0]"],
    ["a MySQL-only privilege on PostgreSQL", "postgres", { privileges: ["SHOW VIEW"] }, "privileges[0]"],
    ["privileges that are not a list", "mariadb", { privileges: "SELECT" }, "privileges"],
    ["a database name with a backtick", "mariadb", { database: "app`db" }, "database"],
    ["a database name with a quote", "postgres", { database: 'app"db' }, "database"],
    ["a host with a space", "mariadb", { host: "db host" }, "host"],
    ["port 0", "postgres", { port: 0 }, "port"],
    ["port 70000", "mariadb", { port: 70000 }, "port"],
    [
        "both a secret ARN and a password",
        "postgres",
        {
            master: {
                username: "master_admin",
                password: "x",
                secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:s",
            },
        },
        "master",
    ],
    ["neither secret ARN nor password", "mariadb", { master: { username: "master_admin" } }, "master"],
    [
        "a secret ARN of another service",
        "postgres",
        { master: { username: "master_admin", secretArn: "arn:aws:s3:::bucket" } },
        "master.secretArn",
    ],
    ["a CA that is not PEM", "mariadb", { caCertificate: "not a cert" }, "caCertificate"],
    ["an unknown engine", "postgres", { engine: "oracle" }, "engine"],
    ["a malformed region", "mariadb", { region: "us_east_1" }, "region"],
];

describe("DatabaseUser check() on hostile inputs", function () {
    this.timeout(60_000);
    let servers: TestServers;
    let marks: Record<string, number>;

    before(async () => {
        servers = await getTestServers();
        marks = { mariadb: await servers.mariadb.logMark(), postgres: await servers.postgres.logMark() };
    });

    it(`has at least 40 hostile cases (${HOSTILE.length})`, () => {
        assert.ok(HOSTILE.length >= 40);
    });

    for (const [description, engine, change, property] of HOSTILE) {
        it(`rejects ${description}, naming ${property}`, async () => {
            const result = await provider.check!({}, { ...userInputs(servers[engine], "app"), ...change });
            assert.equal(result.inputs, undefined);
            assert.deepEqual(
                result.failures!.map((f) => f.property),
                [property],
            );
            assert.ok(result.failures![0].reason.length > 20);
        });
    }

    it("never sent a statement to any server of the matrix for any of them", async () => {
        // The engine only calls create after a clean check; drive it the same way and look at the servers' logs.
        for (const name of PROVIDER_MATRIX) {
            const server = await getServer(name);
            const mark = await server.logMark();
            for (const [, engine, change] of HOSTILE.filter(([, e]) => e === server.engine)) {
                const inputs = { ...userInputs(server, "app"), ...change };
                const checked = await provider.check!({}, inputs);
                assert.notEqual(checked.failures, undefined, `${engine}: ${JSON.stringify(change)}`);
                if (checked.failures === undefined) await provider.create(checked.inputs);
            }
            assert.deepEqual(await server.statementsSince(mark), [], name);
        }
        assert.deepEqual(await servers.mariadb.statementsSince(marks.mariadb), []);
        assert.deepEqual(await servers.postgres.statementsSince(marks.postgres), []);
    });

    it("gives the exact reason for a quote in the username", async () => {
        const result = await provider.check!({}, { ...userInputs(servers.mariadb, "app"), username: "bob'" });
        assert.deepEqual(result.failures, [
            {
                property: "username",
                reason: 'username "bob\'" contains "\'" (U+0027); use only ASCII letters, digits and underscores, starting with a letter or underscore',
            },
        ]);
    });

    it("accepts values still unknown during preview without failing", async () => {
        const result = await provider.check!(
            {},
            {
                ...userInputs(servers.postgres, "app"),
                host: UNKNOWN,
                port: UNKNOWN,
                master: { username: "master_admin", secretArn: UNKNOWN },
            },
        );
        assert.equal(result.failures, undefined);
    });

    it("normalizes privileges and defaults the PostgreSQL database", async () => {
        const { database: _d, ...inputs } = userInputs(servers.postgres, "app", {
            privileges: [" select", "Insert ", "SELECT"],
        });
        const result = await provider.check!({}, inputs);
        assert.deepEqual(
            [result.inputs!.privileges, result.inputs!.database],
            [["INSERT", "SELECT"], "postgres"],
        );
    });
});

describe("DatabaseUser check() on system databases and privilege spellings", function () {
    this.timeout(60_000);

    for (const [engine, database] of [
        ["mariadb", "mysql"],
        ["mariadb", "information_schema"],
        ["mariadb", "performance_schema"],
        ["mariadb", "sys"],
        ["postgres", "template0"],
        ["postgres", "template1"],
        ["postgres", "rdsadmin"],
    ] as const) {
        it(`refuses the system database ${database} on ${engine}, naming database (#11.3)`, async () => {
            const server = await getServer(engine === "mariadb" ? "mariadb" : "postgres15");
            const result = await provider.check!(
                {},
                userInputs(server, "app", { database, privileges: ["SELECT"] }),
            );
            assert.deepEqual(
                result.failures!.map((f) => f.property),
                ["database"],
            );
            assert.match(
                result.failures![0].reason,
                new RegExp(`^database "${database}" is a system database of (MariaDB|PostgreSQL|RDS)`),
            );
        });
    }

    for (const name of ["postgres16", "mariadb"] as const) {
        it(`stores privileges as ${name} reads them back, so nothing shows a diff on the next run (#11.13)`, async () => {
            const server = await getServer(name);
            const everything =
                server.engine === "mariadb"
                    ? [
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
                      ]
                    : ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];
            for (const privileges of [["ALL", "SELECT"], everything]) {
                const checked = await provider.check!({}, userInputs(server, "spelled", { privileges }));
                assert.deepEqual(checked.inputs!.privileges, ["ALL"]);
                const created = await provider.create(checked.inputs!);
                const read = await provider.read!(created.id, created.outs);
                assert.equal((await provider.diff!(created.id, read.props!, checked.inputs!)).changes, false);
                await provider.delete!(created.id, created.outs);
            }
        });
    }
});
