import { describe, expect, it } from 'vitest';
import { parseSequenceInput, sequenceWarnings, toInputJson } from './model.ts';

const TEXT = { message: { type: 'text', text: 'Hola {{first_name|amigo}}, ¿qué tal el pedido?' } };
const PROMO = { message: { type: 'text', text: 'Black Friday: 30% de descuento con el código FRIDAY30' } };
const TEMPLATE = {
  type: 'utility_template',
  name: 'order_update',
  language: 'es',
  bodyParameters: ['{{first_name|}}'],
};

function step(over: Record<string, unknown> = {}) {
  return { delay: { amount: 1, unit: 'hours' }, content: TEXT, intent: 'non_promotional', ...over };
}

describe('validating a sequence on save', () => {
  it('accepts a valid sequence, fills defaults and gives steps stable ids', () => {
    const r = parseSequenceInput({ name: 'Bienvenida', steps: [step(), step({ id: 'tips' })] }, 'en');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input.exitOnReply).toBe(false);
    expect(r.input.steps.map((s) => s.id)).toEqual(['s1', 'tips']);
    expect(r.input.steps[0]!.fallback).toEqual({ type: 'skip', template: null });
    expect(r.input.steps[0]!.delay).toEqual({ amount: 1, unit: 'hours', from: 'previous', sendAt: null });
    expect(r.warnings).toEqual([]);
    // The stored definition parses back to itself.
    const again = parseSequenceInput(toInputJson(r.input), 'en');
    expect(again.ok && again.input).toEqual(r.input);
  });

  it('names the field of a bad delay, in Spanish', () => {
    const r = parseSequenceInput(
      { name: 'X', steps: [step({ delay: { amount: -1, unit: 'weeks', sendAt: '25:00' } })] },
      'es',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field).sort()).toEqual([
      'steps[0].delay.amount',
      'steps[0].delay.sendAt',
      'steps[0].delay.unit',
    ]);
    expect(r.problems[0]!.message).toContain('valor no válido');
  });

  it('refuses a message Meta would refuse, with the path inside the step', () => {
    const r = parseSequenceInput(
      { name: 'X', steps: [step({ content: { message: { type: 'text', text: '' } } })] },
      'en',
    );
    expect(!r.ok && r.problems[0]).toMatchObject({
      field: 'steps[0].content.message.text',
      code: 'invalid_message',
    });
  });

  it('refuses promotional content declared non-promotional, and a promotional utility template', () => {
    const declared = parseSequenceInput({ name: 'X', steps: [step({ content: PROMO })] }, 'en');
    expect(!declared.ok && declared.problems[0]).toMatchObject({
      field: 'steps[0].intent',
      code: 'promotional_not_allowed',
    });
    const utility = parseSequenceInput(
      { name: 'X', steps: [step({ intent: 'promotional', content: { message: TEMPLATE } })] },
      'en',
    );
    expect(!utility.ok && utility.problems[0]?.code).toBe('promotional_utility');
  });

  it('needs a utility template for the utility_template fallback, and refuses a promotional one', () => {
    const missing = parseSequenceInput(
      { name: 'X', steps: [step({ fallback: { type: 'utility_template' } })] },
      'en',
    );
    expect(!missing.ok && missing.problems[0]?.code).toBe('fallback_template_required');
    const promo = parseSequenceInput(
      {
        name: 'X',
        steps: [
          step({
            fallback: {
              type: 'utility_template',
              template: { ...TEMPLATE, bodyParameters: ['50% de descuento con el cupón AHORRA50'] },
            },
          }),
        ],
      },
      'en',
    );
    expect(!promo.ok && promo.problems[0]?.code).toBe('fallback_template_promotional');
  });

  it('allows a promotional step with a utility template fallback, and says the content changes', () => {
    const r = parseSequenceInput(
      {
        name: 'X',
        steps: [
          step({
            intent: 'promotional',
            content: PROMO,
            fallback: { type: 'utility_template', template: TEMPLATE },
          }),
        ],
      },
      'en',
    );
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['fallback_changes_content']);
  });

  it('warns (es/en) about a promotional step due beyond 24 h whose fallback is skip', () => {
    const body = {
      name: 'X',
      steps: [step(), step({ intent: 'promotional', content: PROMO, delay: { amount: 2, unit: 'days' } })],
    };
    const en = parseSequenceInput(body, 'en');
    expect(en.ok && en.warnings).toEqual([
      expect.objectContaining({
        step: 2,
        code: 'promotional_late_skip',
        message: expect.stringContaining('49 h'),
      }),
    ]);
    const es = parseSequenceInput(body, 'es');
    expect(es.ok && es.warnings[0]!.message).toContain('no lo recibirá');
    // Counted from the enrollment: 20 h after entry is still inside a fresh window.
    const early = parseSequenceInput(
      {
        name: 'X',
        steps: [
          step({ delay: { amount: 3, unit: 'days' } }),
          step({
            intent: 'promotional',
            content: PROMO,
            delay: { amount: 20, unit: 'hours', from: 'enrollment' },
          }),
        ],
      },
      'en',
    );
    expect(early.ok && early.warnings).toEqual([]);
  });

  it('warns that wait_for_inbound never releases in a sequence that ends on reply', () => {
    const r = parseSequenceInput(
      { name: 'X', exitOnReply: true, steps: [step({ fallback: { type: 'wait_for_inbound' } })] },
      'en',
    );
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['wait_never_released']);
    if (r.ok) expect(sequenceWarnings(r.input, 'es')[0]!.message).toContain('nunca');
  });

  it('refuses duplicate step ids and an empty goal', () => {
    const r = parseSequenceInput(
      { name: 'X', goal: {}, steps: [step({ id: 'a' }), step({ id: 'a' })] },
      'en',
    );
    expect(!r.ok && r.problems.map((p) => p.field)).toEqual(['goal']);
    const d = parseSequenceInput({ name: 'X', steps: [step({ id: 'a' }), step({ id: 'a' })] }, 'en');
    expect(!d.ok && d.problems[0]).toMatchObject({ field: 'steps[1].id', code: 'duplicate_step_id' });
  });
});
