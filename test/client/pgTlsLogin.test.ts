import * as assert from "node:assert/strict";
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { getPgConnectionOptions } from "../../components/client/connectionOptions";
import { TokenCache } from "../../components/client/tokenCache";
import { runCli } from "../../components/client/cli";
import { selfSignedCertificate } from "./selfSigned";
import { startFakePostgres } from "./fakePostgres";

// pg and psql against a loopback stand-in for PostgreSQL (fakePostgres.ts) with a certificate for an
// RDS-like name.
const ENDPOINT = "loopback.c0ffee0example.us-east-1.rds.amazonaws.com";

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
