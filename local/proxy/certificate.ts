/**
 * The proxy's certificate: like the ACM certificate a real RDS Proxy presents, issued by a CA that
 * is not the RDS CA (a test CA standing in for Amazon Trust Services) to the wildcard name
 * `*.proxy-<id>.<region>.rds.amazonaws.com` and nothing else ("RDS Proxy uses wildcard
 * certificates", RDS User Guide, "Using TLS/SSL with RDS Proxy",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.howitworks.html#rds-proxy-security.tls):
 * no localhost or IP names, so a client that does not verify the proxy's name gets no help here.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { CertificateAuthority, requireBinary, run } from "../servers/processes";

export interface ProxyCertificate {
    readonly cert: string;
    readonly key: string;
    /** The name it is issued to. */
    readonly wildcard: string;
}

const PROXY_ENDPOINT =
    /^(?:[a-z0-9-]+\.endpoint\.|[a-z0-9-]+\.)(proxy-[a-z0-9]+\.[a-z0-9-]+\.rds\.[a-z0-9.-]+)$/;

/** `*.proxy-<id>.<region>.rds.<suffix>` for a proxy's default endpoint (`*.endpoint.proxy-…` for a created one). */
export function wildcardFor(endpoint: string): string {
    const m = PROXY_ENDPOINT.exec(endpoint);
    if (m === null)
        throw new Error(
            `${JSON.stringify(endpoint)} is not an RDS Proxy endpoint (<name>.proxy-<id>.<region>.rds.amazonaws.com): pass the proxy's endpoint`,
        );
    return endpoint.includes(".endpoint.proxy-") ? `*.endpoint.${m[1]}` : `*.${m[1]}`;
}

/** A P-256 certificate for the endpoint's wildcard name, signed by `ca`, in `dir`. */
export async function proxyCertificate(
    dir: string,
    endpoint: string,
    ca: CertificateAuthority,
): Promise<ProxyCertificate> {
    const wildcard = wildcardFor(endpoint);
    fs.mkdirSync(dir, { recursive: true });
    const keyFile = path.join(dir, "proxy.key");
    const csr = path.join(dir, "proxy.csr");
    const certFile = path.join(dir, "proxy.crt");
    const openssl = requireBinary(["openssl"]);
    await run(openssl, [
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyFile,
        "-out",
        csr,
        "-subj",
        `/CN=${wildcard}`,
        "-addext",
        `subjectAltName=DNS:${wildcard}`,
    ]);
    await run(openssl, [
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca.certFile,
        "-CAkey",
        ca.keyFile,
        "-set_serial",
        `0x${crypto.randomBytes(12).toString("hex")}`,
        "-out",
        certFile,
        "-days",
        "2",
        "-copy_extensions",
        "copyall",
    ]);
    fs.chmodSync(keyFile, 0o600);
    return { cert: fs.readFileSync(certFile, "utf8"), key: fs.readFileSync(keyFile, "utf8"), wildcard };
}
