/**
 * Provider vs floor: creating and deleting N IAM users through databaseUserProvider, against a
 * minimal script that opens one TLS connection per user and sends the same statements.
 */
import * as pulumi from "@pulumi/pulumi";
import { databaseUserProvider as provider } from "../components/provider/provider";
import * as my from "../components/provider/mysql/sql";
import * as pg from "../components/provider/postgres/sql";
import { TestServers, ThrowawayServer } from "../local/servers";
import { userInputs } from "../local/servers/userInputs";
import { inBatches, round, timed } from "./timing";

async function floorSession(server: ThrowawayServer, statements: string[]): Promise<void> {
    const tls = { ca: server.caCertificate, rejectUnauthorized: true };
    if (server.engine === "postgres") {
        const pgDriver = require("pg") as typeof import("pg");
        const client = new pgDriver.Client({
            host: server.host,
            port: server.port,
            user: server.master.username,
            password: server.master.password,
            database: server.database,
            ssl: { ...tls, servername: server.endpoint },
        });
        await client.connect();
        for (const sql of ["BEGIN", ...statements, "COMMIT"]) await client.query(sql);
        await client.end();
    } else {
        const mysql = require("mysql2/promise") as typeof import("mysql2/promise");
        const connection = await mysql.createConnection({
            host: server.host,
            port: server.port,
            user: server.master.username,
            password: server.master.password,
            database: server.database,
            ssl: tls,
        });
        for (const sql of statements) await connection.query(sql);
        await connection.end();
    }
}

function createStatements(server: ThrowawayServer, name: string): string[] {
    return server.engine === "postgres"
        ? pg.createUserStatements(Number(server.version), name, server.database, ["SELECT"])
        : my.createUserStatements(name, server.database, ["SELECT"]);
}

function dropStatements(server: ThrowawayServer, name: string): string[] {
    return server.engine === "postgres"
        ? pg.dropUserStatements(Number(server.version), name, server.master.username, "fail")
        : my.dropUserStatements(name);
}

async function providerRun(server: ThrowawayServer, names: string[], inFlight: number): Promise<void> {
    const outs: pulumi.dynamic.CreateResult[] = [];
    await inBatches(names, inFlight, async (name) => {
        const checked = await provider.check!({}, userInputs(server, name, { privileges: ["SELECT"] }));
        outs.push(await provider.create(checked.inputs));
    });
    await inBatches(outs, inFlight, (o) => provider.delete!(o.id, o.outs));
}

async function floorRun(server: ThrowawayServer, names: string[]): Promise<void> {
    for (const name of names) await floorSession(server, createStatements(server, name));
    for (const name of names) await floorSession(server, dropStatements(server, name));
}

export interface ProviderResults {
    [engine: string]: {
        [n: string]:
            | { providerMs: number; floorMs: number; ratio: number }
            | { inFlight10Ms: number; inFlight50Ms: number; errors: number; firstError?: string };
    };
}

export async function benchProvider(servers: TestServers): Promise<ProviderResults> {
    const results: ProviderResults = {};
    for (const server of [servers.postgres, servers.mariadb]) {
        results[server.engine] = {};
        for (const n of [50, 200]) {
            const names = Array.from({ length: n }, (_, i) => `bench_${n}_${i}`);
            // Interleave floor and provider so both see the same machine.
            const floorMs = (await timed(() => floorRun(server, names))).ms;
            const providerMs = (await timed(() => providerRun(server, names, 1))).ms;
            results[server.engine][`n${n}`] = {
                providerMs: round(providerMs),
                floorMs: round(floorMs),
                ratio: round(providerMs / floorMs),
            };
        }
        const names = Array.from({ length: 200 }, (_, i) => `bench_par_${i}`);
        let errors = 0;
        let firstError: string | undefined;
        const run = (inFlight: number) =>
            timed(() =>
                providerRun(server, names, inFlight).catch((e: Error) => {
                    errors++;
                    firstError ??= e.message;
                }),
            );
        const ten = await run(10);
        const fifty = await run(50);
        results[server.engine].parallel200 = {
            inFlight10Ms: round(ten.ms),
            inFlight50Ms: round(fifty.ms),
            errors,
            ...(firstError === undefined ? {} : { firstError }),
        };
    }
    return results;
}
