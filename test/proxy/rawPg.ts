/**
 * A bare PostgreSQL client for start-ups that pg never sends (no user, an old protocol version):
 * SSLRequest, TLS verifying the proxy's name, one start-up packet, then the first answer.
 */
import * as net from "node:net";
import * as tls from "node:tls";

export function startupPacket(version: number, parameters: Record<string, string>): Buffer {
    const body = Buffer.from(
        Object.entries(parameters)
            .map(([k, v]) => `${k}\0${v}\0`)
            .join("") + "\0",
        "utf8",
    );
    const head = Buffer.alloc(8);
    head.writeInt32BE(body.length + 8, 0);
    head.writeInt32BE(version, 4);
    return Buffer.concat([head, body]);
}

/** The answer to `startup` over TLS: the ErrorResponse's S/C/M fields, or the first message's type. */
export async function firstAnswer(
    port: number,
    servername: string,
    ca: string,
    startup: Buffer,
): Promise<Record<string, string>> {
    const raw = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => raw.once("connect", resolve).once("error", reject));
    const request = Buffer.alloc(8);
    request.writeInt32BE(8, 0);
    request.writeInt32BE(80877103, 4);
    raw.write(request);
    const answer = await new Promise<Buffer>((resolve) => raw.once("data", resolve));
    if (answer.toString("latin1") !== "S") throw new Error(`no TLS: ${answer.toString("latin1")}`);
    const secure = tls.connect({ socket: raw, servername, ca });
    await new Promise<void>((resolve, reject) => secure.once("secureConnect", resolve).once("error", reject));
    secure.write(startup);
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve) => {
        secure.on("data", (c: Buffer) => chunks.push(c));
        secure.on("end", resolve).on("close", resolve).on("error", resolve);
    });
    const reply = Buffer.concat(chunks);
    if (reply.length === 0 || reply[0] !== "E".charCodeAt(0))
        return { type: reply.subarray(0, 1).toString("latin1") };
    const fields: Record<string, string> = {};
    for (const part of reply
        .subarray(5, reply.readInt32BE(1) + 1)
        .toString("utf8")
        .split("\0"))
        if (part.length > 1 && "SCM".includes(part[0])) fields[part[0]] = part.slice(1);
    return fields;
}
