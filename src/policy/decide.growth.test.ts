// Growth facts (issue 5): a template's review status, marketing opt-in requests, Meta's marketing caps.
import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';
import { type DecisionDocument, decisionDocument } from './document.ts';
import { parseFacts } from './facts.ts';
import { ruleSetAt } from './rules/ruleset.ts';

const H = 3_600_000;
const NOW = Date.parse('2026-11-25T12:00:00.000Z');

function run(doc: Record<string, unknown>): DecisionDocument {
  const parsed = parseFacts({ now: NOW, ...doc });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const rules = ruleSetAt(NOW);
  if (!rules.ok) throw new Error(rules.code);
  return decisionDocument(decide(parsed.facts, rules.ruleSet, NOW));
}
const codes = (d: DecisionDocument) => d.reasons.map((r) => r.code);
const closed = { lastInboundAt: NOW - 30 * H, lastInboundKind: 'message', country: 'MX' };

describe('utility templates and their review status', () => {
  const template = (status?: string) => ({
    text: null,
    template: { category: 'UTILITY', name: 'order_shipped', parameters: ['A-1'], ...(status && { status }) },
  });
  const page = { utilityMessaging: true };

  it('sends an APPROVED utility template outside the window', () => {
    expect(run({ page, contact: closed, message: template('APPROVED') })).toMatchObject({
      allowed: true,
      route: 'utility',
    });
  });

  it('refuses a template Meta has not approved, naming its status', () => {
    for (const status of ['PENDING', 'REJECTED', 'PAUSED', 'NOT_FOUND']) {
      const d = run({ page, contact: closed, message: template(status) });
      expect(d.allowed).toBe(false);
      expect(codes(d)).toContain('template_not_approved');
      expect(d.reasons.find((r) => r.code === 'template_not_approved')).toMatchObject({
        params: { name: 'order_shipped', status },
      });
    }
  });
});

describe('marketing opt-in requests', () => {
  const optin = { text: 'Ofertas semanales', optinRequest: true };

  it('sends an opt-in request inside the window as a standard message', () => {
    const d = run({ contact: { lastInboundAt: NOW - H, lastInboundKind: 'message' }, message: optin });
    expect(d).toMatchObject({ allowed: true, route: 'standard' });
  });

  it('refuses an opt-in request outside the window, even to a subscribed person', () => {
    const d = run({
      page: { marketingMessages: true, businessCountry: 'MX' },
      contact: { ...closed, marketingSubscription: { status: 'active' } },
      message: optin,
    });
    expect(d.allowed).toBe(false);
    expect(codes(d)).toEqual(['optin_request_outside_window']);
  });

  it('does not ask a person who opted out to subscribe', () => {
    const d = run({ contact: { lastInboundAt: NOW - H, optedOut: true }, message: optin });
    expect(codes(d)).toEqual(['contact_opted_out']);
  });
});

describe('Meta’s marketing frequency caps', () => {
  it('holds marketing messages to a capped person until the hold ends', () => {
    const doc = (heldUntil: number) => ({
      page: { marketingMessages: true, businessCountry: 'MX' },
      contact: { ...closed, marketingSubscription: { status: 'active', heldUntil } },
      message: { text: 'Black Friday: 30% off everything, only today!' },
    });
    const held = run(doc(NOW + 5 * H));
    expect(held.allowed).toBe(false);
    expect(codes(held)).toContain('marketing_paused');
    expect(run(doc(NOW - 1))).toMatchObject({ allowed: true, route: 'marketing_message' });
  });
});
