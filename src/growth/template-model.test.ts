import { describe, expect, it } from 'vitest';
import { signalsText } from './messages.ts';
import { contentCheck, parseTemplate, toGraphTemplate } from './template-model.ts';

const base = { pageId: '1001', name: 'order_shipped', language: 'es' };

function authored(input: Record<string, unknown>) {
  const r = parseTemplate({ ...base, ...input });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r;
}

describe('utility template content check', () => {
  it('lets an order update through and builds the components Meta expects', () => {
    const r = authored({
      body: 'Tu pedido {{1}} ya salió. Síguelo con el número {{2}}.',
      examples: ['A-1', 'TRK9'],
    });
    expect(contentCheck(r.definition)).toEqual({ ok: true });
    expect(toGraphTemplate(r.head, r.definition)).toEqual({
      name: 'order_shipped',
      category: 'UTILITY',
      language: 'es',
      components: [
        {
          type: 'BODY',
          text: 'Tu pedido {{1}} ya salió. Síguelo con el número {{2}}.',
          example: { body_text: [['A-1', 'TRK9']] },
        },
      ],
    });
  });

  it('refuses Spanish marketing wording and lists the signals in Spanish and English', () => {
    const r = authored({ body: '¡Aprovecha 20% de descuento con el cupón {{1}}!', examples: ['VERANO'] });
    const check = contentCheck(r.definition);
    expect(check.ok).toBe(false);
    if (check.ok || check.code !== 'template_marketing_content') throw new Error('expected marketing');
    expect(check.signals.map((s) => s.kind)).toEqual(expect.arrayContaining(['discount', 'coupon']));
    expect(signalsText('es', check.signals)).toContain('descuento «');
    expect(signalsText('en', check.signals)).toContain('discount «');
  });

  it('refuses English marketing wording hidden in a button and in example values', () => {
    const byButton = authored({
      body: 'Your order {{1}} has shipped.',
      examples: ['A-1'],
      buttons: [{ type: 'url', text: 'Shop now', url: 'https://shop.example.com/cart' }],
    });
    expect(contentCheck(byButton.definition).ok).toBe(false);
    const byExample = authored({ body: 'Update: {{1}}', examples: ['Get 30% off everything, shop now'] });
    expect(contentCheck(byExample.definition).ok).toBe(false);
  });

  it('refuses a template that asks for a full card number', () => {
    const r = authored({
      body: 'Reply with your full card number to confirm order {{1}}.',
      examples: ['A-1'],
    });
    expect(contentCheck(r.definition)).toMatchObject({ ok: false, code: 'template_forbidden_content' });
  });

  it('names the field of every input problem', () => {
    const r = parseTemplate({
      pageId: '1001',
      name: 'Order Shipped',
      language: 'spanish',
      body: 'Hola {{2}}',
      examples: [],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.field}:${p.code}`)).toEqual([
      'name:name_invalid',
      'language:language_invalid',
      'body:placeholders_not_sequential',
      'examples:examples_mismatch',
    ]);
  });

  it('supports named parameters', () => {
    const r = authored({
      body: 'Hola {{first_name}}, tu cita es el {{date}}.',
      parameterFormat: 'NAMED',
      examples: { first_name: 'Ana', date: '3 de mayo' },
    });
    expect(r.definition.parameters).toEqual(['first_name', 'date']);
    expect(toGraphTemplate(r.head, r.definition)).toMatchObject({
      parameter_format: 'NAMED',
      components: [
        {
          example: {
            body_text_named_params: [
              { param_name: 'first_name', example: 'Ana' },
              { param_name: 'date', example: '3 de mayo' },
            ],
          },
        },
      ],
    });
  });
});
