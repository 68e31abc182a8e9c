import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateFlow } from '../../src/flows/validate.ts';
import { createRuleBook } from '../../src/policy/index.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const rules = (() => {
  const r = createRuleBook().at(NOW);
  if (!r.ok) throw new Error('rules');
  return r.ruleSet;
})();

describe('the example of docs/flows.md', () => {
  const blocks = [
    ...readFileSync(new URL('../../docs/flows.md', import.meta.url), 'utf8').matchAll(
      /```json\n([\s\S]*?)```/g,
    ),
  ];
  const example = JSON.parse(blocks.at(-1)![1]!) as { steps: { id: string; audience?: string }[] };

  it('is accepted with the warnings the text announces', () => {
    const r = validateFlow(example, { lang: 'en', rules, now: NOW });
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.warnings.map((w) => `${w.stepId}:${w.code}`)).toEqual([
        'oferta:needs_permission',
        'espera:delay_outlives_window_lawful',
      ]);
  });

  it('is refused when the late offer goes to everyone', () => {
    const steps = example.steps.map((s) => (s.id === 'oferta' ? { ...s, audience: 'everyone' } : s));
    const r = validateFlow({ ...example, steps }, { lang: 'es', rules, now: NOW });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems.filter((p) => p.severity === 'error').map((p) => `${p.stepId}:${p.code}`)).toEqual([
        'oferta:no_lawful_route',
        'espera:delay_outlives_window',
      ]);
  });
});
