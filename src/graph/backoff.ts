// Retry timing for Graph calls: exponential backoff with full jitter (spreads the retries of many
// workers hitting the same Page after one outage), combined with the wait Meta itself announces.

/** Options for {@link backoffDelay}. */
export interface BackoffOptions {
  /** Ceiling of the first retry's wait, in ms. Default 500. */
  readonly baseMs?: number;
  /** Largest wait ever returned, in ms. Default 60 000. */
  readonly maxMs?: number;
  /** `full`: uniform in [0, ceiling); `none`: the ceiling itself (deterministic). Default `full`. */
  readonly jitter?: 'full' | 'none';
  /** Random source in [0, 1). Default Math.random. */
  readonly random?: () => number;
}

/**
 * Wait before retry number `attempt` (1 = first retry): the ceiling doubles each attempt from
 * `baseMs` up to `maxMs`, and full jitter picks uniformly below it ("Exponential Backoff And
 * Jitter", AWS Architecture Blog).
 *
 * @example backoffDelay(3, { baseMs: 500, jitter: 'none' }) // 2000
 */
export function backoffDelay(
  attempt: number,
  { baseMs = 500, maxMs = 60_000, jitter = 'full', random = Math.random }: BackoffOptions = {},
): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2 ** 1023 is finite but 2 ** 1024 is not; clamp the exponent so huge attempts stay at maxMs.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(n - 1, 1000));
  switch (jitter) {
    case 'full':
      return Math.floor(random() * ceiling);
    case 'none':
      return ceiling;
    default: {
      const never: never = jitter;
      throw new Error(`unknown jitter ${String(never)}`);
    }
  }
}

/**
 * Wait before retrying after a failure: the backoff for this attempt or the failure's own
 * `retryAfterMs` (from `X-Business-Use-Case-Usage`, `Retry-After` or the taxonomy), whichever is
 * larger. Meta's announced wait is never shortened by jitter; it may exceed `maxMs`.
 *
 * @example retryDelay(1, { retryAfterMs: 120_000 }) // 120000
 */
export function retryDelay(
  attempt: number,
  failure: { readonly retryAfterMs?: number | undefined },
  options: BackoffOptions = {},
): number {
  return Math.max(backoffDelay(attempt, options), failure.retryAfterMs ?? 0);
}

/** Options for {@link retryInCall}. */
export interface InCallRetryOptions extends BackoffOptions {
  /** Retries after the first try. Default 2 (so at most 3 calls). */
  readonly retries?: number;
  /**
   * Longest wait worth sleeping through inside the call, in ms. Default 2000. A longer announced
   * wait is left to the job queue (reschedule), so a worker slot is not held for minutes.
   */
  readonly maxInCallWaitMs?: number;
  /** Sleep; tests pass a fake. Default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const timerSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call` and retries it while `retryable(result)` returns a failure, at most `retries` times,
 * sleeping {@link retryDelay} between tries (backoff defaults here: `baseMs` 200, `maxMs` 2000).
 * `retryable` must only say yes when a retry cannot duplicate an effect (see the Graph client:
 * refused transient failures, never an unknown outcome of a send).
 *
 * @example const { result, attempts } = await retryInCall(() => client.debugPage(id, t), (r) => (r.ok ? null : r.failure));
 */
export async function retryInCall<R>(
  call: (attempt: number) => Promise<R>,
  retryable: (result: R) => { readonly retryAfterMs?: number | undefined } | null,
  {
    retries = 2,
    maxInCallWaitMs = 2000,
    sleep = timerSleep,
    baseMs = 200,
    maxMs = 2000,
    ...backoff
  }: InCallRetryOptions = {},
): Promise<{ readonly result: R; readonly attempts: number }> {
  let attempts = 1;
  let result = await call(attempts);
  while (attempts <= retries) {
    const failure = retryable(result);
    if (failure === null) break;
    const wait = retryDelay(attempts, failure, { ...backoff, baseMs, maxMs });
    if (wait > maxInCallWaitMs) break;
    if (wait > 0) await sleep(wait);
    attempts++;
    result = await call(attempts);
  }
  return { result, attempts };
}
