import { describe, expect, it } from 'vitest';
import { idTime, newId } from './ids.ts';

describe('newId', () => {
  it('makes 26-character lowercase base32 ids that are all distinct', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) ids.add(newId());
    expect(ids.size).toBe(20_000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('sorts in creation order, even within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, () => newId(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
  });

  it('sorts by the timestamp it encodes, which can be read back', () => {
    const later = newId(2_000_000_000_000);
    expect(idTime(later)).toBe(2_000_000_000_000);
    expect(newId(2_000_000_000_001) > later).toBe(true);
  });
});
