/**
 * `npm run bench -- --wan`: user provisioning over a real round trip (#25). The kernel here has no
 * netem qdisc, so a userspace relay (local/network/relay.ts) holds each direction back by half the
 * round trip, in byte order, in front of each throwaway server; a bare ping-pong through it checks
 * the delay first. It also counts round trips on the wire (client flights after the server spoke).
 *
 * Measured on the same work in the same run: the provider's create, update (a privilege change),
 * read (refresh) and delete, at 1 and 10 operations in flight, against the floor — the same SQL per
 * user sent as one transaction in one round trip over one warm TLS connection. TCP's own handshake
 * happens at the relay without delay, so every new connection is one round trip cheaper here than on
 * a real network: the provider's numbers are, if anything, flattering.
 */
import * as net from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { closeIdleSessions } from "../components/provider/connection";
import { databaseUserProvider as provider } from "../components/provider/provider";
import * as my from "../components/provider/mysql/sql";
import * as pg from "../components/provider/postgres/sql";
import { Relay, startRelay } from "../local/network/relay";
import { ServerName, ThrowawayServer, getServer } from "../local/servers";
import { userInputs } from "../local/servers/userInputs";
import { inBatches, round, timed } from "./timing";

export const OPERATIONS = ["create", "update", "read", "delete"] as const;
export type Op = (typeof OPERATIONS)[number];

/** Median of `n` one-byte ping-pongs through a relay with the given one-way delay. */
async function bareRoundTripMs(delayMs: number, n = 10): Promise<number> {
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
    const relay = await startRelay({
        host: "127.0.0.1",
        port: 0,
        targetHost: "127.0.0.1",
        targetPort: (echo.address() as net.AddressInfo).port,
        delayMs,
    });
    const socket = net.connect(relay.port, relay.host);
    socket.setNoDelay(true);
    await new Promise((r) => socket.once("connect", r));
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
        const t = process.hrtime.bigint();
        socket.write("x");
        await new Promise((r) => socket.once("data", r));
        times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    socket.destroy();
    await relay.close();
    await new Promise((r) => echo.close(r));
    return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}

function statements(server: ThrowawayServer, op: Op, name: string): string[] {
    const postgres = server.engine === "postgres";
    const major = Number(server.version);
    switch (op) {
        case "create":
            return postgres
                ? pg.createUserStatements(major, name, server.database, ["SELECT"])
                : my.createUserStatements(name, server.database, ["SELECT"]);
        case "update":
            return postgres
                ? pg.changePrivilegesStatements(name, server.database, ["SELECT"], ["SELECT", "INSERT"], {
                      master: server.master.username,
                  })
                : my.changePrivilegesStatements(name, server.database, ["SELECT"], ["SELECT", "INSERT"]);
        case "read":
            return postgres
                ? [`SELECT oid FROM pg_roles WHERE rolname = '${name}'`]
                : [`SELECT User FROM mysql.user WHERE User = '${name}'`];
        case "delete":
            return postgres
                ? pg.dropUserStatements(major, name, server.master.username, "fail")
                : my.dropUserStatements(name);
    }
}

/** The floor: per user, its statements as one transaction in one round trip, over one warm TLS connection. */
async function floorRun(server: ThrowawayServer, relay: Relay, names: string[], op: Op): Promise<number> {
    const tls = { ca: server.caCertificate, rejectUnauthorized: true };
    if (server.engine === "postgres") {
        const driver = require("pg") as typeof import("pg");
        const client = new driver.Client({
            host: relay.host,
            port: relay.port,
            user: server.master.username,
            password: server.master.password,
            database: server.database,
            ssl: { ...tls, servername: server.endpoint },
        });
        await client.connect();
        const { ms } = await timed(async () => {
            for (const name of names)
                await client.query(["BEGIN", ...statements(server, op, name), "COMMIT"].join(";\n"));
        });
        await client.end();
        return ms;
    }
    const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
    const connection = await mysql.createConnection({
        host: server.endpoint,
        port: relay.port,
        stream: () => net.connect(relay.port, relay.host),
        user: server.master.username,
        password: server.master.password,
        ssl: tls,
        multipleStatements: true,
    });
    const { ms } = await timed(async () => {
        for (const name of names) await connection.query(statements(server, op, name).join(";\n"));
    });
    await connection.end();
    return ms;
}

/** How many of a run's steps failed, and the first failure's message. */
export interface StepFailures {
    errors: number;
    firstError?: string;
}

/**
 * One user's step of `op` through the provider, as the engine would call it: create with SELECT,
 * then (on the create's outputs, kept in `outs`) a change to SELECT and INSERT, a read or a delete.
 * A failure is counted, not thrown, so a run measures every step.
 */
export async function providerStep(
    op: Op,
    name: string,
    inputs: (privileges: string[]) => Promise<Record<string, any>>,
    outs: Map<string, pulumi.dynamic.CreateResult>,
    failures: StepFailures,
): Promise<void> {
    try {
        const checked = async (privileges: string[]) =>
            (await provider.check!({}, await inputs(privileges))).inputs;
        const select = await checked(["SELECT"]);
        const both = await checked(["SELECT", "INSERT"]);
        if (op === "create") outs.set(name, await provider.create(select));
        const out = outs.get(name)!;
        if (op === "update") await provider.update!(out.id, out.outs, both);
        if (op === "read") await provider.read!(out.id, { ...out.outs, ...both });
        if (op === "delete") await provider.delete!(out.id, { ...out.outs, ...both });
    } catch (e) {
        failures.errors++;
        failures.firstError ??= (e as Error).message;
    }
}

interface ProviderRun {
    readonly ms: number;
    readonly roundTripsPerOp: number;
    readonly connectionsPerOp: number;
    readonly errors: number;
    readonly firstError?: string;
}

async function providerRuns(
    server: ThrowawayServer,
    relay: Relay,
    names: string[],
    parallel: number,
): Promise<Record<Op, ProviderRun>> {
    const inputs = (name: string, privileges: string[]) =>
        userInputs(server, name, { privileges, connectHost: relay.host, connectPort: relay.port });
    const outs = new Map<string, pulumi.dynamic.CreateResult>();
    const results = {} as Record<Op, ProviderRun>;
    for (const op of OPERATIONS) {
        const trips = relay.roundTrips();
        const connections = relay.connections();
        const failures: StepFailures = { errors: 0 };
        const { ms } = await timed(() =>
            inBatches(names, parallel, (name) =>
                providerStep(op, name, async (privileges) => inputs(name, privileges), outs, failures),
            ),
        );
        const { errors, firstError } = failures;
        results[op] = {
            ms: round(ms),
            roundTripsPerOp: round((relay.roundTrips() - trips) / names.length),
            connectionsPerOp: round((relay.connections() - connections) / names.length),
            errors,
            ...(firstError === undefined ? {} : { firstError }),
        };
    }
    return results;
}

export interface WanCase {
    readonly engine: string;
    readonly rttMs: number;
    readonly users: number;
    readonly parallel: number;
    readonly provider: Record<Op, ProviderRun>;
    readonly floorMs: Record<Op, number>;
    readonly ratio: Record<Op, number>;
}

export interface WanResults {
    readonly bareRoundTripMs: Record<string, number>;
    readonly cases: WanCase[];
}

/**
 * The cases run: 200 users at 1 in flight would take minutes at 50 ms today, so that one is left out.
 * The 0 ms cases are loopback through the same relay with no delay: the same measurement beside the
 * WAN rows (the README's table shows both).
 */
const CASES: { rttMs: number; users: number; parallel: number }[] = [
    { rttMs: 0, users: 50, parallel: 1 },
    { rttMs: 0, users: 200, parallel: 10 },
    { rttMs: 50, users: 50, parallel: 1 },
    { rttMs: 50, users: 50, parallel: 10 },
    { rttMs: 50, users: 200, parallel: 10 },
    { rttMs: 5, users: 200, parallel: 10 },
];

export async function benchWan(log: (line: string) => void = console.log): Promise<WanResults> {
    const bare: Record<string, number> = {};
    for (const rtt of [...new Set(CASES.map((c) => c.rttMs))]) {
        bare[`${rtt}ms`] = round(await bareRoundTripMs(rtt / 2));
        log(`  relay: asked ${rtt} ms round trip, measured ${bare[`${rtt}ms`]} ms`);
    }
    const cases: WanCase[] = [];
    for (const name of ["postgres17", "mariadb"] as ServerName[]) {
        const server = await getServer(name);
        for (const c of CASES) {
            const relay = await startRelay({
                host: "127.0.0.1",
                port: 0,
                targetHost: server.host,
                targetPort: server.port,
                delayMs: c.rttMs / 2,
            });
            try {
                const names = Array.from({ length: c.users }, (_, i) => `wan_${c.rttMs}_${c.parallel}_${i}`);
                const provider = await providerRuns(server, relay, names, c.parallel);
                closeIdleSessions();
                const floorNames = names.map((n) => `${n}_f`);
                const floorMs = {} as Record<Op, number>;
                for (const op of OPERATIONS)
                    floorMs[op] = round(await floorRun(server, relay, floorNames, op));
                const ratio = {} as Record<Op, number>;
                for (const op of OPERATIONS) ratio[op] = round(provider[op].ms / floorMs[op]);
                cases.push({ engine: name, ...c, provider, floorMs, ratio });
                log(
                    `  ${name} ${c.rttMs} ms RTT, ${c.users} users, ${c.parallel} in flight: ` +
                        OPERATIONS.map(
                            (op) =>
                                `${op} ${provider[op].ms} ms (${provider[op].roundTripsPerOp} RT/op, floor ${floorMs[op]} ms, ${ratio[op]}×)`,
                        ).join("; "),
                );
            } finally {
                closeIdleSessions();
                await relay.close();
            }
        }
    }
    return { bareRoundTripMs: bare, cases };
}
