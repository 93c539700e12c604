import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseUser } from "../../components/databaseUser";
import { databaseUserProvider } from "../../components/provider/provider";
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

    it("requires its drivers lazily, inside the methods", async () => {
        const text = await serializeProvider(databaseUserProvider);
        assert.equal(
            /^\s*(const|var|let) \w+ = require\("(mysql2|pg|@aws-sdk\/client-secrets-manager)/m.test(text),
            false,
        );
        assert.ok(text.includes('require("mysql2/promise")'));
    });
});

describe("DatabaseUser through the real dynamic-provider host over gRPC", function () {
    this.timeout(90_000);
    let servers: TestServers;
    let host: HostedProvider;

    before(async () => {
        servers = await getTestServers();
        host = await startDynamicProviderHost(await serializeProvider(databaseUserProvider));
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
