import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { amazonRootCaBundle } from "../../components/client/amazonRootCa";
import { getMysqlConnectionOptions, getPgConnectionOptions } from "../../components/client/connectionOptions";
import { TokenCache, TokenRequest } from "../../components/client/tokenCache";
import { rdsCaBundle } from "../../components/rdsCa";
import { startFakeMysql } from "./fakeMysql";
import { startFakePostgres } from "./fakePostgres";
import { certificateSignedBy, testCa } from "./selfSigned";

// An RDS Proxy presents an ACM certificate from Amazon Trust Services for the wildcard name
// `*.proxy-<id>.<region>.rds.amazonaws.com`. Here a test CA stands in for Amazon Trust Services
// (given as caCertificate), and loopback stand-ins for MySQL and PostgreSQL present such a wildcard
// certificate; the client connects through 127.0.0.1 while TLS verifies the proxy endpoint's name.
const PROXY = "myproxy.proxy-abc.us-east-1.rds.amazonaws.com";
const PROXY_WILDCARD = "*.proxy-abc.us-east-1.rds.amazonaws.com";
const READER = "reader.endpoint.proxy-abc.us-east-1.rds.amazonaws.com";
const DATABASE = "mydb.c0ffee0example.us-east-1.rds.amazonaws.com";

function signingCache() {
    const calls: TokenRequest[] = [];
    const cache = new TokenCache({
        signer: async (r) => {
            calls.push(r);
            return `${r.host}:${r.port}/?Action=connect&DBUser=${r.username}`;
        },
    });
    return { calls, cache };
}

type HandshakeError = (Error & { code?: string; reason?: string }) | undefined;

describe("client through an RDS Proxy endpoint (wildcard certificate)", function () {
    this.timeout(30_000);
    let dir: string;
    let ca: ReturnType<typeof testCa>;
    let proxyCert: { key: string; cert: string };
    let otherProxyCert: { key: string; cert: string };
    let withEndpoints: { key: string; cert: string };
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "rds-iam-proxy-tls-"));
        ca = testCa(dir, "test-amazon-trust-services");
        proxyCert = certificateSignedBy(dir, ca, "proxy", [PROXY_WILDCARD]);
        otherProxyCert = certificateSignedBy(dir, ca, "other-proxy", [
            "*.proxy-xyz.us-east-1.rds.amazonaws.com",
        ]);
        withEndpoints = certificateSignedBy(dir, ca, "proxy-endpoints", [
            PROXY_WILDCARD,
            "*.endpoint.proxy-abc.us-east-1.rds.amazonaws.com",
        ]);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function mysqlOptions(host: string, port: number, cache: TokenCache, caCertificate?: string) {
        return getMysqlConnectionOptions({
            engine: "aurora-mysql",
            host,
            connectHost: "127.0.0.1",
            connectPort: port,
            username: "App_User",
            database: "appdb",
            ...(caCertificate !== undefined ? { caCertificate } : {}),
            tokenCache: cache,
        });
    }

    /** Connects mysql2 to a stand-in presenting `certificate`; the handshake error, or undefined after the login. */
    async function mysqlLogin(
        host: string,
        certificate: { key: string; cert: string },
        caCertificate?: string,
    ) {
        const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
        const fake = await startFakeMysql(certificate.key, certificate.cert);
        const { calls, cache } = signingCache();
        try {
            const connecting = mysql.createConnection(
                await mysqlOptions(host, fake.port, cache, caCertificate),
            );
            const outcome = await Promise.race([
                fake.login.then((login) => ({ login })),
                connecting.then(
                    () => ({ error: undefined as HandshakeError }),
                    (error: Error) => ({ error: error as HandshakeError }),
                ),
            ]);
            await connecting.catch(() => undefined);
            await new Promise((resolve) => setTimeout(resolve, 50));
            return { outcome, events: [...fake.events], calls };
        } finally {
            fake.close();
        }
    }

    it("mysql2 logs in to myproxy.proxy-abc… with the *.proxy-abc… certificate, the token signed for the proxy endpoint", async () => {
        const { outcome, events, calls } = await mysqlLogin(PROXY, proxyCert, ca.cert);
        assert.deepEqual(outcome, {
            login: {
                user: "App_User",
                database: "appdb",
                password: `${PROXY}:3306/?Action=connect&DBUser=App_User`,
            },
        });
        assert.deepEqual(events, ["handshake", "ssl-request", "tls", "login App_User", "password"]);
        assert.deepEqual(calls, [{ host: PROXY, port: 3306, username: "App_User", region: "us-east-1" }]);
    });

    it("mysql2 refuses another proxy's wildcard certificate before sending the user or any password", async () => {
        const { outcome, events } = await mysqlLogin(PROXY, otherProxyCert, ca.cert);
        const error = (outcome as { error: HandshakeError }).error;
        assert.equal(error?.code, "HANDSHAKE_SSL_ERROR");
        assert.equal(
            error?.reason,
            `Host: ${PROXY}. is not in the cert's altnames: DNS:*.proxy-xyz.us-east-1.rds.amazonaws.com`,
        );
        assert.deepEqual(events, ["handshake", "ssl-request"]);
    });

    it("a wildcard covers one label: an endpoint of the proxy (reader.endpoint.proxy-abc…) needs *.endpoint.proxy-abc…", async () => {
        const refused = await mysqlLogin(READER, proxyCert, ca.cert);
        assert.equal(
            (refused.outcome as { error: HandshakeError }).error?.reason,
            `Host: ${READER}. is not in the cert's altnames: DNS:${PROXY_WILDCARD}`,
        );
        assert.deepEqual(refused.events, ["handshake", "ssl-request"]);
        const accepted = await mysqlLogin(READER, withEndpoints, ca.cert);
        assert.deepEqual(accepted.outcome, {
            login: {
                user: "App_User",
                database: "appdb",
                password: `${READER}:3306/?Action=connect&DBUser=App_User`,
            },
        });
    });

    it("mysql2 without caCertificate refuses a proxy certificate that does not chain to Amazon's roots", async () => {
        const { outcome, events } = await mysqlLogin(PROXY, proxyCert);
        const error = (outcome as { error: HandshakeError }).error;
        assert.deepEqual(
            [error?.code, error?.message],
            ["HANDSHAKE_SSL_ERROR", "unable to verify the first certificate"],
        );
        assert.deepEqual(events, ["handshake", "ssl-request"]);
    });

    it("pg logs in to the proxy endpoint through a tunnel verifying its wildcard name, and refuses another proxy's", async () => {
        const pg = require("pg") as typeof import("pg");
        const optionsFor = (port: number) =>
            getPgConnectionOptions({
                engine: "aurora-postgresql",
                host: PROXY,
                connectHost: "127.0.0.1",
                connectPort: port,
                username: "App_User",
                database: "appdb",
                caCertificate: ca.cert,
                tokenCache: signingCache().cache,
            });
        const good = await startFakePostgres(proxyCert.key, proxyCert.cert);
        try {
            const client = new pg.Client(optionsFor(good.port));
            client.on("error", () => undefined);
            const connecting = client.connect().catch((error: Error) => error);
            assert.deepEqual(await good.captured, {
                startup: { user: "App_User", database: "appdb", client_encoding: "UTF8" },
                password: `${PROXY}:5432/?Action=connect&DBUser=App_User`,
            });
            await connecting;
        } finally {
            good.close();
        }
        const bad = await startFakePostgres(otherProxyCert.key, otherProxyCert.cert);
        try {
            const client = new pg.Client(optionsFor(bad.port));
            client.on("error", () => undefined);
            const error = (await client.connect().then(
                () => undefined,
                (e: Error) => e,
            )) as HandshakeError;
            assert.deepEqual(
                [error?.code, error?.message],
                [
                    "ERR_TLS_CERT_ALTNAME_INVALID",
                    `Hostname/IP does not match certificate's altnames: Host: ${PROXY}. is not in the cert's altnames: DNS:*.proxy-xyz.us-east-1.rds.amazonaws.com`,
                ],
            );
        } finally {
            bad.close();
        }
    });
});

describe("client CA choice: Amazon's roots for a proxy endpoint, the RDS CA bundle for a database", () => {
    it("trusts Amazon Root CA 1-4 for a proxy's default endpoint and its created endpoints, for mysql2 and pg", async () => {
        const { cache } = signingCache();
        for (const host of [PROXY, READER, "app.proxy-abc.eu-west-1.rds.amazonaws.com"]) {
            const mysql = await getMysqlConnectionOptions({
                engine: "mysql",
                host,
                username: "u",
                tokenCache: cache,
            });
            const pg = getPgConnectionOptions({ engine: "postgres", host, username: "u", tokenCache: cache });
            assert.deepEqual(
                [host, mysql.ssl, pg.ssl],
                [
                    host,
                    { ca: amazonRootCaBundle(), rejectUnauthorized: true, verifyIdentity: true },
                    { ca: amazonRootCaBundle(), rejectUnauthorized: true },
                ],
            );
        }
    });

    it("still trusts the RDS CA bundle for a database endpoint, and caCertificate overrides both", async () => {
        const { cache } = signingCache();
        const database = await getMysqlConnectionOptions({
            engine: "mysql",
            host: DATABASE,
            username: "u",
            tokenCache: cache,
        });
        assert.equal(database.ssl.ca, rdsCaBundle());
        assert.notEqual(rdsCaBundle(), amazonRootCaBundle());
        const pem = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
        for (const host of [PROXY, DATABASE]) {
            const pg = getPgConnectionOptions({
                engine: "postgres",
                host,
                username: "u",
                caCertificate: pem,
                tokenCache: cache,
            });
            assert.equal(pg.ssl.ca, pem);
        }
    });

    it("through a tunnel to a proxy verifies the proxy's name with Amazon's roots, signing for the proxy endpoint", async () => {
        const { calls, cache } = signingCache();
        const pg = getPgConnectionOptions({
            engine: "postgres",
            host: "127.0.0.1",
            port: 5432,
            connectPort: 15432,
            signingHost: READER,
            username: "u",
            tokenCache: cache,
        });
        assert.deepEqual([pg.ssl.ca, pg.ssl.servername], [amazonRootCaBundle(), READER]);
        await pg.password();
        assert.deepEqual(calls, [{ host: READER, port: 5432, username: "u", region: "us-east-1" }]);
    });

    it("reads the region from a proxy's created endpoint and needs no CA where the RDS bundle has none (il-central-1)", async () => {
        const { calls, cache } = signingCache();
        const host = "ro.endpoint.proxy-c0ffee0example.il-central-1.rds.amazonaws.com";
        const mysql = await getMysqlConnectionOptions({
            engine: "mysql",
            host,
            username: "u",
            tokenCache: cache,
        });
        assert.equal(mysql.ssl.ca, amazonRootCaBundle());
        assert.deepEqual(calls, [{ host, port: 3306, username: "u", region: "il-central-1" }]);
    });
});
