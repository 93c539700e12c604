/**
 * Pure facts about RDS endpoint names: whether a host is one (a token must be signed for the real
 * endpoint, not a CNAME or tunnel address) and which region it names.
 */

// <name>.<id>.<region>.rds.amazonaws.com(.cn); proxies: <proxy>.proxy-<id>.<region>.rds.amazonaws.com;
// Aurora: <cluster>.cluster(-ro)-<id>.<region>.rds.amazonaws.com.
const RDS_ENDPOINT =
    /^[a-z0-9-]+\.(?:(?:cluster-|cluster-ro-|cluster-custom-|proxy-)?[a-z0-9]+)\.([a-z]{2}(?:-[a-z]+)+-\d)\.rds\.amazonaws\.com(?:\.cn)?$/;

/** True when `host` is an RDS instance, Aurora cluster or RDS Proxy endpoint name. */
export function isRdsEndpoint(host: string): boolean {
    return RDS_ENDPOINT.test(host.toLowerCase());
}

/** The region an RDS endpoint names (`db.abc.eu-west-1.rds.amazonaws.com` → `eu-west-1`), else undefined. */
export function regionOfRdsEndpoint(host: string): string | undefined {
    return RDS_ENDPOINT.exec(host.toLowerCase())?.[1];
}

/** The warning for a host that is not an RDS endpoint, or undefined when it is one. */
export function notRdsEndpointWarning(host: string): string | undefined {
    if (isRdsEndpoint(host)) return undefined;
    return (
        `warning: "${host}" is not an RDS endpoint (*.rds.amazonaws.com). The token must be signed for the ` +
        `RDS endpoint itself, not a CNAME, load balancer or tunnel address: pass the real endpoint with ` +
        `--signing-host <endpoint> (and keep --host for where to connect).`
    );
}
