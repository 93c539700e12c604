/**
 * A loopback stand-in for the MySQL wire protocol up to the password: it sends a server handshake
 * offering TLS, takes the client's SSLRequest, terminates TLS with the given certificate, reads the
 * HandshakeResponse and switches the client to `mysql_clear_password` (as RDS's
 * AWSAuthenticationPlugin does), then records the password. `events` shows how far a client got,
 * so a test can prove nothing was sent after a refused certificate.
 */
import * as net from "node:net";
import * as stream from "node:stream";
import * as tls from "node:tls";

export interface MysqlLogin {
    readonly user: string;
    readonly database?: string;
    readonly password: string;
}

export interface FakeMysql {
    readonly port: number;
    /** What happened, in order: "handshake", "ssl-request", "tls", "login <user>", "password". */
    readonly events: string[];
    readonly login: Promise<MysqlLogin>;
    close(): void;
}

const CLIENT_CONNECT_WITH_DB = 0x8;
const CLIENT_PROTOCOL_41 = 0x200;
const CLIENT_SSL = 0x800;
const CLIENT_SECURE_CONNECTION = 0x8000;
const CLIENT_PLUGIN_AUTH = 0x80000;
const CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 0x200000;
const CAPABILITIES =
    0x1 |
    0x4 |
    CLIENT_CONNECT_WITH_DB |
    CLIENT_PROTOCOL_41 |
    CLIENT_SSL |
    0x2000 |
    CLIENT_SECURE_CONNECTION |
    0x10000 |
    0x20000 |
    CLIENT_PLUGIN_AUTH |
    CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;

function packet(sequence: number, payload: Buffer): Buffer {
    const header = Buffer.alloc(4);
    header.writeUIntLE(payload.length, 0, 3);
    header[3] = sequence;
    return Buffer.concat([header, payload]);
}

function serverHandshake(): Buffer {
    const capabilities = Buffer.alloc(4);
    capabilities.writeUInt32LE(CAPABILITIES);
    return Buffer.concat([
        Buffer.from([0x0a]),
        Buffer.from("8.0.40\0"),
        Buffer.from([1, 0, 0, 0]), // connection id
        Buffer.from("abcdefgh"), // scramble, part 1
        Buffer.from([0]),
        capabilities.subarray(0, 2),
        Buffer.from([45]), // utf8mb4_general_ci
        Buffer.from([2, 0]), // SERVER_STATUS_AUTOCOMMIT
        capabilities.subarray(2, 4),
        Buffer.from([21]),
        Buffer.alloc(10),
        Buffer.from("ijklmnopqrst\0"), // scramble, part 2
        Buffer.from("mysql_native_password\0"),
    ]);
}

/** Reads whole packets from a stream, one callback per packet. */
function onPackets(source: stream.Readable, each: (sequence: number, payload: Buffer) => void): void {
    let buffer = Buffer.alloc(0);
    source.on("data", (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        while (buffer.length >= 4 && buffer.length >= 4 + buffer.readUIntLE(0, 3)) {
            const length = buffer.readUIntLE(0, 3);
            each(buffer[3], buffer.subarray(4, 4 + length));
            buffer = buffer.subarray(4 + length);
        }
    });
}

function readNulTerminated(payload: Buffer, offset: number): [string, number] {
    const end = payload.indexOf(0, offset);
    return [payload.subarray(offset, end).toString("utf8"), end + 1];
}

/** Parses HandshakeResponse41: the user and database the client asks for. */
function parseHandshakeResponse(payload: Buffer): { user: string; database?: string } {
    const capabilities = payload.readUInt32LE(0);
    const [user, afterUser] = readNulTerminated(payload, 32);
    const offset = afterUser + 1 + payload[afterUser]; // auth data: lenenc length (under 251 here)
    if (capabilities & CLIENT_CONNECT_WITH_DB) {
        const [database] = readNulTerminated(payload, offset);
        return { user, database };
    }
    return { user };
}

export function startFakeMysql(key: string, cert: string): Promise<FakeMysql> {
    const events: string[] = [];
    let deliver!: (login: MysqlLogin) => void;
    const login = new Promise<MysqlLogin>((resolve) => (deliver = resolve));
    const server = net.createServer((socket) => {
        socket.on("error", () => undefined);
        socket.write(packet(0, serverHandshake()));
        events.push("handshake");
        // The client starts TLS right after its SSLRequest without waiting, so both may arrive in
        // one chunk: hand everything after the SSLRequest to the TLS layer through a Duplex.
        const toTls = new stream.Duplex({
            read() {},
            write(chunk, _encoding, done) {
                socket.write(chunk, done);
            },
        });
        let plain = Buffer.alloc(0);
        let upgraded = false;
        socket.on("data", (chunk: Buffer) => {
            if (upgraded) {
                toTls.push(chunk);
                return;
            }
            plain = Buffer.concat([plain, chunk]);
            if (plain.length < 36) return;
            events.push("ssl-request");
            upgraded = true;
            if (plain.length > 36) toTls.push(plain.subarray(36));
            const secure = new tls.TLSSocket(toTls, { isServer: true, key, cert });
            secure.on("secure", () => events.push("tls"));
            secure.on("error", () => socket.destroy());
            let asked: { user: string; database?: string } | undefined;
            onPackets(secure, (sequence, payload) => {
                if (asked === undefined) {
                    asked = parseHandshakeResponse(payload);
                    events.push(`login ${asked.user}`);
                    const authSwitch = Buffer.concat([
                        Buffer.from([0xfe]),
                        Buffer.from("mysql_clear_password\0"),
                    ]);
                    secure.write(packet(sequence + 1, authSwitch));
                } else {
                    events.push("password");
                    deliver({ ...asked, password: payload.toString("utf8").replace(/\0$/, "") });
                    socket.destroy();
                }
            });
        });
        socket.on("close", () => toTls.push(null));
    });
    return new Promise((resolve) => {
        server.listen(0, "127.0.0.1", () => {
            resolve({
                port: (server.address() as net.AddressInfo).port,
                events,
                login,
                close: () => server.close(),
            });
        });
    });
}
