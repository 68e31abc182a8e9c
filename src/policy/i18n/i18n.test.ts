import { describe, expect, it } from 'vitest';
import { ALTERNATIVE_CODES, NOTE_CODES, REASON_CODES, ROUTES } from '../types.ts';
import { FACT_PROBLEM_KEYS, LANGS, WORD_KEYS } from './catalog.ts';
import { CATALOGS, explainDecision, formatMoment, reasonText } from './index.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('every code has words in every language', () => {
  const groups = [
    ['reasons', REASON_CODES],
    ['alternatives', ALTERNATIVE_CODES],
    ['notes', NOTE_CODES],
    ['routes', ROUTES],
    ['words', WORD_KEYS],
    ['facts', FACT_PROBLEM_KEYS],
  ] as const;
  for (const [group, keys] of groups) {
    for (const lang of LANGS) {
      it(`${group} in ${lang}`, () => {
        const table = CATALOGS[lang][group] as Record<string, string>;
        expect(Object.keys(table).sort()).toEqual([...keys].sort());
        for (const key of keys)
          expect(table[key]?.trim().length, `${lang}.${group}.${key}`).toBeGreaterThan(0);
      });
    }
    it(`${group} use the same placeholders in Spanish and English`, () => {
      for (const key of keys) {
        const en = (CATALOGS.en[group] as Record<string, string>)[key]!;
        const es = (CATALOGS.es[group] as Record<string, string>)[key]!;
        expect(placeholders(es), key).toEqual(placeholders(en));
      }
    });
  }
});

describe('rendering', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  it('says "today at 18:40" for a moment later the same day', () => {
    expect(formatMoment('2026-11-25T18:40:00Z', CATALOGS.en, { lang: 'en', now })).toBe('today at 18:40 UTC');
    expect(formatMoment('2026-11-25T18:40:00Z', CATALOGS.es, { lang: 'es', now })).toBe(
      'hoy a las 18:40 UTC',
    );
  });

  it('shows moments in the reader’s time zone', () => {
    const text = formatMoment('2026-11-25T23:30:00Z', CATALOGS.es, {
      lang: 'es',
      now,
      timeZone: 'Europe/Madrid',
    });
    expect(text).toMatch(/^mañana a las 00:30/);
  });

  it('fills the parameters of a reason', () => {
    const text = reasonText(
      { code: 'marketing_cooldown', params: { hours: 12, at: '2026-11-26T08:00:00Z' } },
      { lang: 'es', now },
    );
    expect(text).toBe(
      'Solo un mensaje de marketing cada 12 horas por persona; el siguiente puede salir mañana a las 08:00 UTC.',
    );
  });

  it('explains a refusal with its reasons and alternatives', () => {
    const text = explainDecision(
      {
        allowed: false,
        route: null,
        send: { messaging_type: null, tag: null, recipient: null, endpoint: null },
        rules: 'messenger-2026-09-11',
        now,
        windowClosesAt: Date.parse('2026-11-24T10:00:00.000Z'),
        windowOpen: false,
        humanAgentUntil: null,
        promotional: {
          value: true,
          score: 3,
          signals: [{ kind: 'coupon', text: 'FRIDAY30', where: 'text' }],
        },
        reasons: [{ code: 'outside_window', params: { at: Date.parse('2026-11-24T10:00:00.000Z') } }],
        alternatives: [{ code: 'wait_for_inbound' }],
        notes: [],
      },
      { lang: 'en', now },
    );
    expect(text).toContain('✘ May not be sent');
    expect(text).toContain('The 24-hour window closed yesterday at 10:00 UTC');
    expect(text).toContain('coupon «FRIDAY30»');
    expect(text).toContain('Wait until the person writes again');
  });
});
