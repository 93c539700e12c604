/** Bounded retry with exponential backoff, for conditions the server clears by itself. */

export interface RetryPolicy {
    /** Total attempts, the first included. */
    readonly attempts: number;
    /** Wait before the second attempt; doubles each time up to maxDelayMs. */
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
}

/**
 * Attempts the SQL runner makes itself (components/runner/handler.ts sets 1: the deployer retries
 * across invocations, so no invocation sleeps towards the function's time limit). One invocation
 * runs at a time in a Lambda process; in any other process this stays unset.
 */
let pluginAttemptsHere: number | undefined;

/** Runs `work` with the 1524 retry limited to `attempts` in this process. */
export async function withPluginAttempts<T>(attempts: number, work: () => Promise<T>): Promise<T> {
    const saved = pluginAttemptsHere;
    pluginAttemptsHere = attempts;
    try {
        return await work();
    } finally {
        pluginAttemptsHere = saved;
    }
}

/**
 * MySQL error 1524 (plugin not loaded): IAM auth was just enabled and the instance has not applied
 * it yet. 10 attempts with waits of 2, 4, 8, 16 and then 30 s (each ±25 %): about three minutes of
 * waiting. Overridable for tests with RDS_IAM_PLUGIN_RETRY_ATTEMPTS and RDS_IAM_PLUGIN_RETRY_DELAY_MS.
 * Through the SQL runner the deployer applies it, one invocation per attempt (runner/invoke.ts).
 */
export function pluginNotLoadedPolicy(): RetryPolicy {
    const attempts = Number(process.env.RDS_IAM_PLUGIN_RETRY_ATTEMPTS ?? 10);
    return {
        attempts: pluginAttemptsHere ?? (attempts > 0 ? attempts : 10),
        initialDelayMs: Number(process.env.RDS_IAM_PLUGIN_RETRY_DELAY_MS ?? 2_000),
        maxDelayMs: 30_000,
    };
}

/** The waits of a policy without jitter, in milliseconds (attempts - 1 of them). */
export function nominalWaitMs(policy: RetryPolicy): number {
    let total = 0;
    let delay = policy.initialDelayMs;
    for (let attempt = 1; attempt < policy.attempts; attempt++) {
        total += delay;
        delay = Math.min(delay * 2, policy.maxDelayMs);
    }
    return total;
}

/** PostgreSQL concurrent role changes (see isConcurrentUpdate): short retries. */
export const CONCURRENT_UPDATE_POLICY: RetryPolicy = { attempts: 8, initialDelayMs: 50, maxDelayMs: 1_000 };

/**
 * Retries `work` while `retryable` says so, up to the policy's attempts; then throws `giveUp(last
 * error)`, which keeps the last error as its `cause` (so a caller can still tell what it was).
 */
export async function withRetry<T>(
    policy: RetryPolicy,
    retryable: (error: unknown) => boolean,
    work: () => Promise<T>,
    giveUp: (error: unknown) => Error = (e) => e as Error,
): Promise<T> {
    let delay = policy.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
        try {
            return await work();
        } catch (e) {
            if (!retryable(e)) {
                throw e;
            }
            if (attempt >= policy.attempts) {
                const error = giveUp(e);
                if (error !== e && error instanceof Error && error.cause === undefined) error.cause = e;
                throw error;
            }
            await new Promise((r) => setTimeout(r, delay * (0.75 + Math.random() / 2)));
            delay = Math.min(delay * 2, policy.maxDelayMs);
        }
    }
}

export function isPluginNotLoaded(error: unknown): boolean {
    return (error as { errno?: number } | undefined)?.errno === 1524;
}

/**
 * PostgreSQL role and ACL changes in parallel: "tuple concurrently updated", or a deadlock (40P01)
 * when two drops rewrite the same shared ACL rows (a table's grants, the master's default
 * privileges) in different orders. PostgreSQL rolls one back; the retry converges.
 */
export function isConcurrentUpdate(error: unknown): boolean {
    return (
        (error as { code?: string })?.code === "40P01" ||
        /tuple concurrently (updated|deleted)/.test((error as Error)?.message ?? "")
    );
}
