/**
 * The few PostgreSQL wire messages an RDS Proxy stand-in reads and writes before it relays
 * (Frontend/Backend Protocol, "Message Formats" and "Start-up"): start-up packets, typed
 * messages, ErrorResponse fields.
 */
import { ByteReader } from "./byteReader";

export const PROTOCOL_3 = 196608;
export const SSL_REQUEST = 80877103;
export const GSS_REQUEST = 80877104;
export const CANCEL_REQUEST = 80877102;

/** A start-up packet (no type byte): length, then body. */
export async function readStartup(reader: ByteReader): Promise<Buffer> {
    const head = await reader.bytes(4);
    const length = head.readInt32BE(0);
    if (length < 8 || length > 10_000) throw new Error(`start-up packet of ${length} bytes`);
    return Buffer.concat([head, await reader.bytes(length - 4)]);
}

export interface PgMessage {
    readonly type: string;
    readonly body: Buffer;
    readonly raw: Buffer;
}

/** A typed message: type byte, length, body. */
export async function readMessage(reader: ByteReader): Promise<PgMessage> {
    const head = await reader.bytes(5);
    const length = head.readInt32BE(1);
    if (length < 4 || length > 1_000_000) throw new Error(`message of ${length} bytes`);
    const body = await reader.bytes(length - 4);
    return { type: String.fromCharCode(head[0]), body, raw: Buffer.concat([head, body]) };
}

export function message(type: string, body: Buffer): Buffer {
    const head = Buffer.alloc(5);
    head.write(type, 0, "latin1");
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
}

export function startupCode(packet: Buffer): number {
    return packet.readInt32BE(4);
}

export function startupParameters(packet: Buffer): Record<string, string> {
    const parts = packet.subarray(8).toString("utf8").split("\0");
    const out: Record<string, string> = {};
    for (let i = 0; i + 1 < parts.length && parts[i] !== ""; i += 2) out[parts[i]] = parts[i + 1];
    return out;
}

export function sslRequest(): Buffer {
    const request = Buffer.alloc(8);
    request.writeInt32BE(8, 0);
    request.writeInt32BE(SSL_REQUEST, 4);
    return request;
}

/** AuthenticationCleartextPassword: how RDS asks for an IAM token. */
export function cleartextPasswordRequest(): Buffer {
    const body = Buffer.alloc(4);
    body.writeInt32BE(3, 0);
    return message("R", body);
}

export function passwordMessage(password: string): Buffer {
    return message("p", Buffer.from(`${password}\0`, "utf8"));
}

/** The password a PasswordMessage carries. */
export function passwordOf(body: Buffer): string {
    return body.toString("utf8").replace(/\0$/, "");
}

/** The authentication request code of an "R" message (0 ok, 3 cleartext, 5 MD5, 10 SASL). */
export function authenticationCode(body: Buffer): number {
    return body.length >= 4 ? body.readInt32BE(0) : -1;
}

export function errorResponse(code: string, text: string): Buffer {
    const field = (t: string, v: string) => Buffer.from(`${t}${v}\0`, "utf8");
    return message(
        "E",
        Buffer.concat([
            field("S", "FATAL"),
            field("V", "FATAL"),
            field("C", code),
            field("M", text),
            Buffer.from([0]),
        ]),
    );
}

/** An ErrorResponse's fields by their one-letter codes (M: message, C: SQLSTATE). */
export function errorFields(body: Buffer): Record<string, string> {
    const out: Record<string, string> = {};
    for (const part of body.toString("utf8").split("\0")) if (part.length > 1) out[part[0]] = part.slice(1);
    return out;
}
