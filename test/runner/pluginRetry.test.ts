import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { buildRunnerBundle } from "../../components/runner/bundle";
import { runnerPackage } from "../../components/runner/package";
import { FakeLambda, startFakeLambda } from "../../local/aws/lambda";
import { NetworkNamespace, createNetworkNamespace, isolationUnavailable } from "../../local/network/netns";
import { ThrowawayServer, getServer } from "../../local/servers";
import { runnerUserInputs } from "../../local/servers/userInputs";

/**
 * MySQL error 1524 (AWSAuthenticationPlugin not loaded: RDS has not applied IAM auth yet) through
 * the SQL runner: MariaDB in a private network with the plugin uninstalled, the runner behind the
 * loopback Lambda with a time limit of 3 s. The deployer retries with one invocation per attempt, so
 * the wait is not bounded by the function's limit, and a run out of time says what it was.
 */
const FUNCTION = "plugin-runner";
const ROLE = "arn:aws:iam::123456789012:role/plugin-runner-role";
const ENV: Record<string, string> = {
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
};
const unavailable = isolationUnavailable();

describe("waiting through the SQL runner for IAM authentication to be applied (MySQL error 1524)", function () {
    this.timeout(90_000);
    let netns: NetworkNamespace;
    let server: ThrowawayServer;
    let lambda: FakeLambda;
    let dir: string;
    let codeSha256: string;
    const saved: Record<string, string | undefined> = {};
    const setEnv = (vars: Record<string, string | undefined>) => {
        for (const [k, v] of Object.entries(vars)) {
            if (!(k in saved)) saved[k] = process.env[k];
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
    };

    before(async function () {
        if (unavailable !== undefined) {
            console.log(`      skipped: ${unavailable}`);
            this.skip();
        }
        netns = createNetworkNamespace("plugin");
        server = await getServer("mariadb", { netns });
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-plugin-runner-"));
        const bundle = path.join(dir, "index.js");
        buildRunnerBundle(bundle);
        codeSha256 = runnerPackage(bundle).codeSha256;
        lambda = await startFakeLambda();
        lambda.functions.set(FUNCTION, { bundle, netns, role: ROLE, timeoutMs: 3_000 });
        setEnv({ ...ENV, AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint });
    });
    beforeEach(() => server.inspect("UNINSTALL SONAME 'aws_auth'"));
    afterEach(async () => {
        setEnv({
            RDS_IAM_PLUGIN_RETRY_ATTEMPTS: undefined,
            RDS_IAM_PLUGIN_RETRY_DELAY_MS: undefined,
            RDS_IAM_LOCK_TIMEOUT_MS: undefined,
            RDS_IAM_CONNECT_TIMEOUT_MS: undefined,
        });
        const loaded = await server.inspect(
            "SELECT 1 FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'AWSAuthenticationPlugin'",
        );
        if (loaded.length === 0) await server.inspect("INSTALL SONAME 'aws_auth'");
    });
    after(async () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await lambda?.close();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    async function checked(username: string) {
        const result = await provider.check!(
            {},
            runnerUserInputs(server, username, {
                functionName: FUNCTION,
                codeSha256,
                roleArn: ROLE,
                region: "us-east-1",
            }),
        );
        assert.equal(result.failures, undefined);
        return result.inputs;
    }
    const accounts = (username: string) =>
        server.inspect("SELECT User AS user FROM mysql.user WHERE User = ?", [username]);
    const until = async (done: () => boolean) => {
        while (!done()) await new Promise((r) => setTimeout(r, 20));
    };
    const serverSaid = () =>
        `MySQL ${server.endpoint}:${server.port} via 127.0.0.1:${server.port} as master_admin: Plugin 'AWSAuthenticationPlugin' is not loaded`;

    it("retries with one short invocation per attempt, then fails naming error 1524 and the fix, not the network", async () => {
        setEnv({ RDS_IAM_PLUGIN_RETRY_ATTEMPTS: "3", RDS_IAM_PLUGIN_RETRY_DELAY_MS: "1000" });
        const seen = lambda.invocations.length;
        await assert.rejects(provider.create(await checked("plug_a")), {
            message:
                `MySQL error 1524 on ${server.endpoint}:${server.port}: AWSAuthenticationPlugin is not loaded — IAM database ` +
                "authentication is not applied on the instance yet (the modification is pending). The SQL runner " +
                `${FUNCTION} reached the database; 3 invocations over about 3 s all got 1524 and changed nothing. Apply the ` +
                "modification (apply immediately, or reboot in the maintenance window) and run pulumi up again. " +
                `(Last answer: ${serverSaid()})`,
        });
        // Before, the runner slept inside one invocation (2, 4, 8… s here 1, 2, 4… s) until Lambda killed it.
        assert.deepEqual(
            lambda.invocations.slice(seen).map((i) => [i.version, i.operation]),
            [
                ["1", "create"],
                ["1", "create"],
                ["1", "create"],
            ],
        );
        assert.deepEqual(await accounts("plug_a"), []);
    });

    it("keeps waiting past the function's time limit, and creates the user once IAM auth is applied", async () => {
        setEnv({ RDS_IAM_PLUGIN_RETRY_ATTEMPTS: "6", RDS_IAM_PLUGIN_RETRY_DELAY_MS: "500" });
        const began = Date.now();
        const applied = new Promise<void>((resolve) =>
            setTimeout(() => void server.inspect("INSTALL SONAME 'aws_auth'").then(() => resolve()), 4_000),
        );
        const created = await provider.create(await checked("plug_b"));
        await applied;
        assert.ok(Date.now() - began > 4_000, "it waited longer than the function's 3 s limit");
        assert.deepEqual(
            [created.outs.iamAuthentication, await accounts("plug_b")],
            [true, [{ user: "plug_b" }]],
        );
        await provider.delete!(created.id, created.outs);
    });

    it("says the runner reached the database (error 1524) when a later attempt runs out of time", async () => {
        setEnv({
            RDS_IAM_PLUGIN_RETRY_ATTEMPTS: "4",
            RDS_IAM_PLUGIN_RETRY_DELAY_MS: "1000",
            RDS_IAM_LOCK_TIMEOUT_MS: "10000",
        });
        const seen = lambda.invocations.length;
        const creating = provider.create(await checked("plug_c"));
        // After the first answer (1524), another session holds the user's lock: the next attempt waits on it past 3 s.
        await until(() => lambda.invocations.length > seen);
        const holding = server.inspect(
            "SELECT GET_LOCK('rds-iam:user:plug_c', 0) AS locked, SLEEP(5) AS slept",
        );
        await assert.rejects(creating, {
            message:
                `the SQL runner ${FUNCTION} version 1 failed: Task timed out after 3.00 seconds. The runner reaches the ` +
                "database: the 1 attempt(s) before this one got MySQL error 1524 (AWSAuthenticationPlugin not loaded: IAM " +
                "database authentication is not applied on the instance yet). Apply the pending modification (apply " +
                "immediately, or reboot in the maintenance window) and run pulumi up again",
        });
        assert.deepEqual(await holding, [{ locked: 1, slept: 0 }]);
    });

    it("says the operation outlasted the function, not the network, when it had longer than the connect limit", async () => {
        await server.inspect("INSTALL SONAME 'aws_auth'");
        setEnv({ RDS_IAM_LOCK_TIMEOUT_MS: "10000", RDS_IAM_CONNECT_TIMEOUT_MS: "2000" });
        const holding = server.inspect(
            "SELECT GET_LOCK('rds-iam:user:plug_d', 0) AS locked, SLEEP(5) AS slept",
        );
        await new Promise((r) => setTimeout(r, 200));
        await assert.rejects(provider.create(await checked("plug_d")), {
            message:
                `the SQL runner ${FUNCTION} version 1 failed: Task timed out after 3.00 seconds. It had longer than the ` +
                "runner's connect limit (2 s), which ends an attempt to reach an unreachable database with a connection " +
                "error: the operation itself outlasted the function (locks held by other sessions, slow statements). See " +
                "the function's log group; raise the SqlRunner's timeoutSeconds if it needs longer",
        });
        await holding;
        assert.deepEqual(await accounts("plug_d"), []);
    });
});
