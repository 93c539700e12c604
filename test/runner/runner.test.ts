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
import { runnerUserInputs, userInputs } from "../../local/servers/userInputs";

/**
 * The SQL runner for real: the databases live in a network namespace (a private "VPC") that this
 * process cannot route to; the runner bundle, built as `npm run build` builds it, runs inside that
 * namespace for each invocation of a loopback Lambda endpoint driven by the real @aws-sdk/client-lambda.
 */
const FUNCTION = "db-sql-runner";
const ROLE = "arn:aws:iam::123456789012:role/db-sql-runner-role";
const ENV: Record<string, string> = {
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
};

const unavailable = isolationUnavailable();

describe("the SQL runner inside an isolated network", function () {
    this.timeout(120_000);
    let netns: NetworkNamespace;
    let lambda: FakeLambda;
    let bundle: string;
    let codeSha256: string;
    const servers: Record<string, ThrowawayServer> = {};
    const saved: Record<string, string | undefined> = {};

    before(async function () {
        if (unavailable !== undefined) {
            console.log(`      skipped: ${unavailable}`);
            this.skip();
        }
        netns = createNetworkNamespace("vpc");
        [servers.postgres16, servers.mariadb] = await Promise.all([
            getServer("postgres16", { netns }),
            getServer("mariadb", { netns }),
        ]);
        bundle = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-runner-")), "index.js");
        buildRunnerBundle(bundle);
        codeSha256 = runnerPackage(bundle).codeSha256;
        lambda = await startFakeLambda();
        lambda.functions.set(FUNCTION, { bundle, netns, timeoutMs: 20_000, role: ROLE });
        for (const [k, v] of Object.entries({ ...ENV, AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint })) {
            saved[k] = process.env[k];
            process.env[k] = v;
        }
    });
    after(async () => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await lambda?.close();
    });

    const viaRunner = (server: ThrowawayServer, username: string, extra: Record<string, unknown> = {}) =>
        runnerUserInputs(
            server,
            username,
            { functionName: FUNCTION, codeSha256, roleArn: ROLE, region: "us-east-1" },
            extra,
        );

    async function check(inputs: Record<string, unknown>) {
        const checked = await provider.check!({}, inputs);
        assert.equal(checked.failures, undefined);
        return checked.inputs;
    }

    for (const name of ["postgres16", "mariadb"]) {
        it(`fails fast from this machine (${name}): the database is in a network it cannot reach`, async () => {
            const server = servers[name];
            const began = Date.now();
            await assert.rejects(
                provider.create(await check(userInputs(server, "direct_user"))),
                (e: Error) => {
                    assert.match(
                        e.message,
                        /ECONNREFUSED 127\.0\.0\.1:\d+ \(nothing answers there from this machine: the database may be in a private network it cannot reach — use sqlRunner "lambda"/,
                    );
                    return true;
                },
            );
            assert.ok(Date.now() - began < 5_000);
        });

        it(`creates, reads, updates and deletes a user through the runner (${name})`, async () => {
            const server = servers[name];
            const inputs = await check(viaRunner(server, "vpc_user", { privileges: ["SELECT"] }));
            const created = await provider.create(inputs);
            assert.deepEqual(
                [created.outs.iamAuthentication, created.outs.privileges, created.outs.unmanagedPrivileges],
                [true, ["SELECT"], []],
            );
            const read = await provider.read!(created.id, created.outs);
            assert.deepEqual(read.props!.privileges, ["SELECT"]);
            const news = await check({ ...inputs, privileges: ["SELECT", "INSERT"] });
            const updated = await provider.update!(created.id, created.outs, news);
            assert.deepEqual(updated.outs!.privileges, ["INSERT", "SELECT"]);
            const facts =
                server.engine === "postgres"
                    ? await server.inspect("SELECT pg_has_role('vpc_user', 'rds_iam', 'MEMBER') AS iam")
                    : await server.inspect("SELECT plugin FROM mysql.user WHERE User = 'vpc_user'");
            assert.deepEqual(
                facts,
                server.engine === "postgres" ? [{ iam: true }] : [{ plugin: "AWSAuthenticationPlugin" }],
            );
            await provider.delete!(created.id, updated.outs!);
            const left =
                server.engine === "postgres"
                    ? await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = 'vpc_user'")
                    : await server.inspect("SELECT User FROM mysql.user WHERE User = 'vpc_user'");
            assert.deepEqual(left, []);
        });

        it(`sees drift and repairs it through the runner (${name})`, async () => {
            const server = servers[name];
            const created = await provider.create(
                await check(viaRunner(server, "drift_user", { privileges: ["SELECT"] })),
            );
            await server.inspect(
                server.engine === "postgres"
                    ? "ALTER ROLE drift_user CREATEDB"
                    : "GRANT PROCESS ON *.* TO 'drift_user'@'%'",
            );
            const read = await provider.read!(created.id, created.outs);
            assert.deepEqual(read.props!.unmanagedPrivileges, [
                server.engine === "postgres" ? "role attribute CREATEDB" : "PROCESS on *.*",
            ]);
            const updated = await provider.update!(created.id, read.props!, created.outs);
            assert.deepEqual(updated.outs!.unmanagedPrivileges, []);
            await provider.delete!(created.id, created.outs);
        });
    }

    for (const name of ["postgres16", "mariadb"]) {
        it(`invokes once per operation and keeps one database session across warm invocations, which a request with another password does not get (${name})`, async () => {
            const server = servers[name];
            const invoked = lambda.invocations.length;
            const mark = await server.logMark();
            for (let i = 0; i < 3; i++) {
                const inputs = await check(viaRunner(server, `warm_user_${i}`, { privileges: ["SELECT"] }));
                const created = await provider.create(inputs);
                await provider.read!(created.id, created.outs);
                await provider.delete!(created.id, created.outs);
            }
            const runs = lambda.invocations.slice(invoked);
            assert.deepEqual(
                runs.map((r) => r.operation),
                ["create", "read", "delete", "create", "read", "delete", "create", "read", "delete"],
            );
            // Sequential operations: one environment, warm after the first; one login to the database at most
            // (none when an earlier test's warm environment still held its session).
            assert.equal(new Set(runs.map((r) => r.environment)).size, 1);
            assert.deepEqual(
                runs.slice(1).map((r) => r.cold),
                Array(8).fill(false),
            );
            const logins = await server.loginsSince(mark);
            assert.ok(logins.length <= 1, `logins: ${logins.join(", ")}`);
            assert.ok(logins.every((u) => u === server.master.username));

            // The kept session is the master's: a request that cannot log in as the master gets a login of
            // its own, which fails, however warm the environment is (the pool is keyed by the credentials).
            const wrongMark = await server.logMark();
            await assert.rejects(
                provider.create(
                    await check(
                        viaRunner(server, "warm_intruder", {
                            master: {
                                username: server.master.username,
                                password: "Not-The-Master-Password-1",
                            },
                        }),
                    ),
                ),
                /authentication failed|Access denied/,
            );
            assert.equal(lambda.invocations[lambda.invocations.length - 1].cold, false);
            assert.deepEqual(await server.statementsSince(wrongMark), []);
        });
    }

    it("refuses hostile inputs sent straight to the function, and nothing reaches the database", async () => {
        const server = servers.mariadb;
        const mark = await server.logMark();
        const { LambdaClient, InvokeCommand } =
            require("@aws-sdk/client-lambda") as typeof import("@aws-sdk/client-lambda");
        const client = new LambdaClient({ region: "us-east-1" });
        const { master: _master, ...inputs } = userInputs(server, "x'@'%' -- ");
        const answer = await client.send(
            new InvokeCommand({
                FunctionName: FUNCTION,
                Payload: Buffer.from(
                    JSON.stringify({
                        operation: "create",
                        inputs: { ...inputs, master: { username: "master_admin" } },
                        password: server.master.password,
                    }),
                ),
            }),
        );
        client.destroy();
        const response = JSON.parse(Buffer.from(answer.Payload!).toString("utf8"));
        assert.deepEqual(response, {
            ok: false,
            message:
                "the SQL runner refused the request: username: username \"x'@'%' -- \" contains \"'\" (U+0027); use only ASCII letters, digits and underscores, starting with a letter or underscore",
        });
        assert.deepEqual(await server.statementsSince(mark), []);
    });

    it("never writes the master password to the function's log, its outputs or the error it returns", async () => {
        const server = servers.postgres16;
        const created = await provider.create(await check(viaRunner(server, "quiet_user")));
        // `master` (which holds a password given directly) is stored only as a Pulumi secret (additionalSecretOutputs).
        const { master: _secret, ...outs } = created.outs;
        assert.equal(JSON.stringify(outs).includes(server.master.password), false);
        const wrong = "Wr0ng-Runner-Password";
        const error = await provider
            .create(
                await check(
                    viaRunner(server, "quiet_user2", {
                        master: { username: "master_admin", password: wrong },
                    }),
                ),
            )
            .then(
                () => assert.fail("a wrong password must fail"),
                (e: Error) => e,
            );
        assert.equal(
            error.message,
            `PostgreSQL ${server.endpoint}:${server.port} via 127.0.0.1:${server.port} as master_admin: password authentication failed for user "master_admin" (through the SQL runner ${FUNCTION})`,
        );
        for (const invocation of lambda.invocations) {
            assert.equal(
                invocation.log.includes(server.master.password) || invocation.log.includes(wrong),
                false,
            );
        }
        await provider.delete!(created.id, created.outs);
    });

    it("fails within the function's time limit, naming the missing network path, when the runner cannot reach the database", async () => {
        const server = servers.postgres16;
        // The same function deployed where the database is not: outside the VPC namespace.
        lambda.functions.set("misplaced-runner", { bundle, timeoutMs: 20_000, role: ROLE });
        const error = await provider
            .create(await check(viaRunner(server, "lost_user", { runnerFunction: "misplaced-runner" })))
            .then(
                () => assert.fail("must fail"),
                (e: Error) => e,
            );
        assert.match(error.message, /ECONNREFUSED .*\(through the SQL runner misplaced-runner\)$/);
    });

    it("reports a runner that runs out of time as Lambda does, and that a limit below the connect limit may not even reach the database", async () => {
        const server = servers.postgres16;
        lambda.functions.set("slow-runner", { bundle, netns, timeoutMs: 1, role: ROLE });
        const error = await provider
            .create(await check(viaRunner(server, "slow_user", { runnerFunction: "slow-runner" })))
            .then(
                () => assert.fail("must fail"),
                (e: Error) => e,
            );
        assert.equal(
            error.message,
            "the SQL runner slow-runner version 1 failed: Task timed out after 0.00 seconds. The function's time limit (0 s) is not longer than the runner's connect limit (15 s), so it may not even have reached the database: raise the SqlRunner's timeoutSeconds (Database runnerTimeoutSeconds) above the session limits (connect 15 s, lock 15 s, statement 60 s)",
        );
    });
});
