import { describe, expect, it } from 'vitest';
import { SEQUENCE_MESSAGE_CODES, SEQUENCE_MESSAGES } from './messages.ts';

describe('sequence messages', () => {
  it('exist in Spanish and English for every code, and differ', () => {
    for (const code of SEQUENCE_MESSAGE_CODES) {
      expect(SEQUENCE_MESSAGES.en[code], code).toBeTruthy();
      expect(SEQUENCE_MESSAGES.es[code], code).toBeTruthy();
      expect(SEQUENCE_MESSAGES.es[code], code).not.toBe(SEQUENCE_MESSAGES.en[code]);
    }
    expect(Object.keys(SEQUENCE_MESSAGES.es).sort()).toEqual([...SEQUENCE_MESSAGE_CODES].sort());
    expect(Object.keys(SEQUENCE_MESSAGES.en).sort()).toEqual([...SEQUENCE_MESSAGE_CODES].sort());
  });
});
