/**
 * Master sessions kept open between operations of one process (the provider's dynamic-provider host,
 * or a warm SQL runner), so an operation after the first pays no TCP, TLS and login round trips: on a
 * 50 ms link those are 4-6 round trips, more than the operation itself.
 *
 * A session is reused only for exactly the same target: engine family, RDS host and port, tunnel,
 * database, user, password and trusted CA (the key is a SHA-256 of them, so a rotated password or
 * another CA gets new connections, verified again). It is taken by one operation at a time, handed
 * back only when that operation succeeded (no transaction can be left open: every change commits or
 * rolls back before it returns), closed on any failure, when the server drops it, and after
 * RDS_IAM_POOL_IDLE_MS (default 5 s) unused. Idle sockets are unreferenced, so a kept session never
 * holds a process open. RDS_IAM_POOL_IDLE_MS=0 turns reuse off.
 */
import * as crypto from "node:crypto";
import type { ConnectionTarget } from "./connection";

/** The key of a target: a hash, so no password is kept as a map key. */
export function poolKey(target: ConnectionTarget): string {
    return crypto
        .createHash("sha256")
        .update(
            JSON.stringify([
                target.family,
                target.host,
                target.port,
                target.connectHost ?? null,
                target.connectPort ?? null,
                target.caCertificate ?? null,
                target.region ?? null,
                target.database ?? null,
                target.user,
                target.password,
                target.masterIamLogin === true,
            ]),
        )
        .digest("hex");
}

export function poolIdleMs(env: NodeJS.ProcessEnv = process.env): number {
    const value = Number(env.RDS_IAM_POOL_IDLE_MS);
    return Number.isInteger(value) && value >= 0 ? value : 5_000;
}

/** What the pool needs of a driver's connection. */
export interface PoolHandle {
    /** Whether the server or the network has ended it. */
    broken(): boolean;
    /** Keeps (true) or stops keeping (false) the process alive for its socket. */
    hold(held: boolean): void;
    close(): void;
}

/** At most this many idle sessions per target (Pulumi's default parallelism). */
const MAX_IDLE_PER_KEY = 10;

export interface SessionPool<H extends PoolHandle> {
    /** An idle session for the key, still alive, or undefined. */
    take(key: string): H | undefined;
    /** Hands a session back after a successful operation; closes it when reuse is off or the pool is full. */
    give(key: string, handle: H): void;
    /** Idle sessions (for tests and the bench). */
    size(): number;
    /** Closes every idle session. */
    closeAll(): void;
}

/**
 * A pool of plain closures, no class: the provider's functions are serialized into the Pulumi
 * state with what they capture, and closures survive that where class fields do not.
 */
export function createSessionPool<H extends PoolHandle>(): SessionPool<H> {
    const idle = new Map<string, { handle: H; timer: NodeJS.Timeout }[]>();
    const expire = (key: string, handle: H) => {
        const list = idle.get(key) ?? [];
        const at = list.findIndex((e) => e.handle === handle);
        if (at >= 0) list.splice(at, 1);
        if (list.length === 0) idle.delete(key);
        handle.close();
    };
    return {
        take(key) {
            const list = idle.get(key);
            while (list !== undefined && list.length > 0) {
                const { handle, timer } = list.pop()!;
                clearTimeout(timer);
                if (!handle.broken()) {
                    handle.hold(true);
                    return handle;
                }
                handle.close();
            }
            return undefined;
        },
        give(key, handle) {
            const idleMs = poolIdleMs();
            const list = idle.get(key) ?? [];
            if (idleMs === 0 || handle.broken() || list.length >= MAX_IDLE_PER_KEY) {
                handle.close();
                return;
            }
            const timer = setTimeout(() => expire(key, handle), idleMs);
            timer.unref();
            handle.hold(false);
            list.push({ handle, timer });
            idle.set(key, list);
        },
        size: () => [...idle.values()].reduce((n, l) => n + l.length, 0),
        closeAll() {
            for (const list of idle.values())
                for (const { handle, timer } of list) {
                    clearTimeout(timer);
                    handle.close();
                }
            idle.clear();
        },
    };
}

/**
 * A reused session the server ended while it sat idle fails at its first statement; nothing ran,
 * so the operation may start again on a new connection. (57P01: terminated by an administrator,
 * e.g. DROP DATABASE … WITH (FORCE); the rest: the socket was gone.)
 */
export function isLostSession(error: unknown): boolean {
    const e = error as { code?: string; message?: string };
    return (
        e.code === "57P01" ||
        e.code === "ECONNRESET" ||
        e.code === "EPIPE" ||
        e.code === "PROTOCOL_CONNECTION_LOST" ||
        /Connection terminated|connection is closed|Can't add new command when connection is in closed state|This socket has been ended/i.test(
            e.message ?? "",
        )
    );
}
