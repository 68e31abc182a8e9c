import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPacer } from './pacer.ts';

describe('the pacer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const options = { windowMs: 100, quietMs: 2, restMs: 50, checkMs: 1, clock: () => Date.now() };

  it('is busy while a webhook is being stored and for a moment after, not before', () => {
    const pacer = createPacer(options);
    expect(pacer.busy()).toBe(false);
    const end = pacer.begin();
    vi.advanceTimersByTime(500);
    expect(pacer.busy()).toBe(true);
    end();
    vi.advanceTimersByTime(99);
    expect(pacer.busy()).toBe(true);
    vi.advanceTimersByTime(1);
    expect(pacer.busy()).toBe(false);
  });

  it('lets background work run at once when no webhook is waiting', async () => {
    const pacer = createPacer(options);
    let ran = false;
    const unit = pacer.pace().then(() => {
      ran = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    await unit;
    expect(ran).toBe(true);
  });

  it('during a saturating burst starts one unit of all loops every restMs, and the rest in the next gap', async () => {
    const pacer = createPacer(options);
    const end = pacer.begin();
    const started: number[] = [];
    const t0 = Date.now();
    for (let loop = 0; loop < 3; loop++) void pacer.pace().then(() => started.push(Date.now() - t0));
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([1]);
    await vi.advanceTimersByTimeAsync(30);
    expect(started).toEqual([1]);
    await vi.advanceTimersByTimeAsync(20);
    expect(started).toEqual([1, 51]);
    // The burst ends: after quietMs without a webhook, the last loop runs without waiting its turn.
    end();
    await vi.advanceTimersByTimeAsync(3);
    expect(started).toEqual([1, 51, 53]);
  });

  it('a webhook ended twice is counted once', async () => {
    const pacer = createPacer(options);
    const endA = pacer.begin();
    const endB = pacer.begin();
    endA();
    endA();
    let ran = 0;
    for (let loop = 0; loop < 2; loop++)
      void pacer.pace().then(() => {
        ran++;
      });
    await vi.advanceTimersByTimeAsync(10);
    // B is still being stored: one unit took the forced turn, the other waits for the next one.
    expect(ran).toBe(1);
    endB();
    await vi.advanceTimersByTimeAsync(3);
    expect(ran).toBe(2);
  });

  it('in a gap between webhooks starts one waiting unit per look, and all of them once webhooks stop', async () => {
    const pacer = createPacer(options);
    const end = pacer.begin();
    let ran = 0;
    for (let loop = 0; loop < 4; loop++)
      void pacer.pace().then(() => {
        ran++;
      });
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toBe(1); // the forced turn
    end();
    await vi.advanceTimersByTimeAsync(2);
    expect(ran).toBe(2); // a gap: one unit
    await vi.advanceTimersByTimeAsync(1);
    expect(ran).toBe(3); // the next look: one more
    // A webhook arrives: the last unit waits for the next gap.
    const again = pacer.begin();
    await vi.advanceTimersByTimeAsync(5);
    expect(ran).toBe(3);
    again();
    await vi.advanceTimersByTimeAsync(2);
    expect(ran).toBe(4);
  });
});
