import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { getMysqlConnectionOptions } from "../../components/client/connectionOptions";
import { TokenCache } from "../../components/client/tokenCache";
import { startFakeMysql } from "./fakeMysql";
import { selfSignedCertificate } from "./selfSigned";

// mysql2 through a tunnel: `host` stays the RDS name (so TLS verifies it, as the provider's own
// connections do) and `stream` opens the TCP connection to the tunnel on 127.0.0.1.
const ENDPOINT = "loopback.c0ffee0example.us-east-1.rds.amazonaws.com";

describe("client mysql2 options against a loopback TLS endpoint", function () {
    this.timeout(30_000);
    let dir: string;
    let rdsLike: { key: string; cert: string };
    let other: { key: string; cert: string };
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-mysql-tls-"));
        rdsLike = selfSignedCertificate(dir, ENDPOINT);
        other = selfSignedCertificate(dir, "other.example.com");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function optionsFor(port: number, caCertificate: string) {
        return getMysqlConnectionOptions({
            engine: "mysql",
            host: ENDPOINT,
            port: 3306,
            connectHost: "127.0.0.1",
            connectPort: port,
            username: "App_User",
            database: "appdb",
            caCertificate,
            tokenCache: new TokenCache({
                signer: async (r) => `${r.host}:${r.port}/?Action=connect&DBUser=${r.username}`,
            }),
        });
    }

    it("keeps the RDS name as host with verifyIdentity, and streams to the tunnel", async () => {
        const { authPlugins, stream, ...rest } = await optionsFor(13306, rdsLike.cert);
        assert.deepEqual(rest, {
            host: ENDPOINT,
            port: 3306,
            user: "App_User",
            database: "appdb",
            password: `${ENDPOINT}:3306/?Action=connect&DBUser=App_User`,
            ssl: { ca: rdsLike.cert, rejectUnauthorized: true, verifyIdentity: true },
        });
        assert.deepEqual(Object.keys(authPlugins), ["mysql_clear_password"]);
        assert.equal(typeof stream, "function");
    });

    it("through a 127.0.0.1 tunnel verifies the RDS name over TLS and sends the token as the cleartext password", async () => {
        const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
        const fake = await startFakeMysql(rdsLike.key, rdsLike.cert);
        try {
            const connecting = mysql
                .createConnection(await optionsFor(fake.port, rdsLike.cert))
                .catch((e) => e);
            assert.deepEqual(await fake.login, {
                user: "App_User",
                database: "appdb",
                password: `${ENDPOINT}:3306/?Action=connect&DBUser=App_User`,
            });
            assert.deepEqual(fake.events, ["handshake", "ssl-request", "tls", "login App_User", "password"]);
            await connecting;
        } finally {
            fake.close();
        }
    });

    it("refuses a server whose certificate names another host, before sending the user or any password", async () => {
        const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
        const fake = await startFakeMysql(other.key, other.cert);
        try {
            const error = (await mysql.createConnection(await optionsFor(fake.port, other.cert)).then(
                () => undefined,
                (e: Error) => e,
            )) as (Error & { code?: string; reason?: string }) | undefined;
            assert.equal(error?.code, "HANDSHAKE_SSL_ERROR");
            assert.equal(
                error?.reason,
                `Host: ${ENDPOINT}. is not in the cert's altnames: DNS:other.example.com`,
            );
            assert.equal(
                error?.message,
                `Hostname/IP does not match certificate's altnames: Host: ${ENDPOINT}. is not in the cert's altnames: DNS:other.example.com`,
            );
            await new Promise((resolve) => setTimeout(resolve, 100));
            assert.deepEqual(fake.events.slice(0, 2), ["handshake", "ssl-request"]);
            assert.equal(
                fake.events.some((e) => e.startsWith("login") || e === "password"),
                false,
            );
        } finally {
            fake.close();
        }
    });
});
