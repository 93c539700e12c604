/**
 * A TCP relay: what listens at a database's endpoint (its own loopback address, the engine's real
 * port) and forwards every connection, byte for byte, to the throwaway server behind it — the way an
 * RDS endpoint answers on 5432/3306 while the servers here listen on free ports. With `delayMs` each
 * direction is held back by that long (half a round trip), keeping byte order: the kernel here has no
 * netem qdisc, so latency is injected in user space.
 */
import * as net from "node:net";

export interface RelayOptions {
    /** Where to listen. */
    readonly host: string;
    readonly port: number;
    /** Where to forward. */
    readonly targetHost: string;
    readonly targetPort: number;
    /** One-way delay in milliseconds (half the round trip). @default 0 */
    readonly delayMs?: number;
}

export interface Relay {
    readonly host: string;
    readonly port: number;
    /** Connections accepted so far. */
    connections(): number;
    /**
     * Round trips the clients waited for so far, counted on the wire: a client's bytes that follow
     * bytes from the server (or open the connection) start a new round trip; bytes a client sends
     * before the server answered ride in the same one (pipelining).
     */
    roundTrips(): number;
    close(): Promise<void>;
}

/** Writes chunks to `to` after `delayMs`, in order (a FIFO of timers preserves order for equal delays). */
function pipeDelayed(from: net.Socket, to: net.Socket, delayMs: number, onData?: () => void): void {
    if (onData !== undefined) from.on("data", onData);
    if (delayMs <= 0) {
        from.pipe(to);
        return;
    }
    from.on("data", (chunk) => {
        setTimeout(() => {
            if (!to.destroyed) to.write(chunk);
        }, delayMs);
    });
    from.on("end", () => setTimeout(() => to.end(), delayMs));
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
    const sockets = new Set<net.Socket>();
    let accepted = 0;
    let trips = 0;
    const server = net.createServer((client) => {
        accepted++;
        let serverSpoke = true; // the connection's first bytes start a round trip
        const fromClient = () => {
            if (serverSpoke) trips++;
            serverSpoke = false;
        };
        const fromServer = () => (serverSpoke = true);
        const upstream = net.connect(options.targetPort, options.targetHost);
        for (const s of [client, upstream]) {
            s.setNoDelay(true);
            sockets.add(s);
            s.on("close", () => sockets.delete(s));
            s.on("error", () => {
                client.destroy();
                upstream.destroy();
            });
        }
        // Node truncates a timer's delay to whole milliseconds: split an odd round trip between the
        // directions so that both together add up to it (2.5 + 2.5 → 3 + 2).
        const delay = options.delayMs ?? 0;
        pipeDelayed(client, upstream, Math.ceil(delay), fromClient);
        pipeDelayed(upstream, client, Math.floor(delay), fromServer);
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", (e: NodeJS.ErrnoException) =>
            reject(
                new Error(
                    e.code === "EADDRINUSE"
                        ? `cannot listen on ${options.host}:${options.port} for a database endpoint: something on this machine already listens on port ${options.port} of every address (a database service?). Stop it, or run the tests where that port is free.`
                        : `cannot listen on ${options.host}:${options.port}: ${e.message}`,
                ),
            ),
        );
        server.listen(options.port, options.host, () => resolve());
    });
    return {
        host: options.host,
        port: (server.address() as net.AddressInfo).port,
        connections: () => accepted,
        roundTrips: () => trips,
        close: () =>
            new Promise((resolve) => {
                for (const s of sockets) s.destroy();
                server.close(() => resolve());
            }),
    };
}
