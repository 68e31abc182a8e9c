import { describe, expect, it } from 'vitest';
import { classifyContent } from '../policy/index.ts';
import { keywordConfirmation, keywordIntent } from './opt-out.ts';

describe('opt-out keywords', () => {
  it.each([
    'STOP',
    'baja',
    'Baja.',
    ' PARAR ',
    'Cancelar',
    'UNSUBSCRIBE',
    'Sair',
    'darse de baja',
    'Disiscriviti',
    'no más',
  ])('%s unsubscribes', (text) => expect(keywordIntent(text)).toBe('opt_out'));

  it.each(['START', 'alta', 'Suscribir', 'voltar', 'ISCRIVITI', 'resume'])('%s subscribes again', (text) =>
    expect(keywordIntent(text)).toBe('opt_in'),
  );

  it.each([
    'no quiero cancelar mi pedido',
    'stop sending me the wrong size',
    'hola',
    '',
    'la baja de precio es buena',
  ])('"%s" is an ordinary message', (text) => expect(keywordIntent(text)).toBeNull());

  it.each(['es_ES', 'en_US', 'pt_BR', 'it_IT', null])(
    'confirms in the person’s language (%s) without promotional content',
    (locale) => {
      const out = keywordConfirmation('opt_out', locale);
      expect(out.length).toBeGreaterThan(20);
      expect(classifyContent({ text: out }).value).toBe(false);
    },
  );
});
