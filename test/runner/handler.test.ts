import * as assert from "node:assert/strict";
import * as net from "node:net";
import type { AddressInfo } from "node:net";
import { UNKNOWN } from "../../components/provider/inputs";
import { handler } from "../../components/runner/handler";

/**
 * The runner refuses Pulumi's preview "unknown" anywhere in a request, before it connects: the
 * database address is a listener that counts the connections it gets (and drops them).
 */
describe("the SQL runner handler and values Pulumi has not computed yet", () => {
    let listener: net.Server;
    let port: number;
    let connections = 0;
    before(async () => {
        listener = net.createServer((socket) => {
            connections++;
            socket.destroy();
        });
        await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
        port = (listener.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((r) => listener.close(() => r())));

    const request = (inputs: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
        operation: "create",
        inputs: {
            engine: "mariadb",
            host: "orders.c0ffee0example.us-east-1.rds.amazonaws.com",
            port,
            connectHost: "127.0.0.1",
            username: "app",
            database: "orders",
            privileges: ["SELECT"],
            master: { username: "master_admin" },
            ...inputs,
        },
        password: "Master-Password-1",
        ...top,
    });
    const refusal = (at: string) => ({
        ok: false,
        message: `the SQL runner refused the request: ${at} is a value Pulumi has not computed yet (preview's unknown); operations run only with known inputs`,
    });

    it("connects for a request whose values are all known (the listener sees it)", async () => {
        const before = connections;
        const answer = await handler(request());
        assert.equal(answer.ok, false);
        assert.equal(connections, before + 1);
    });

    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
        ["inputs.engine", { engine: UNKNOWN }, {}],
        ["inputs.username", { username: UNKNOWN }, {}],
        ["inputs.database", { database: UNKNOWN }, {}],
        ["inputs.privileges", { privileges: UNKNOWN }, {}],
        ["inputs.privileges[1]", { privileges: ["SELECT", UNKNOWN] }, {}],
        ["inputs.host", { host: UNKNOWN }, {}],
        ["inputs.master.username", { master: { username: UNKNOWN } }, {}],
        [
            "inputs.master.aws.assumeRoles[0].roleArn",
            { master: { username: "master_admin", aws: { assumeRoles: [{ roleArn: UNKNOWN }] } } },
            {},
        ],
        ["password", {}, { password: UNKNOWN }],
        ["operation", {}, { operation: UNKNOWN }],
        ["a key of inputs", { [UNKNOWN]: "x" }, {}],
    ];
    for (const [at, inputs, top] of cases) {
        it(`refuses the unknown value at ${at} before it connects`, async () => {
            const before = connections;
            assert.deepEqual(await handler(request(inputs, top)), refusal(at));
            assert.equal(connections, before, "it never connected");
        });
    }
});
