/**
 * decide(facts, rules, now): may this message go to this person now, and how?
 *
 * Pure: no I/O, no clock, no environment. Everything it knows arrives as arguments; the rule set is
 * data chosen by the caller (normally the set in force at `now`). See docs/policy.md for the walk-through.
 */
import { classifyContent } from './classifier/index.ts';
import type { PromotionalVerdict } from './classifier/types.ts';
import { inRegions, type PolicyParams } from './rules/params.ts';
import type { RuleSet } from './rules/ruleset.ts';
import { DAY_MS, HOUR_MS } from './time.ts';
import type { Alternative, Decision, Facts, Note, Reason, Route, SendFields } from './types.ts';

const NO_SEND: SendFields = Object.freeze({
  messaging_type: null,
  tag: null,
  recipient: null,
  endpoint: null,
});
const SEND_RESPONSE: SendFields = Object.freeze({
  messaging_type: 'RESPONSE',
  tag: null,
  recipient: 'id',
  endpoint: 'page_messages',
});
const SEND_UPDATE: SendFields = Object.freeze({
  messaging_type: 'UPDATE',
  tag: null,
  recipient: 'id',
  endpoint: 'page_messages',
});
const SEND_UTILITY: SendFields = Object.freeze({
  messaging_type: 'UTILITY',
  tag: null,
  recipient: 'id',
  endpoint: 'page_messages',
});
const SEND_MARKETING: SendFields = Object.freeze({
  messaging_type: null,
  tag: null,
  recipient: 'subscription_token',
  endpoint: 'ad_account_messages',
});
const SEND_LEGACY: SendFields = Object.freeze({
  messaging_type: null,
  tag: null,
  recipient: 'notification_messages_token',
  endpoint: 'page_messages',
});
const SEND_OTN: SendFields = Object.freeze({
  messaging_type: null,
  tag: null,
  recipient: 'one_time_notif_token',
  endpoint: 'page_messages',
});

function tagged(tag: string): SendFields {
  return { messaging_type: 'MESSAGE_TAG', tag, recipient: 'id', endpoint: 'page_messages' };
}

/** The window as the rules see it at `now`. */
interface WindowState {
  /** The inbound that opened the window, if its kind opens one. */
  readonly openedAt: number | null;
  readonly closesAt: number | null;
  readonly open: boolean;
  readonly ctmApplied: boolean;
  readonly closedByGraph: boolean;
}

function windowState(facts: Facts, params: PolicyParams, now: number): WindowState {
  const c = facts.contact;
  const kind = c.lastInboundKind;
  const opens = c.lastInboundAt !== null && (kind === null || params.standardWindow.opensOn.includes(kind));
  const openedAt = opens ? c.lastInboundAt : null;
  let closesAt = openedAt === null ? null : openedAt + params.standardWindow.hours * HOUR_MS;
  let ctmApplied = false;
  if (params.ctmWindow !== null) {
    const adStart = c.adWindowStartedAt ?? (kind === 'ad_message' ? c.lastInboundAt : null);
    if (adStart !== null) {
      const adCloses = adStart + params.ctmWindow.days * DAY_MS;
      if (closesAt === null || adCloses > closesAt) {
        ctmApplied = adCloses > now;
        closesAt = adCloses;
      }
    }
  }
  // A 10/2018278 answer after the last inbound closes the window whatever the clock says.
  const graphClosed = c.windowClosedByGraphAt;
  const closedByGraph =
    graphClosed !== null && (openedAt === null || graphClosed >= openedAt) && graphClosed <= now;
  if (closedByGraph && closesAt !== null && graphClosed < closesAt) closesAt = graphClosed;
  const open = closesAt !== null && now < closesAt && !closedByGraph;
  return { openedAt, closesAt, open, ctmApplied: ctmApplied && open, closedByGraph };
}

/** Collects the outcome while decide() walks the routes. */
interface Draft {
  route: Route | null;
  send: SendFields;
  reasons: Reason[];
  alternatives: Alternative[];
  notes: Note[];
}

function verdictOf(facts: Facts): PromotionalVerdict {
  const m = facts.message;
  if (m.promotional !== null) return m.promotional;
  return classifyContent({
    text: m.text ?? undefined,
    buttons: m.buttons,
    quickReplies: m.quickReplies,
    extraTexts: m.template?.parameters,
  });
}

/**
 * Decides whether and how a message may be sent.
 * @param facts validated facts (see parseFacts)
 * @param rules the rule set to apply (normally `ruleSetAt(now)`)
 * @param now the moment of the decision, epoch ms; defaults to `facts.now`
 */
export function decide(facts: Facts, rules: RuleSet, now: number = facts.now): Decision {
  const params = rules.params;
  const verdict = verdictOf(facts);
  const promotional = verdict.value;
  const w = windowState(facts, params, now);
  const d: Draft = { route: null, send: NO_SEND, reasons: [], alternatives: [], notes: [] };
  if (w.ctmApplied) d.notes.push({ code: 'ctm_window_applied', params: { until: w.closesAt! } });
  if (w.closedByGraph)
    d.notes.push({ code: 'window_closed_by_graph', params: { at: facts.contact.windowClosedByGraphAt! } });

  const humanAgentUntil =
    params.humanAgent !== null && w.openedAt !== null ? w.openedAt + params.humanAgent.days * DAY_MS : null;

  if (facts.page.restricted) d.reasons.push({ code: 'page_restricted' });
  if (facts.contact.blocked) d.reasons.push({ code: 'contact_blocked' });
  if (d.reasons.length === 0) {
    const m = facts.message;
    if (m.privateReply !== null) privateReplyRoute(facts, params, now, d);
    else if (m.optinRequest === true) optinRequestRoute(facts, w, d);
    else if (m.template !== null && m.tag === null) utilityRoute(facts, params, promotional, w, now, d);
    else if (m.tag !== null) taggedRoute(facts, params, promotional, w, now, humanAgentUntil, d);
    else automaticRoute(facts, params, promotional, w, now, humanAgentUntil, d);
  }
  if (d.route !== null && facts.contact.optedOut) optedOutGate(promotional, d);

  return {
    allowed: d.route !== null,
    route: d.route,
    send: d.route !== null ? d.send : NO_SEND,
    rules: rules.id,
    now,
    windowClosesAt: w.closesAt,
    windowOpen: w.open,
    humanAgentUntil,
    promotional: verdict,
    reasons: d.route !== null ? [] : d.reasons,
    alternatives: d.alternatives,
    notes: d.notes,
  };
}

function allow(d: Draft, route: Route, send: SendFields): void {
  d.route = route;
  d.send = send;
}

/** People who opted out of marketing still get answers, never promotions. */
function optedOutGate(promotional: boolean, d: Draft): void {
  const marketingRoute =
    d.route === 'marketing_message' ||
    d.route === 'legacy_notification' ||
    d.route === 'one_time_notification';
  if (promotional || marketingRoute) {
    d.route = null;
    d.reasons.push({ code: 'contact_opted_out' });
    d.alternatives.length = 0;
    if (!marketingRoute) d.alternatives.push({ code: 'remove_promotional_content' });
  } else {
    d.notes.push({ code: 'opted_out_non_promotional' });
  }
}

function privateReplyRoute(facts: Facts, params: PolicyParams, now: number, d: Draft): void {
  const p = facts.message.privateReply!;
  const rule = params.privateReply;
  if (p.alreadyReplied) d.reasons.push({ code: 'private_reply_used' });
  if (now >= p.createdAt + rule.days * DAY_MS) {
    d.reasons.push({
      code: 'private_reply_expired',
      params: { days: rule.days, at: p.createdAt + rule.days * DAY_MS },
    });
  }
  if (d.reasons.length === 0) {
    allow(d, 'private_reply', {
      messaging_type: 'RESPONSE',
      tag: null,
      recipient: p.commentId !== null ? 'comment_id' : 'post_id',
      endpoint: 'page_messages',
    });
  } else {
    d.alternatives.push({ code: 'wait_for_inbound' });
  }
}

function utilityRoute(
  facts: Facts,
  params: PolicyParams,
  promotional: boolean,
  w: WindowState,
  now: number,
  d: Draft,
): void {
  const t = facts.message.template!;
  if (params.utility === null) d.reasons.push({ code: 'utility_not_available' });
  else {
    if (!params.utility.categories.includes(t.category))
      d.reasons.push({ code: 'utility_requires_template', params: { category: t.category } });
    if (!facts.page.utilityMessaging)
      d.reasons.push({ code: 'utility_not_enabled', params: { permission: params.utility.permission } });
    if (promotional) d.reasons.push({ code: 'promotional_content', params: { route: 'utility' } });
    // Only a template Meta approved may be sent; null status means the caller did not check.
    if (t.status != null && t.status !== 'APPROVED')
      d.reasons.push({ code: 'template_not_approved', params: { name: t.name, status: t.status } });
  }
  if (d.reasons.length === 0) {
    allow(d, 'utility', SEND_UTILITY);
    return;
  }
  if (promotional) d.alternatives.push({ code: 'remove_promotional_content' });
  if (w.open)
    d.alternatives.push({
      code: 'send_before_window_closes',
      route: 'standard',
      params: { at: w.closesAt! },
    });
  else alternativesOutside(facts, params, promotional, w, now, d);
}

function taggedRoute(
  facts: Facts,
  params: PolicyParams,
  promotional: boolean,
  w: WindowState,
  now: number,
  humanAgentUntil: number | null,
  d: Draft,
): void {
  const tag = facts.message.tag!;
  const rule = params.tags[tag];
  if (rule === undefined) {
    d.reasons.push({ code: 'tag_unknown', params: { tag } });
  } else if (rule.status === 'deprecated') {
    // Inside the window the tag is unnecessary: the message goes as a standard one, without it.
    if (w.open) {
      allowStandard(facts, w, d);
      d.notes.push({ code: 'tag_dropped_inside_window', params: { tag } });
      return;
    }
    d.reasons.push({ code: 'tag_deprecated', params: { tag } });
  } else if (w.open && rule.route !== 'customer_feedback') {
    allowStandard(facts, w, d);
    d.notes.push({ code: 'tag_dropped_inside_window', params: { tag } });
    return;
  } else {
    checkTaggedRoute(facts, promotional, w, now, humanAgentUntil, tag, rule.route, rule.windowDays, d);
    if (d.reasons.length === 0) {
      allow(d, rule.route, tagged(tag));
      return;
    }
  }
  if (!w.open)
    d.reasons.unshift(
      w.openedAt === null
        ? { code: 'no_inbound_yet' }
        : { code: 'outside_window', params: { at: w.closesAt! } },
    );
  else
    d.alternatives.push({
      code: 'send_before_window_closes',
      route: 'standard',
      params: { at: w.closesAt! },
    });
  if (!w.open) alternativesOutside(facts, params, promotional, w, now, d);
}

function checkTaggedRoute(
  facts: Facts,
  promotional: boolean,
  w: WindowState,
  now: number,
  humanAgentUntil: number | null,
  tag: string,
  route: Route,
  windowDays: number | null,
  d: Draft,
): void {
  const withinDays = windowDays === null || (w.openedAt !== null && now < w.openedAt + windowDays * DAY_MS);
  if (w.openedAt === null && route !== 'news_subscription') {
    d.reasons.push({ code: 'no_inbound_yet' });
    return;
  }
  switch (route) {
    case 'human_agent':
      if (facts.message.sender !== 'human') d.reasons.push({ code: 'human_agent_requires_human' });
      if (!facts.page.humanAgent) d.reasons.push({ code: 'human_agent_not_approved' });
      if (!withinDays)
        d.reasons.push({ code: 'human_agent_window_expired', params: { at: humanAgentUntil ?? now } });
      if (promotional) d.reasons.push({ code: 'tag_requires_non_promotional', params: { tag } });
      break;
    case 'news_subscription':
      if (!facts.page.newsPageIndex) d.reasons.push({ code: 'not_news_page' });
      if (promotional) d.reasons.push({ code: 'news_requires_non_promotional' });
      break;
    case 'customer_feedback':
      if (facts.message.template?.category !== 'CUSTOMER_FEEDBACK')
        d.reasons.push({ code: 'customer_feedback_requires_template' });
      if (!withinDays)
        d.reasons.push({ code: 'customer_feedback_window_expired', params: { days: windowDays ?? 0 } });
      break;
    case 'message_tag':
      if (promotional) d.reasons.push({ code: 'tag_requires_non_promotional', params: { tag } });
      if (!withinDays) d.reasons.push({ code: 'tag_window_expired', params: { tag, days: windowDays ?? 0 } });
      break;
    default:
      d.reasons.push({ code: 'tag_unknown', params: { tag } });
  }
}

function allowStandard(facts: Facts, w: WindowState, d: Draft): void {
  allow(d, 'standard', facts.message.purpose === 'response' ? SEND_RESPONSE : SEND_UPDATE);
  d.alternatives.push({ code: 'send_before_window_closes', route: 'standard', params: { at: w.closesAt! } });
}

/**
 * A marketing opt-in request is a message like any other: the window must be open (Meta: "only
 * inside the window"), and a person who opted out is not asked to subscribe to promotions.
 */
function optinRequestRoute(facts: Facts, w: WindowState, d: Draft): void {
  if (facts.contact.optedOut) d.reasons.push({ code: 'contact_opted_out' });
  else if (!w.open) {
    d.reasons.push({ code: 'optin_request_outside_window' });
    d.alternatives.push({ code: 'ask_marketing_optin', route: 'standard' });
  } else allowStandard(facts, w, d);
}

function automaticRoute(
  facts: Facts,
  params: PolicyParams,
  promotional: boolean,
  w: WindowState,
  now: number,
  humanAgentUntil: number | null,
  d: Draft,
): void {
  if (w.open) {
    allowStandard(facts, w, d);
    return;
  }
  const c = facts.contact;
  const failed: Reason[] = [];

  if (facts.message.sender === 'human' && params.humanAgent !== null && w.openedAt !== null) {
    const before = failed.length;
    if (!facts.page.humanAgent) failed.push({ code: 'human_agent_not_approved' });
    if (now >= humanAgentUntil!)
      failed.push({ code: 'human_agent_window_expired', params: { at: humanAgentUntil! } });
    if (promotional) failed.push({ code: 'tag_requires_non_promotional', params: { tag: 'HUMAN_AGENT' } });
    if (failed.length === before) {
      allow(d, 'human_agent', tagged('HUMAN_AGENT'));
      return;
    }
  }

  const hasAnyToken =
    c.marketingSubscription !== null || c.legacyNotificationToken !== null || c.oneTimeToken !== null;
  const marketing = params.marketingMessages;
  if (marketing !== null && c.marketingSubscription !== null) {
    const s = c.marketingSubscription;
    const before = failed.length;
    if (s.status !== 'active')
      failed.push({ code: 'marketing_not_subscribed', params: { status: s.status } });
    else if (s.expiresAt !== null && now >= s.expiresAt)
      failed.push({ code: 'marketing_token_expired', params: { at: s.expiresAt } });
    if (!facts.page.marketingMessages) failed.push({ code: 'marketing_not_enabled' });
    if (c.country === null) failed.push({ code: 'marketing_region_ineligible', params: { country: '?' } });
    else if (inRegions(c.country, marketing.excludedRecipientRegions))
      failed.push({ code: 'marketing_region_ineligible', params: { country: c.country } });
    const business = facts.page.businessCountry;
    if (business !== null && !marketing.businessRegions.includes(business)) {
      failed.push({ code: 'marketing_region_ineligible', params: { country: business } });
    }
    if (s.heldUntil != null && now < s.heldUntil)
      failed.push({ code: 'marketing_paused', params: { at: s.heldUntil } });
    if (s.lastSentAt !== null && now < s.lastSentAt + marketing.cooldownHours * HOUR_MS) {
      failed.push({
        code: 'marketing_cooldown',
        params: { hours: marketing.cooldownHours, at: s.lastSentAt + marketing.cooldownHours * HOUR_MS },
      });
    }
    if (failed.length === before) {
      allow(d, 'marketing_message', SEND_MARKETING);
      return;
    }
  }

  const legacy = params.legacyNotifications;
  if (legacy !== null && c.legacyNotificationToken !== null) {
    const t = c.legacyNotificationToken;
    const before = failed.length;
    if (t.status !== 'active') failed.push({ code: 'legacy_token_missing', params: { status: t.status } });
    else if (t.expiresAt !== null && now >= t.expiresAt)
      failed.push({ code: 'legacy_token_expired', params: { at: t.expiresAt } });
    if (
      legacy.onlyRecipientRegions !== null &&
      (c.country === null || !inRegions(c.country, legacy.onlyRecipientRegions))
    ) {
      failed.push({ code: 'legacy_region_ineligible', params: { country: c.country ?? '?' } });
    }
    if (t.lastSentAt !== null && now < t.lastSentAt + legacy.cooldownHours * HOUR_MS) {
      failed.push({
        code: 'legacy_cooldown',
        params: { hours: legacy.cooldownHours, at: t.lastSentAt + legacy.cooldownHours * HOUR_MS },
      });
    }
    if (failed.length === before) {
      allow(d, 'legacy_notification', SEND_LEGACY);
      return;
    }
  }

  const otn = params.oneTimeNotification;
  if (otn !== null && c.oneTimeToken !== null) {
    const t = c.oneTimeToken;
    if (t.usedAt !== null) failed.push({ code: 'one_time_token_used', params: { at: t.usedAt } });
    else if (now >= t.createdAt + otn.tokenValidityDays * DAY_MS)
      failed.push({ code: 'one_time_token_expired' });
    else {
      allow(d, 'one_time_notification', SEND_OTN);
      d.notes.push({ code: 'uncertain_rule', params: { rule: 'one-time-notification' } });
      return;
    }
  }

  // Nothing lawful: say why, most important first, and what can be done instead.
  d.reasons.push(
    w.openedAt === null
      ? { code: 'no_inbound_yet' }
      : { code: 'outside_window', params: { at: w.closesAt! } },
  );
  if (promotional) d.reasons.push({ code: 'promotional_content' });
  if (!hasAnyToken && (marketing !== null || legacy !== null))
    d.reasons.push({ code: 'marketing_not_subscribed' });
  d.reasons.push(...failed);
  alternativesOutside(facts, params, promotional, w, now, d);
}

const liveTagsMemo = new WeakMap<PolicyParams, readonly string[]>();
/** The use-case tags in force (memoised per rule set: decide() runs in broadcast loops). */
function liveMessageTags(params: PolicyParams): readonly string[] {
  let tags = liveTagsMemo.get(params);
  if (!tags) {
    tags = Object.entries(params.tags)
      .filter(([, r]) => r.status === 'active' && r.route === 'message_tag')
      .map(([name]) => name);
    liveTagsMemo.set(params, tags);
  }
  return tags;
}

/** What a marketer can do when the window is closed. */
function alternativesOutside(
  facts: Facts,
  params: PolicyParams,
  promotional: boolean,
  w: WindowState,
  now: number,
  d: Draft,
): void {
  const c = facts.contact;
  const alts = d.alternatives;
  if (!promotional) {
    if (params.humanAgent !== null && facts.message.sender === 'bot' && w.openedAt !== null) {
      const until = w.openedAt + params.humanAgent.days * DAY_MS;
      if (now < until && facts.page.humanAgent)
        alts.push({ code: 'human_agent_reply', route: 'human_agent', params: { at: until } });
    }
    if (params.utility !== null && facts.message.template === null)
      alts.push({ code: 'use_utility_template', route: 'utility' });
    const liveTags = liveMessageTags(params);
    const requested = facts.message.tag;
    if (liveTags.length > 0 && (requested === null || !liveTags.includes(requested)))
      alts.push({ code: 'use_message_tag', route: 'message_tag', params: { tags: liveTags.join(', ') } });
  } else if (params.utility !== null || params.humanAgent !== null) {
    alts.push({ code: 'remove_promotional_content' });
  }
  const subscribed =
    c.marketingSubscription?.status === 'active' || c.legacyNotificationToken?.status === 'active';
  if (!subscribed && (params.marketingMessages !== null || params.legacyNotifications !== null)) {
    alts.push({
      code: 'ask_marketing_optin',
      route: params.marketingMessages !== null ? 'marketing_message' : 'legacy_notification',
    });
  }
  const cooldown = d.reasons.find((r) => r.code === 'marketing_cooldown' || r.code === 'legacy_cooldown');
  if (cooldown?.params) {
    alts.push({
      code: cooldown.code === 'marketing_cooldown' ? 'use_marketing_message' : 'use_legacy_notification',
      route: cooldown.code === 'marketing_cooldown' ? 'marketing_message' : 'legacy_notification',
      params: { at: cooldown.params.at! },
    });
  }
  alts.push({ code: 'wait_for_inbound' });
  if (promotional)
    alts.push({ code: 'paid_reach', params: { sponsored: params.sponsoredMessages.available ? 1 : 0 } });
}
