/**
 * The one connection-target resolver: from what a caller gives (library options or CLI flags) to
 * what the token names (the RDS endpoint, its port, user and region) and where the TCP connection
 * goes (a tunnel, CNAME or the endpoint itself). getConnectionOptions, the CLI and the env lines all
 * go through it, so they validate the same way and agree on every default. Pure.
 */
import { Engine, ENGINES, defaultPort, isEngine } from "../engines";
import { isRegion } from "../awsNames";
import { rdsCaCoverageProblem } from "../rdsCa";
import { isRdsProxyEndpoint, regionOfRdsEndpoint } from "./rdsEndpoint";
import type { SigningCredentials, TokenRequest } from "./tokenCache";

/** What a caller says about the connection; `ConnectionRequest` narrows it for the library. */
export interface TargetRequest {
    /** @default none: then `port` is required */
    readonly engine?: Engine;
    /** The RDS endpoint, or where to connect when `signingHost` names the endpoint. */
    readonly host: string;
    /** The port the token names. @default the engine's (3306, 5432) */
    readonly port?: number | string;
    readonly username: string;
    /** @default the region in the endpoint name, else `fallbackRegion` */
    readonly region?: string;
    /** @default host */
    readonly signingHost?: string;
    /** @default host */
    readonly connectHost?: string;
    /** @default port */
    readonly connectPort?: number | string;
    /** @default the default AWS credential chain */
    readonly credentials?: SigningCredentials;
}

/** The resolved endpoints of a request: what the token names and where the socket goes. */
export interface ResolvedTarget {
    readonly token: TokenRequest;
    readonly connectHost: string;
    readonly connectPort: number;
}

/** How errors name each input: the library's field names, or the CLI's flags. */
export interface InputNames {
    readonly engine: string;
    readonly host: string;
    readonly port: string;
    readonly connectPort: string;
    readonly username: string;
    readonly region: string;
    readonly signingHost: string;
}

export const LIBRARY_INPUT_NAMES: InputNames = {
    engine: "engine",
    host: "host",
    port: "port",
    connectPort: "connectPort",
    username: "username",
    region: "region",
    signingHost: "signingHost",
};

export interface ResolveOptions {
    /** @default LIBRARY_INPUT_NAMES */
    readonly names?: InputNames;
    /**
     * A region to use when the endpoint does not name one (the CLI: AWS_REGION), and where it came from.
     * @default none
     */
    readonly fallbackRegion?: { readonly value: string | undefined; readonly source: string };
}

/** A bad request: the message names the input and the fix. */
export class TargetError extends Error {
    override readonly name = "TargetError";
}

/** The one port validator: an integer 1-65535, given as a number or as decimal digits. */
export function parsePort(name: string, value: number | string): number {
    const port = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new TargetError(`${name} must be an integer between 1 and 65535; got ${JSON.stringify(value)}`);
    }
    return port;
}

/** Validates the request and resolves the signing and connect addresses. Throws TargetError. */
export function resolveTarget(request: TargetRequest, options: ResolveOptions = {}): ResolvedTarget {
    const names = options.names ?? LIBRARY_INPUT_NAMES;
    if (request.engine !== undefined && !isEngine(request.engine)) {
        throw new TargetError(
            `${names.engine} must be one of ${ENGINES.join(", ")}; got ${JSON.stringify(request.engine)}`,
        );
    }
    if (typeof request.host !== "string" || request.host.trim() === "") {
        throw new TargetError(
            `${names.host} is required: the RDS endpoint, e.g. mydb.abc123.us-east-1.rds.amazonaws.com`,
        );
    }
    if (typeof request.username !== "string" || request.username === "") {
        throw new TargetError(
            `${names.username} is required: the database user that logs in with IAM (case-exact)`,
        );
    }
    if (
        request.signingHost !== undefined &&
        (typeof request.signingHost !== "string" || request.signingHost.trim() === "")
    ) {
        throw new TargetError(
            `${names.signingHost} must be the RDS endpoint name, e.g. mydb.abc123.us-east-1.rds.amazonaws.com`,
        );
    }
    let port: number;
    if (request.port !== undefined) port = parsePort(names.port, request.port);
    else if (request.engine !== undefined) port = defaultPort(request.engine);
    else throw new TargetError(`${names.port} or ${names.engine} is required (the token names host:port)`);
    const connectPort =
        request.connectPort !== undefined ? parsePort(names.connectPort, request.connectPort) : port;
    const signingHost = request.signingHost ?? request.host;
    const region = request.region ?? regionOfRdsEndpoint(signingHost) ?? options.fallbackRegion?.value;
    if (region === undefined) {
        const fallback = options.fallbackRegion ? ` and ${options.fallbackRegion.source} is not set` : "";
        throw new TargetError(
            `${names.region} is required: "${signingHost}" is not an RDS endpoint name the region can be read from${fallback}; pass ${names.region}, e.g. us-east-1`,
        );
    }
    if (!isRegion(region)) {
        throw new TargetError(
            `${names.region} must be an AWS region such as us-east-1; got ${JSON.stringify(region)}`,
        );
    }
    return {
        token: {
            host: signingHost,
            port,
            username: request.username,
            region,
            ...(request.credentials ? { credentials: request.credentials } : {}),
        },
        connectHost: request.connectHost ?? request.host,
        connectPort,
    };
}

/**
 * Fails when no CA is given and the RDS CA bundle rds-iam ships cannot verify the target's region
 * (the error names the region, the bundle to download and `caOption`). An RDS Proxy endpoint (its
 * default endpoint or one created for it) is verified against Amazon's roots, in every region.
 */
export function checkCaCoverage(
    target: ResolvedTarget,
    caGiven: boolean,
    caOption: string,
    given: "contents" | "path",
): void {
    if (caGiven || isRdsProxyEndpoint(target.token.host)) return;
    const problem = rdsCaCoverageProblem(target.token.host, target.token.region, caOption, given);
    if (problem !== undefined) throw new TargetError(problem);
}
