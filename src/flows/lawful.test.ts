import { describe, expect, it } from 'vitest';
import { createRuleBook } from '../policy/index.ts';
import type { FlowDocument } from './document.ts';
import { latestStart } from './lawful.ts';
import { validateFlow } from './validate.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const book = createRuleBook();
const rules = (() => {
  const r = book.at(NOW);
  if (!r.ok) throw new Error('rules');
  return r.ruleSet;
})();
const check = (doc: unknown, lang: 'es' | 'en' = 'en') => validateFlow(doc, { lang, rules, now: NOW });

const PROMO = 'Black Friday: 30% de descuento con el código VIERNES30, ¡solo hoy!';

function flow(steps: FlowDocument['steps']): FlowDocument {
  return { name: 'Test', triggers: [{ type: 'keyword', match: 'exact', value: 'hola' }], steps };
}

describe('the save-time compliance check', () => {
  it('accepts a promotional send right after the trigger (inside the window)', () => {
    const r = check(flow([{ id: 'promo', type: 'send', message: { type: 'text', text: PROMO } }]));
    expect(r.ok).toBe(true);
  });

  it('refuses a promotional step 25 h after the last message, naming the step and the reason', () => {
    const r = check(
      flow([
        { id: 'wait', type: 'delay', hours: 25, next: 'promo' },
        { id: 'promo', type: 'send', message: { type: 'text', text: PROMO } },
      ]),
      'es',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const refusal = r.problems.find((p) => p.code === 'no_lawful_route');
    expect(refusal).toMatchObject({ stepId: 'promo', path: 'steps[1]', severity: 'error' });
    expect(refusal?.params?.codes).toContain('outside_window');
    expect(refusal?.message).toContain('Paso «promo»');
    expect(refusal?.message).toContain('25 h');
    const delay = r.problems.find((p) => p.code === 'delay_outlives_window');
    expect(delay).toMatchObject({ stepId: 'wait', severity: 'error' });
    expect(delay?.message).toContain('«promo»');
  });

  it('allows the same delay when the next step goes to marketing subscribers, with a warning', () => {
    const r = check(
      flow([
        { id: 'wait', type: 'delay', days: 2, next: 'promo' },
        { id: 'promo', type: 'send', audience: 'subscribers', message: { type: 'text', text: PROMO } },
      ]),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings.map((w) => w.code)).toEqual(['needs_permission', 'delay_outlives_window_lawful']);
    expect(r.warnings[1]?.message).toContain('subscribed to marketing');
  });

  it('allows a utility template after the window, and refuses a promotional one', () => {
    const ok = check(
      flow([
        { id: 'wait', type: 'delay', days: 3, next: 'shipped' },
        {
          id: 'shipped',
          type: 'utility_template',
          name: 'order_shipped',
          language: 'es',
          parameters: ['A-1234'],
        },
      ]),
    );
    expect(ok.ok).toBe(true);
    const bad = check(
      flow([
        { id: 'wait', type: 'delay', days: 3, next: 'shipped' },
        { id: 'shipped', type: 'utility_template', name: 'promo', language: 'es', parameters: [PROMO] },
      ]),
    );
    expect(bad.ok).toBe(false);
  });

  it('counts a question as re-opening the window (the person answers)', () => {
    const r = check(
      flow([
        { id: 'wait', type: 'delay', hours: 20, next: 'ask' },
        { id: 'ask', type: 'ask', text: '¿Tu correo?', field: 'email', validate: 'email', next: 'wait2' },
        { id: 'wait2', type: 'delay', hours: 20, next: 'promo' },
        { id: 'promo', type: 'send', message: { type: 'text', text: PROMO } },
      ]),
    );
    expect(r.ok).toBe(true);
  });

  it('treats a loop with a delay as unbounded and refuses a loop with no wait at all', () => {
    const looping = flow([
      { id: 'a', type: 'send', message: { type: 'text', text: 'Hola' }, next: 'b' },
      { id: 'b', type: 'delay', hours: 1, next: 'a' },
    ]);
    expect(latestStart(looping).get('a')).toBeGreaterThan(24 * 3_600_000);
    expect(check(looping).ok).toBe(false);
    const spinning = check(
      flow([
        { id: 'a', type: 'add_label', labels: ['x'], next: 'b' },
        { id: 'b', type: 'remove_label', labels: ['x'], next: 'a' },
      ]),
    );
    expect(spinning.ok).toBe(false);
    if (!spinning.ok)
      expect(spinning.problems.map((p) => p.code)).toEqual(['loop_without_wait', 'loop_without_wait']);
  });
});

describe('flow document validation', () => {
  it('lists every shape problem with the step and the field, in Spanish or English', () => {
    const r = check(
      {
        name: '',
        triggers: [{ type: 'keyword', match: 'starts', value: 'x' }],
        steps: [
          { id: 'q', type: 'ask', text: '¿Correo?', field: 'email', validate: 'correo' },
          { id: 's', type: 'sendd' },
          { id: 'w', type: 'webhook', url: 'ftp://x' },
        ],
      },
      'es',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.problems.map((p) => [p.path, p]));
    expect(byPath.name?.code).toBe('required');
    expect(byPath['triggers[0].match']?.code).toBe('invalid_value');
    expect(byPath['steps[0].validate']).toMatchObject({ stepId: 'q', code: 'invalid_value' });
    expect(byPath['steps[0].validate']?.message).toMatch(/^Paso «q», validate: debe ser uno de: text, email/);
    expect(byPath['steps[1].type']?.message).toContain('Paso «s», type');
    expect(byPath['steps[2].url']).toMatchObject({ stepId: 'w', code: 'invalid_format' });
  });

  it('finds wiring problems: duplicate ids, unknown steps, bad regex, missing choices, Meta limits', () => {
    const r = check(
      {
        name: 'X',
        triggers: [{ type: 'keyword', match: 'regex', value: '(' }],
        steps: [
          {
            id: 'a',
            type: 'send',
            message: {
              type: 'text',
              text: 'Hola',
              quickReplies: [{ title: 'Un título demasiado largo', payload: 'P' }],
            },
            next: 'zz',
          },
          { id: 'a', type: 'ask', text: '¿Talla?', field: 'talla', validate: 'choice' },
        ],
      },
      'en',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.path}:${p.code}`).sort()).toEqual([
      'steps[0].message.quickReplies[0].title:quick_reply_title_too_long',
      'steps[0].next:unknown_step',
      'steps[1].choices:choices_required',
      'steps[1].id:duplicate_step',
      'triggers[0].value:invalid_regex',
    ]);
    expect(r.problems.find((p) => p.code === 'quick_reply_title_too_long')?.message).toBe(
      'Step "a", message.quickReplies[0].title: A quick reply title can have at most 20 characters.',
    );
  });
});
