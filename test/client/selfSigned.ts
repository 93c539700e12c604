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
