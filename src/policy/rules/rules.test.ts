import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_RECORDS, RULES_HORIZON } from './records.ts';
import { renderRulesDoc } from './rules-doc.ts';
import { createRuleBook, dayStart, resolveRulesOverride, ruleBoundaries, ruleSetAt } from './ruleset.ts';
import { SOURCES } from './sources.ts';

const PARAM_KEYS = [
  'standardWindow',
  'ctmWindow',
  'tags',
  'humanAgent',
  'utility',
  'marketingMessages',
  'legacyNotifications',
  'oneTimeNotification',
  'privateReply',
  'newsSubscription',
  'sponsoredMessages',
];

describe('the rule records', () => {
  it('have unique ids, real days, a source each and an end after their start', () => {
    const ids = new Set<string>();
    for (const r of RULE_RECORDS) {
      expect(ids.has(r.id), r.id).toBe(false);
      ids.add(r.id);
      expect(Number.isNaN(dayStart(r.from)), r.id).toBe(false);
      if (r.until) expect(r.until > r.from, r.id).toBe(true);
      expect(r.sources.length, r.id).toBeGreaterThan(0);
      for (const s of r.sources) expect(SOURCES[s], s).toMatch(/^https:\/\//);
      expect(r.title.es && r.title.en && r.summary.es && r.summary.en, r.id).toBeTruthy();
      if (r.uncertain) expect(r.uncertain.es && r.uncertain.en, r.id).toBeTruthy();
    }
  });

  it('include every change the product needs to know about', () => {
    const days = RULE_RECORDS.map((r) => r.from);
    for (const day of [
      '2020-03-04',
      '2021-06-02',
      '2023-02-02',
      '2025-07-01',
      '2025-08-11',
      '2025-09-01',
      '2026-02-10',
      '2026-04-27',
    ]) {
      expect(days).toContain(day);
    }
  });

  it('merge into complete parameters at every boundary', () => {
    for (const day of ruleBoundaries()) {
      const result = ruleSetAt(dayStart(day));
      expect(result.ok, day).toBe(true);
      if (!result.ok) continue;
      expect(Object.keys(result.ruleSet.params).sort()).toEqual([...PARAM_KEYS].sort());
      expect(result.ruleSet.id).toBe(`messenger-${day}`);
      expect(result.ruleSet.params.standardWindow.opensOn.length).toBeGreaterThan(0);
    }
  });

  it('change at midnight UTC: the last millisecond before belongs to the previous set', () => {
    const before = ruleSetAt(Date.parse('2026-04-26T23:59:59.999Z'));
    const after = ruleSetAt(Date.parse('2026-04-27T00:00:00.000Z'));
    expect(before.ok && before.ruleSet.params.tags.ACCOUNT_UPDATE?.status).toBe('active');
    expect(after.ok && after.ruleSet.params.tags.ACCOUNT_UPDATE?.status).toBe('deprecated');
  });

  it('are not modelled before the 2020 reform', () => {
    expect(ruleSetAt(dayStart(RULES_HORIZON) - 1)).toEqual({
      ok: false,
      code: 'before_horizon',
      detail: RULES_HORIZON,
    });
  });

  it('refuse to switch off a rule that does not exist', () => {
    expect(ruleSetAt(Date.now(), { disable: ['no-such-rule'] })).toEqual({
      ok: false,
      code: 'unknown_rule',
      detail: 'no-such-rule',
    });
  });

  it('mark every rule the reference calls uncertain', () => {
    const uncertain = RULE_RECORDS.filter((r) => r.uncertain).map((r) => r.id);
    expect(uncertain).toEqual(
      expect.arrayContaining([
        'ctm-window-7d',
        'one-time-notification',
        'customer-feedback-tag',
        'utility-messages',
        'sponsored-messages',
      ]),
    );
  });
});

describe('rule overrides', () => {
  it.each([
    ['2020-03-04', '2020-03-04T00:00:00.000Z'],
    ['messenger-2026-04-27', '2026-04-27T00:00:00.000Z'],
    ['2026-05-01T10:00:00Z', '2026-05-01T10:00:00.000Z'],
  ])('reads %s', (value, expected) => {
    const r = resolveRulesOverride(value);
    expect(r.ok && new Date(r.at).toISOString()).toBe(expected);
  });

  it('refuses text that is no date', () => {
    expect(resolveRulesOverride('last tuesday').ok).toBe(false);
  });

  it('gives the same rule set from the memo as from a fresh merge', () => {
    const book = createRuleBook();
    const at = Date.parse('2025-10-01T00:00:00Z');
    expect(book.at(at)).toEqual(ruleSetAt(at));
    expect(book.at(at + 1)).toBe(book.at(at));
  });
});

describe('docs/rules.md', () => {
  it('is generated from the rule data and up to date', () => {
    const committed = readFileSync(new URL('../../../docs/rules.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderRulesDoc());
  });
});
