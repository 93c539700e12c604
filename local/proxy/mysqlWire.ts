/**
 * The MySQL client/server protocol packets an RDS Proxy stand-in reads and writes before it relays
 * (MySQL Client/Server Protocol, "Connection Phase": Protocol::HandshakeV10, SSLRequest,
 * HandshakeResponse41, AuthSwitchRequest, OK/ERR packets). Capability flags are bit masks of
 * `CLIENT_*` from the same reference.
 */
import { ByteReader } from "./byteReader";

export const CLIENT = {
    LONG_PASSWORD: 0x1,
    CONNECT_WITH_DB: 0x8,
    COMPRESS: 0x20,
    PROTOCOL_41: 0x200,
    SSL: 0x800,
    SECURE_CONNECTION: 0x8000,
    PLUGIN_AUTH: 0x80000,
    CONNECT_ATTRS: 0x100000,
    PLUGIN_AUTH_LENENC_CLIENT_DATA: 0x200000,
    ZSTD_COMPRESSION: 0x4000000,
    MULTI_FACTOR_AUTHENTICATION: 0x10000000,
    SSL_VERIFY_SERVER_CERT: 0x40000000,
    REMEMBER_OPTIONS: 0x80000000,
} as const;

export interface MysqlPacket {
    readonly sequence: number;
    readonly payload: Buffer;
}

export async function readPacket(reader: ByteReader): Promise<MysqlPacket> {
    const head = await reader.bytes(4);
    const length = head.readUIntLE(0, 3);
    return { sequence: head[3], payload: await reader.bytes(length) };
}

export function packet(sequence: number, payload: Buffer): Buffer {
    const head = Buffer.alloc(4);
    head.writeUIntLE(payload.length, 0, 3);
    head[3] = sequence & 0xff;
    return Buffer.concat([head, payload]);
}

export function errPacket(sequence: number, errno: number, sqlState: string, message: string): Buffer {
    const code = Buffer.alloc(2);
    code.writeUInt16LE(errno);
    return packet(
        sequence,
        Buffer.concat([Buffer.from([0xff]), code, Buffer.from(`#${sqlState}${message}`, "utf8")]),
    );
}

/** The fields of a server's HandshakeV10 the proxy carries over to its own greeting. */
export interface ServerGreeting {
    readonly serverVersion: string;
    readonly capabilities: number;
    readonly characterSet: number;
    readonly statusFlags: number;
}

export function parseGreeting(payload: Buffer): ServerGreeting {
    if (payload[0] !== 10) throw new Error(`not a HandshakeV10 (protocol ${payload[0]})`);
    const versionEnd = payload.indexOf(0, 1);
    const serverVersion = payload.subarray(1, versionEnd).toString("latin1");
    const at = versionEnd + 1 + 4 + 8 + 1; // connection id, auth-plugin-data part 1, filler
    const lower = payload.readUInt16LE(at);
    const characterSet = payload[at + 2];
    const statusFlags = payload.readUInt16LE(at + 3);
    const upper = payload.readUInt16LE(at + 5);
    return { serverVersion, capabilities: ((upper << 16) | lower) >>> 0, characterSet, statusFlags };
}

/** A HandshakeV10 offering `capabilities` with a fresh 20-byte scramble and `mysql_native_password`. */
export function greeting(g: ServerGreeting, connectionId: number, scramble: Buffer): Buffer {
    const head = Buffer.alloc(4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10);
    let at = 0;
    head.writeUInt32LE(connectionId, at);
    at += 4;
    scramble.copy(head, at, 0, 8);
    at += 8 + 1; // filler 0
    head.writeUInt16LE(g.capabilities & 0xffff, at);
    head[at + 2] = g.characterSet;
    head.writeUInt16LE(g.statusFlags, at + 3);
    head.writeUInt16LE(g.capabilities >>> 16, at + 5);
    head[at + 7] = scramble.length + 1;
    return Buffer.concat([
        Buffer.from([10]),
        Buffer.from(`${g.serverVersion}\0`, "latin1"),
        head,
        scramble.subarray(8),
        Buffer.from([0]),
        Buffer.from("mysql_native_password\0", "latin1"),
    ]);
}

/** The fields of a client's SSLRequest or HandshakeResponse41 the proxy needs. */
export interface ClientResponse {
    readonly capabilities: number;
    readonly maxPacketSize: number;
    readonly characterSet: number;
    /** Absent in an SSLRequest (32 bytes: the fixed part only). */
    readonly user?: string;
    readonly database?: string;
}

function lengthEncoded(payload: Buffer, at: number): { value: number; next: number } {
    const first = payload[at];
    if (first < 0xfb) return { value: first, next: at + 1 };
    if (first === 0xfc) return { value: payload.readUInt16LE(at + 1), next: at + 3 };
    if (first === 0xfd) return { value: payload.readUIntLE(at + 1, 3), next: at + 4 };
    throw new Error("length-encoded integer out of range");
}

export function parseClientResponse(payload: Buffer): ClientResponse {
    const capabilities = payload.readUInt32LE(0);
    const fixed = {
        capabilities,
        maxPacketSize: payload.readUInt32LE(4),
        characterSet: payload[8],
    };
    if (payload.length <= 32) return fixed;
    let at = 32;
    const userEnd = payload.indexOf(0, at);
    const user = payload.subarray(at, userEnd).toString("utf8");
    at = userEnd + 1;
    if (capabilities & CLIENT.PLUGIN_AUTH_LENENC_CLIENT_DATA) {
        const { value, next } = lengthEncoded(payload, at);
        at = next + value;
    } else if (capabilities & CLIENT.SECURE_CONNECTION) {
        at += 1 + payload[at];
    } else {
        at = payload.indexOf(0, at) + 1;
    }
    let database: string | undefined;
    if (capabilities & CLIENT.CONNECT_WITH_DB && at < payload.length) {
        const end = payload.indexOf(0, at);
        database = payload.subarray(at, end < 0 ? undefined : end).toString("utf8");
    }
    return { ...fixed, user, ...(database !== undefined && database !== "" ? { database } : {}) };
}

function fixedPart(r: Pick<ClientResponse, "capabilities" | "maxPacketSize" | "characterSet">): Buffer {
    const out = Buffer.alloc(32);
    out.writeUInt32LE(r.capabilities >>> 0, 0);
    out.writeUInt32LE(r.maxPacketSize >>> 0, 4);
    out[8] = r.characterSet;
    return out;
}

export function sslRequestPayload(
    r: Pick<ClientResponse, "capabilities" | "maxPacketSize" | "characterSet">,
) {
    return fixedPart(r);
}

function lengthEncodedBytes(data: Buffer): Buffer {
    if (data.length < 0xfb) return Buffer.concat([Buffer.from([data.length]), data]);
    const head = Buffer.alloc(3);
    head[0] = 0xfc;
    head.writeUInt16LE(data.length, 1);
    return Buffer.concat([head, data]);
}

/**
 * A HandshakeResponse41 naming `mysql_clear_password` with the token as its auth data (the C string
 * the clear-password client plugin sends): needs CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA, since a
 * token is longer than 255 bytes.
 */
export function clearPasswordResponse(r: ClientResponse & { user: string }, token: string): Buffer {
    return Buffer.concat([
        fixedPart(r),
        Buffer.from(`${r.user}\0`, "utf8"),
        lengthEncodedBytes(Buffer.from(`${token}\0`, "utf8")),
        ...(r.capabilities & CLIENT.CONNECT_WITH_DB ? [Buffer.from(`${r.database ?? ""}\0`, "utf8")] : []),
        Buffer.from("mysql_clear_password\0", "latin1"),
    ]);
}

/** AuthSwitchRequest to `mysql_clear_password` (how RDS's AWSAuthenticationPlugin gets the token). */
export function switchToClearPassword(scramble: Buffer): Buffer {
    return Buffer.concat([
        Buffer.from([0xfe]),
        Buffer.from("mysql_clear_password\0", "latin1"),
        scramble,
        Buffer.from([0]),
    ]);
}

/** The plugin an AuthSwitchRequest (0xFE) names. */
export function switchPlugin(payload: Buffer): string {
    return payload.subarray(1, payload.indexOf(0, 1)).toString("latin1");
}

/** An ERR packet's message (after `#` and the SQLSTATE when present). */
export function errMessage(payload: Buffer): string {
    const text = payload.subarray(3).toString("utf8");
    return text.startsWith("#") ? text.slice(6) : text;
}
