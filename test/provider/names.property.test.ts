import * as assert from "node:assert/strict";
import fc from "fast-check";
import { databaseUserProvider as provider } from "../../components/provider/provider";
import { ThrowawayServer } from "../../local/servers";
import { userInputs } from "../../local/servers/userInputs";
import { serverOrSkip } from "../support/matrix";

/**
 * 1,000 user names per engine, drawn with a fixed seed: plain identifiers of every case and length,
 * reserved names, and arbitrary Unicode. Every name check() accepts round-trips exactly (created,
 * read back, deleted, nothing left); every name it rejects sends no statement to the server.
 */
const SEED = 20261123;
const NAMES_PER_ENGINE = 1000;
const IN_FLIGHT = 8;

const identifier = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,70}$/);
const reserved = fc.constantFrom(
    "root",
    "rdsadmin",
    "rds_iam",
    "RDS_superuser",
    "postgres",
    "mysql_x",
    "pg_x",
    "master_admin",
);
const anything = fc.string({ unit: "grapheme", minLength: 0, maxLength: 40 });
const names = fc.oneof(
    { weight: 5, arbitrary: identifier },
    { weight: 1, arbitrary: reserved },
    { weight: 2, arbitrary: anything },
);

/** Runs `work` over the items, IN_FLIGHT at a time; after a failure no new item starts (nothing leaks into later tests). */
async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    let failed = false;
    await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
            while (!failed && next < items.length) {
                await work(items[next++]).catch((e) => {
                    failed = true;
                    throw e;
                });
            }
        }),
    );
}

for (const name of ["postgres15", "mariadb", "mysql80"] as const) {
    describe(`random user names on ${name} (seeded property test)`, function () {
        this.timeout(180_000);
        let server: ThrowawayServer;
        const sample = [...new Set(fc.sample(names, { seed: SEED, numRuns: NAMES_PER_ENGINE * 2 }))].slice(
            0,
            NAMES_PER_ENGINE,
        );
        const accepted: string[] = [];
        const rejected: string[] = [];

        before(async function () {
            server = await serverOrSkip(this, name);
            for (const candidate of sample) {
                const checked = await provider.check!(
                    {},
                    userInputs(server, candidate, { privileges: ["SELECT"] }),
                );
                (checked.failures === undefined ? accepted : rejected).push(candidate);
            }
        });

        it(`draws ${NAMES_PER_ENGINE} distinct names, some accepted and some rejected`, () => {
            assert.equal(sample.length, NAMES_PER_ENGINE);
            assert.ok(
                accepted.length > 300 && rejected.length > 100,
                `${accepted.length} accepted, ${rejected.length} rejected`,
            );
        });

        it("sends no statement for any rejected name, even when create is attempted", async () => {
            const mark = await server.logMark();
            for (const candidate of rejected) {
                const checked = await provider.check!({}, userInputs(server, candidate));
                assert.notEqual(checked.failures, undefined, candidate);
            }
            assert.deepEqual(await server.statementsSince(mark), []);
        });

        it("creates, reads back exactly and deletes every accepted name", async () => {
            await inBatches(accepted, async (candidate) => {
                const checked = await provider.check!(
                    {},
                    userInputs(server, candidate, { privileges: ["SELECT"] }),
                );
                const created = await provider.create(checked.inputs);
                const read = await provider.read!(created.id, created.outs);
                assert.deepEqual(
                    [read.props!.username, read.props!.privileges, read.props!.iamAuthentication],
                    [candidate, ["SELECT"], true],
                    candidate,
                );
                await provider.delete!(created.id, created.outs);
            });
            const left =
                server.engine === "postgres"
                    ? await server.inspect("SELECT rolname FROM pg_roles WHERE rolname = ANY($1)", [accepted])
                    : await server.inspect("SELECT User FROM mysql.user WHERE User IN (?)", [accepted]);
            assert.deepEqual(left, []);
        });
    });
}
