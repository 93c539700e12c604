/**
 * The certificate authorities an RDS Proxy endpoint is verified against. A proxy does not present a
 * certificate from the RDS CAs: "RDS Proxy uses certificates from the AWS Certificate Manager (ACM)",
 * issued by Amazon Trust Services, and "RDS Proxy uses wildcard certificates" (`*.proxy-<id>.<region>.
 * rds.amazonaws.com`); for VERIFY_CA / VERIFY_IDENTITY AWS points `--ssl-ca` at the Amazon Root CA 1
 * trust store from Amazon Trust Services, and the mysql client must be MySQL 8.0-compatible to verify
 * the wildcard name. Sources: RDS User Guide, "Using TLS/SSL with RDS Proxy",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.howitworks.html#rds-proxy-security.tls
 * and the AWS Knowledge Center article on connecting to RDS for MySQL / Aurora MySQL through RDS Proxy,
 * https://repost.aws/knowledge-center/rds-aurora-mysql-connect-proxy (its TLS step: download Amazon
 * Root CA 1 from Amazon Trust Services, `--ssl-mode=VERIFY_IDENTITY --ssl-ca=AmazonRootCA1.pem`, and
 * "the proxy uses wildcard certificates", so VERIFY_IDENTITY needs a MySQL 8.0-compatible client).
 *
 * We trust the four Amazon Trust Services roots (1: RSA 2048, 2: RSA 4096, 3: ECDSA P-256, 4: ECDSA
 * P-384, so a certificate ACM issues under any of them verifies), taken from Node's own root store
 * (`tls.rootCertificates`, Mozilla's CA list built into Node) by exact subject: rds-iam keeps no copy
 * of its own, and trusts nothing else for a proxy (not the RDS CAs, not the other public CAs).
 */
import * as crypto from "node:crypto";
import * as tls from "node:tls";

/** The subjects selected, in order (X509Certificate.subject form). */
export const AMAZON_ROOT_CA_SUBJECTS: readonly string[] = [1, 2, 3, 4].map(
    (n) => `C=US\nO=Amazon\nCN=Amazon Root CA ${n}`,
);

let selected: string[] | undefined;

/** Amazon Root CA 1, 2, 3 and 4 from Node's built-in root store, PEM each, in that order. */
export function amazonRootCaCertificates(): string[] {
    if (selected === undefined) {
        const bySubject = new Map<string, string>();
        for (const pem of tls.rootCertificates) {
            const certificate = new crypto.X509Certificate(pem);
            // A root: self-issued, a CA, and signed by its own key.
            if (
                AMAZON_ROOT_CA_SUBJECTS.includes(certificate.subject) &&
                certificate.issuer === certificate.subject &&
                certificate.ca &&
                certificate.verify(certificate.publicKey)
            ) {
                bySubject.set(certificate.subject, pem);
            }
        }
        const found = AMAZON_ROOT_CA_SUBJECTS.flatMap((subject) => bySubject.get(subject) ?? []);
        if (found.length === 0) {
            throw new Error(
                "this Node.js has no Amazon Root CA in its built-in root store (tls.rootCertificates), so an RDS " +
                    "Proxy certificate cannot be verified: download https://www.amazontrust.com/repository/AmazonRootCA1.pem " +
                    "and pass its contents as caCertificate (the CLI: its path as --ca-file)",
            );
        }
        selected = found;
    }
    return [...selected];
}

/** The four as one PEM string (what `ssl.ca` gets, and the file psql / mysql are pointed at). */
export function amazonRootCaBundle(): string {
    return amazonRootCaCertificates().join("\n");
}
