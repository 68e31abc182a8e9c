import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';
import { type DecisionDocument, decisionDocument } from './document.ts';
import { parseFacts } from './facts.ts';
import { ruleSetAt } from './rules/ruleset.ts';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.parse('2026-11-25T12:00:00.000Z');

const RECEIPT = 'Your order #4821 has shipped. Tracking number 1Z999AA10123456784.';
const PROMO = 'Black Friday: 30% off everything with code FRIDAY30, only today!';

interface Doc {
  now?: string | number;
  page?: Record<string, unknown>;
  contact?: Record<string, unknown>;
  message?: Record<string, unknown>;
}

/** Builds a facts document as the public contract describes it, parses it and decides. */
function run(doc: Doc, options: { rulesAt?: string; disable?: string[] } = {}): DecisionDocument {
  const parsed = parseFacts({
    now: doc.now ?? NOW,
    page: doc.page,
    contact: doc.contact,
    message: { text: RECEIPT, ...doc.message },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const at = options.rulesAt ? Date.parse(options.rulesAt) : parsed.facts.now;
  const rules = ruleSetAt(at, { disable: options.disable ?? [] });
  if (!rules.ok) throw new Error(rules.code);
  return decisionDocument(decide(parsed.facts, rules.ruleSet, parsed.facts.now));
}

const ago = (ms: number, from = NOW) => from - ms;
const codes = (d: DecisionDocument) => d.reasons.map((r) => r.code);
const altCodes = (d: DecisionDocument) => d.alternatives.map((a) => a.code);

describe('the standard 24-hour window', () => {
  it('sends a promotional message one hour after the last message as UPDATE', () => {
    const d = run({
      contact: { lastInboundAt: ago(H), lastInboundKind: 'message' },
      message: { text: PROMO },
    });
    expect(d).toMatchObject({
      allowed: true,
      route: 'standard',
      send: { messaging_type: 'UPDATE', tag: null, recipient: 'id' },
    });
    expect(d.promotional.value).toBe(true);
    expect(d.windowClosesAt).toBe('2026-11-26T11:00:00.000Z');
  });

  it('answers with RESPONSE when the message replies to the person', () => {
    const d = run({ contact: { lastInboundAt: ago(H) }, message: { purpose: 'response' } });
    expect(d.send.messaging_type).toBe('RESPONSE');
  });

  it('still sends one millisecond before 24 hours have passed', () => {
    const d = run({ contact: { lastInboundAt: ago(24 * H - 1), lastInboundKind: 'message' } });
    expect(d.allowed).toBe(true);
  });

  it('refuses a promotional message at exactly 24 hours and explains the alternatives', () => {
    const d = run({
      contact: { lastInboundAt: ago(24 * H), lastInboundKind: 'message' },
      message: { text: PROMO },
    });
    expect(d.allowed).toBe(false);
    expect(codes(d)).toEqual(['outside_window', 'promotional_content', 'marketing_not_subscribed']);
    expect(altCodes(d)).toEqual(
      expect.arrayContaining(['ask_marketing_optin', 'wait_for_inbound', 'paid_reach']),
    );
    expect(d.send).toEqual({ messaging_type: null, tag: null, recipient: null, endpoint: null });
  });

  it.each([
    ['postback', true],
    ['quick_reply', true],
    ['referral', true],
    ['reaction', true],
    ['plugin_optin', true],
    ['optin', false],
    ['comment', false],
  ])('a %s one hour ago opens the window: %s', (kind, opens) => {
    const d = run({ contact: { lastInboundAt: ago(H), lastInboundKind: kind } });
    expect(d.windowOpen).toBe(opens);
  });

  it('treats the window as closed after Meta answered 10/2018278, whatever the clock says', () => {
    const d = run({ contact: { lastInboundAt: ago(2 * H), windowClosedByGraphAt: ago(H) } });
    expect(d.allowed).toBe(false);
    expect(d.notes.map((n) => n.code)).toContain('window_closed_by_graph');
  });

  it('reopens the window when the person writes after Meta closed it', () => {
    const d = run({ contact: { lastInboundAt: ago(H), windowClosedByGraphAt: ago(2 * H) } });
    expect(d.allowed).toBe(true);
  });

  it('offers to send before the window closes when a message may go', () => {
    const d = run({ contact: { lastInboundAt: ago(20 * H) } });
    expect(d.alternatives[0]).toEqual({
      code: 'send_before_window_closes',
      route: 'standard',
      params: { at: '2026-11-25T16:00:00.000Z' },
    });
  });

  it('refuses when the person never wrote and names that reason', () => {
    const d = run({ contact: {} });
    expect(codes(d)[0]).toBe('no_inbound_yet');
  });
});

describe('the Click-to-Messenger 7-day window (2026 rule)', () => {
  const adContact = { lastInboundAt: ago(3 * D), lastInboundKind: 'ad_message' };

  it('keeps the window open three days after an ad-started conversation', () => {
    const d = run({ contact: adContact, message: { text: PROMO } });
    expect(d).toMatchObject({ allowed: true, route: 'standard' });
    expect(d.notes.map((n) => n.code)).toContain('ctm_window_applied');
  });

  it('closes at exactly 7 days after the ad message', () => {
    const d = run({ contact: { lastInboundAt: ago(7 * D), lastInboundKind: 'ad_message' } });
    expect(d.allowed).toBe(false);
  });

  it('does not exist under the rules of the day before it was first seen', () => {
    const d = run({
      now: '2026-09-10T12:00:00Z',
      contact: { lastInboundAt: Date.parse('2026-09-07T12:00:00Z'), lastInboundKind: 'ad_message' },
    });
    expect(d.allowed).toBe(false);
    expect(d.rules).toBe('messenger-2026-04-27');
  });

  it('applies from the midnight of its effective date', () => {
    const d = run({
      now: '2026-09-11T00:00:00.000Z',
      contact: { lastInboundAt: Date.parse('2026-09-08T00:00:00Z'), lastInboundKind: 'ad_message' },
    });
    expect(d.allowed).toBe(true);
    expect(d.rules).toBe('messenger-2026-09-11');
  });

  it('can be switched off because the rule is uncertain', () => {
    const d = run({ contact: adContact }, { disable: ['ctm-window-7d'] });
    expect(d.allowed).toBe(false);
    expect(d.rules).toBe('messenger-2026-09-11~ctm-window-7d');
  });
});

describe('message tags: the 2020 reform and the 2026 retirement', () => {
  const threeDays = { lastInboundAt: 0, lastInboundKind: 'message' };
  const at = (iso: string) => ({
    now: iso,
    contact: { ...threeDays, lastInboundAt: Date.parse(iso) - 3 * D },
  });

  it('sends a receipt with POST_PURCHASE_UPDATE outside the window until the last millisecond of 26 April 2026', () => {
    const d = run({ ...at('2026-04-26T23:59:59.999Z'), message: { tag: 'POST_PURCHASE_UPDATE' } });
    expect(d).toMatchObject({
      allowed: true,
      route: 'message_tag',
      send: { messaging_type: 'MESSAGE_TAG', tag: 'POST_PURCHASE_UPDATE' },
    });
    expect(d.rules).toBe('messenger-2026-02-10');
  });

  it.each(['POST_PURCHASE_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'ACCOUNT_UPDATE'])(
    'refuses %s from midnight of 27 April 2026',
    (tag) => {
      const d = run({ ...at('2026-04-27T00:00:00.000Z'), message: { tag } });
      expect(d.allowed).toBe(false);
      expect(codes(d)).toEqual(['outside_window', 'tag_deprecated']);
      expect(altCodes(d)).toContain('use_utility_template');
    },
  );

  it('refuses a promotional message under a 2020 tag', () => {
    const d = run({ ...at('2021-05-01T12:00:00Z'), message: { tag: 'POST_PURCHASE_UPDATE', text: PROMO } });
    expect(codes(d)).toContain('tag_requires_non_promotional');
  });

  it('refuses the legacy tags from the day of the 2020 reform', () => {
    const d = run({ ...at('2020-03-04T00:00:00.000Z'), message: { tag: 'SHIPPING_UPDATE' } });
    expect(codes(d)).toEqual(['outside_window', 'tag_deprecated']);
    expect(altCodes(d)).toContain('use_message_tag');
  });

  it('drops a dead tag and sends a standard message while the window is open', () => {
    const d = run({ contact: { lastInboundAt: ago(H) }, message: { tag: 'ACCOUNT_UPDATE' } });
    expect(d).toMatchObject({ allowed: true, route: 'standard', send: { tag: null } });
    expect(d.notes.map((n) => n.code)).toContain('tag_dropped_inside_window');
  });

  it('refuses a tag Meta never had', () => {
    const d = run({ contact: { lastInboundAt: ago(2 * D) }, message: { tag: 'BEST_DEALS' } });
    expect(codes(d)).toEqual(['outside_window', 'tag_unknown']);
  });
});

describe('human agents', () => {
  const contact = { lastInboundAt: ago(3 * D), lastInboundKind: 'message' };

  it('lets a human answer after 3 days with HUMAN_AGENT when the Page holds the permission', () => {
    const d = run({
      page: { humanAgent: true },
      contact,
      message: { sender: 'human', text: 'Hola Ana, ya revisamos tu caso.' },
    });
    expect(d).toMatchObject({
      allowed: true,
      route: 'human_agent',
      send: { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' },
    });
    expect(d.humanAgentUntil).toBe('2026-11-29T12:00:00.000Z');
  });

  it('refuses a bot after 24 hours and offers a human reply until the 7th day', () => {
    const d = run({ page: { humanAgent: true }, contact });
    expect(d.allowed).toBe(false);
    expect(d.alternatives).toContainEqual({
      code: 'human_agent_reply',
      route: 'human_agent',
      params: { at: '2026-11-29T12:00:00.000Z' },
    });
  });

  it('refuses a bot that asks for the HUMAN_AGENT tag itself', () => {
    const d = run({ page: { humanAgent: true }, contact, message: { tag: 'HUMAN_AGENT' } });
    expect(codes(d)).toEqual(['outside_window', 'human_agent_requires_human']);
  });

  it('refuses a human at exactly 7 days', () => {
    const d = run({
      page: { humanAgent: true },
      contact: { lastInboundAt: ago(7 * D) },
      message: { sender: 'human' },
    });
    expect(codes(d)).toContain('human_agent_window_expired');
  });

  it('refuses a human when the Page lacks the permission', () => {
    const d = run({ contact, message: { sender: 'human' } });
    expect(codes(d)).toContain('human_agent_not_approved');
  });

  it('refuses a human agent sending promotions', () => {
    const d = run({ page: { humanAgent: true }, contact, message: { sender: 'human', text: PROMO } });
    expect(codes(d)).toContain('tag_requires_non_promotional');
  });

  it('was already there under the 2020 rules, in beta', () => {
    const d = run({
      now: '2020-06-01T12:00:00Z',
      page: { humanAgent: true },
      contact: { lastInboundAt: '2020-05-29T12:00:00Z' },
      message: { sender: 'human' },
    });
    expect(d.route).toBe('human_agent');
    expect(d.rules).toBe('messenger-2020-03-04');
  });
});

describe('utility templates', () => {
  const template = { category: 'UTILITY', name: 'order_shipped', parameters: ['4821'] };
  const closed = { lastInboundAt: ago(3 * D) };

  it('sends an approved utility template outside the window with messaging_type UTILITY', () => {
    const d = run({ page: { utilityMessaging: true }, contact: closed, message: { template } });
    expect(d).toMatchObject({
      allowed: true,
      route: 'utility',
      send: { messaging_type: 'UTILITY', recipient: 'id' },
    });
  });

  it('needs the page_utility_messaging permission', () => {
    const d = run({ contact: closed, message: { template } });
    expect(d.reasons).toEqual([
      { code: 'utility_not_enabled', params: { permission: 'page_utility_messaging' } },
    ]);
  });

  it('refuses marketing wording inside a utility template', () => {
    const d = run({ page: { utilityMessaging: true }, contact: closed, message: { template, text: PROMO } });
    expect(codes(d)).toContain('promotional_content');
  });

  it('did not exist under the 2024 rules', () => {
    const d = run({
      now: '2024-03-01T00:00:00Z',
      page: { utilityMessaging: true },
      contact: { lastInboundAt: '2024-02-20T00:00:00Z' },
      message: { template },
    });
    expect(codes(d)).toEqual(['utility_not_available']);
  });
});

describe('marketing messages (Marketing Message API)', () => {
  const subscribed = (lastSentAt: number | null, country = 'US') => ({
    lastInboundAt: ago(5 * D),
    country,
    marketingSubscription: { status: 'active', lastSentAt, expiresAt: null },
  });

  it('sends a promotion to a subscribed person in the US through the ad account endpoint', () => {
    const d = run({ page: { marketingMessages: true }, contact: subscribed(null), message: { text: PROMO } });
    expect(d).toMatchObject({
      allowed: true,
      route: 'marketing_message',
      send: { recipient: 'subscription_token', endpoint: 'ad_account_messages' },
    });
  });

  it('waits 12 hours between two marketing messages', () => {
    const early = run({
      page: { marketingMessages: true },
      contact: subscribed(ago(12 * H - 1)),
      message: { text: PROMO },
    });
    expect(codes(early)).toContain('marketing_cooldown');
    expect(altCodes(early)).toContain('use_marketing_message');
    const onTime = run({
      page: { marketingMessages: true },
      contact: subscribed(ago(12 * H)),
      message: { text: PROMO },
    });
    expect(onTime.route).toBe('marketing_message');
  });

  it('waited 24 hours before the 12-hour change of 11 August 2025', () => {
    const now = Date.parse('2025-08-10T12:00:00Z');
    const d = run({
      now,
      page: { marketingMessages: true },
      contact: { ...subscribed(now - 12 * H), lastInboundAt: now - 5 * D },
      message: { text: PROMO },
    });
    expect(d.reasons).toContainEqual({
      code: 'marketing_cooldown',
      params: { hours: 24, at: '2025-08-11T00:00:00.000Z' },
    });
  });

  it.each(['ES', 'DE', 'JP', 'KR', 'AU', 'GB'])('cannot reach a person in %s', (country) => {
    const d = run({
      page: { marketingMessages: true },
      contact: subscribed(null, country),
      message: { text: PROMO },
    });
    expect(codes(d)).toContain('marketing_region_ineligible');
  });

  it('did not exist before 1 July 2025', () => {
    const now = Date.parse('2025-06-30T12:00:00Z');
    const d = run({
      now,
      page: { marketingMessages: true },
      contact: { ...subscribed(null), lastInboundAt: now - 5 * D },
      message: { text: PROMO },
    });
    expect(d.allowed).toBe(false);
  });
});

describe('legacy notification tokens (Recurring Notifications)', () => {
  const withToken = (country: string, lastSentAt: number | null = null, lastInboundAt = ago(5 * D)) => ({
    lastInboundAt,
    country,
    legacyNotificationToken: { lastSentAt, expiresAt: null },
  });

  it('still reaches a person in Spain in November 2026', () => {
    const d = run({ contact: withToken('ES'), message: { text: PROMO } });
    expect(d).toMatchObject({
      allowed: true,
      route: 'legacy_notification',
      send: { recipient: 'notification_messages_token', messaging_type: null },
    });
  });

  it('no longer reaches a person in the US from 10 February 2026', () => {
    const d = run({ contact: withToken('US'), message: { text: PROMO } });
    expect(codes(d)).toContain('legacy_region_ineligible');
    const before = Date.parse('2026-02-09T12:00:00Z');
    expect(
      run({ now: before, contact: withToken('US', null, before - 5 * D), message: { text: PROMO } }).route,
    ).toBe('legacy_notification');
  });

  it('waits 48 hours between notifications since 1 September 2025 and 24 hours before', () => {
    expect(codes(run({ contact: withToken('ES', ago(47 * H)), message: { text: PROMO } }))).toContain(
      'legacy_cooldown',
    );
    const aug = Date.parse('2025-08-20T12:00:00Z');
    expect(
      run({ now: aug, contact: withToken('ES', aug - 25 * H, aug - 5 * D), message: { text: PROMO } }).route,
    ).toBe('legacy_notification');
  });
});

describe('one-time notifications', () => {
  it('uses an unused token once and notes the rule is uncertain', () => {
    const d = run({ contact: { lastInboundAt: ago(5 * D), oneTimeToken: { createdAt: ago(5 * D) } } });
    expect(d).toMatchObject({
      allowed: true,
      route: 'one_time_notification',
      send: { recipient: 'one_time_notif_token' },
    });
    expect(d.notes).toContainEqual({ code: 'uncertain_rule', params: { rule: 'one-time-notification' } });
  });

  it('refuses a token already used', () => {
    const d = run({
      contact: { lastInboundAt: ago(5 * D), oneTimeToken: { createdAt: ago(5 * D), usedAt: ago(D) } },
    });
    expect(codes(d)).toContain('one_time_token_used');
  });

  it('can be switched off', () => {
    const d = run(
      { contact: { lastInboundAt: ago(5 * D), oneTimeToken: { createdAt: ago(5 * D) } } },
      { disable: ['one-time-notification'] },
    );
    expect(d.allowed).toBe(false);
  });
});

describe('private replies', () => {
  const reply = (createdAgo: number, alreadyReplied = false) => ({
    privateReply: { commentId: '123_456', createdAt: ago(createdAgo), alreadyReplied },
  });

  it('answers a comment once within 7 days, addressed by comment_id', () => {
    const d = run({ message: { ...reply(6 * D), text: PROMO } });
    expect(d).toMatchObject({ allowed: true, route: 'private_reply', send: { recipient: 'comment_id' } });
  });

  it('refuses at exactly 7 days', () => {
    expect(codes(run({ message: reply(7 * D) }))[0]).toBe('private_reply_expired');
  });

  it('refuses a second reply to the same comment', () => {
    expect(codes(run({ message: reply(D, true) }))).toEqual(['private_reply_used']);
  });
});

describe('news messaging', () => {
  it('lets a News Page Index page send news outside the window', () => {
    const d = run({
      page: { newsPageIndex: true },
      contact: { lastInboundAt: ago(30 * D) },
      message: { tag: 'NON_PROMOTIONAL_SUBSCRIPTION', text: 'Parliament approved the budget tonight.' },
    });
    expect(d).toMatchObject({
      allowed: true,
      route: 'news_subscription',
      send: { tag: 'NON_PROMOTIONAL_SUBSCRIPTION' },
    });
  });

  it('refuses other pages', () => {
    const d = run({
      contact: { lastInboundAt: ago(30 * D) },
      message: { tag: 'NON_PROMOTIONAL_SUBSCRIPTION', text: 'Parliament approved the budget tonight.' },
    });
    expect(codes(d)).toContain('not_news_page');
  });
});

describe('people and Pages that may not be messaged', () => {
  it('refuses a blocked person even inside the window', () => {
    expect(codes(run({ contact: { lastInboundAt: ago(H), blocked: true } }))).toEqual(['contact_blocked']);
  });

  it('refuses everything while the Page is restricted', () => {
    expect(codes(run({ page: { restricted: true }, contact: { lastInboundAt: ago(H) } }))).toEqual([
      'page_restricted',
    ]);
  });

  it('never sends promotions to a person who opted out, but still answers them', () => {
    const promo = run({ contact: { lastInboundAt: ago(H), optedOut: true }, message: { text: PROMO } });
    expect(codes(promo)).toEqual(['contact_opted_out']);
    const answer = run({
      contact: { lastInboundAt: ago(H), optedOut: true },
      message: { text: 'Listo, ya no recibirás promociones.' },
    });
    expect(answer.allowed).toBe(true);
    expect(answer.notes.map((n) => n.code)).toContain('opted_out_non_promotional');
  });

  it('suggests paid reach through sponsored messages while they existed', () => {
    const d = run({
      now: '2022-05-01T12:00:00Z',
      contact: { lastInboundAt: '2022-04-20T00:00:00Z' },
      message: { text: PROMO },
    });
    expect(d.alternatives).toContainEqual({ code: 'paid_reach', params: { sponsored: 1 } });
  });
});

describe('decide is a pure function', () => {
  it('gives the same decision for the same facts, rules and now', () => {
    const doc = { contact: { lastInboundAt: ago(30 * H) }, message: { text: PROMO } };
    expect(run(doc)).toEqual(run(doc));
  });

  it('decides with the given now, not the facts’ now, when both are passed', () => {
    const parsed = parseFacts({ now: NOW, contact: { lastInboundAt: ago(H) }, message: { text: RECEIPT } });
    if (!parsed.ok) throw new Error('facts');
    const rules = ruleSetAt(NOW);
    if (!rules.ok) throw new Error('rules');
    expect(decide(parsed.facts, rules.ruleSet, NOW + D).allowed).toBe(false);
  });
});
