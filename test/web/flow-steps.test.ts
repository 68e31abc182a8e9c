import { describe, expect, it } from 'vitest';
import { checkSteps } from '../../web/src/flow-steps.ts';
import en from '../../web/src/i18n/en.json' with { type: 'json' };
import es from '../../web/src/i18n/es.json' with { type: 'json' };

/** The catalog's own words, interpolated the i18next way. */
function tOf(catalog: { flows: Record<string, string> }) {
  return (key: string, options: Record<string, unknown> = {}) =>
    (catalog.flows[key.replace(/^flows\./, '')] ?? key).replace(/\{\{(\w+)\}\}/g, (_, k) =>
      String(options[k]),
    );
}

describe('the flow editor’s local check', () => {
  it('accepts steps whose links all point at existing steps', () => {
    const r = checkSteps(
      JSON.stringify([
        { id: 'a', type: 'message', quickReplies: [{ title: 'Sí', next: 'b' }] },
        { id: 'b', type: 'handover' },
      ]),
      tOf(en),
    );
    expect(r).toEqual({ ok: true, steps: expect.any(Array) });
  });

  it('names every problem, in the reader’s language', () => {
    const steps = JSON.stringify([{ id: 'a', type: 'message', next: 'nowhere' }, { id: 'a' }, 'text']);
    const r = checkSteps(steps, tOf(es));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      'El id «a» está repetido.',
      'El paso 2 no tiene «type».',
      'El paso 3 no es un objeto.',
      '«next» apunta a «nowhere», que no existe.',
    ]);
    const bad = checkSteps('[{"id": ', tOf(en));
    expect(bad.ok ? [] : bad.problems[0]).toMatch(/^The JSON is not valid: /);
    expect(checkSteps('{}', tOf(en))).toEqual({ ok: false, problems: ['The steps must be a list [ … ].'] });
  });
});
