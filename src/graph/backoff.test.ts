import { describe, expect, it } from 'vitest';
import { backoffDelay, retryDelay, retryInCall } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles the ceiling per attempt up to maxMs', () => {
    const ceilings = [1, 2, 3, 4, 5, 10, 2000].map((n) =>
      backoffDelay(n, { baseMs: 500, maxMs: 6000, jitter: 'none' }),
    );
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 6000, 6000, 6000]);
  });

  it('picks uniformly below the ceiling with full jitter', () => {
    expect(backoffDelay(3, { random: () => 0 })).toBe(0);
    expect(backoffDelay(3, { random: () => 0.5 })).toBe(1000);
    expect(backoffDelay(3, { random: () => 0.999999 })).toBe(1999);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(30);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(60_000);
    }
  });
});

describe('retryDelay', () => {
  it("never waits less than Meta's announced wait, and never less than the backoff", () => {
    expect(retryDelay(1, { retryAfterMs: 120_000 }, { random: () => 0.99 })).toBe(120_000);
    expect(retryDelay(4, { retryAfterMs: 10 }, { jitter: 'none' })).toBe(4000);
    expect(retryDelay(4, {}, { jitter: 'none' })).toBe(4000);
  });
});

describe('retryInCall', () => {
  it('retries at most twice by default and reports the attempts', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const { result, attempts } = await retryInCall(
      async () => ++calls,
      () => ({}),
      { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
    );
    expect([result, attempts, calls]).toEqual([3, 3, 3]);
    expect(sleeps).toEqual([100, 200]);
  });

  it('stops as soon as the result is not retryable', async () => {
    let calls = 0;
    const { attempts } = await retryInCall(
      async () => ++calls,
      (n) => (n < 2 ? {} : null),
      { sleep: async () => {} },
    );
    expect(attempts).toBe(2);
  });

  it('does not sleep through a wait longer than maxInCallWaitMs', async () => {
    const sleeps: number[] = [];
    const { attempts } = await retryInCall(
      async () => 'fail',
      () => ({ retryAfterMs: 60_000 }),
      { sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });
});
