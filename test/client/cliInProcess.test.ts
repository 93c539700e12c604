import * as assert from "node:assert/strict";
import * as path from "node:path";
import { CliHarness, ENDPOINT, USAGE_HINT } from "./cliHarness";

describe("rds-iam CLI in process", () => {
    const h = new CliHarness();

    it("connect runs the MySQL 8 client with the cleartext plugin, VERIFY_IDENTITY and the token in MYSQL_PWD", async () => {
        const bin = h.fakeBinDir(
            "mysql",
            'echo "mysql  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)"',
        );
        const result = await h.runInProcess(
            [
                "connect",
                "--engine",
                "mysql",
                "--host",
                ENDPOINT,
                "--user",
                "app_user",
                "--ca-file",
                "/etc/ssl/rds.pem",
            ],
            h.isolatedEnv({ PATH: bin }),
        );
        assert.equal(result.stderr, "");
        assert.equal(result.code, 0);
        assert.deepEqual(result.spawned, [
            {
                program: "mysql",
                args: [
                    `--host=${ENDPOINT}`,
                    "--port=3306",
                    "--user=app_user",
                    "--enable-cleartext-plugin",
                    "--ssl-ca=/etc/ssl/rds.pem",
                    "--ssl-mode=VERIFY_IDENTITY",
                ],
                env: { MYSQL_PWD: `${ENDPOINT}:3306/?Action=connect&DBUser=app_user` },
            },
        ]);
    });

    it("connect through a tunnel signs for --signing-host:--signing-port and connects to --host:--port", async () => {
        const bin = h.fakeBinDir("mysql", 'echo "mysql  Ver 15.1 Distrib 10.11.19-MariaDB"');
        const result = await h.runInProcess(
            [
                "connect",
                "--engine",
                "mariadb",
                "--host",
                "127.0.0.1",
                "--port",
                "13306",
                "--signing-host",
                ENDPOINT,
                "--signing-port",
                "3306",
                "--user",
                "app_user",
                "--ca-file",
                "/etc/ssl/rds.pem",
            ],
            h.isolatedEnv({ PATH: bin }),
        );
        assert.equal(result.code, 0);
        assert.deepEqual(result.spawned, [
            {
                program: "mysql",
                args: ["--host=127.0.0.1", "--port=13306", "--user=app_user", "--ssl-ca=/etc/ssl/rds.pem"],
                env: { MYSQL_PWD: `${ENDPOINT}:3306/?Action=connect&DBUser=app_user` },
            },
        ]);
    });

    it("connect runs the mariadb binary when mysql is absent, without --enable-cleartext-plugin", async () => {
        const bin = h.fakeBinDir("mariadb", "exit 0");
        const result = await h.runInProcess(
            [
                "connect",
                "--engine",
                "mariadb",
                "--host",
                ENDPOINT,
                "--user",
                "app_user",
                "--ca-file",
                "/etc/ssl/rds.pem",
            ],
            h.isolatedEnv({ PATH: bin }),
        );
        assert.equal(result.stderr, "");
        assert.equal(result.code, 0);
        assert.deepEqual(result.spawned, [
            {
                program: "mariadb",
                args: [
                    `--host=${ENDPOINT}`,
                    "--port=3306",
                    "--user=app_user",
                    "--ssl-ca=/etc/ssl/rds.pem",
                    "--ssl-verify-server-cert",
                ],
                env: { MYSQL_PWD: `${ENDPOINT}:3306/?Action=connect&DBUser=app_user` },
            },
        ]);
    });

    it("connect names both MySQL-protocol clients when neither is installed", async () => {
        const result = await h.runInProcess(
            ["connect", "--engine", "mysql", "--host", ENDPOINT, "--user", "app_user", "--ca-file", "/x.pem"],
            h.isolatedEnv({ PATH: path.join(h.scratch, "empty-bin") }),
        );
        assert.deepEqual(
            [result.code, result.stderr, result.spawned],
            [
                1,
                "rds-iam: neither mysql nor mariadb found: install one with `sudo apt-get install -y mariadb-client` (Debian/Ubuntu) or `sudo dnf install -y mariadb105` (Amazon Linux 2023; `sudo yum install -y mariadb` on Amazon Linux 2)\n",
                [],
            ],
        );
    });

    it("env prints the PostgreSQL export lines", async () => {
        const result = await h.runInProcess(
            [
                "env",
                "--engine",
                "aurora-postgresql",
                "--host",
                ENDPOINT,
                "--user",
                "app_user",
                "--database",
                "appdb",
                "--ca-file",
                "/etc/ssl/rds.pem",
            ],
            h.isolatedEnv(),
        );
        assert.equal(result.code, 0);
        assert.equal(
            result.stdout,
            [
                `export PGHOST=${ENDPOINT}`,
                "export PGPORT=5432",
                "export PGUSER=app_user",
                "export PGDATABASE=appdb",
                `export PGPASSWORD='${ENDPOINT}:5432/?Action=connect&DBUser=app_user'`,
                "export PGSSLMODE=verify-full",
                "export PGSSLROOTCERT=/etc/ssl/rds.pem",
                "",
            ].join("\n"),
        );
    });

    it("asks for --engine on connect, a valid --port, and a region when nothing names one", async () => {
        const env = h.isolatedEnv();
        const noEngine = await h.runInProcess(["connect", "--host", ENDPOINT, "--user", "u"], env);
        assert.deepEqual(
            [noEngine.code, noEngine.stderr],
            [
                2,
                `rds-iam: --engine is required for connect: one of mysql, mariadb, postgres, aurora-mysql, aurora-postgresql\n${USAGE_HINT}`,
            ],
        );
        const badPort = await h.runInProcess(
            ["token", "--host", ENDPOINT, "--user", "u", "--port", "5432x"],
            env,
        );
        assert.deepEqual(
            [badPort.code, badPort.stderr],
            [2, `rds-iam: --port must be an integer between 1 and 65535; got "5432x"\n${USAGE_HINT}`],
        );
        const noRegion = await h.runInProcess(
            ["token", "--host", "db.internal", "--user", "u", "--port", "5432"],
            env,
        );
        assert.deepEqual(
            [noRegion.code, noRegion.stderr],
            [
                2,
                `rds-iam: --region is required: "db.internal" is not an RDS endpoint name the region can be read from and AWS_REGION is not set; pass --region, e.g. us-east-1\n${USAGE_HINT}`,
            ],
        );
        const unknownCommand = await h.runInProcess(["login"], env);
        assert.deepEqual(
            [unknownCommand.code, unknownCommand.stderr],
            [
                2,
                `rds-iam: unknown command "login": use token, connect, env, help or --version\n${USAGE_HINT}`,
            ],
        );
    });

    it("takes the region from AWS_REGION when the host does not name one", async () => {
        const result = await h.runInProcess(
            ["token", "--host", "db.internal", "--user", "u", "--port", "5432"],
            h.isolatedEnv({ AWS_REGION: "eu-central-1" }),
        );
        assert.equal(result.code, 0);
        assert.equal(result.stdout, "db.internal:5432/?Action=connect&DBUser=u\n");
    });
});
