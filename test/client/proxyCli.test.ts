import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { amazonRootCaBundle } from "../../components/client/amazonRootCa";
import { runCli } from "../../components/client/cli";
import { TokenCache } from "../../components/client/tokenCache";
import { rdsCaBundle } from "../../components/rdsCa";
import { CliHarness, FAKE_KEYS } from "./cliHarness";
import { startFakePostgres } from "./fakePostgres";
import { certificateSignedBy, testCa } from "./selfSigned";

// The rds-iam CLI for an RDS Proxy endpoint: the file it hands psql / mysql holds Amazon Root CA 1-4
// (not the RDS CA bundle), and the real psql verifies the proxy's wildcard certificate.
const PROXY = "myproxy.proxy-abc.us-east-1.rds.amazonaws.com";
const READER = "reader.endpoint.proxy-abc.il-central-1.rds.amazonaws.com";

describe("rds-iam CLI through an RDS Proxy endpoint", function () {
    this.timeout(30_000);
    const h = new CliHarness();
    /** The private CA file rds-iam writes for `pem` under the harness's TMPDIR. */
    const caFileFor = (pem: string) =>
        path.join(
            h.scratch,
            `rds-iam-${process.getuid!()}`,
            `ca-${crypto.createHash("sha256").update(pem).digest("hex").slice(0, 16)}.pem`,
        );

    it("connect --dry-run points psql at a private file holding exactly Amazon Root CA 1-4", () => {
        const psqlDir = h.fakeBinDir("psql", "exit 0");
        const result = h.runLauncher(
            ["connect", "--dry-run", "--engine", "aurora-postgresql", "--host", PROXY, "--user", "app_user"],
            h.isolatedEnv({ PATH: psqlDir }),
        );
        const caFile = caFileFor(amazonRootCaBundle());
        assert.deepEqual(
            [result.status, result.stderr, result.stdout],
            [
                0,
                "",
                `PGPASSWORD="$(rds-iam token --host ${PROXY} --port 5432 --user app_user --region us-east-1)" psql 'host=${PROXY} port=5432 user=app_user sslmode=verify-full sslrootcert=${caFile}'\n`,
            ],
        );
        assert.equal(fs.readFileSync(caFile, "utf8"), amazonRootCaBundle());
    });

    it("env for a MySQL client and a proxy's reader endpoint: --ssl-ca is the Amazon roots file, VERIFY_IDENTITY, no CA asked in il-central-1", () => {
        const mysqlDir = h.fakeBinDir(
            "mysql",
            'echo "mysql  Ver 8.0.40 for Linux on x86_64 (MySQL Community Server - GPL)"',
        );
        const result = h.runLauncher(
            ["env", "--engine", "aurora-mysql", "--host", READER, "--user", "app_user"],
            h.isolatedEnv({ ...FAKE_KEYS, PATH: mysqlDir }),
        );
        assert.deepEqual([result.status, result.stderr], [0, ""]);
        const lines = result.stdout.trimEnd().split("\n");
        assert.deepEqual(
            lines.filter((line) => !line.startsWith("export MYSQL_PWD=")),
            [
                `export MYSQL_HOST=${READER}`,
                "export MYSQL_TCP_PORT=3306",
                `export RDS_IAM_MYSQL_FLAGS='--user=app_user --enable-cleartext-plugin --ssl-ca=${caFileFor(amazonRootCaBundle())} --ssl-mode=VERIFY_IDENTITY'`,
            ],
        );
        const token = lines.find((line) => line.startsWith("export MYSQL_PWD="));
        assert.equal(
            token?.startsWith(`export MYSQL_PWD='${READER}:3306/?Action=connect&DBUser=app_user&`),
            true,
        );
    });

    it("connect --dry-run for a database endpoint still uses the RDS CA bundle file", () => {
        const psqlDir = h.fakeBinDir("psql", "exit 0");
        const host = "mydb.c0ffee0example.us-east-1.rds.amazonaws.com";
        const result = h.runLauncher(
            ["connect", "--dry-run", "--engine", "postgres", "--host", host, "--user", "app_user"],
            h.isolatedEnv({ PATH: psqlDir }),
        );
        assert.equal(
            result.stdout,
            `PGPASSWORD="$(rds-iam token --host ${host} --port 5432 --user app_user --region us-east-1)" psql 'host=${host} port=5432 user=app_user sslmode=verify-full sslrootcert=${caFileFor(rdsCaBundle())}'\n`,
        );
    });

    it("connect runs the real psql with verify-full, which accepts the proxy's *.proxy-abc… certificate and refuses another's", async function () {
        if (childProcess.spawnSync("psql", ["--version"]).status !== 0) this.skip();
        const ca = testCa(h.scratch, "test-amazon-trust-services");
        const caFile = ca.certFile;
        const good = certificateSignedBy(h.scratch, ca, "proxy", ["*.proxy-abc.us-east-1.rds.amazonaws.com"]);
        const bad = certificateSignedBy(h.scratch, ca, "other", ["*.proxy-xyz.us-east-1.rds.amazonaws.com"]);
        /** Runs `rds-iam connect` through a 127.0.0.1 tunnel to a stand-in presenting `certificate`. */
        const connect = async (certificate: { key: string; cert: string }) => {
            const fake = await startFakePostgres(certificate.key, certificate.cert);
            let psqlStderr = "";
            try {
                // prettier-ignore
                const args = ["connect", "--engine", "postgres", "--host", "127.0.0.1", "--port", String(fake.port),
                    "--signing-host", PROXY, "--signing-port", "5432", "--user", "App_User", "--ca-file", caFile];
                const code = await runCli(args, {
                    env: process.env,
                    stdout: () => undefined,
                    stderr: () => undefined,
                    tokenCache: new TokenCache({
                        signer: async (r) => `${r.host}:${r.port}/?Action=connect&DBUser=${r.username}`,
                    }),
                    run: (command) =>
                        new Promise((resolve) => {
                            const child = childProcess.spawn(command.program, [...command.args], {
                                env: { ...process.env, ...command.env },
                            });
                            child.stderr.on(
                                "data",
                                (chunk: Buffer) => (psqlStderr += chunk.toString("utf8")),
                            );
                            child.on("exit", (status) => resolve(status ?? 1));
                        }),
                });
                const password = await Promise.race([
                    fake.captured.then((c) => c.password),
                    new Promise((resolve) => setTimeout(() => resolve("<none sent>"), 500)),
                ]);
                return { code, password, psqlStderr, port: fake.port };
            } finally {
                fake.close();
            }
        };
        const accepted = await connect(good);
        assert.deepEqual(
            [accepted.code, accepted.password],
            [2, `${PROXY}:5432/?Action=connect&DBUser=App_User`],
        );
        const { port, ...refused } = await connect(bad);
        assert.deepEqual(refused, {
            code: 2,
            password: "<none sent>",
            psqlStderr: `psql: error: connection to server at "127.0.0.1", port ${port} failed: server certificate for "*.proxy-xyz.us-east-1.rds.amazonaws.com" does not match host name "${PROXY}"\n`,
        });
    });
});
