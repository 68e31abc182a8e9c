import { describe, expect, it } from 'vitest';
import { createRuleBook, type Facts, type RuleSet } from '../policy/index.ts';
import { canDoText, INBOX_CATALOGS } from './messages.ts';
import { windowView } from './window.ts';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.parse('2026-11-25T12:00:00Z');
const book = createRuleBook();
const rulesAt = (t: number): RuleSet => {
  const r = book.at(t);
  if (!r.ok) throw new Error('no rules');
  return r.ruleSet;
};

function page(over: Partial<Facts['page']> = {}): Facts['page'] {
  return {
    humanAgent: true,
    utilityMessaging: false,
    marketingMessages: false,
    newsPageIndex: false,
    restricted: false,
    businessCountry: null,
    ...over,
  };
}

function contact(over: Partial<Facts['contact']> = {}): Facts['contact'] {
  return {
    lastInboundAt: null,
    lastInboundKind: 'message',
    adWindowStartedAt: null,
    country: 'US',
    blocked: false,
    optedOut: false,
    marketingSubscription: null,
    legacyNotificationToken: null,
    oneTimeToken: null,
    windowClosedByGraphAt: null,
    ...over,
  };
}

const wroteAgo = (ms: number, over: Partial<Facts['contact']> = {}) =>
  contact({ lastInboundAt: NOW - ms, ...over });
const codes = (v: ReturnType<typeof windowView>) => v.canDo.map((c) => c.code);

describe('the window state of a conversation', () => {
  it('is open 1 h after the last message, closing 24 h after it, and anything may be sent', () => {
    const v = windowView(wroteAgo(H), page(), rulesAt(NOW), NOW);
    expect(v.state).toBe('open');
    expect(v.closesAt).toBe(NOW - H + 24 * H);
    expect(v.humanAgentUntil).toBe(NOW - H + 7 * D);
    expect(codes(v)).toEqual(['reply', 'promotional_message']);
    expect(v.canDo[0]?.until).toBe(NOW + 23 * H);
  });

  it('is still open 23 h after the last message, with one hour left', () => {
    const v = windowView(wroteAgo(23 * H), page(), rulesAt(NOW), NOW);
    expect(v.state).toBe('open');
    expect(v.closesAt! - NOW).toBe(H);
  });

  it('is human agent 25 h after the last message when the Page holds the permission', () => {
    const v = windowView(wroteAgo(25 * H), page(), rulesAt(NOW), NOW);
    expect(v.state).toBe('human_agent');
    expect(v.closesAt).toBe(NOW - H);
    expect(v.humanAgentUntil).toBe(NOW - 25 * H + 7 * D);
    expect(codes(v)).toContain('human_agent_reply');
    expect(codes(v)).not.toContain('promotional_message');
  });

  it('is closed 25 h after the last message when the Page lacks the Human Agent permission', () => {
    const v = windowView(wroteAgo(25 * H), page({ humanAgent: false }), rulesAt(NOW), NOW);
    expect(v.state).toBe('closed');
    expect(v.humanAgentUntil).toBeNull();
    expect(codes(v)).toEqual(['wait_for_inbound']);
  });

  it('is human agent with one day left 6 days after the last message', () => {
    const v = windowView(wroteAgo(6 * D), page(), rulesAt(NOW), NOW);
    expect(v.state).toBe('human_agent');
    expect(v.humanAgentUntil! - NOW).toBe(D);
  });

  it('is closed 8 days after the last message, even for a human, and says what is still possible', () => {
    const v = windowView(wroteAgo(8 * D), page({ utilityMessaging: true }), rulesAt(NOW), NOW);
    expect(v.state).toBe('closed');
    expect(codes(v)).toEqual(['utility_template', 'wait_for_inbound']);
  });

  it('offers a marketing message to a subscriber when the Page may send them', () => {
    const v = windowView(
      wroteAgo(8 * D, {
        marketingSubscription: { status: 'active', lastSentAt: null, expiresAt: null },
      }),
      page({ marketingMessages: true }),
      rulesAt(NOW),
      NOW,
    );
    expect(codes(v)).toContain('marketing_message');
  });

  it('keeps the window open 3 days after a Click-to-Messenger ad conversation started (2026 rule)', () => {
    const started = NOW - 3 * D;
    const v = windowView(
      wroteAgo(3 * D, { lastInboundKind: 'ad_message', adWindowStartedAt: started }),
      page(),
      rulesAt(NOW),
      NOW,
    );
    expect(v.state).toBe('open');
    expect(v.closesAt).toBe(started + 7 * D);
    expect(codes(v)).toContain('promotional_message');
  });

  it('does not apply the ad window under the 2020 rules', () => {
    const then = Date.parse('2020-06-01T12:00:00Z');
    const v = windowView(
      contact({
        lastInboundAt: then - 3 * D,
        lastInboundKind: 'ad_message',
        adWindowStartedAt: then - 3 * D,
      }),
      page({ humanAgent: false }),
      rulesAt(then),
      then,
    );
    expect(v.state).toBe('closed');
  });

  it('is closed for someone who never wrote, with nothing but waiting left', () => {
    const v = windowView(contact(), page(), rulesAt(NOW), NOW);
    expect(v).toMatchObject({ state: 'closed', closesAt: null, humanAgentUntil: null });
  });

  it('renders what can be done in Spanish and English', () => {
    const v = windowView(wroteAgo(25 * H), page(), rulesAt(NOW), NOW);
    const item = v.canDo.find((c) => c.code === 'human_agent_reply')!;
    expect(canDoText(item, 'es', NOW)).toContain('Human Agent');
    expect(canDoText(item, 'en', NOW)).toMatch(/^A person can reply/);
  });
});

describe('the inbox messages', () => {
  it('has every code in both languages', () => {
    for (const catalog of Object.values(INBOX_CATALOGS)) {
      const en = Object.keys(catalog.en).sort();
      const es = Object.keys(catalog.es).sort();
      expect(es).toEqual(en);
      for (const lang of ['en', 'es'] as const)
        for (const text of Object.values(catalog[lang])) expect(text.trim()).not.toBe('');
    }
  });
});
