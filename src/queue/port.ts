/**
 * The job queue port: the subset of a queue the core needs, owned by the core. Engines (the
 * embedded SQL table, BullMQ on Redis or PostgreSQL) implement it; no vendor type crosses it.
 *
 * Delivery is at least once: a job whose worker dies is run again after its lease. Exactly-once
 * effects live in the application's own rows (a unique `(broadcast_id, contact_id)` per message),
 * never in the queue.
 */

/** A job's payload: plain JSON, because it may travel to another process. */
export type JobPayload =
  | string
  | number
  | boolean
  | null
  | readonly JobPayload[]
  | { readonly [key: string]: JobPayload };

export interface Backoff {
  /** `fixed`: always `delayMs`; `exponential`: `delayMs * 2^(failures - 1)`. */
  readonly type: 'exponential' | 'fixed';
  readonly delayMs: number;
}

export interface EnqueueOptions {
  /** Epoch ms before which the job must not run. Default: now. */
  readonly runAt?: number;
  /**
   * Idempotent dedupe within the queue name: while a job with this key is kept (waiting, delayed,
   * active, failed, or completed and not yet pruned), enqueueing the key again creates nothing.
   */
  readonly key?: string;
  /** Runs allowed before the job is failed for good. Default: the engine's (3). */
  readonly attempts?: number;
  /** Wait between failed attempts. Default: the engine's (exponential, 1 s). */
  readonly backoff?: Backoff;
}

export interface EnqueueResult {
  readonly id: string;
  /** False when `key` matched an existing job (then `id` is that job's id). */
  readonly created: boolean;
}

export interface JobToEnqueue {
  readonly payload: JobPayload;
  readonly opts?: EnqueueOptions;
}

export interface Job {
  readonly id: string;
  readonly name: string;
  readonly payload: JobPayload;
  /** 1 on the first run; grows by one per failed attempt (not per `retry_at` reschedule). */
  readonly attempt: number;
  readonly key?: string;
}

/**
 * What a handler decided. A thrown error counts as `{ status: 'failed', retryable: true }`.
 * - `done`: finished.
 * - `retry_at`: run again at `at` without consuming an attempt (e.g. the Page is over its rate limit).
 * - `failed`: retryable failures are retried with backoff until attempts run out; then (or at once
 *   when not retryable) the job is kept as failed with `reason`.
 */
export type JobOutcome =
  | { readonly status: 'done' }
  | { readonly status: 'retry_at'; readonly at: number; readonly reason: string }
  | { readonly status: 'failed'; readonly reason: string; readonly retryable: boolean };

export type JobHandler = (job: Job) => Promise<JobOutcome>;

export interface WorkOptions {
  /** Most handler calls in flight at once for this worker. Default 1. */
  readonly concurrency?: number;
}

export interface CloseWorkerOptions {
  /**
   * Stop at once without waiting for running handlers or recording their outcomes, as a crash
   * would: their jobs are run again elsewhere once their lease expires. Default false (graceful).
   */
  readonly force?: boolean;
}

export interface Worker {
  /** Stops taking jobs; by default waits for running handlers and records their outcomes. */
  close(opts?: CloseWorkerOptions): Promise<void>;
}

export interface JobCounts {
  /** Due now. */
  readonly waiting: number;
  /** Scheduled for later (`runAt`, backoff or `retry_at`). */
  readonly delayed: number;
  readonly active: number;
  /** Completed jobs not yet pruned. */
  readonly completed: number;
  readonly failed: number;
}

export interface FailedJob {
  readonly id: string;
  readonly key?: string;
  readonly payload: JobPayload;
  /** Failed attempts recorded, including the last one. */
  readonly attemptsMade: number;
  readonly reason: string;
  readonly failedAt: number;
}

export interface JobQueue {
  enqueue(name: string, payload: JobPayload, opts?: EnqueueOptions): Promise<EnqueueResult>;
  /** Batched enqueue; `created` excludes jobs whose key already existed. */
  enqueueMany(name: string, jobs: readonly JobToEnqueue[]): Promise<{ readonly created: number }>;
  work(name: string, handler: JobHandler, opts?: WorkOptions): Worker;
  /** Removes a waiting or delayed job by key; false when there is none (or it is already running). */
  cancel(name: string, key: string): Promise<boolean>;
  counts(name: string): Promise<JobCounts>;
  /** The most recently failed jobs, newest first. */
  listFailed(name: string, opts?: { readonly limit?: number }): Promise<readonly FailedJob[]>;
  /** Closes every worker (gracefully) and the engine's connections; never the caller's database. */
  close(): Promise<void>;
}

/** Defaults shared by the engines, so a job behaves the same whichever runs it. */
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF: Backoff = { type: 'exponential', delayMs: 1000 };

/** Delay before the next run after `failures` failed attempts (1 after the first failure). */
export function backoffDelay(backoff: Backoff, failures: number): number {
  switch (backoff.type) {
    case 'fixed':
      return backoff.delayMs;
    case 'exponential':
      return backoff.delayMs * 2 ** Math.max(0, failures - 1);
    default: {
      const never: never = backoff.type;
      throw new Error(`unknown backoff type ${String(never)}`);
    }
  }
}

/** A thrown value as a failure reason, bounded so a huge message cannot bloat the store. */
export function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
