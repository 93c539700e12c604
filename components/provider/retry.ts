/** Bounded retry with exponential backoff, for conditions the server clears by itself. */

export interface RetryPolicy {
    /** Total attempts, the first included. */
    readonly attempts: number;
    /** Wait before the second attempt; doubles each time up to maxDelayMs. */
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
}

/**
 * MySQL error 1524 (plugin not loaded): IAM auth was just enabled and the instance has not applied
 * it yet. About four minutes in total, overridable for tests with RDS_IAM_PLUGIN_RETRY_ATTEMPTS.
 */
export function pluginNotLoadedPolicy(): RetryPolicy {
    const attempts = Number(process.env.RDS_IAM_PLUGIN_RETRY_ATTEMPTS ?? 10);
    return {
        attempts: attempts > 0 ? attempts : 10,
        initialDelayMs: Number(process.env.RDS_IAM_PLUGIN_RETRY_DELAY_MS ?? 2_000),
        maxDelayMs: 30_000,
    };
}

/** PostgreSQL concurrent role changes (see isConcurrentUpdate): short retries. */
export const CONCURRENT_UPDATE_POLICY: RetryPolicy = { attempts: 8, initialDelayMs: 50, maxDelayMs: 1_000 };

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
                throw giveUp(e);
            }
            await new Promise((r) => setTimeout(r, delay * (0.75 + Math.random() / 2)));
            delay = Math.min(delay * 2, policy.maxDelayMs);
        }
    }
}

export function isPluginNotLoaded(error: unknown): boolean {
    return (error as { errno?: number }).errno === 1524;
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
