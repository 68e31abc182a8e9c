import { describe, expect, it } from 'vitest';
import { GROWTH_CODES, GROWTH_MESSAGES, growthText } from './messages.ts';

const placeholders = (s: string) => [...s.matchAll(/(?<!\{)\{(\w+)\}(?!\})/g)].map((m) => m[1]).sort();

describe('growth messages', () => {
  it('have every code in Spanish and English, with the same placeholders', () => {
    for (const lang of ['en', 'es'] as const) {
      expect(Object.keys(GROWTH_MESSAGES[lang]).sort()).toEqual([...GROWTH_CODES].sort());
    }
    for (const code of GROWTH_CODES) {
      expect(placeholders(GROWTH_MESSAGES.es[code]), code).toEqual(placeholders(GROWTH_MESSAGES.en[code]));
    }
  });

  it('fill the parameters they are given', () => {
    expect(growthText('es', 'text_too_long', { field: 'greeting[0].text', max: 160 })).toBe(
      'greeting[0].text debe tener entre 1 y 160 caracteres.',
    );
  });
});
