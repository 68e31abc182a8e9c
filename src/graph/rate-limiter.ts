// Per-Page Send API budgets (reference §7): 300 calls/s for text, 10/s for audio and video, 750/h
// for private replies, enforced so that no sliding window ever exceeds the budget, plus an
// adaptive slow-down driven by Meta's `X-Business-Use-Case-Usage` header. Counting is done by
// rate-limiter-flexible, in memory (embedded default), in Redis (distributed workers) or in
// PostgreSQL (distributed workers on BullMQ's PostgreSQL backend, without Redis).

import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { BusinessUseCaseUsage } from '../messenger/graph-errors.ts';
import type { SenderActionBody, SendRequestBody } from '../messenger/send-request.ts';

/** Which budget a Send API call spends. A private reply spends the text budget too. */
export type SendKind = 'text' | 'media' | 'private_reply';

/** The port the dispatcher uses. Implementations: memory, Redis, PostgreSQL; all pass one contract. */
export interface SendRateLimiter {
  /**
   * Takes one slot of `pageId`'s `kind` budget. Resolves to 0 when the call may go now (the slot is
   * spent), or to the wait in ms before asking again (nothing is spent). Rejects only when the
   * store fails (e.g. Redis down): that is an I/O fault, not a budget answer.
   */
  take(pageId: string, kind: SendKind): Promise<number>;
  /** Feeds a parsed `X-Business-Use-Case-Usage` header from any Graph answer for this Page. */
  observe(pageId: string, usage: BusinessUseCaseUsage | null | undefined): void;
  /** Stops every send for the Page for `ms` (e.g. a rate-limit failure's `retryAfterMs`). */
  pause(pageId: string, ms: number): void;
}

/** A budget: at most `limit` calls in any `windowMs` (sliding, not only aligned windows). */
export interface SendBudget {
  readonly limit: number;
  readonly windowMs: number;
}

type Bucket = 'text' | 'media' | 'private_reply';

/** Meta's documented per-Page budgets (reference §7, Messenger Platform rate limits). */
export const META_SEND_BUDGETS: Readonly<Record<Bucket, SendBudget>> = Object.freeze({
  text: { limit: 300, windowMs: 1000 },
  media: { limit: 10, windowMs: 1000 },
  private_reply: { limit: 750, windowMs: 3_600_000 },
});

const BUCKETS_OF: Readonly<Record<SendKind, readonly Bucket[]>> = {
  text: ['text'],
  media: ['media'],
  private_reply: ['text', 'private_reply'],
};

/**
 * The budget a Send API body spends: audio/video attachments are `media`, a recipient addressed by
 * `comment_id` or `post_id` is a `private_reply`, everything else (sender actions included) `text`.
 */
export function sendKindOf(body: SendRequestBody | SenderActionBody): SendKind {
  const r = body.recipient as Readonly<Record<string, unknown>>;
  if (typeof r.comment_id === 'string' || typeof r.post_id === 'string') return 'private_reply';
  if ('message' in body) {
    const type = body.message.attachment?.type;
    if (type === 'audio' || type === 'video') return 'media';
  }
  return 'text';
}

/** How a budget is cut into aligned slices: `points` calls per `sliceMs`. */
export interface SlicePlan {
  readonly points: number;
  readonly sliceMs: number;
}

/**
 * Cuts a budget into fixed, clock-aligned slices that can never exceed it in ANY window.
 *
 * A plain fixed window of `limit` per `windowMs` lets 2 × limit through across a boundary (a full
 * burst at the end of one window and another at the start of the next), and Meta's window is not
 * known to be aligned with ours. A window of length W touches at most ceil(W / d) + 1 slices of
 * length d, so `points × (ceil(W / d) + 1) <= limit` bounds every sliding window. Among the plans
 * meeting that bound (slices no shorter than `minSliceMs`) this picks the highest sustained rate:
 * 300/s becomes 12 per 42 ms (~286/s), 10/s becomes 1 per 112 ms (~8.9/s).
 */
export function planSlices({ limit, windowMs }: SendBudget, minSliceMs = 25): SlicePlan {
  if (!Number.isInteger(limit) || limit < 2)
    throw new Error(`send budget limit must be an integer >= 2, got ${limit}`);
  let best: SlicePlan | null = null;
  let bestRate = 0;
  for (let points = 1; points <= Math.floor(limit / 2); points++) {
    const slicesPerWindow = Math.floor(limit / points) - 1;
    const sliceMs = Math.max(minSliceMs, Math.ceil(windowMs / slicesPerWindow));
    if (points * (Math.ceil(windowMs / sliceMs) + 1) > limit) continue;
    const rate = (points * windowMs) / sliceMs;
    if (rate > bestRate || (rate === bestRate && best !== null && points > best.points)) {
      best = { points, sliceMs };
      bestRate = rate;
    }
  }
  if (best === null) throw new Error(`no slice plan for ${limit} per ${windowMs} ms`);
  return best;
}

/** When and how much to slow down on `X-Business-Use-Case-Usage`. */
export interface SlowDownOptions {
  /** Usage (max of call_count, total_cputime, total_time, in %) from which sends are halved. Default 80. */
  readonly slowPercent?: number;
  /** Usage from which sends are cut to a quarter. Default 95. */
  readonly criticalPercent?: number;
  /** How long a reduction lasts without a newer header, in ms. Default 60 000. */
  readonly holdMs?: number;
}

/** Options shared by both implementations. */
export interface SendRateLimiterOptions {
  /** Override budgets (tests, or a Page with a lower agreed rate). Default {@link META_SEND_BUDGETS}. */
  readonly budgets?: Partial<Record<Bucket, SendBudget>>;
  /** Clock in epoch ms. Default Date.now. Tests inject one; slices are aligned to it. */
  readonly now?: () => number;
  /** Shortest slice, in ms. Default 25. */
  readonly minSliceMs?: number;
  readonly slowDown?: SlowDownOptions;
}

// The two rate-limiter-flexible methods used (every rate-limiter-flexible store has them).
interface SliceCounter {
  consume(key: string, points: number): Promise<unknown>;
  reward(key: string, points: number): Promise<unknown>;
}

interface PageState {
  pausedUntil: number;
  factor: number;
  reducedUntil: number;
}

/** Adaptive state is kept per process: every worker sees the same headers for a Page's calls. */
class AdaptiveBudgets {
  readonly #pages = new Map<string, PageState>();
  readonly #slow: number;
  readonly #critical: number;
  readonly #hold: number;

  constructor({ slowPercent = 80, criticalPercent = 95, holdMs = 60_000 }: SlowDownOptions) {
    this.#slow = slowPercent;
    this.#critical = criticalPercent;
    this.#hold = holdMs;
  }

  #state(pageId: string): PageState {
    let s = this.#pages.get(pageId);
    if (s === undefined) {
      s = { pausedUntil: 0, factor: 1, reducedUntil: 0 };
      this.#pages.set(pageId, s);
    }
    return s;
  }

  observe(pageId: string, usage: BusinessUseCaseUsage, now: number): void {
    const s = this.#state(pageId);
    if (usage.regainAccessMs > 0) s.pausedUntil = Math.max(s.pausedUntil, now + usage.regainAccessMs);
    const pct = usage.maxUsagePercent;
    // The newest header wins: usage going down lifts the reduction at once.
    s.factor = pct >= this.#critical ? 0.25 : pct >= this.#slow ? 0.5 : 1;
    s.reducedUntil = s.factor < 1 ? now + this.#hold : 0;
  }

  pause(pageId: string, until: number): void {
    const s = this.#state(pageId);
    s.pausedUntil = Math.max(s.pausedUntil, until);
  }

  /** Wait until the pause ends (0 if none) and the share of the budget currently allowed. */
  current(pageId: string, now: number): { readonly waitMs: number; readonly factor: number } {
    const s = this.#pages.get(pageId);
    if (s === undefined) return { waitMs: 0, factor: 1 };
    if (s.pausedUntil <= now && s.reducedUntil <= now) {
      this.#pages.delete(pageId);
      return { waitMs: 0, factor: 1 };
    }
    return { waitMs: Math.max(0, s.pausedUntil - now), factor: s.reducedUntil > now ? s.factor : 1 };
  }
}

interface BucketLimiter {
  readonly plan: SlicePlan;
  readonly counter: SliceCounter;
}

function createSendRateLimiter(
  makeCounter: (bucket: Bucket, plan: SlicePlan, gcSeconds: number) => SliceCounter,
  { budgets = {}, now = Date.now, minSliceMs = 25, slowDown = {} }: SendRateLimiterOptions,
): SendRateLimiter {
  const limiters = {} as Record<Bucket, BucketLimiter>;
  for (const bucket of ['text', 'media', 'private_reply'] as const) {
    const plan = planSlices(budgets[bucket] ?? META_SEND_BUDGETS[bucket], minSliceMs);
    // Slices are keyed by their index on our clock, so the store's own expiry only collects
    // garbage; it must outlive the slice (and whole seconds suit Redis's EX).
    const gcSeconds = Math.max(2, Math.ceil((2 * plan.sliceMs) / 1000));
    limiters[bucket] = { plan, counter: makeCounter(bucket, plan, gcSeconds) };
  }
  const adaptive = new AdaptiveBudgets(slowDown);

  return {
    async take(pageId, kind) {
      const t = now();
      const { waitMs, factor } = adaptive.current(pageId, t);
      if (waitMs > 0) return waitMs;
      // A reduced budget spends several points per call, so the same slices admit fewer calls and
      // the hard bound still holds; a slice of one point cannot be cut further.
      const cost = Math.round(1 / factor);
      const spent: { counter: SliceCounter; key: string; points: number }[] = [];
      for (const bucket of BUCKETS_OF[kind]) {
        const { plan, counter } = limiters[bucket];
        const slice = Math.floor(t / plan.sliceMs);
        const key = `${pageId}:${slice}`;
        const points = Math.min(cost, plan.points);
        try {
          await counter.consume(key, points);
        } catch (err) {
          // Give back what earlier buckets spent for this call: it is not going out.
          await Promise.all(spent.map((s) => s.counter.reward(s.key, s.points)));
          if (err instanceof RateLimiterRes) return Math.max(1, (slice + 1) * plan.sliceMs - t);
          throw err;
        }
        spent.push({ counter, key, points });
      }
      return 0;
    },
    observe(pageId, usage) {
      if (usage !== null && usage !== undefined) adaptive.observe(pageId, usage, now());
    },
    pause(pageId, ms) {
      if (ms > 0) adaptive.pause(pageId, now() + ms);
    },
  };
}

/**
 * The embedded default: counters in this process (rate-limiter-flexible `RateLimiterMemory`).
 *
 * @example
 * const limiter = createMemorySendRateLimiter();
 * const wait = await limiter.take(pageId, sendKindOf(body)); // 0: send now; else reschedule in `wait` ms
 */
export function createMemorySendRateLimiter(options: SendRateLimiterOptions = {}): SendRateLimiter {
  return createSendRateLimiter(
    (bucket, plan, gcSeconds) =>
      new RateLimiterMemory({
        keyPrefix: `ventana-send-${bucket}`,
        points: plan.points,
        duration: gcSeconds,
      }),
    options,
  );
}

/** Options of {@link createRedisSendRateLimiter}. */
export interface RedisSendRateLimiterOptions extends SendRateLimiterOptions {
  /** Prefix of the Redis keys. Default `ventana:send`. */
  readonly keyPrefix?: string;
}

/**
 * Counters shared by every worker through Redis (rate-limiter-flexible `RateLimiterRedis`, atomic
 * Lua increments). Slices are aligned to each worker's clock, so workers should run NTP; a skew
 * of a few ms moves at most a few calls between neighbouring slices. Fails fast (rejects) when
 * Redis is not ready rather than queueing commands.
 *
 * @example const limiter = createRedisSendRateLimiter(new Redis('redis://127.0.0.1:6379'));
 */
export function createRedisSendRateLimiter(
  redis: Redis,
  { keyPrefix = 'ventana:send', ...options }: RedisSendRateLimiterOptions = {},
): SendRateLimiter {
  return createSendRateLimiter(
    (bucket, plan, gcSeconds) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${keyPrefix}:${bucket}`,
        points: plan.points,
        duration: gcSeconds,
        rejectIfRedisNotReady: true,
      }),
    options,
  );
}

/** Options of {@link createPostgresSendRateLimiter}. */
export interface PostgresSendRateLimiterOptions extends SendRateLimiterOptions {
  /** Prefix of the counters' keys. Default `ventana:send`. */
  readonly keyPrefix?: string;
}

/** The table rate-limiter-flexible keeps the counters in (created here if missing). */
export const POSTGRES_SEND_BUDGETS_TABLE = 'ventana_send_budgets';

/**
 * Creates the counters' table (rate-limiter-flexible's columns) unless it exists, one process at a
 * time: PostgreSQL's `CREATE TABLE IF NOT EXISTS` run concurrently can fail with "type … already
 * exists", which the library does not expect, so several workers starting together could fail.
 */
async function ensureSendBudgetsTable(pool: Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [POSTGRES_SEND_BUDGETS_TABLE]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${POSTGRES_SEND_BUDGETS_TABLE}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Counters shared by every worker through PostgreSQL, for BullMQ on its PostgreSQL backend without
 * Redis (rate-limiter-flexible `RateLimiterPostgres`: one upsert per take and bucket; expired slices
 * are deleted every 5 minutes). A round trip per send, slower than Redis, but the per-Page budget
 * holds however many processes send. Resolves once the counters' table exists.
 */
export async function createPostgresSendRateLimiter(
  pool: Pool,
  { keyPrefix = 'ventana:send', ...options }: PostgresSendRateLimiterOptions = {},
): Promise<SendRateLimiter> {
  await ensureSendBudgetsTable(pool);
  const ready: Promise<void>[] = [];
  const limiter = createSendRateLimiter((bucket, plan, gcSeconds) => {
    let settle: (error?: unknown) => void = () => {};
    ready.push(
      new Promise<void>((resolve, reject) => {
        settle = (error) => (error ? reject(error) : resolve());
      }),
    );
    return new RateLimiterPostgres(
      {
        storeClient: pool,
        storeType: 'pool',
        tableName: POSTGRES_SEND_BUDGETS_TABLE,
        tableCreated: true,
        keyPrefix: `${keyPrefix}:${bucket}`,
        points: plan.points,
        duration: gcSeconds,
      },
      (error?: unknown) => settle(error),
    );
  }, options);
  await Promise.all(ready);
  return limiter;
}
