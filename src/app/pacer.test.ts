import { describe, expect, it } from 'vitest';
import { createPacer } from './pacer.ts';

describe('the pacer', () => {
  it('is busy while webhooks arrive and idle once they stop', () => {
    let t = 0;
    const pacer = createPacer({ windowMs: 100, clock: () => t });
    expect(pacer.busy()).toBe(false);
    pacer.touch();
    t = 99;
    expect(pacer.busy()).toBe(true);
    t = 100;
    expect(pacer.busy()).toBe(false);
  });

  it('makes background work rest during a burst, and only then', async () => {
    let t = 0;
    const rests: number[] = [];
    const pacer = createPacer({ restMs: 30, clock: () => t, rest: async (ms) => void rests.push(ms) });
    await pacer.pace();
    expect(rests).toEqual([]);
    pacer.touch();
    await pacer.pace();
    expect(rests).toEqual([30]);
    t = 500;
    await pacer.pace();
    expect(rests).toEqual([30]);
  });
});
