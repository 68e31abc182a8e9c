import { describe, expect, it } from 'vitest';
import type { FlowDocument } from './document.ts';
import { advance, type ContactState, holds, NEW_CURSOR } from './interpreter.ts';

const contact = (over: Partial<ContactState> = {}): ContactState => ({
  labels: ['vip'],
  fields: { edad: 34, ciudad: 'Málaga', email: '' },
  locale: 'es_MX',
  firstName: 'Ana',
  lastName: null,
  profileKnown: true,
  windowOpen: true,
  ...over,
});
const ctx = { now: 1_000, inResponse: true };

describe('the interpreter', () => {
  it('keeps the placeholders for the send pipeline when the person’s name is not known yet', () => {
    const doc: FlowDocument = {
      name: 'Hola',
      triggers: [],
      steps: [{ id: 'hola', type: 'send', message: { type: 'text', text: '¡Hola {{first_name|amigo}}!' } }],
    };
    const sendOf = (c: ContactState) =>
      advance(doc, NEW_CURSOR, c, { kind: 'start' }, ctx).effects.find((e) => e.kind === 'send');
    expect(sendOf(contact())).toMatchObject({ content: { message: { text: '¡Hola Ana!' } } });
    expect(sendOf(contact({ firstName: null, profileKnown: false }))).toMatchObject({
      content: { message: { text: '¡Hola {{first_name|amigo}}!' }, personalize: true },
    });
  });

  it('evaluates conditions on fields, labels, window and locale', () => {
    const c = contact();
    expect(holds({ field: 'edad', op: 'gt', value: 18 }, c)).toBe(true);
    expect(holds({ field: 'edad', op: 'lt', value: '18' }, c)).toBe(false);
    expect(holds({ field: 'ciudad', op: 'eq', value: 'MALAGA' }, c)).toBe(true);
    expect(holds({ field: 'ciudad', op: 'contains', value: 'mala' }, c)).toBe(true);
    expect(holds({ field: 'email', op: 'exists' }, c)).toBe(false);
    expect(holds({ field: 'nada', op: 'neq', value: 'x' }, c)).toBe(true);
    expect(holds({ label: 'vip', op: 'has' }, c)).toBe(true);
    expect(holds({ window: 'closed' }, c)).toBe(false);
    expect(holds({ locale: 'es' }, c)).toBe(true);
    expect(holds({ locale: 'es-ES' }, c)).toBe(false);
  });

  it('re-prompts a wrong answer, then takes the fallback when the retries are used up', () => {
    const doc: FlowDocument = {
      name: 'x',
      triggers: [],
      steps: [
        {
          id: 'q',
          type: 'ask',
          text: '¿Cuántos?',
          field: 'n',
          validate: 'number',
          retries: 1,
          next: 'ok',
          fallback: 'fb',
        },
        { id: 'ok', type: 'send', message: { type: 'text', text: 'Vale, {{field.n}}' } },
        { id: 'fb', type: 'add_label', labels: ['sin_respuesta'] },
      ],
    };
    const c = contact();
    const start = advance(doc, NEW_CURSOR, c, { kind: 'start' }, ctx);
    expect(start.cursor).toMatchObject({ stepId: 'q', wait: 'input', status: 'waiting' });
    const wrong = advance(doc, start.cursor, c, { kind: 'answer', text: 'muchos', payload: null }, ctx);
    expect(wrong.effects.map((e) => e.kind)).toEqual(['answer_rejected', 'send']);
    expect(wrong.cursor).toMatchObject({ stepId: 'q', attempts: 1 });
    const again = advance(doc, wrong.cursor, c, { kind: 'answer', text: 'otra vez no', payload: null }, ctx);
    expect(again.cursor).toMatchObject({ status: 'completed', outcome: 'completed' });
    expect(c.labels).toEqual(['sin_respuesta', 'vip']);
    const good = advance(doc, start.cursor, contact(), { kind: 'answer', text: '3,5', payload: null }, ctx);
    const send = good.effects.find((e) => e.kind === 'send');
    expect(send && send.kind === 'send' ? send.content.message : null).toEqual({
      type: 'text',
      text: 'Vale, 3.5',
    });
  });

  it('numbers its effects so a replay produces the same idempotency keys, and stops a runaway loop', () => {
    const doc: FlowDocument = {
      name: 'x',
      triggers: [],
      steps: [
        { id: 'a', type: 'send', message: { type: 'text', text: 'uno' }, next: 'b' },
        { id: 'b', type: 'goal', next: 'a' },
      ],
    };
    const one = advance(doc, NEW_CURSOR, contact(), { kind: 'start' }, { ...ctx, maxSteps: 10 });
    const two = advance(doc, NEW_CURSOR, contact(), { kind: 'start' }, { ...ctx, maxSteps: 10 });
    expect(one.effects).toEqual(two.effects);
    expect(one.cursor).toMatchObject({ status: 'failed', outcome: 'loop_limit', seq: 10 });
  });
});
