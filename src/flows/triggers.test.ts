import { describe, expect, it } from 'vitest';
import { compileTriggers, foldText } from './triggers.ts';

const flows = compileTriggers([
  {
    flowId: 'envios',
    version: 1,
    priority: 0,
    triggers: [{ type: 'keyword', match: 'exact', value: 'envío' }],
  },
  {
    flowId: 'precios',
    version: 1,
    priority: 0,
    triggers: [{ type: 'keyword', match: 'contains', value: 'precio' }],
  },
  {
    flowId: 'pedido',
    version: 2,
    priority: 0,
    triggers: [{ type: 'keyword', match: 'regex', value: '^pedido\\s*#?\\d{4,}$' }],
  },
  {
    flowId: 'vip',
    version: 1,
    priority: 5,
    triggers: [
      { type: 'keyword', match: 'contains', value: 'precio' },
      { type: 'ref', value: 'qr_tienda' },
    ],
  },
  {
    flowId: 'menu',
    version: 1,
    priority: 0,
    triggers: [
      { type: 'get_started' },
      { type: 'postback', payload: 'MENU' },
      { type: 'ice_breaker', payload: 'IB_HORARIO' },
      { type: 'quick_reply', payload: 'QR_SI' },
    ],
  },
  { flowId: 'optin', version: 1, priority: 0, triggers: [{ type: 'optin' }] },
  { flowId: 'fallback', version: 1, priority: 0, triggers: [{ type: 'default' }] },
]);

const message = (text: string | null, quickReplyPayload: string | null = null, ref: string | null = null) =>
  ({ kind: 'message', text, quickReplyPayload, ref }) as const;

describe('trigger matching', () => {
  it('folds accents, case and punctuation', () => {
    expect(foldText('¡ENVÍO!  Rápido ')).toBe('envio rapido');
  });

  it('matches an exact Spanish keyword whatever the accents and case ("envío" matches "ENVIO")', () => {
    expect(flows.match(message('ENVIO'))?.flowId).toBe('envios');
    expect(flows.match(message('Envío?'))?.flowId).toBe('envios');
    expect(flows.match(message('el envío'))?.flowId).toBe('fallback');
  });

  it('lets the higher-priority flow win between two "contains" keywords', () => {
    expect(flows.match(message('¿Qué PRECIOS tenéis?'))).toMatchObject({
      flowId: 'vip',
      trigger: 'keyword:precio',
    });
  });

  it('matches a regular expression case-insensitively, on the original and the folded text', () => {
    expect(flows.match(message('Pedido #12345'))?.flowId).toBe('pedido');
    expect(flows.match(message('pedido 12'))?.flowId).toBe('fallback');
  });

  it('matches refs before anything else, and payloads of postbacks, Get Started, ice breakers and quick replies', () => {
    expect(flows.match(message('envío', null, 'qr_tienda'))?.flowId).toBe('vip');
    expect(flows.match({ kind: 'referral', ref: 'qr_tienda' })?.trigger).toBe('ref:qr_tienda');
    expect(flows.match({ kind: 'postback', payload: 'GET_STARTED', ref: null })?.trigger).toBe(
      'get_started:GET_STARTED',
    );
    expect(flows.match({ kind: 'postback', payload: 'MENU', ref: null })?.flowId).toBe('menu');
    expect(flows.match({ kind: 'postback', payload: 'IB_HORARIO', ref: null })?.trigger).toBe(
      'ice_breaker:IB_HORARIO',
    );
    expect(flows.match(message('Sí', 'QR_SI'))?.trigger).toBe('quick_reply:QR_SI');
    expect(flows.match({ kind: 'postback', payload: 'UNKNOWN', ref: null })).toBeNull();
  });

  it('answers an opt-in and falls back to the default reply only for messages nothing else matched', () => {
    expect(flows.match({ kind: 'optin', payload: 'ofertas', ref: null })?.flowId).toBe('optin');
    expect(flows.match(message('hola'))).toMatchObject({ flowId: 'fallback', isDefault: true });
    expect(flows.match(message(null))).toBeNull();
    expect(compileTriggers([]).match(message('hola'))).toBeNull();
  });
});
