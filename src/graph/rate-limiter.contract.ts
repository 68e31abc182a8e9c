// The contract every SendRateLimiter implementation passes (memory, Redis, PostgreSQL). Time is an injected
// clock that the test moves by hand, so the budgets are checked exactly, never against wall time.

import { describe, expect, it } from 'vitest';
import type { BusinessUseCaseUsage } from '../messenger/graph-errors.ts';
import type { SendKind, SendRateLimiter, SendRateLimiterOptions } from './rate-limiter.ts';

export interface RateLimiterContractHarness {
  /** A fresh limiter with isolated counters, on the given options (always with an injected `now`). */
  make(options: SendRateLimiterOptions): SendRateLimiter | Promise<SendRateLimiter>;
  /**
   * Shared stores only: two limiters (two workers) on the same fresh counters, as separate
   * connections to the store would be.
   */
  makePair?(options: SendRateLimiterOptions): Promise<readonly [SendRateLimiter, SendRateLimiter]>;
}

/** A manual clock, started off any slice boundary. */
function manualClock(start = 1_790_000_000_123) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    get t() {
      return t;
    },
  };
}

function usage(maxUsagePercent: number, regainAccessMs = 0): BusinessUseCaseUsage {
  return { maxUsagePercent, regainAccessMs, entries: [] };
}

/** Largest number of timestamps inside any half-open window [t, t + windowMs). */
function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (j < sorted.length && (sorted[j] as number) < (sorted[i] as number) + windowMs) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

/** Takes until refused; the number admitted and the wait of the refusal. */
async function fill(limiter: SendRateLimiter, page: string, kind: SendKind = 'text') {
  let admitted = 0;
  for (;;) {
    const wait = await limiter.take(page, kind);
    if (wait > 0) return { admitted, wait };
    admitted++;
  }
}

/** Takes greedily until refused, for each page in turn; returns the smallest wait. */
async function drain(
  limiter: SendRateLimiter,
  pages: readonly string[],
  kind: SendKind,
  at: number,
  log: Map<string, number[]>,
): Promise<number> {
  let wait = Number.POSITIVE_INFINITY;
  for (const page of pages) {
    for (;;) {
      const w = await limiter.take(page, kind);
      if (w > 0) {
        wait = Math.min(wait, w);
        break;
      }
      log.get(page)?.push(at);
    }
  }
  return wait;
}

export function runSendRateLimiterContract(name: string, harness: RateLimiterContractHarness): void {
  describe(`SendRateLimiter contract: ${name}`, () => {
    it('never lets more than 300 text sends of one Page into any 1-second window, and other Pages keep their own budget', async () => {
      const clock = manualClock();
      const limiter = await harness.make({ now: clock.now });
      const log = new Map<string, number[]>([
        ['page-a', []],
        ['page-b', []],
      ]);
      const end = clock.t + 4000;
      while (clock.t < end) {
        const wait = await drain(limiter, ['page-a', 'page-b'], 'text', clock.t, log);
        expect(wait).toBeGreaterThan(0);
        clock.advance(wait);
      }
      const a = log.get('page-a') ?? [];
      const b = log.get('page-b') ?? [];
      expect(maxInAnyWindow(a, 1000)).toBeLessThanOrEqual(300);
      expect(maxInAnyWindow(b, 1000)).toBeLessThanOrEqual(300);
      // Not trivially safe: close to the budget over 4 s (the plan sustains ~286/s).
      expect(a.length).toBeGreaterThanOrEqual(4 * 270);
      expect(b.length).toBe(a.length);
    });

    it('holds the bound under irregular bursts that straddle slice boundaries', async () => {
      const clock = manualClock(1_790_000_000_999);
      const limiter = await harness.make({ now: clock.now });
      const admitted: number[] = [];
      let seed = 42;
      const rand = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const end = clock.t + 3000;
      while (clock.t < end) {
        const burst = Math.floor(rand() * 40);
        for (let i = 0; i < burst; i++)
          if ((await limiter.take('page-a', 'text')) === 0) admitted.push(clock.t);
        clock.advance(1 + Math.floor(rand() * 30));
      }
      expect(maxInAnyWindow(admitted, 1000)).toBeLessThanOrEqual(300);
      expect(admitted.length).toBeGreaterThan(600);
    });

    it('answers a refusal with the exact wait after which the next take goes through', async () => {
      const clock = manualClock();
      const limiter = await harness.make({ now: clock.now });
      const { admitted, wait } = await fill(limiter, 'page-a');
      expect(admitted).toBeGreaterThan(0);
      expect(await limiter.take('page-b', 'text')).toBe(0);
      clock.advance(wait - 1);
      expect(await limiter.take('page-a', 'text')).toBe(1);
      clock.advance(1);
      expect(await limiter.take('page-a', 'text')).toBe(0);
    });

    it('keeps audio and video to 10 per second per Page', async () => {
      const clock = manualClock();
      const limiter = await harness.make({ now: clock.now });
      const log = new Map<string, number[]>([['page-a', []]]);
      const end = clock.t + 3000;
      while (clock.t < end) clock.advance(await drain(limiter, ['page-a'], 'media', clock.t, log));
      const media = log.get('page-a') ?? [];
      expect(maxInAnyWindow(media, 1000)).toBeLessThanOrEqual(10);
      expect(media.length).toBeGreaterThanOrEqual(3 * 8);
      // Media has its own budget: text still goes.
      expect(await limiter.take('page-a', 'text')).toBe(0);
    });

    it('keeps private replies to 750 per hour, and a refused one gives its text slot back', async () => {
      const clock = manualClock();
      const limiter = await harness.make({ now: clock.now });
      expect(await limiter.take('page-a', 'private_reply')).toBe(0);
      // The private-reply slice is spent; the text point this refused call took is returned.
      expect(await limiter.take('page-a', 'private_reply')).toBeGreaterThan(0);
      let text = 0;
      while ((await limiter.take('page-a', 'text')) === 0) text++;
      const fresh = await harness.make({ now: clock.now });
      let freshText = 0;
      while ((await fresh.take('page-z', 'text')) === 0) freshText++;
      expect(text).toBe(freshText - 1);

      const log = new Map<string, number[]>([['page-b', []]]);
      const end = clock.t + 3_600_000;
      while (clock.t < end) clock.advance(await drain(limiter, ['page-b'], 'private_reply', clock.t, log));
      const replies = log.get('page-b') ?? [];
      expect(maxInAnyWindow(replies, 3_600_000)).toBeLessThanOrEqual(750);
      expect(replies.length).toBeGreaterThanOrEqual(700);
    });

    it('halves a Page budget when Meta reports 80 % usage, and restores it when usage drops', async () => {
      const clock = manualClock();
      const limiter = await harness.make({ now: clock.now });
      const perSlice = async (page: string): Promise<number> => {
        const { admitted, wait } = await fill(limiter, page);
        clock.advance(wait);
        return admitted;
      };
      const full = await perSlice('page-a');
      limiter.observe('page-a', usage(85));
      const half = await perSlice('page-a');
      expect(half).toBe(Math.floor(full / 2));
      expect(await perSlice('page-b')).toBe(full);
      limiter.observe('page-a', usage(96));
      expect(await perSlice('page-a')).toBe(Math.floor(full / 4));
      limiter.observe('page-a', usage(30));
      expect(await perSlice('page-a')).toBe(full);
    });

    it('lets a reduction lapse when no newer usage header arrives', async () => {
      const clock = manualClock();
      const limiter = await harness.make({ now: clock.now, slowDown: { holdMs: 10_000 } });
      limiter.observe('page-a', usage(90));
      clock.advance(10_001);
      let n = 0;
      while ((await limiter.take('page-a', 'text')) === 0) n++;
      let fresh = 0;
      while ((await limiter.take('page-b', 'text')) === 0) fresh++;
      expect(n).toBe(fresh);
    });

    it('pauses a Page until Meta says access is regained, without touching other Pages', async () => {
      const clock = manualClock();
      const limiter = await harness.make({ now: clock.now });
      limiter.observe('page-a', usage(100, 120_000));
      expect(await limiter.take('page-a', 'text')).toBe(120_000);
      expect(await limiter.take('page-a', 'media')).toBe(120_000);
      expect(await limiter.take('page-b', 'text')).toBe(0);
      clock.advance(119_999);
      expect(await limiter.take('page-a', 'text')).toBe(1);
      clock.advance(1);
      limiter.observe('page-a', usage(10));
      expect(await limiter.take('page-a', 'text')).toBe(0);
    });

    it('pauses a Page on demand, for example after a rate-limit failure', async () => {
      const clock = manualClock();
      const limiter = await harness.make({ now: clock.now });
      limiter.pause('page-a', 5000);
      expect(await limiter.take('page-a', 'private_reply')).toBe(5000);
      clock.advance(5000);
      expect(await limiter.take('page-a', 'private_reply')).toBe(0);
    });

    if (harness.makePair) {
      const makePair = harness.makePair;
      it('shares one budget between two limiters (two workers) on the same counters', async () => {
        const t = 1_790_000_000_123;
        const single = await harness.make({ now: () => t });
        let alone = 0;
        while ((await single.take('p', 'text')) === 0) alone++;
        const [worker1, worker2] = await makePair({ now: () => t });
        let together = 0;
        for (;;) {
          const [a, b] = await Promise.all([worker1.take('p', 'text'), worker2.take('p', 'text')]);
          together += (a === 0 ? 1 : 0) + (b === 0 ? 1 : 0);
          if (a > 0 && b > 0) break;
        }
        expect(alone).toBeGreaterThan(0);
        expect(together).toBe(alone);
      });
    }
  });
}
