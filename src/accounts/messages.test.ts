import { describe, expect, it } from 'vitest';
import { ACCOUNTS_CODES, accountsText } from './messages.ts';

describe('accounts messages', () => {
  it('has a distinct Spanish and English text for every code', () => {
    expect(ACCOUNTS_CODES.length).toBeGreaterThan(15);
    for (const code of ACCOUNTS_CODES) {
      const params = { field: 'email', seconds: 3, min: 10, id: 'x', role: 'owner' };
      const es = accountsText(code, 'es', params);
      const en = accountsText(code, 'en', params);
      expect(es, code).not.toBe('');
      expect(en, code).not.toBe('');
      expect(es, code).not.toBe(en);
      expect(`${es}${en}`, code).not.toContain('undefined');
    }
  });
});
