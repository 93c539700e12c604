/**
 * Pure facts about RDS endpoint names: whether a host is one (a token must be signed for the real
 * endpoint, not a CNAME or tunnel address), which region it names, and whether it is an RDS Proxy
 * endpoint (whose certificate comes from Amazon Trust Services, not the RDS CAs: see amazonRootCa.ts).
 */

import { dnsSuffixOfRegion, isRegion, parseRdsEndpoint } from "../awsNames";

/**
 * RDS Proxy endpoint names: a proxy's default endpoint `<proxy>.proxy-<id>.<region>.rds.<dnsSuffix>`,
 * and the endpoints created for it (read/write or read-only, also in another VPC)
 * `<endpoint>.endpoint.proxy-<id>.<region>.rds.<dnsSuffix>`, as describe-db-proxies /
 * describe-db-proxy-endpoints return them. (Unlike Aurora's `cluster-ro-`, there is no `proxy-ro-`
 * form: a proxy's reader is an endpoint of the second kind with TargetRole READ_ONLY.)
 */
const PROXY_ENDPOINT =
    /^(?:[a-z0-9-]+\.endpoint|[a-z0-9-]+)\.proxy-[a-z0-9]+\.([a-z0-9-]+)\.rds\.([a-z0-9.-]+)$/;

/** The region an RDS Proxy endpoint (default or created) names, else undefined. */
function regionOfProxyEndpoint(host: string): string | undefined {
    const m = PROXY_ENDPOINT.exec(host.toLowerCase());
    if (m === null || !isRegion(m[1]) || dnsSuffixOfRegion(m[1]) !== m[2]) return undefined;
    return m[1];
}

/** True when `host` is an RDS Proxy endpoint: the proxy's default one or one created for it (any partition). */
export function isRdsProxyEndpoint(host: string): boolean {
    return regionOfProxyEndpoint(host) !== undefined;
}

/** True when `host` is an RDS instance, Aurora cluster or RDS Proxy endpoint name (any partition). */
export function isRdsEndpoint(host: string): boolean {
    return regionOfRdsEndpoint(host) !== undefined;
}

/** The region an RDS endpoint names (`db.abc.eu-west-1.rds.amazonaws.com` → `eu-west-1`), else undefined. */
export function regionOfRdsEndpoint(host: string): string | undefined {
    return parseRdsEndpoint(host)?.region ?? regionOfProxyEndpoint(host);
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
