import * as assert from "node:assert/strict";
import {
    ClientCommandArgs,
    MARIADB_CLIENT,
    MYSQL_CLIENT,
    awsCliTokenWords,
    clientCommandLine,
    connectionEnvironment,
    installHint,
    mysqlClientFlavor,
    mysqlCommand,
    psqlCommand,
    rdsIamConnectWords,
    rdsIamTokenWords,
} from "../../components/client/cliCommand";
import { exportLines, shellQuote, shellWords } from "../../components/client/shell";
import {
    isRdsEndpoint,
    isRdsProxyEndpoint,
    notRdsEndpointWarning,
    regionOfRdsEndpoint,
} from "../../components/client/rdsEndpoint";
import { runShellLine } from "./shellRun";

const ENDPOINT = "mydb.c0ffee0example.us-east-1.rds.amazonaws.com";
const DIRECT: ClientCommandArgs = {
    engine: "mysql",
    rdsHost: ENDPOINT,
    connectHost: ENDPOINT,
    connectPort: 3306,
    username: "app_user",
    database: "appdb",
    caFile: "/tmp/rds-iam/ca.pem",
};
const TOKEN = { host: ENDPOINT, port: 3306, username: "app_user", region: "us-east-1" };

describe("client rds-iam and AWS CLI command words", () => {
    it("prints the exact rds-iam connect line for a user (the installed CLI, never npx)", () => {
        assert.equal(
            shellWords(
                rdsIamConnectWords({
                    engine: "postgres",
                    host: ENDPOINT,
                    port: 5432,
                    username: "App_User",
                    region: "us-east-1",
                    database: "appdb",
                }),
            ),
            `rds-iam connect --engine postgres --host ${ENDPOINT} --port 5432 --user App_User --region us-east-1 --database appdb`,
        );
    });
    it("leaves out the database when there is none and quotes words the shell would split", () => {
        assert.equal(
            shellWords(
                rdsIamConnectWords({
                    engine: "mysql",
                    host: ENDPOINT,
                    port: 3306,
                    username: "o'neil app",
                    region: "us-east-1",
                }),
            ),
            `rds-iam connect --engine mysql --host ${ENDPOINT} --port 3306 --user 'o'\\''neil app' --region us-east-1`,
        );
        assert.equal(shellQuote("a b"), "'a b'");
    });
    it("names the token's host, port, user and region for rds-iam token and aws rds generate-db-auth-token", () => {
        assert.deepEqual(rdsIamTokenWords(TOKEN), [
            "rds-iam",
            "token",
            "--host",
            ENDPOINT,
            "--port",
            "3306",
            "--user",
            "app_user",
            "--region",
            "us-east-1",
        ]);
        assert.equal(
            shellWords(awsCliTokenWords(TOKEN)),
            `aws rds generate-db-auth-token --hostname ${ENDPOINT} --port 3306 --region us-east-1 --username app_user`,
        );
    });
});

describe("client mysql, mariadb and psql command lines", () => {
    it("runs the MySQL client with the cleartext plugin and VERIFY_IDENTITY, the token in MYSQL_PWD", () => {
        assert.deepEqual(mysqlCommand(DIRECT, "TOKEN"), {
            program: "mysql",
            args: [
                `--host=${ENDPOINT}`,
                "--port=3306",
                "--user=app_user",
                "--enable-cleartext-plugin",
                "--ssl-ca=/tmp/rds-iam/ca.pem",
                "--ssl-mode=VERIFY_IDENTITY",
                "--database=appdb",
            ],
            env: { MYSQL_PWD: "TOKEN" },
        });
    });
    it("runs the MariaDB client with --ssl-verify-server-cert and without the obsolete --enable-cleartext-plugin", () => {
        assert.deepEqual(mysqlCommand({ ...DIRECT, mysqlClient: MARIADB_CLIENT }, "TOKEN"), {
            program: "mariadb",
            args: [
                `--host=${ENDPOINT}`,
                "--port=3306",
                "--user=app_user",
                "--ssl-ca=/tmp/rds-iam/ca.pem",
                "--ssl-verify-server-cert",
                "--database=appdb",
            ],
            env: { MYSQL_PWD: "TOKEN" },
        });
        assert.equal(
            mysqlCommand({ ...DIRECT, mysqlClient: { program: "mysql", flavor: "mariadb" } }, "T").program,
            "mysql",
        );
    });
    it("through a tunnel verifies the CA only, since mysql checks the name it connects to", () => {
        const tunneled = { ...DIRECT, connectHost: "127.0.0.1", connectPort: 13306, database: undefined };
        assert.deepEqual(mysqlCommand(tunneled, "T").args, [
            "--host=127.0.0.1",
            "--port=13306",
            "--user=app_user",
            "--enable-cleartext-plugin",
            "--ssl-ca=/tmp/rds-iam/ca.pem",
            "--ssl-mode=VERIFY_CA",
        ]);
        assert.deepEqual(mysqlCommand({ ...tunneled, mysqlClient: MARIADB_CLIENT }, "T").args, [
            "--host=127.0.0.1",
            "--port=13306",
            "--user=app_user",
            "--ssl-ca=/tmp/rds-iam/ca.pem",
        ]);
    });
    it("runs psql with sslmode=verify-full in one conninfo argument, the token in PGPASSWORD", () => {
        const args = { ...DIRECT, engine: "postgres" as const, connectPort: 5432 };
        assert.deepEqual(psqlCommand(args, "TOKEN"), {
            program: "psql",
            args: [
                `host=${ENDPOINT} port=5432 user=app_user dbname=appdb sslmode=verify-full sslrootcert=/tmp/rds-iam/ca.pem`,
            ],
            env: { PGPASSWORD: "TOKEN" },
        });
    });
    it("through a tunnel to an IP puts the RDS name in host and the tunnel in hostaddr, so verify-full checks the RDS name", () => {
        const args = {
            ...DIRECT,
            engine: "postgres" as const,
            connectHost: "127.0.0.1",
            connectPort: 15432,
            database: undefined,
        };
        assert.deepEqual(psqlCommand(args, "T").args, [
            `host=${ENDPOINT} hostaddr=127.0.0.1 port=15432 user=app_user sslmode=verify-full sslrootcert=/tmp/rds-iam/ca.pem`,
        ]);
    });
    it("quotes conninfo values with spaces", () => {
        const args = {
            ...DIRECT,
            engine: "postgres" as const,
            connectPort: 5432,
            database: "my db",
            caFile: "/tmp/a b/ca.pem",
        };
        assert.deepEqual(psqlCommand(args, "T").args, [
            `host=${ENDPOINT} port=5432 user=app_user dbname='my db' sslmode=verify-full sslrootcert='/tmp/a b/ca.pem'`,
        ]);
    });
    it("reads the client flavor from mysql --version", () => {
        assert.equal(
            mysqlClientFlavor("mysql  Ver 15.1 Distrib 10.11.19-MariaDB, for debian-linux-gnu"),
            "mariadb",
        );
        assert.equal(
            mysqlClientFlavor("mysql  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)"),
            "mysql",
        );
    });
    it("names the exact package to install for a missing client", () => {
        assert.equal(
            installHint("postgres"),
            "psql not found: install it with `sudo apt-get install -y postgresql-client` (Debian/Ubuntu) or `sudo dnf install -y postgresql15` (Amazon Linux 2023; `sudo yum install -y postgresql` on Amazon Linux 2)",
        );
        assert.equal(
            installHint("mysql"),
            "neither mysql nor mariadb found: install one with `sudo apt-get install -y mariadb-client` (Debian/Ubuntu) or `sudo dnf install -y mariadb105` (Amazon Linux 2023; `sudo yum install -y mariadb` on Amazon Linux 2)",
        );
    });
});

describe("client command lines to paste", () => {
    it("renders psql with the token signed inline, and bash runs it with exactly those words and PGPASSWORD", () => {
        const args = { ...DIRECT, engine: "postgres" as const, connectPort: 5432, database: "my db" };
        const line = clientCommandLine(args, rdsIamTokenWords({ ...TOKEN, port: 5432 }));
        assert.equal(
            line,
            `PGPASSWORD="$(rds-iam token --host ${ENDPOINT} --port 5432 --user app_user --region us-east-1)" psql 'host=${ENDPOINT} port=5432 user=app_user dbname='\\''my db'\\'' sslmode=verify-full sslrootcert=/tmp/rds-iam/ca.pem'`,
        );
        const run = runShellLine(line, ["psql"], ["rds-iam"]);
        assert.deepEqual(run, {
            status: 0,
            stderr: "",
            calls: [
                [
                    "program:psql",
                    `arg:host=${ENDPOINT} port=5432 user=app_user dbname='my db' sslmode=verify-full sslrootcert=/tmp/rds-iam/ca.pem`,
                    "MYSQL_PWD:<unset>",
                    `PGPASSWORD:signed(token --host ${ENDPOINT} --port 5432 --user app_user --region us-east-1)`,
                ],
            ],
            files: [],
        });
    });
    it("renders the MySQL client with MYSQL_PWD from the AWS CLI, and bash passes no token in argv", () => {
        const line = clientCommandLine(DIRECT, awsCliTokenWords(TOKEN));
        assert.equal(
            line,
            `MYSQL_PWD="$(aws rds generate-db-auth-token --hostname ${ENDPOINT} --port 3306 --region us-east-1 --username app_user)" mysql --host=${ENDPOINT} --port=3306 --user=app_user --enable-cleartext-plugin --ssl-ca=/tmp/rds-iam/ca.pem --ssl-mode=VERIFY_IDENTITY --database=appdb`,
        );
        assert.deepEqual(runShellLine(line, ["mysql"], ["aws"]).calls, [
            [
                "program:mysql",
                `arg:--host=${ENDPOINT}`,
                "arg:--port=3306",
                "arg:--user=app_user",
                "arg:--enable-cleartext-plugin",
                "arg:--ssl-ca=/tmp/rds-iam/ca.pem",
                "arg:--ssl-mode=VERIFY_IDENTITY",
                "arg:--database=appdb",
                `MYSQL_PWD:signed(rds generate-db-auth-token --hostname ${ENDPOINT} --port 3306 --region us-east-1 --username app_user)`,
                "PGPASSWORD:<unset>",
            ],
        ]);
    });
    it("the old `PGPASSWORD=<token> psql` form is what the shell reads as redirections (why we do not print it)", () => {
        const run = runShellLine("PGPASSWORD=<token> psql 'host=x'", ["psql"], []);
        assert.equal(run.status, 1);
        assert.equal(run.stderr, "bash: line 1: token: No such file or directory\n");
        assert.deepEqual(run.calls, []);
    });
});

describe("client env lines", () => {
    it("exports the libpq variables for PostgreSQL", () => {
        const args = { ...DIRECT, engine: "postgres" as const, connectPort: 5432 };
        assert.deepEqual(exportLines(connectionEnvironment(args, "h:5432/?Action=connect&DBUser=app_user")), [
            `export PGHOST=${ENDPOINT}`,
            "export PGPORT=5432",
            "export PGUSER=app_user",
            "export PGDATABASE=appdb",
            "export PGPASSWORD='h:5432/?Action=connect&DBUser=app_user'",
            "export PGSSLMODE=verify-full",
            "export PGSSLROOTCERT=/tmp/rds-iam/ca.pem",
        ]);
    });
    it("exports MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_PWD and the flags mysql has no variable for", () => {
        assert.deepEqual(connectionEnvironment(DIRECT, "TOKEN"), {
            MYSQL_HOST: ENDPOINT,
            MYSQL_TCP_PORT: "3306",
            MYSQL_PWD: "TOKEN",
            RDS_IAM_MYSQL_FLAGS:
                "--user=app_user --enable-cleartext-plugin --ssl-ca=/tmp/rds-iam/ca.pem --ssl-mode=VERIFY_IDENTITY --database=appdb",
        });
        assert.equal(
            connectionEnvironment({ ...DIRECT, mysqlClient: MARIADB_CLIENT }, "T").RDS_IAM_MYSQL_FLAGS,
            "--user=app_user --ssl-ca=/tmp/rds-iam/ca.pem --ssl-verify-server-cert --database=appdb",
        );
        assert.equal(MYSQL_CLIENT.program, "mysql");
    });
});

describe("client RDS endpoint recognition", () => {
    it("recognizes instance, Aurora cluster, reader, proxy, GovCloud, China and EU sovereign endpoints and reads their region", () => {
        const cases: [string, string | undefined][] = [
            ["mydb.c0ffee0example.us-east-1.rds.amazonaws.com", "us-east-1"],
            ["prod.cluster-abc123xyz.eu-west-1.rds.amazonaws.com", "eu-west-1"],
            ["prod.cluster-ro-abc123xyz.ap-southeast-2.rds.amazonaws.com", "ap-southeast-2"],
            ["myproxy.proxy-abc123xyz.us-gov-west-1.rds.amazonaws.com", "us-gov-west-1"],
            ["mydb.abc123.cn-north-1.rds.amazonaws.com.cn", "cn-north-1"],
            ["mydb.abc123.eusc-de-east-1.rds.amazonaws.eu", "eusc-de-east-1"],
            ["mydb.abc123.cn-north-1.rds.amazonaws.com", undefined],
            ["db.example.com", undefined],
            ["127.0.0.1", undefined],
            ["rds.amazonaws.com", undefined],
        ];
        assert.deepEqual(
            cases.map(([host]) => [host, regionOfRdsEndpoint(host)]),
            cases,
        );
        assert.deepEqual(
            cases.map(([host]) => isRdsEndpoint(host)),
            [true, true, true, true, true, true, false, false, false, false],
        );
    });
    it("recognizes an RDS Proxy's default endpoint and the endpoints created for it, in every partition, as proxies", () => {
        const cases: [string, string | undefined, boolean][] = [
            ["myproxy.proxy-abc123xyz.us-east-1.rds.amazonaws.com", "us-east-1", true],
            ["reader.endpoint.proxy-abc123xyz.eu-west-1.rds.amazonaws.com", "eu-west-1", true],
            ["Cross-VPC.Endpoint.Proxy-ABC.us-west-2.rds.amazonaws.com", "us-west-2", true],
            ["app.proxy-abc.cn-north-1.rds.amazonaws.com.cn", "cn-north-1", true],
            ["app.endpoint.proxy-abc.us-gov-west-1.rds.amazonaws.com", "us-gov-west-1", true],
            ["prod.cluster-ro-abc123xyz.eu-west-1.rds.amazonaws.com", "eu-west-1", false],
            ["mydb.proxyabc.us-east-1.rds.amazonaws.com", "us-east-1", false],
            ["a.b.endpoint.proxy-abc.us-east-1.rds.amazonaws.com", undefined, false],
            ["app.endpoint.proxy-abc.cn-north-1.rds.amazonaws.com", undefined, false],
            ["app.endpoint.proxy-abc.us-east-1a.rds.amazonaws.com", undefined, false],
        ];
        assert.deepEqual(
            cases.map(([host]) => [host, regionOfRdsEndpoint(host), isRdsProxyEndpoint(host)]),
            cases,
        );
        assert.equal(
            notRdsEndpointWarning("reader.endpoint.proxy-abc123xyz.eu-west-1.rds.amazonaws.com"),
            undefined,
        );
    });
    it("warns that a CNAME needs --signing-host", () => {
        assert.equal(notRdsEndpointWarning(ENDPOINT), undefined);
        assert.equal(
            notRdsEndpointWarning("db.example.com"),
            'warning: "db.example.com" is not an RDS endpoint (*.rds.amazonaws.com). The token must be signed for the RDS endpoint itself, not a CNAME, load balancer or tunnel address: pass the real endpoint with --signing-host <endpoint> (and keep --host for where to connect).',
        );
    });
});
