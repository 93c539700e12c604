/** Timing helpers for the benchmark: wall time and heap of a function, best of a few runs. */

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
    const start = process.hrtime.bigint();
    const result = await work();
    return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

/** Best (lowest) time of `runs` runs: the least disturbed by a noisy machine. */
export async function bestOf(runs: number, work: () => Promise<unknown>): Promise<number> {
    let best = Infinity;
    for (let i = 0; i < runs; i++) best = Math.min(best, (await timed(work)).ms);
    return best;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs `work` over `items` with at most `inFlight` at a time (as Pulumi's parallelism does). */
export async function inBatches<T>(
    items: T[],
    inFlight: number,
    work: (item: T) => Promise<void>,
): Promise<void> {
    let next = 0;
    await Promise.all(
        Array.from({ length: inFlight }, async () => {
            while (next < items.length) await work(items[next++]);
        }),
    );
}
