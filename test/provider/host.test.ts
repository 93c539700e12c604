import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseUser } from "../../components/databaseUser";
import * as path from "node:path";
import { providerReference } from "../../components/provider/reference";
import {
    HostedProvider,
    serializeProvider,
    startDynamicProviderHost,
} from "../../local/pulumi/dynamicProviderHost";
import { installMocks, settle } from "../../local/pulumi/mocks";
import { PROVIDER_MATRIX, TestServers, getTestServers } from "../../local/servers";
import { serverOrSkip } from "../support/matrix";
import { userInputs } from "../../local/servers/userInputs";

const PASSWORD = "Sup3r-Secret-Master-Pw!";

describe("the serialized DatabaseUser provider", function () {
    this.timeout(60_000);

    async function serializedBy(master: Record<string, unknown>): Promise<string> {
        const session = installMocks();
        new DatabaseUser("u", {
            engine: "postgres",
            host: "db.example.com",
            port: 5432,
            username: "app",
            master: master as never,
        });
        await settle();
        const recorded = session.resources.find(
            (r) => r.type === "pulumi-nodejs:dynamic/rds-iam:DatabaseUser",
        );
        return recorded!.inputs.__provider as string;
    }

    it("contains no password when the master password is a secret input", async () => {
        const text = await serializedBy({ username: "dbmaster", password: pulumi.secret(PASSWORD) });
        assert.ok(text.length > 1000, "the provider text was captured");
        assert.equal(text.includes(PASSWORD), false);
    });

    it("contains no password on the secretArn path either, and is the same text", async () => {
        const viaArn = await serializedBy({
            username: "dbmaster",
            secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-x",
        });
        const viaPassword = await serializedBy({ username: "dbmaster", password: pulumi.secret(PASSWORD) });
        assert.equal(viaArn.includes(PASSWORD), false);
        assert.equal(viaArn, viaPassword);
    });

    it("is a reference to the provider, a few KB, not its code (the state holds it twice per user)", async () => {
        const text = await serializedBy({ username: "dbmaster", password: pulumi.secret(PASSWORD) });
        assert.ok(text.length < 8_000, `the stored provider is ${text.length} bytes`);
        assert.ok(text.includes('module: "./components/provider/provider.ts"'), text.slice(0, 400));
        assert.equal(text.includes("CREATE USER"), false);
    });
});

const ROOT = path.resolve(__dirname, "..", "..");
/** The provider as a DatabaseUser run from this project's sources stores it. */
const STORED = () =>
    serializeProvider(providerReference(path.join(ROOT, "components", "provider", "provider.ts"), ROOT));

describe("DatabaseUser through the real dynamic-provider host over gRPC", function () {
    this.timeout(90_000);
    let servers: TestServers;
    let host: HostedProvider;

    before(async () => {
        servers = await getTestServers();
        // The real host, in the project directory as the engine starts it, loading the provider the
        // stored reference names (through tsx: these are TypeScript sources).
        host = await startDynamicProviderHost(await STORED());
    });
    after(async () => {
        await host?.stop();
        await servers.postgres.query("DROP ROLE IF EXISTS grpc_user").catch(() => undefined);
    });

    for (const name of PROVIDER_MATRIX) {
        it(`checks, creates, reads and deletes a user on ${name} the way the engine does`, async function () {
            const server = await serverOrSkip(this, name);
            const engine = server.engine;
            const checked = await host.check({}, userInputs(server, "grpc_user", { privileges: ["select"] }));
            assert.deepEqual(checked.failures, []);
            assert.deepEqual(checked.inputs.privileges, ["SELECT"]);
            const created = await host.create(checked.inputs);
            assert.equal(created.id, `${engine}://${server.endpoint}:${server.port}/grpc_user`);
            assert.deepEqual(
                [created.properties.username, created.properties.iamAuthentication],
                ["grpc_user", true],
            );
            const read = await host.read(created.id, created.properties);
            assert.deepEqual([read.id, read.properties.privileges], [created.id, ["SELECT"]]);
            const diff = await host.diff(created.id, created.properties, {
                ...checked.inputs,
                username: "grpc_user2",
            });
            assert.deepEqual(diff, { changes: true, replaces: ["username"], deleteBeforeReplace: true });
            await host.delete(created.id, created.properties);
            const gone = await host.read(created.id, created.properties);
            assert.equal(gone.id, "");
        });
    }

    it("returns check failures over gRPC, naming the property", async () => {
        const checked = await host.check({}, userInputs(servers.mariadb, "bad'name"));
        assert.deepEqual(checked.failures, [
            {
                property: "username",
                reason: 'username "bad\'name" contains "\'" (U+0027); use only ASCII letters, digits and underscores, starting with a letter or underscore',
            },
        ]);
    });

    it("reports a failed create as an error that does not contain the master password", async () => {
        const inputs = userInputs(servers.postgres, "grpc_user", {
            master: { username: "master_admin", password: PASSWORD },
        });
        const error = await host.create(inputs).then(
            () => undefined,
            (e: Error) => e,
        );
        assert.ok(error, "create must fail with a wrong password");
        assert.match(error!.message, /password authentication failed for user "master_admin"/);
        assert.equal(error!.message.includes(PASSWORD), false);
    });
});

describe("a stored provider reference whose module is gone", function () {
    this.timeout(60_000);

    it("fails each operation naming where the state points, the project directory and the fix", async () => {
        const host = await startDynamicProviderHost(
            await serializeProvider(
                providerReference(path.join(ROOT, "components", "provider", "moved.ts"), ROOT),
            ),
        );
        try {
            await assert.rejects(
                host.check({}, { engine: "postgres" }),
                (e: Error) =>
                    e.message.includes(
                        `rds-iam's DatabaseUser provider was not found: the state points at ./components/provider/moved.ts from the project directory (${ROOT})`,
                    ) && e.message.includes("dev dependencies included: tsx loads the TypeScript sources"),
            );
        } finally {
            await host.stop();
        }
    });
});
