import * as assert from "node:assert/strict";
import {
    connectionEnvironment,
    exportLines,
    installHint,
    mysqlClientFlavor,
    mysqlCommand,
    psqlCommand,
    rdsIamConnectCommand,
    shellQuote,
    ClientCommandArgs,
} from "../../components/client/cliCommand";
import {
    isRdsEndpoint,
    notRdsEndpointWarning,
    regionOfRdsEndpoint,
} from "../../components/client/rdsEndpoint";

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

describe("client rdsIamConnectCommand", () => {
    it("prints the exact npx line for a user", () => {
        assert.equal(
            rdsIamConnectCommand({
                engine: "postgres",
                host: ENDPOINT,
                port: 5432,
                username: "App_User",
                region: "us-east-1",
                database: "appdb",
            }),
            `npx rds-iam connect --engine postgres --host ${ENDPOINT} --port 5432 --user App_User --region us-east-1 --database appdb`,
        );
    });
    it("leaves out the database when there is none and quotes words the shell would split", () => {
        assert.equal(
            rdsIamConnectCommand({
                engine: "mysql",
                host: ENDPOINT,
                port: 3306,
                username: "o'neil app",
                region: "us-east-1",
            }),
            `npx rds-iam connect --engine mysql --host ${ENDPOINT} --port 3306 --user 'o'\\''neil app' --region us-east-1`,
        );
        assert.equal(shellQuote("a b"), "'a b'");
    });
});

describe("client mysql and psql command lines", () => {
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
    it("runs the MariaDB client with --ssl-verify-server-cert (it has no --ssl-mode)", () => {
        assert.deepEqual(mysqlCommand({ ...DIRECT, mysqlFlavor: "mariadb" }, "TOKEN").args, [
            `--host=${ENDPOINT}`,
            "--port=3306",
            "--user=app_user",
            "--enable-cleartext-plugin",
            "--ssl-ca=/tmp/rds-iam/ca.pem",
            "--ssl-verify-server-cert",
            "--database=appdb",
        ]);
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
            "mysql not found: install it with `sudo apt-get install -y mariadb-client` (Debian/Ubuntu) or `sudo dnf install -y mariadb105` (Amazon Linux 2023; `sudo yum install -y mariadb` on Amazon Linux 2)",
        );
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
    });
});

describe("client RDS endpoint recognition", () => {
    it("recognizes instance, Aurora cluster, reader, proxy and China endpoints and reads their region", () => {
        const cases: [string, string | undefined][] = [
            ["mydb.c0ffee0example.us-east-1.rds.amazonaws.com", "us-east-1"],
            ["prod.cluster-abc123xyz.eu-west-1.rds.amazonaws.com", "eu-west-1"],
            ["prod.cluster-ro-abc123xyz.ap-southeast-2.rds.amazonaws.com", "ap-southeast-2"],
            ["myproxy.proxy-abc123xyz.us-gov-west-1.rds.amazonaws.com", "us-gov-west-1"],
            ["mydb.abc123.cn-north-1.rds.amazonaws.com.cn", "cn-north-1"],
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
            [true, true, true, true, true, false, false, false],
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
