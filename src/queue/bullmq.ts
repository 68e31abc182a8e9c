/**
 * The scale engine: BullMQ 6 behind the JobQueue port, on Redis or on BullMQ's PostgreSQL backend
 * (`createPostgresBackend`, same Queue/Worker API, schema set up by `runMigrations`). Several
 * processes cooperate through the backend: any of them may enqueue, any number may work.
 *
 * Mapping of the port onto BullMQ:
 * - `key` becomes the BullMQ job id (escaped: custom ids may not contain `:` nor be integers);
 * - `retry_at` is `job.moveToDelayed(at, token)` + `DelayedError` (no attempt consumed);
 * - a non-retryable failure is an `UnrecoverableError`; anything else thrown retries with backoff;
 * - a lease is BullMQ's job lock (`lockDuration`); a job whose lock lapses is "stalled" and taken
 *   back by any live worker's stalled check.
 */
import { randomUUID } from 'node:crypto';
import {
  type BackendClasses,
  type Job as BullJob,
  type Queue as BullQueue,
  type Worker as BullWorker,
  createPostgresBackend,
  createRedisBackend,
  DelayedError,
  type IQueueBackend,
  type JobsOptions,
  UnrecoverableError,
  withBackend,
} from 'bullmq';
import {
  type Backoff,
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

/** What a BullMQ job carries: the payload plus what the port needs back. */
interface Envelope {
  readonly payload: JobPayload;
  readonly key?: string;
  /** Set on keyed jobs: tells the creator of a job apart from a duplicate enqueue. */
  readonly nonce?: string;
}

export interface BullQueueOptions {
  /** Lock (lease) duration and stalled-check interval. Default 30 000 ms. */
  readonly leaseMs?: number;
  /** Lock expiries tolerated per job before it is failed. Default 2. */
  readonly maxStalls?: number;
  /** Completed jobs kept. Default `{ ageMs: 3_600_000, count: 1000 }`. */
  readonly removeOnComplete?: { readonly ageMs: number; readonly count: number };
  /** Failed jobs kept (Redis memory is finite). Default `{ ageMs: 7 days, count: 10_000 }`. */
  readonly removeOnFail?: { readonly ageMs: number; readonly count: number };
  readonly defaultAttempts?: number;
  readonly defaultBackoff?: Backoff;
  /** How long to wait for the server when opening. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** PostgreSQL backend only: connections per BullMQ Queue or Worker pool. Default 4. */
  readonly poolMax?: number;
  /** Jobs per `addBulk` call. Default 1000. */
  readonly bulkSize?: number;
  readonly now?: () => number;
  /** Worker errors (connection loss, lock renewal failures). Default: a process warning. */
  readonly onError?: (error: unknown, context: string) => void;
}

interface Settings {
  readonly leaseMs: number;
  readonly maxStalls: number;
  readonly removeOnComplete: { readonly age: number; readonly count: number };
  readonly removeOnFail: { readonly age: number; readonly count: number };
  readonly defaultAttempts: number;
  readonly defaultBackoff: Backoff;
  readonly bulkSize: number;
  readonly now: () => number;
  readonly onError: (error: unknown, context: string) => void;
}

/**
 * Maps a port key to a BullMQ job id, reversibly: `%` and `:` are percent-escaped, and the `k-`
 * prefix keeps the id from ever looking like an integer (BullMQ refuses both).
 * @example keyToJobId('send:42') // 'k-send%3A42'
 */
export function keyToJobId(key: string): string {
  return `k-${key.replaceAll('%', '%25').replaceAll(':', '%3A')}`;
}

/** The inverse of {@link keyToJobId}; undefined for ids BullMQ generated itself. */
export function jobIdToKey(id: string): string | undefined {
  if (!id.startsWith('k-')) return undefined;
  return id.slice(2).replaceAll('%3A', ':').replaceAll('%25', '%');
}

function settingsFrom(opts: BullQueueOptions): Settings {
  const {
    leaseMs = 30_000,
    maxStalls = 2,
    removeOnComplete = { ageMs: 3_600_000, count: 1000 },
    removeOnFail = { ageMs: 7 * 24 * 3_600_000, count: 10_000 },
    defaultAttempts = DEFAULT_ATTEMPTS,
    defaultBackoff = DEFAULT_BACKOFF,
    bulkSize = 1000,
    now = Date.now,
    onError = (error: unknown, context: string) =>
      process.emitWarning(`job queue (${context}): ${reasonOf(error)}`, 'VentanaQueueWarning'),
  } = opts;
  // BullMQ keeps ages in seconds.
  const keep = (k: { ageMs: number; count: number }) => ({
    age: Math.max(1, Math.ceil(k.ageMs / 1000)),
    count: Math.max(0, Math.floor(k.count)),
  });
  return {
    leaseMs: Math.max(100, Math.floor(leaseMs)),
    maxStalls: Math.max(0, Math.floor(maxStalls)),
    removeOnComplete: keep(removeOnComplete),
    removeOnFail: keep(removeOnFail),
    defaultAttempts,
    defaultBackoff,
    bulkSize: Math.max(1, Math.floor(bulkSize)),
    now,
    onError,
  };
}

/**
 * BullMQ on Redis. `connection` is a `redis://` URL; the engine opens (and closes) its own clients.
 * `prefix` namespaces every key (default `bull`).
 */
export async function createBullRedisQueue(
  redisUrl: string,
  opts: BullQueueOptions & { readonly prefix?: string } = {},
): Promise<JobQueue> {
  const { Redis } = await import('ioredis');
  // Workers need `maxRetriesPerRequest: null` (blocking commands must not give up).
  const client = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  client.on('error', () => {
    // Reconnection is ioredis's job; commands fail or wait meanwhile and surface their own errors.
  });
  try {
    await withTimeout(client.connect(), opts.connectTimeoutMs ?? 5000);
  } catch (error) {
    client.disconnect();
    throw new Error(`cannot connect to Redis at ${redactRedisUrl(redisUrl)}: ${reasonOf(error)}`);
  }
  return new BullEngine(
    withBackend(createRedisBackend),
    client,
    opts.prefix,
    settingsFrom(opts),
    async () => {
      await client.quit().catch(() => client.disconnect());
    },
  );
}

/**
 * BullMQ on PostgreSQL (no Redis). Runs BullMQ's own migrations into `schema` (default `bullmq`)
 * first unless `migrate` is false, so a deploy step can run them once instead.
 */
export async function createBullPostgresQueue(
  postgresUrl: string,
  opts: BullQueueOptions & { readonly schema?: string; readonly migrate?: boolean } = {},
): Promise<JobQueue> {
  const { runMigrations, assertSchemaCompatibility } = await import('bullmq');
  const pg = (await import('pg')).default;
  const schema = opts.schema ?? 'bullmq';
  const client = new pg.Client({
    connectionString: postgresUrl,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(`cannot connect to PostgreSQL for the job queue: ${reasonOf(error)}`);
  }
  try {
    if (opts.migrate === false) await assertSchemaCompatibility(client, schema);
    else await runMigrations(client, schema);
  } finally {
    await client.end().catch(() => {});
  }
  const connection = { connectionString: postgresUrl, schema, max: opts.poolMax ?? 4 };
  return new BullEngine(
    withBackend(createPostgresBackend),
    connection,
    undefined,
    settingsFrom(opts),
    async () => {},
  );
}

class BullEngine<B extends IQueueBackend, C> implements JobQueue {
  private readonly queues = new Map<
    string,
    BullQueue<Envelope, void, string, Envelope, void, string, B, C>
  >();
  private readonly workers = new Set<BullWorkerHandle<B, C>>();
  private closed = false;

  constructor(
    private readonly classes: BackendClasses<B, C>,
    private readonly connection: C,
    private readonly prefix: string | undefined,
    private readonly settings: Settings,
    private readonly release: () => Promise<void>,
  ) {}

  async enqueue(name: string, payload: JobPayload, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
    this.assertOpen();
    const queue = this.queue(name);
    const { data, options } = this.toBull(payload, opts);
    const job = await queue.add(name, data, options);
    const id = String(job.id);
    if (options.jobId === undefined) return { id, created: true };
    return { id, created: await this.isOurs(queue, options.jobId, data.nonce) };
  }

  async enqueueMany(name: string, jobs: readonly JobToEnqueue[]): Promise<{ created: number }> {
    this.assertOpen();
    const queue = this.queue(name);
    let created = 0;
    for (let i = 0; i < jobs.length; i += this.settings.bulkSize) {
      const chunk = jobs
        .slice(i, i + this.settings.bulkSize)
        .map((job) => this.toBull(job.payload, job.opts ?? {}));
      // Duplicate keys inside one call: the first wins, the rest would be duplicates anyway.
      await queue.addBulk(chunk.map(({ data, options }) => ({ name, data, opts: options })));
      const checks = await Promise.all(
        chunk.map(({ data, options }) =>
          options.jobId === undefined ? true : this.isOurs(queue, options.jobId, data.nonce),
        ),
      );
      created += checks.filter(Boolean).length;
    }
    return { created };
  }

  work(name: string, handler: JobHandler, opts: WorkOptions = {}): Worker {
    this.assertOpen();
    const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 1));
    const { onError, leaseMs, maxStalls, removeOnComplete, removeOnFail } = this.settings;
    const worker = new this.classes.Worker<Envelope, void, string>(
      name,
      async (job, token) => {
        const outcome = await runHandler(handler, name, job);
        switch (outcome.status) {
          case 'done':
            return;
          case 'retry_at':
            await job.moveToDelayed(Math.floor(outcome.at), token);
            throw new DelayedError(outcome.reason);
          case 'failed':
            if (!outcome.retryable) throw new UnrecoverableError(outcome.reason);
            throw new Error(outcome.reason);
          default: {
            const never: never = outcome;
            throw new Error(`unknown job outcome ${JSON.stringify(never)}`);
          }
        }
      },
      {
        connection: this.connection,
        ...(this.prefix === undefined ? {} : { prefix: this.prefix }),
        concurrency,
        lockDuration: leaseMs,
        stalledInterval: leaseMs,
        maxStalledCount: maxStalls,
        removeOnComplete,
        removeOnFail,
      },
    );
    worker.on('error', (error) => onError(error, `worker ${name}`));
    const handle = new BullWorkerHandle(worker, () => this.workers.delete(handle));
    this.workers.add(handle);
    return handle;
  }

  async cancel(name: string, key: string): Promise<boolean> {
    const job = await this.queue(name).getJob(keyToJobId(key));
    if (job === undefined) return false;
    const state = await job.getState();
    if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') {
      return false;
    }
    try {
      await job.remove();
      return true;
    } catch {
      // A worker took it between the state read and the removal: it runs, so it was not cancelled.
      return false;
    }
  }

  async counts(name: string): Promise<JobCounts> {
    const c = await this.queue(name).getJobCounts(
      'waiting',
      'prioritized',
      'delayed',
      'active',
      'completed',
      'failed',
    );
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      delayed: c.delayed ?? 0,
      active: c.active ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
    };
  }

  async listFailed(name: string, opts: { limit?: number } = {}): Promise<readonly FailedJob[]> {
    const limit = Math.max(1, Math.floor(opts.limit ?? 100));
    const jobs = await this.queue(name).getFailed(0, limit - 1);
    return jobs.map((job) => {
      const envelope = job.data as Envelope;
      return {
        id: String(job.id),
        ...(envelope.key === undefined ? {} : { key: envelope.key }),
        payload: envelope.payload,
        attemptsMade: job.attemptsMade,
        reason: job.failedReason ?? '',
        failedAt: job.finishedOn ?? 0,
      };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.release();
  }

  private queue(name: string): BullQueue<Envelope, void, string, Envelope, void, string, B, C> {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      queue = new this.classes.Queue<Envelope, void, string>(name, {
        connection: this.connection,
        ...(this.prefix === undefined ? {} : { prefix: this.prefix }),
      });
      queue.on('error', (error) => this.settings.onError(error, `queue ${name}`));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private toBull(payload: JobPayload, opts: EnqueueOptions): { data: Envelope; options: JobsOptions } {
    const backoff = opts.backoff ?? this.settings.defaultBackoff;
    const attempts = opts.attempts ?? this.settings.defaultAttempts;
    if (!Number.isInteger(attempts) || attempts < 1) throw new Error('attempts must be an integer >= 1');
    const delay = opts.runAt === undefined ? 0 : Math.max(0, Math.floor(opts.runAt - this.settings.now()));
    const data: Envelope =
      opts.key === undefined ? { payload } : { payload, key: opts.key, nonce: randomUUID() };
    const options: JobsOptions = {
      attempts,
      backoff: { type: backoff.type, delay: Math.max(0, Math.floor(backoff.delayMs)) },
      removeOnComplete: this.settings.removeOnComplete,
      removeOnFail: this.settings.removeOnFail,
      ...(delay > 0 ? { delay } : {}),
      ...(opts.key === undefined ? {} : { jobId: keyToJobId(opts.key) }),
    };
    return { data, options };
  }

  /**
   * BullMQ returns the existing job's id for a duplicate id without saying so; the nonce stored by
   * whichever enqueue won tells them apart. A job already gone (completed and pruned within this
   * instant) can only have been ours.
   */
  private async isOurs(
    queue: BullQueue<Envelope, void, string, Envelope, void, string, B, C>,
    jobId: string,
    nonce: string | undefined,
  ): Promise<boolean> {
    const stored = await queue.getJob(jobId);
    if (stored === undefined) return true;
    return (stored.data as Envelope).nonce === nonce;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the job queue is closed');
  }
}

async function runHandler(
  handler: JobHandler,
  name: string,
  job: BullJob<Envelope, void, string>,
): Promise<JobOutcome> {
  const envelope = job.data;
  try {
    return await handler({
      id: String(job.id),
      name,
      payload: envelope.payload,
      attempt: job.attemptsMade + 1,
      ...(envelope.key === undefined ? {} : { key: envelope.key }),
    });
  } catch (error) {
    return { status: 'failed', reason: reasonOf(error), retryable: true };
  }
}

class BullWorkerHandle<B extends IQueueBackend, C> implements Worker {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly worker: BullWorker<Envelope, void, string, B, import('bullmq').JobProgress, C>,
    private readonly onClosed: () => void,
  ) {}

  close(opts: { force?: boolean } = {}): Promise<void> {
    if (this.closing === undefined) {
      this.closing = this.worker.close(opts.force === true).finally(this.onClosed);
    }
    return this.closing;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}
