import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { getPgConnectionOptions } from "../../components/client/connectionOptions";
import { TokenCache } from "../../components/client/tokenCache";
import { runCli } from "../../components/client/cli";
import { selfSignedCertificate } from "./selfSigned";

// A loopback stand-in for the PostgreSQL wire protocol up to the password message: it accepts
// SSLRequest, terminates TLS with a certificate for an RDS-like name, reads the startup message and
// asks for a cleartext password. It shows what pg really sends with our options; real IAM logins
// against a real server are the emulator's tests.
const ENDPOINT = "loopback.c0ffee0example.us-east-1.rds.amazonaws.com";

interface Captured {
    startup: Record<string, string>;
    password: string;
}

function startFakePostgres(
    key: string,
    cert: string,
): Promise<{ port: number; captured: Promise<Captured>; close: () => void }> {
    let deliver!: (c: Captured) => void;
    const captured = new Promise<Captured>((resolve) => (deliver = resolve));
    const server = net.createServer((socket) => {
        socket.once("data", () => {
            socket.write("S");
            const secure = new tls.TLSSocket(socket, { isServer: true, key, cert });
            secure.on("error", () => secure.destroy());
            let buffer = Buffer.alloc(0);
            let startup: Record<string, string> | undefined;
            secure.on("data", (chunk: Buffer) => {
                buffer = Buffer.concat([buffer, chunk]);
                if (!startup && buffer.length >= 4 && buffer.length >= buffer.readInt32BE(0)) {
                    const fields = buffer
                        .subarray(8, buffer.readInt32BE(0) - 1)
                        .toString("utf8")
                        .split("\0");
                    startup = {};
                    for (let i = 0; i + 1 < fields.length; i += 2) startup[fields[i]] = fields[i + 1];
                    buffer = buffer.subarray(buffer.readInt32BE(0));
                    const ask = Buffer.alloc(9);
                    ask.write("R", 0);
                    ask.writeInt32BE(8, 1);
                    ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
                    secure.write(ask);
                } else if (startup && buffer.length >= 5 && buffer[0] === "p".charCodeAt(0)) {
                    const length = buffer.readInt32BE(1);
                    if (buffer.length >= 1 + length) {
                        deliver({
                            startup,
                            password: buffer.subarray(5, length).toString("utf8").replace(/\0$/, ""),
                        });
                        secure.destroy();
                    }
                }
            });
        });
    });
    return new Promise((resolve) => {
        server.listen(0, "127.0.0.1", () => {
            resolve({
                port: (server.address() as net.AddressInfo).port,
                captured,
                close: () => server.close(),
            });
        });
    });
}

describe("client pg options against a loopback TLS endpoint", function () {
    this.timeout(30_000);
    let dir: string;
    let rdsLike: { key: string; cert: string };
    let other: { key: string; cert: string };
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-pg-tls-"));
        rdsLike = selfSignedCertificate(dir, ENDPOINT);
        other = selfSignedCertificate(dir, "other.example.com");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function optionsFor(port: number, caCertificate: string) {
        const cache = new TokenCache({
            signer: async (r) => `${r.host}:${r.port}/?Action=connect&DBUser=${r.username}`,
        });
        return getPgConnectionOptions({
            engine: "postgres",
            host: ENDPOINT,
            port: 5432,
            connectHost: "127.0.0.1",
            connectPort: port,
            username: "App_User",
            database: "appdb",
            caCertificate,
            tokenCache: cache,
        });
    }

    it("through a 127.0.0.1 tunnel verifies the RDS name over TLS and sends the token as the password", async () => {
        const pg = require("pg") as typeof import("pg");
        const fake = await startFakePostgres(rdsLike.key, rdsLike.cert);
        try {
            const client = new pg.Client(optionsFor(fake.port, rdsLike.cert));
            client.on("error", () => undefined);
            const connecting = client.connect().catch((error: Error) => error);
            const captured = await fake.captured;
            assert.deepEqual(captured.startup, {
                user: "App_User",
                database: "appdb",
                client_encoding: "UTF8",
            });
            assert.equal(captured.password, `${ENDPOINT}:5432/?Action=connect&DBUser=App_User`);
            await connecting;
        } finally {
            fake.close();
        }
    });

    it("refuses a server whose certificate names another host, before sending any password", async () => {
        const pg = require("pg") as typeof import("pg");
        const fake = await startFakePostgres(other.key, other.cert);
        try {
            const client = new pg.Client(optionsFor(fake.port, other.cert));
            client.on("error", () => undefined);
            const error = (await client.connect().then(
                () => undefined,
                (e: Error) => e,
            )) as (Error & { code?: string }) | undefined;
            assert.equal(error?.code, "ERR_TLS_CERT_ALTNAME_INVALID");
            assert.equal(
                error?.message,
                `Hostname/IP does not match certificate's altnames: Host: ${ENDPOINT}. is not in the cert's altnames: DNS:other.example.com`,
            );
        } finally {
            fake.close();
        }
    });

    it("rds-iam connect runs the real psql with verify-full through the tunnel and sends the token", async function () {
        if (childProcess.spawnSync("psql", ["--version"]).status !== 0) this.skip();
        const fake = await startFakePostgres(rdsLike.key, rdsLike.cert);
        const caFile = path.join(dir, "rds-like-ca.pem");
        fs.writeFileSync(caFile, rdsLike.cert);
        try {
            let stderr = "";
            const code = await runCli(
                [
                    "connect",
                    "--engine",
                    "postgres",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    String(fake.port),
                    "--signing-host",
                    ENDPOINT,
                    "--signing-port",
                    "5432",
                    "--user",
                    "App_User",
                    "--database",
                    "appdb",
                    "--ca-file",
                    caFile,
                ],
                {
                    env: process.env,
                    stdout: () => undefined,
                    stderr: (text) => (stderr += text),
                    tokenCache: new TokenCache({
                        signer: async (r) => `${r.host}:${r.port}/?Action=connect&DBUser=${r.username}`,
                    }),
                },
            );
            const captured = await fake.captured;
            assert.equal(captured.startup.user, "App_User");
            assert.equal(captured.startup.database, "appdb");
            assert.equal(captured.password, `${ENDPOINT}:5432/?Action=connect&DBUser=App_User`);
            assert.equal(stderr, "");
            assert.equal(code, 2); // psql: the stand-in closes the connection after the password
        } finally {
            fake.close();
        }
    });
});
