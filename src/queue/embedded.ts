/**
 * The embedded job queue (the default): a `jobs` table in the application's own database, polled
 * by in-process workers. One Kysely code path on SQLite and PostgreSQL:
 * - claim: `UPDATE jobs … WHERE id IN (SELECT id … due … ORDER BY run_at LIMIT n [FOR UPDATE SKIP
 *   LOCKED]) RETURNING …`, so concurrent workers (threads of one process or other processes) never
 *   take the same row;
 * - lease: a claimed job is `active` until `locked_until`; the worker extends the lease while the
 *   handler runs, and a job whose lease ran out (its worker died) is put back to `waiting`;
 * - a per-claim `lock_token`: only the run that holds it may record the outcome, so a worker that
 *   lost its lease cannot overwrite the outcome of the run that took over.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { chunkForParameters, lockForClaim } from '../storage/dialect.ts';
import { newId, type Queryable } from '../storage/index.ts';
import type { JobState, JobsTable } from '../storage/schema.ts';
import {
  type Backoff,
  backoffDelay,
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF,
  type EnqueueOptions,
  type EnqueueResult,
  type FailedJob,
  type JobCounts,
  type JobHandler,
  type JobOutcome,
  type JobPayload,
  type JobQueue,
  type JobToEnqueue,
  reasonOf,
  type Worker,
  type WorkOptions,
} from './port.ts';
import { Wakeup } from './wakeup.ts';

export interface EmbeddedQueueOptions {
  /** How long a claimed job stays leased without a heartbeat. Default 30 000 ms. */
  readonly leaseMs?: number;
  /** Longest sleep of an idle worker (an enqueue in this process wakes it sooner). Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** Most jobs taken by one claim statement. Default 100. */
  readonly claimBatch?: number;
  /** Lease expiries tolerated per job before it is failed as a likely crash cause. Default 2. */
  readonly maxStalls?: number;
  /**
   * Completed jobs are pruned when older than `ageMs` or beyond the newest `count` per queue; failed
   * jobs are kept. Default `{ ageMs: 3_600_000, count: 1000 }`.
   */
  readonly removeOnComplete?: { readonly ageMs?: number; readonly count?: number };
  /** How often a worker prunes completed jobs. Default 5000 ms. */
  readonly pruneIntervalMs?: number;
  readonly defaultAttempts?: number;
  readonly defaultBackoff?: Backoff;
  /** The clock. Default `Date.now`. */
  readonly now?: () => number;
  /** Unexpected I/O errors in the background loops (they retry on their own). Default: a process warning. */
  readonly onError?: (error: unknown, context: string) => void;
}

interface Settings {
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly claimBatch: number;
  readonly maxStalls: number;
  readonly keepAgeMs: number | undefined;
  readonly keepCount: number | undefined;
  readonly pruneIntervalMs: number;
  readonly defaultAttempts: number;
  readonly defaultBackoff: Backoff;
  readonly now: () => number;
  readonly onError: (error: unknown, context: string) => void;
}

type JobRow = Selectable<JobsTable>;

type NewJobRow = Pick<
  JobRow,
  | 'id'
  | 'queue'
  | 'key'
  | 'payload'
  | 'run_at'
  | 'max_attempts'
  | 'backoff_type'
  | 'backoff_ms'
  | 'created_at'
>;

type ClaimedRow = Pick<
  JobRow,
  'id' | 'key' | 'payload' | 'attempts_made' | 'max_attempts' | 'backoff_type' | 'backoff_ms'
>;

/** Shortest sleep when due rows exist but another claimer holds them (PostgreSQL SKIP LOCKED). */
const MIN_POLL_MS = 10;
/** Rows per statement when pruning or completing in bulk: short statements, short write locks. */
const BULK_ROWS = 500;
const PRUNE_ROWS = 5000;

/**
 * Opens the embedded queue on an open, migrated database. The caller keeps ownership of the
 * database: `close()` stops the workers, never the database.
 * @example
 *   const queue = createEmbeddedQueue(database, { pollIntervalMs: 500 });
 *   await queue.enqueue('send', { outboxId }, { key: `send-${outboxId}` });
 */
export function createEmbeddedQueue(database: Queryable, opts: EmbeddedQueueOptions = {}): JobQueue {
  const {
    leaseMs = 30_000,
    pollIntervalMs = 1000,
    claimBatch = 100,
    maxStalls = 2,
    removeOnComplete = { ageMs: 3_600_000, count: 1000 },
    pruneIntervalMs = 5000,
    defaultAttempts = DEFAULT_ATTEMPTS,
    defaultBackoff = DEFAULT_BACKOFF,
    now = Date.now,
    onError = (error: unknown, context: string) =>
      process.emitWarning(`job queue (${context}): ${reasonOf(error)}`, 'VentanaQueueWarning'),
  } = opts;
  return new EmbeddedQueue(database, {
    leaseMs: positive(leaseMs, 'leaseMs'),
    pollIntervalMs: positive(pollIntervalMs, 'pollIntervalMs'),
    claimBatch: positive(claimBatch, 'claimBatch'),
    maxStalls: Math.max(0, Math.floor(maxStalls)),
    keepAgeMs: removeOnComplete.ageMs,
    keepCount: removeOnComplete.count,
    pruneIntervalMs: positive(pruneIntervalMs, 'pruneIntervalMs'),
    defaultAttempts: positive(defaultAttempts, 'defaultAttempts'),
    defaultBackoff,
    now,
    onError,
  });
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return Math.floor(value);
}

class EmbeddedQueue implements JobQueue {
  private readonly wakeups = new Map<string, Wakeup>();
  private readonly workers = new Set<EmbeddedWorker>();
  private closed = false;

  constructor(
    private readonly database: Queryable,
    private readonly settings: Settings,
  ) {}

  async enqueue(name: string, payload: JobPayload, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
    this.assertOpen();
    const row = this.newRow(name, payload, opts);
    const db = this.database.db;
    // A concurrent cancel can delete the conflicting row between the insert and the lookup: retry.
    for (let tries = 0; tries < 3; tries++) {
      const inserted = await db
        .insertInto('jobs')
        .values(row)
        .onConflict((oc) => oc.columns(['queue', 'key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted !== undefined) {
        this.wakeupFor(name).wake();
        return { id: inserted.id, created: true };
      }
      const existing = await db
        .selectFrom('jobs')
        .select('id')
        .where('queue', '=', name)
        .where('key', '=', row.key)
        .executeTakeFirst();
      if (existing !== undefined) return { id: existing.id, created: false };
    }
    throw new Error(`enqueue of key "${row.key}" in queue "${name}" kept conflicting`);
  }

  async enqueueMany(name: string, jobs: readonly JobToEnqueue[]): Promise<{ created: number }> {
    this.assertOpen();
    const rows = jobs.map((job) => this.newRow(name, job.payload, job.opts ?? {}));
    let created = 0;
    // One statement per chunk, not one transaction for all: on SQLite a long transaction would hold
    // the only connection (and the webhook path) for the whole batch. Keys make a retry safe.
    for (const chunk of chunkForParameters(this.database, rows, 9)) {
      const result = await this.database.db
        .insertInto('jobs')
        .values(chunk)
        .onConflict((oc) => oc.columns(['queue', 'key']).doNothing())
        .executeTakeFirst();
      created += Number(result.numInsertedOrUpdatedRows ?? 0n);
      this.wakeupFor(name).wake();
    }
    return { created };
  }

  work(name: string, handler: JobHandler, opts: WorkOptions = {}): Worker {
    this.assertOpen();
    const concurrency = positive(opts.concurrency ?? 1, 'concurrency');
    const worker = new EmbeddedWorker(this.database, this.settings, name, handler, concurrency, {
      wakeup: this.wakeupFor(name),
      onClosed: () => this.workers.delete(worker),
    });
    this.workers.add(worker);
    return worker;
  }

  async cancel(name: string, key: string): Promise<boolean> {
    const result = await this.database.db
      .deleteFrom('jobs')
      .where('queue', '=', name)
      .where('key', '=', key)
      .where('state', '=', 'waiting')
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async counts(name: string): Promise<JobCounts> {
    const db = this.database.db;
    const at = this.settings.now();
    const count = async (
      state: JobState,
      due?: (q: ReturnType<typeof base>) => ReturnType<typeof base>,
    ): Promise<number> => {
      const q = base(state);
      const row = await (due ? due(q) : q).executeTakeFirst();
      return Number(row?.n ?? 0);
    };
    const base = (state: JobState) =>
      db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('queue', '=', name)
        .where('state', '=', state);
    const [waiting, delayed, active, completed, failed] = await Promise.all([
      count('waiting', (q) => q.where('run_at', '<=', at)),
      count('waiting', (q) => q.where('run_at', '>', at)),
      count('active'),
      count('completed'),
      count('failed'),
    ]);
    return { waiting, delayed, active, completed, failed };
  }

  async listFailed(name: string, opts: { limit?: number } = {}): Promise<readonly FailedJob[]> {
    const rows = await this.database.db
      .selectFrom('jobs')
      .select(['id', 'key', 'payload', 'attempts_made', 'last_error', 'finished_at'])
      .where('queue', '=', name)
      .where('state', '=', 'failed')
      .orderBy('finished_at', 'desc')
      .limit(Math.max(1, Math.floor(opts.limit ?? 100)))
      .execute();
    return rows.map((r) => ({
      id: r.id,
      ...(r.key === null ? {} : { key: r.key }),
      payload: parsePayload(r.payload).payload,
      attemptsMade: r.attempts_made,
      reason: r.last_error ?? '',
      failedAt: r.finished_at ?? 0,
    }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.close()));
  }

  /** Only the columns without a default: fewer bind parameters per row, bigger batches. */
  private newRow(name: string, payload: JobPayload, opts: EnqueueOptions): NewJobRow {
    const at = this.settings.now();
    const backoff = opts.backoff ?? this.settings.defaultBackoff;
    const attempts = opts.attempts ?? this.settings.defaultAttempts;
    if (!Number.isInteger(attempts) || attempts < 1) throw new Error('attempts must be an integer >= 1');
    if (opts.runAt !== undefined && !Number.isFinite(opts.runAt)) throw new Error('runAt must be finite');
    return {
      id: newId(at),
      queue: name,
      key: opts.key ?? null,
      payload: JSON.stringify(payload),
      run_at: Math.floor(opts.runAt ?? at),
      max_attempts: attempts,
      backoff_type: backoff.type,
      backoff_ms: Math.max(0, Math.floor(backoff.delayMs)),
      created_at: at,
    };
  }

  private wakeupFor(name: string): Wakeup {
    let wakeup = this.wakeups.get(name);
    if (wakeup === undefined) {
      wakeup = new Wakeup();
      this.wakeups.set(name, wakeup);
    }
    return wakeup;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the job queue is closed');
  }
}

function parsePayload(text: string): { ok: true; payload: JobPayload } | { ok: false; payload: null } {
  try {
    return { ok: true, payload: JSON.parse(text) as JobPayload };
  } catch {
    return { ok: false, payload: null };
  }
}

interface PendingDone {
  readonly id: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** One polling loop taking jobs of one queue, running at most `concurrency` handlers at a time. */
class EmbeddedWorker implements Worker {
  private stopping = false;
  private abandoned = false;
  private running = 0;
  private readonly inFlight = new Set<Promise<void>>();
  /** Claim tokens with handlers still running: their leases are extended by the heartbeat. */
  private readonly liveTokens = new Map<string, number>();
  private readonly slotFreed = new Wakeup();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly loopDone: Promise<void>;
  private pendingDone = new Map<string, PendingDone[]>();
  private flushScheduled = false;
  private lastReapAt = 0;
  private lastPruneAt = 0;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly database: Queryable,
    private readonly settings: Settings,
    private readonly name: string,
    private readonly handler: JobHandler,
    private readonly concurrency: number,
    private readonly hooks: { readonly wakeup: Wakeup; readonly onClosed: () => void },
  ) {
    this.heartbeat = setInterval(
      () => void this.extendLeases(),
      Math.max(1, Math.floor(settings.leaseMs / 3)),
    );
    this.loopDone = this.loop();
  }

  close(opts: { force?: boolean } = {}): Promise<void> {
    if (opts.force === true) this.abandoned = true;
    if (this.closing === undefined) this.closing = this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.abandoned) clearInterval(this.heartbeat);
    this.slotFreed.wake();
    this.hooks.wakeup.wake();
    await this.loopDone;
    // Graceful: the handlers finish and their outcomes are written. Forced (a simulated crash):
    // nothing more is written and the leases simply run out.
    if (!this.abandoned) await Promise.all([...this.inFlight]);
    clearInterval(this.heartbeat);
    this.hooks.onClosed();
  }

  private async loop(): Promise<void> {
    const { claimBatch, pollIntervalMs, onError } = this.settings;
    while (!this.stopping) {
      await this.housekeeping();
      const free = this.concurrency - this.running;
      if (free <= 0) {
        await this.slotFreed.wait(pollIntervalMs);
        // Handlers finishing in the same turn free their slots together: claim for all of them.
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const want = Math.min(free, claimBatch);
      const token = randomUUID();
      let claimed: ClaimedRow[];
      try {
        claimed = await this.claim(want, token);
      } catch (error) {
        onError(error, `claim ${this.name}`);
        await this.hooks.wakeup.wait(pollIntervalMs);
        continue;
      }
      // Claimed rows of a crashed (force-closed) worker stay leased until their lease runs out.
      if (this.abandoned) return;
      for (const row of claimed) this.start(row, token);
      if (claimed.length === want) continue;
      let sleep = pollIntervalMs;
      try {
        sleep = await this.nextDueIn();
      } catch (error) {
        onError(error, `poll ${this.name}`);
      }
      if (!this.stopping) await this.hooks.wakeup.wait(sleep);
    }
  }

  private async claim(limit: number, token: string): Promise<ClaimedRow[]> {
    const db = this.database.db;
    const at = this.settings.now();
    // The due ids are a MATERIALIZED CTE, computed once. As a plain `IN (subquery)`, PostgreSQL may
    // plan a nested loop that re-runs the LIMIT … SKIP LOCKED subquery for every row (each run
    // picking other rows), claiming far more than `limit`.
    return db
      .with(
        (cte) => cte('due').materialized(),
        (qb) =>
          lockForClaim(
            this.database,
            qb
              .selectFrom('jobs')
              .select('id')
              .where('queue', '=', this.name)
              .where('state', '=', 'waiting')
              .where('run_at', '<=', at)
              .orderBy('run_at')
              .limit(limit),
          ),
      )
      .updateTable('jobs')
      .set({ state: 'active', lock_token: token, locked_until: at + this.settings.leaseMs })
      .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
      .where('state', '=', 'waiting')
      .returning(['id', 'key', 'payload', 'attempts_made', 'max_attempts', 'backoff_type', 'backoff_ms'])
      .execute();
  }

  /** Milliseconds until the next waiting job is due, bounded by the idle poll interval. */
  private async nextDueIn(): Promise<number> {
    const row = await this.database.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.min('run_at').as('next'))
      .where('queue', '=', this.name)
      .where('state', '=', 'waiting')
      .executeTakeFirst();
    const next = row?.next;
    if (next === null || next === undefined) return this.settings.pollIntervalMs;
    const wait = Number(next) - this.settings.now();
    return Math.min(this.settings.pollIntervalMs, Math.max(MIN_POLL_MS, wait));
  }

  private start(row: ClaimedRow, token: string): void {
    this.running++;
    this.liveTokens.set(token, (this.liveTokens.get(token) ?? 0) + 1);
    const run = this.run(row, token).finally(() => {
      this.running--;
      const left = (this.liveTokens.get(token) ?? 1) - 1;
      if (left <= 0) this.liveTokens.delete(token);
      else this.liveTokens.set(token, left);
      this.inFlight.delete(run);
      this.slotFreed.wake();
    });
    this.inFlight.add(run);
  }

  private async run(row: ClaimedRow, token: string): Promise<void> {
    const parsed = parsePayload(row.payload);
    let outcome: JobOutcome;
    if (!parsed.ok) {
      outcome = { status: 'failed', reason: 'payload is not valid JSON', retryable: false };
    } else {
      try {
        outcome = await this.handler({
          id: row.id,
          name: this.name,
          payload: parsed.payload,
          attempt: row.attempts_made + 1,
          ...(row.key === null ? {} : { key: row.key }),
        });
      } catch (error) {
        outcome = { status: 'failed', reason: reasonOf(error), retryable: true };
      }
    }
    if (this.abandoned) return;
    try {
      await this.record(row, token, outcome);
    } catch (error) {
      // The lease will expire and the job will run again: at least once, never lost.
      this.settings.onError(error, `record outcome of ${this.name} job ${row.id}`);
    }
  }

  private async record(row: ClaimedRow, token: string, outcome: JobOutcome): Promise<void> {
    const db = this.database.db;
    const at = this.settings.now();
    const mine = (q: ReturnType<typeof update>) =>
      q.where('id', '=', row.id).where('lock_token', '=', token).where('state', '=', 'active');
    const update = () => db.updateTable('jobs');
    switch (outcome.status) {
      case 'done':
        return this.completeLater(row.id, token);
      case 'retry_at':
        await mine(
          update().set({
            state: 'waiting',
            run_at: Math.floor(outcome.at),
            lock_token: null,
            locked_until: null,
            last_error: outcome.reason,
          }),
        ).execute();
        this.hooks.wakeup.wake();
        return;
      case 'failed': {
        const failures = row.attempts_made + 1;
        if (!outcome.retryable || failures >= row.max_attempts) {
          await mine(
            update().set({
              state: 'failed',
              attempts_made: failures,
              finished_at: at,
              lock_token: null,
              locked_until: null,
              last_error: outcome.reason,
            }),
          ).execute();
          return;
        }
        const backoff = { type: row.backoff_type, delayMs: Number(row.backoff_ms) };
        await mine(
          update().set({
            state: 'waiting',
            attempts_made: failures,
            run_at: at + backoffDelay(backoff, failures),
            lock_token: null,
            locked_until: null,
            last_error: outcome.reason,
          }),
        ).execute();
        this.hooks.wakeup.wake();
        return;
      }
      default: {
        const never: never = outcome;
        throw new Error(`unknown job outcome ${JSON.stringify(never)}`);
      }
    }
  }

  /** Completions are written in batches: one statement for every job finished in the same turn. */
  private completeLater(id: string, token: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const list = this.pendingDone.get(token);
      if (list === undefined) this.pendingDone.set(token, [{ id, resolve, reject }]);
      else list.push({ id, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flushDone());
      }
    });
  }

  private async flushDone(): Promise<void> {
    this.flushScheduled = false;
    const batches = this.pendingDone;
    this.pendingDone = new Map();
    const at = this.settings.now();
    for (const [token, items] of batches) {
      for (let i = 0; i < items.length; i += BULK_ROWS) {
        const slice = items.slice(i, i + BULK_ROWS);
        try {
          await this.database.db
            .updateTable('jobs')
            .set({ state: 'completed', finished_at: at, lock_token: null, locked_until: null })
            .where(
              'id',
              'in',
              slice.map((p) => p.id),
            )
            .where('lock_token', '=', token)
            .where('state', '=', 'active')
            .execute();
          for (const p of slice) p.resolve();
        } catch (error) {
          for (const p of slice) p.reject(error);
        }
      }
    }
  }

  private async extendLeases(): Promise<void> {
    if (this.abandoned || this.liveTokens.size === 0) return;
    try {
      await this.database.db
        .updateTable('jobs')
        .set({ locked_until: this.settings.now() + this.settings.leaseMs })
        .where('lock_token', 'in', [...this.liveTokens.keys()])
        .where('state', '=', 'active')
        .execute();
    } catch (error) {
      this.settings.onError(error, `extend leases of ${this.name}`);
    }
  }

  /** Takes back jobs whose lease ran out and prunes completed jobs, each at its own pace. */
  private async housekeeping(): Promise<void> {
    const at = this.settings.now();
    try {
      if (at - this.lastReapAt >= this.settings.leaseMs / 2) {
        this.lastReapAt = at;
        await this.reapExpiredLeases(at);
      }
      if (at - this.lastPruneAt >= this.settings.pruneIntervalMs) {
        this.lastPruneAt = at;
        await this.pruneCompleted(at);
      }
    } catch (error) {
      this.settings.onError(error, `housekeeping of ${this.name}`);
    }
  }

  private async reapExpiredLeases(at: number): Promise<void> {
    const db = this.database.db;
    const expired = () =>
      db
        .updateTable('jobs')
        .where('queue', '=', this.name)
        .where('state', '=', 'active')
        .where('locked_until', '<=', at);
    // A job whose runs keep dying with their worker may be what kills it: fail it, keep it visible.
    await expired()
      .set({
        state: 'failed',
        finished_at: at,
        lock_token: null,
        locked_until: null,
        last_error: `stalled: its worker stopped renewing the lease more than ${this.settings.maxStalls} times`,
      })
      .where('stalls', '>=', this.settings.maxStalls)
      .execute();
    const back = await expired()
      .set((eb) => ({
        state: 'waiting',
        lock_token: null,
        locked_until: null,
        run_at: at,
        stalls: eb('stalls', '+', 1),
      }))
      .executeTakeFirst();
    if (back.numUpdatedRows > 0n) this.hooks.wakeup.wake();
  }

  private async pruneCompleted(at: number): Promise<void> {
    const db = this.database.db;
    const { keepAgeMs, keepCount } = this.settings;
    const completedUpTo = (cutoff: number, inclusive: boolean) =>
      db
        .deleteFrom('jobs')
        .where(
          'id',
          'in',
          db
            .selectFrom('jobs')
            .select('id')
            .where('queue', '=', this.name)
            .where('state', '=', 'completed')
            .where('finished_at', inclusive ? '<=' : '<', cutoff)
            .limit(PRUNE_ROWS),
        )
        .execute();
    if (keepAgeMs !== undefined) await completedUpTo(at - keepAgeMs, false);
    if (keepCount !== undefined) {
      const edge = await db
        .selectFrom('jobs')
        .select('finished_at')
        .where('queue', '=', this.name)
        .where('state', '=', 'completed')
        .orderBy('finished_at', 'desc')
        .limit(1)
        .offset(Math.max(0, Math.floor(keepCount)))
        .executeTakeFirst();
      if (edge?.finished_at != null) await completedUpTo(Number(edge.finished_at), true);
    }
  }
}
