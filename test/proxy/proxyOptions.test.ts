import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { fakePrincipal } from "../../local/emulator/principals";
import {
    ProxyCertificate,
    RdsProxyOptions,
    proxyCertificate,
    startRdsProxy,
    wildcardFor,
} from "../../local/proxy";
import { createCertificateAuthority } from "../../local/servers/processes";
import { tempDir } from "./proxyHarness";

const ENDPOINT = "orders.proxy-c0ffee0example.us-east-1.rds.amazonaws.com";

describe("the local RDS Proxy's set-up", function () {
    this.timeout(30_000);
    let dir: string;
    let certificate: ProxyCertificate;
    let caPem: string;
    before(async () => {
        dir = tempDir();
        const ca = await createCertificateAuthority(path.join(dir, "ca"), "test Amazon Trust Services");
        caPem = ca.pem;
        certificate = await proxyCertificate(path.join(dir, "proxy"), ENDPOINT, ca);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const options = (over: Partial<RdsProxyOptions> = {}): RdsProxyOptions => ({
        engineFamily: "POSTGRESQL",
        endpoint: ENDPOINT,
        resourceId: "prx-0a1b2c3d4e5f60718",
        region: "us-east-1",
        accountId: "123456789012",
        certificate,
        users: ["app_rw"],
        role: fakePrincipal("arn:aws:iam::123456789012:role/proxy", []),
        clients: [],
        target: { host: "127.0.0.1", port: 1, endpoint: "db.example", tokenPort: 1, caCertificate: caPem },
        ...over,
    });

    it("issues the certificate to the wildcard of the proxy's domain only (RDS Proxy uses wildcard certificates), signed by the given CA", () => {
        const x509 = new crypto.X509Certificate(certificate.cert);
        assert.deepEqual(
            [certificate.wildcard, x509.subjectAltName, x509.checkIssued(new crypto.X509Certificate(caPem))],
            [
                "*.proxy-c0ffee0example.us-east-1.rds.amazonaws.com",
                "DNS:*.proxy-c0ffee0example.us-east-1.rds.amazonaws.com",
                true,
            ],
        );
        assert.equal(x509.checkHost(ENDPOINT), "*.proxy-c0ffee0example.us-east-1.rds.amazonaws.com");
        assert.equal(
            x509.checkHost("reader.endpoint.proxy-c0ffee0example.us-east-1.rds.amazonaws.com"),
            undefined,
        );
        assert.equal(x509.checkHost("localhost"), undefined);
    });

    it("names the wildcard of a created endpoint one label deeper (*.endpoint.proxy-…)", () => {
        assert.equal(
            wildcardFor("reader.endpoint.proxy-c0ffee0example.eu-west-1.rds.amazonaws.com"),
            "*.endpoint.proxy-c0ffee0example.eu-west-1.rds.amazonaws.com",
        );
    });

    it("refuses an endpoint that is not an RDS Proxy endpoint, a certificate for another proxy and a resource id that is not prx-…", async () => {
        await assert.rejects(
            startRdsProxy(options({ endpoint: "db.c0ffee0example.us-east-1.rds.amazonaws.com" })),
            {
                message:
                    '"db.c0ffee0example.us-east-1.rds.amazonaws.com" is not an RDS Proxy endpoint (<name>.proxy-<id>.<region>.rds.amazonaws.com): pass the proxy\'s endpoint',
            },
        );
        await assert.rejects(
            startRdsProxy(options({ endpoint: "orders.proxy-other.us-east-1.rds.amazonaws.com" })),
            {
                message:
                    'the certificate is issued to *.proxy-c0ffee0example.us-east-1.rds.amazonaws.com, not *.proxy-other.us-east-1.rds.amazonaws.com: make it with proxyCertificate(dir, "orders.proxy-other.us-east-1.rds.amazonaws.com", ca)',
            },
        );
        await assert.rejects(startRdsProxy(options({ resourceId: "db-ABC" })), {
            message:
                'resourceId "db-ABC" is not an RDS Proxy resource id (prx- and lowercase letters and digits)',
        });
    });

    for (const engineFamily of ["POSTGRESQL", "MYSQL"] as const) {
        it(`${engineFamily}: disconnects a client that stays silent past the handshake timeout, and the proxy's database connection with it`, async () => {
            const databaseSockets: net.Socket[] = [];
            const closed: Promise<void>[] = [];
            const database = net.createServer((s) => {
                databaseSockets.push(s);
                closed.push(new Promise((resolve) => s.on("close", () => resolve())));
            });
            await new Promise<void>((resolve) => database.listen(0, "127.0.0.1", resolve));
            const port = (database.address() as net.AddressInfo).port;
            const proxy = await startRdsProxy(
                options({
                    engineFamily,
                    handshakeTimeoutMs: 300,
                    target: {
                        host: "127.0.0.1",
                        port,
                        endpoint: "db.example",
                        tokenPort: port,
                        caCertificate: caPem,
                    },
                }),
            );
            try {
                const began = Date.now();
                const client = net.connect(proxy.port, "127.0.0.1");
                client.on("data", () => undefined);
                await new Promise<void>((resolve) => client.on("close", () => resolve()));
                const waited = Date.now() - began;
                assert.ok(waited >= 250 && waited < 5_000, `closed after ${waited} ms`);
                // MySQL: the proxy waits for the database's greeting before its own; PostgreSQL: it never connected.
                assert.equal(databaseSockets.length, engineFamily === "MYSQL" ? 1 : 0);
                await Promise.all(closed);
            } finally {
                await proxy.close();
                await new Promise((resolve) => database.close(resolve));
            }
        });
    }
});
