import { describe, expect, it } from 'vitest';
import { validateAnswer } from './validators.ts';

describe('answers to a question', () => {
  it('accepts an email address (normalised to lower case) and refuses what is not one', () => {
    expect(validateAnswer('email', ' Ana.Ruiz@Ejemplo.es ')).toBe('ana.ruiz@ejemplo.es');
    expect(validateAnswer('email', 'ana@ejemplo')).toBeNull();
    expect(validateAnswer('email', 'mi correo es ana@x.es')).toBeNull();
  });

  it('accepts phone numbers with a country code and separators', () => {
    expect(validateAnswer('phone', '+34 612 34 56 78')).toBe('+34612345678');
    expect(validateAnswer('phone', '(55) 1234-5678')).toBe('5512345678');
    expect(validateAnswer('phone', '12345')).toBeNull();
    expect(validateAnswer('phone', 'llámame')).toBeNull();
  });

  it('reads numbers with a decimal comma or point', () => {
    expect(validateAnswer('number', '3,5')).toBe(3.5);
    expect(validateAnswer('number', '42')).toBe(42);
    expect(validateAnswer('number', 'cuarenta')).toBeNull();
  });

  it('reads ISO and day-first dates and refuses impossible ones', () => {
    expect(validateAnswer('date', '24/12/2026')).toBe('2026-12-24');
    expect(validateAnswer('date', '2026-02-28')).toBe('2026-02-28');
    expect(validateAnswer('date', '31/02/2026')).toBeNull();
    expect(validateAnswer('date', 'mañana')).toBeNull();
  });

  it('matches a choice without accents or case and stores it as written in the flow', () => {
    expect(validateAnswer('choice', 'CAMISÉTAS', ['Camisetas', 'Pantalones'])).toBe('Camisetas');
    expect(validateAnswer('choice', 'zapatos', ['Camisetas', 'Pantalones'])).toBeNull();
    expect(validateAnswer('text', '   ')).toBeNull();
  });
});
