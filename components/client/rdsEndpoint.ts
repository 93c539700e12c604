/**
 * Pure facts about RDS endpoint names: whether a host is one (a token must be signed for the real
 * endpoint, not a CNAME or tunnel address) and which region it names.
 */

import { parseRdsEndpoint } from "../awsNames";

/** True when `host` is an RDS instance, Aurora cluster or RDS Proxy endpoint name (any partition). */
export function isRdsEndpoint(host: string): boolean {
    return parseRdsEndpoint(host) !== undefined;
}

/** The region an RDS endpoint names (`db.abc.eu-west-1.rds.amazonaws.com` → `eu-west-1`), else undefined. */
export function regionOfRdsEndpoint(host: string): string | undefined {
    return parseRdsEndpoint(host)?.region;
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
