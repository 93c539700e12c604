/** A throwaway self-signed certificate (P-256) for one DNS name, made with the openssl command. */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export function selfSignedCertificate(dir: string, name: string): { key: string; cert: string } {
    const keyFile = path.join(dir, `${name}.key`);
    const certFile = path.join(dir, `${name}.crt`);
    childProcess.execFileSync(
        "openssl",
        [
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            `/CN=${name}`,
            "-addext",
            `subjectAltName=DNS:${name}`,
            "-keyout",
            keyFile,
            "-out",
            certFile,
        ],
        { stdio: "ignore", timeout: 20_000 },
    );
    return { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(certFile, "utf8") };
}

/** A throwaway certificate authority (P-256, CA:TRUE) named `name`, made with the openssl command. */
export function testCa(
    dir: string,
    name: string,
): { key: string; cert: string; keyFile: string; certFile: string } {
    const keyFile = path.join(dir, `${name}-ca.key`);
    const certFile = path.join(dir, `${name}-ca.crt`);
    childProcess.execFileSync(
        "openssl",
        [
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            `/CN=${name}`,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
            keyFile,
            "-out",
            certFile,
        ],
        { stdio: "ignore", timeout: 20_000 },
    );
    return {
        key: fs.readFileSync(keyFile, "utf8"),
        cert: fs.readFileSync(certFile, "utf8"),
        keyFile,
        certFile,
    };
}

/**
 * A server certificate signed by `ca` for the DNS names given (wildcards included, e.g. the
 * `*.proxy-<id>.<region>.rds.amazonaws.com` an RDS Proxy presents); the first name is also the CN.
 */
export function certificateSignedBy(
    dir: string,
    ca: { keyFile: string; certFile: string },
    file: string,
    dnsNames: readonly string[],
): { key: string; cert: string } {
    const keyFile = path.join(dir, `${file}.key`);
    const csrFile = path.join(dir, `${file}.csr`);
    const certFile = path.join(dir, `${file}.crt`);
    const extFile = path.join(dir, `${file}.ext`);
    fs.writeFileSync(
        extFile,
        `basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(",")}\n`,
    );
    const run = (args: string[]) =>
        childProcess.execFileSync("openssl", args, { stdio: "ignore", timeout: 20_000 });
    run([
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-subj",
        `/CN=${dnsNames[0]}`,
        "-keyout",
        keyFile,
        "-out",
        csrFile,
    ]);
    run([
        "x509",
        "-req",
        "-in",
        csrFile,
        "-CA",
        ca.certFile,
        "-CAkey",
        ca.keyFile,
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        extFile,
        "-out",
        certFile,
    ]);
    return { key: fs.readFileSync(keyFile, "utf8"), cert: fs.readFileSync(certFile, "utf8") };
}
