/**
 * Reads exact byte counts from a socket that speaks a length-prefixed protocol (PostgreSQL messages,
 * MySQL packets), keeping what arrived past them, so a proxy can read a handshake and then hand
 * the socket, with those extra bytes, to a plain pipe.
 */
import type * as net from "node:net";
import type { Duplex } from "node:stream";

export class ByteReader {
    private buffer = Buffer.alloc(0);
    private waiting: (() => void) | undefined;
    private ended = false;

    constructor(private readonly socket: net.Socket) {
        socket.on("data", this.onData);
        socket.on("end", this.onEnd);
        socket.on("close", this.onEnd);
    }

    private onData = (chunk: Buffer) => {
        this.buffer = Buffer.concat([this.buffer, chunk]);
        this.waiting?.();
    };

    private onEnd = () => {
        this.ended = true;
        this.waiting?.();
    };

    /** Exactly `n` bytes; rejects when the peer closes first. */
    async bytes(n: number): Promise<Buffer> {
        while (this.buffer.length < n) {
            if (this.ended) throw new Error("the peer closed the connection during the handshake");
            await new Promise<void>((resolve) => (this.waiting = resolve));
            this.waiting = undefined;
        }
        const out = this.buffer.subarray(0, n);
        this.buffer = this.buffer.subarray(n);
        return out;
    }

    /** Stops reading and pauses the socket; returns what was read past the last whole unit. */
    detach(): Buffer {
        this.socket.off("data", this.onData);
        this.socket.off("end", this.onEnd);
        this.socket.off("close", this.onEnd);
        this.socket.pause(); // nothing is lost until the next reader (or pipe) resumes it
        return this.buffer;
    }
}

/**
 * The socket as a stream that first yields `prefix` (bytes a reader already took), for a TLS
 * server that must see them: a MySQL client starts its TLS handshake right after its SSLRequest,
 * without waiting for an answer, so its ClientHello may already sit in the reader's buffer.
 */
export function withPrefix(socket: net.Socket, prefix: Buffer): Duplex {
    const { Duplex } = require("node:stream") as typeof import("node:stream");
    const joined = new Duplex({
        read() {
            socket.resume();
        },
        write(chunk: Buffer, _encoding, callback) {
            socket.write(chunk, callback);
        },
        final(callback) {
            socket.end(callback);
        },
        destroy(error, callback) {
            socket.destroy(error ?? undefined);
            callback(error);
        },
    });
    if (prefix.length > 0) joined.push(prefix);
    socket.on("data", (chunk: Buffer) => {
        if (!joined.push(chunk)) socket.pause();
    });
    socket.on("end", () => joined.push(null));
    socket.on("close", () => joined.destroy());
    socket.on("error", (e) => joined.destroy(e));
    return joined;
}
