/**
 * A loopback stand-in for the PostgreSQL wire protocol up to the password message: it accepts
 * SSLRequest, terminates TLS with the given certificate, reads the startup message and asks for a
 * cleartext password. It shows what pg (or psql) really sends with our options; real IAM logins
 * against a real server are the emulator's tests.
 */
import * as net from "node:net";
import * as tls from "node:tls";

export interface Captured {
    startup: Record<string, string>;
    password: string;
}

export function startFakePostgres(
    key: string,
    cert: string,
): Promise<{ port: number; captured: Promise<Captured>; close: () => void }> {
    let deliver!: (c: Captured) => void;
    const captured = new Promise<Captured>((resolve) => (deliver = resolve));
    const server = net.createServer((socket) => {
        socket.once("data", () => {
            socket.write("S");
            const secure = new tls.TLSSocket(socket, { isServer: true, key, cert });
            secure.on("error", () => secure.destroy());
            let buffer = Buffer.alloc(0);
            let startup: Record<string, string> | undefined;
            secure.on("data", (chunk: Buffer) => {
                buffer = Buffer.concat([buffer, chunk]);
                if (!startup && buffer.length >= 4 && buffer.length >= buffer.readInt32BE(0)) {
                    const fields = buffer
                        .subarray(8, buffer.readInt32BE(0) - 1)
                        .toString("utf8")
                        .split("\0");
                    startup = {};
                    for (let i = 0; i + 1 < fields.length; i += 2) startup[fields[i]] = fields[i + 1];
                    buffer = buffer.subarray(buffer.readInt32BE(0));
                    const ask = Buffer.alloc(9);
                    ask.write("R", 0);
                    ask.writeInt32BE(8, 1);
                    ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
                    secure.write(ask);
                } else if (startup && buffer.length >= 5 && buffer[0] === "p".charCodeAt(0)) {
                    const length = buffer.readInt32BE(1);
                    if (buffer.length >= 1 + length) {
                        deliver({
                            startup,
                            password: buffer.subarray(5, length).toString("utf8").replace(/\0$/, ""),
                        });
                        secure.destroy();
                    }
                }
            });
        });
    });
    return new Promise((resolve) => {
        server.listen(0, "127.0.0.1", () => {
            resolve({
                port: (server.address() as net.AddressInfo).port,
                captured,
                close: () => server.close(),
            });
        });
    });
}
