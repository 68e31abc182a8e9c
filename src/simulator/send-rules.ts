/**
 * Meta's sending rules as the simulator enforces them, judged from what the simulator itself saw:
 * its fake people's inbound actions, the tokens and comments it issued, the Page's permissions and
 * the simulator clock. A broken rule is a *violation* (counted); an unknown id or a malformed
 * request is merely *invalid*; a blocked person is *unavailable*.
 */
import {
  type GraphFailure,
  invalidParam,
  marketingFrequency,
  noSuchUser,
  outsideWindow,
  permissionDenied,
  personUnavailable,
  unknownObject,
} from './graph-error.ts';
import type { SimulatorState } from './state.ts';
import type { IssuedToken, Person, SimComment, SimPage, ViolationRule } from './types.ts';
import type { ValidSend } from './validate-send.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Dates (epoch ms) on which Meta's rules changed; overridable so tests can pin any era. */
export interface RuleDates {
  /** The pre-2020 tags stopped working (4 Mar 2020). */
  readonly legacyTagsDeadFrom: number;
  /** CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE, ACCOUNT_UPDATE fail with error 100 (27 Apr 2026). */
  readonly tagsDeadFrom: number;
  /** Click-to-Messenger ads open a 7-day window (policy first seen 11 Sep 2026). */
  readonly ctmWindowFrom: number;
  /** Legacy notification tokens only reach AU/EU/JP/KR/UK recipients (10 Feb 2026). */
  readonly legacyNotificationRegionsFrom: number;
  /** Legacy notification cool-down 24 h -> 48 h (1 Sep 2025). */
  readonly legacyCooldown48hFrom: number;
  /** Marketing Message API: one message per token per 12 h instead of 24 h (11 Aug 2025). */
  readonly marketing12hFrom: number;
}

export const DEFAULT_RULE_DATES: RuleDates = {
  legacyTagsDeadFrom: Date.UTC(2020, 2, 4),
  tagsDeadFrom: Date.UTC(2026, 3, 27),
  ctmWindowFrom: Date.UTC(2026, 8, 11),
  legacyNotificationRegionsFrom: Date.UTC(2026, 1, 10),
  legacyCooldown48hFrom: Date.UTC(2025, 8, 1),
  marketing12hFrom: Date.UTC(2025, 7, 11),
};

export const WINDOW_MS = 24 * HOUR;
export const HUMAN_AGENT_MS = 7 * DAY;
export const CTM_WINDOW_MS = 7 * DAY;
export const PRIVATE_REPLY_MS = 7 * DAY;
export const CUSTOMER_FEEDBACK_MS = 7 * DAY;

const DEPRECATED_2026_TAGS: readonly string[] = [
  'CONFIRMED_EVENT_UPDATE',
  'POST_PURCHASE_UPDATE',
  'ACCOUNT_UPDATE',
];
const LEGACY_TAGS: readonly string[] = [
  'COMMUNITY_ALERT',
  'CONFIRMED_EVENT_REMINDER',
  'PAIRING_UPDATE',
  'APPLICATION_UPDATE',
  'PAYMENT_UPDATE',
  'PERSONAL_FINANCE_UPDATE',
  'SHIPPING_UPDATE',
  'RESERVATION_UPDATE',
  'ISSUE_RESOLUTION',
  'APPOINTMENT_UPDATE',
  'GAME_EVENT',
  'TRANSPORTATION_UPDATE',
  'FEATURE_FUNCTIONALITY_UPDATE',
  'TICKET_UPDATE',
];

const EU = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
];
/** EU, Japan, South Korea, Australia, UK: no Marketing Message API, last home of legacy tokens. */
const RESTRICTED_REGIONS = new Set([...EU, 'EU', 'JP', 'KR', 'AU', 'GB', 'UK']);

export function inRestrictedRegion(country: string): boolean {
  return RESTRICTED_REGIONS.has(country.toUpperCase());
}

export type RuleOutcome = 'invalid' | 'violation' | 'unavailable' | 'rate_limited';

export interface RuleFailure {
  readonly ok: false;
  readonly outcome: RuleOutcome;
  readonly failure: GraphFailure;
  readonly violation?: ViolationRule;
}

/** Who a send reaches, found before rules run (fault injection matches on the PSID). */
export type Target =
  | {
      readonly ok: true;
      readonly person: Person;
      readonly comment?: SimComment;
      readonly token?: IssuedToken;
    }
  | RuleFailure;

function invalid(failure: GraphFailure): RuleFailure {
  return { ok: false, outcome: 'invalid', failure };
}

function violation(rule: ViolationRule, failure: GraphFailure): RuleFailure {
  return { ok: false, outcome: 'violation', failure, violation: rule };
}

const unavailable: RuleFailure = { ok: false, outcome: 'unavailable', failure: personUnavailable };

export function resolveTarget(state: SimulatorState, page: SimPage, send: ValidSend): Target {
  const r = send.recipient;
  switch (r.kind) {
    case 'id': {
      const person = state.person(page.id, r.value);
      return person ? { ok: true, person } : invalid(noSuchUser);
    }
    case 'user_ref': {
      const person = state.personByUserRef(r.value);
      return person && person.pageId === page.id ? { ok: true, person } : invalid(noSuchUser);
    }
    case 'comment_id':
    case 'post_id': {
      const comment = state.comments.get(r.value);
      if (!comment || comment.pageId !== page.id) return invalid(unknownObject(r.value));
      const person = state.person(page.id, comment.psid);
      return person ? { ok: true, person, comment } : invalid(unknownObject(r.value));
    }
    case 'notification_messages_token':
    case 'one_time_notif_token': {
      const token = state.tokens.get(r.value);
      const kind = r.kind === 'one_time_notif_token' ? 'one_time_notif' : 'notification_messages';
      if (!token || token.kind !== kind || token.pageId !== page.id) {
        return invalid(invalidParam(`Invalid ${r.kind}`));
      }
      const person = state.person(page.id, token.psid);
      return person ? { ok: true, person, token } : invalid(noSuchUser);
    }
    case 'phone_number':
      // Customer Matching is a legacy paid feature no simulated Page has.
      return invalid({
        status: 400,
        code: 200,
        subcode: 2018028,
        message: '(#200) This Page has not been approved for Customer Matching (phone_number recipients).',
      });
    default: {
      const never: never = r;
      throw new Error(`unknown recipient ${String(never)}`);
    }
  }
}

/** The standard window: 24 h after the last opening action, or 7 days after a CTM-ad first message. */
export function windowOpen(person: Person, now: number, dates: RuleDates): boolean {
  if (person.lastInboundAt !== null && now - person.lastInboundAt < WINDOW_MS) return true;
  return (
    person.ctmStartedAt !== null && now >= dates.ctmWindowFrom && now - person.ctmStartedAt < CTM_WINDOW_MS
  );
}

function sinceLastInbound(person: Person, now: number): number {
  return person.lastInboundAt === null ? Number.POSITIVE_INFINITY : now - person.lastInboundAt;
}

function checkTag(
  page: SimPage,
  person: Person,
  send: ValidSend,
  now: number,
  dates: RuleDates,
): RuleFailure | null {
  const tag = send.tag ?? '';
  if (DEPRECATED_2026_TAGS.includes(tag)) {
    if (now >= dates.tagsDeadFrom) {
      return violation(
        'tag_deprecated',
        invalidParam(
          `The message tag ${tag} is deprecated and no longer allowed in API requests. Use Utility Messages or the Marketing Messages API.`,
        ),
      );
    }
    return null; // 2020 rules: non-promotional updates outside the window, no time limit.
  }
  if (LEGACY_TAGS.includes(tag)) {
    if (now >= dates.legacyTagsDeadFrom) {
      return violation('tag_deprecated', invalidParam(`The message tag ${tag} is no longer supported.`));
    }
    return null;
  }
  switch (tag) {
    case 'HUMAN_AGENT':
      if (!page.permissions.humanAgent) {
        return violation(
          'human_agent_not_approved',
          permissionDenied('The HUMAN_AGENT tag requires the Human Agent permission.', 200),
        );
      }
      return sinceLastInbound(person, now) < HUMAN_AGENT_MS
        ? null
        : violation('human_agent_window_expired', outsideWindow);
    case 'CUSTOMER_FEEDBACK':
      if (send.templateType !== 'customer_feedback') {
        return violation(
          'tag_requires_template',
          invalidParam('The CUSTOMER_FEEDBACK tag can only be used with the Customer Feedback Template.'),
        );
      }
      return sinceLastInbound(person, now) < CUSTOMER_FEEDBACK_MS
        ? null
        : violation('tag_window_expired', outsideWindow);
    case 'NON_PROMOTIONAL_SUBSCRIPTION':
      return page.permissions.newsPageIndex
        ? null
        : violation('not_news_page', {
            status: 400,
            code: 10,
            subcode: 2018065,
            message:
              '(#10) This message is sent outside of allowed window. News Messaging permission is required.',
          });
    default:
      return invalid(invalidParam(`Param tag must be a valid message tag (got ${tag})`));
  }
}

function checkLegacyToken(
  person: Person,
  token: IssuedToken,
  now: number,
  dates: RuleDates,
): RuleFailure | null {
  if (token.stopped) {
    return violation('marketing_opted_out', {
      status: 400,
      code: 10,
      subcode: 1893015,
      message: '(#10) This person stopped notification messages for this topic.',
    });
  }
  if (now >= token.expiresAt) {
    return violation('marketing_token_expired', invalidParam('The notification_messages_token has expired.'));
  }
  if (now >= dates.legacyNotificationRegionsFrom && !inRestrictedRegion(person.country)) {
    return violation('marketing_region_ineligible', {
      status: 400,
      code: 10,
      message: '(#10) Marketing messages with notification_messages_token are discontinued for this region.',
    });
  }
  const cooldown = now >= dates.legacyCooldown48hFrom ? 48 * HOUR : 24 * HOUR;
  if (token.lastLegacySendAt !== null && now - token.lastLegacySendAt < cooldown) {
    return violation('marketing_cooldown', marketingFrequency);
  }
  return null;
}

/**
 * Checks a resolved send against the rules. Returns null when Meta would accept it. Pure: the
 * caller applies budgets (rate limits, private-reply hourly budget) and the effects of a success.
 */
export function checkSendRules(
  state: SimulatorState,
  page: SimPage,
  send: ValidSend,
  target: { readonly person: Person; readonly comment?: SimComment; readonly token?: IssuedToken },
  now: number,
  dates: RuleDates,
): RuleFailure | null {
  const { person } = target;
  if (person.blocked) return unavailable;
  const r = send.recipient;
  switch (r.kind) {
    case 'comment_id':
    case 'post_id': {
      const c = target.comment!;
      if (c.repliedAt !== null) {
        return violation(
          'private_reply_used',
          invalidParam('Activity already replied to (one private reply per comment or post).'),
        );
      }
      if (now - c.createdAt >= PRIVATE_REPLY_MS) return violation('private_reply_expired', outsideWindow);
      return null;
    }
    case 'notification_messages_token':
      return checkLegacyToken(person, target.token!, now, dates);
    case 'one_time_notif_token': {
      const t = target.token!;
      if (t.usedAt !== null) {
        return violation(
          'one_time_token_used',
          invalidParam('The one_time_notif_token has already been used.'),
        );
      }
      if (now >= t.expiresAt) {
        return violation('one_time_token_expired', invalidParam('The one_time_notif_token has expired.'));
      }
      return null;
    }
    case 'phone_number':
      return null;
    case 'id':
    case 'user_ref':
      break;
    default: {
      const never: never = r;
      throw new Error(`unknown recipient ${String(never)}`);
    }
  }

  // user_ref recipients (Checkbox / Login Connect): one message within 24 h of the opt-in.
  if (r.kind === 'user_ref' && person.userRefOptInAt !== null && now - person.userRefOptInAt < WINDOW_MS) {
    return null;
  }
  if (send.senderAction !== null) {
    return windowOpen(person, now, dates) ? null : violation('outside_window', outsideWindow);
  }
  const mt = send.messagingType;
  switch (mt) {
    case 'RESPONSE':
    case 'UPDATE':
    case null:
      return windowOpen(person, now, dates) ? null : violation('outside_window', outsideWindow);
    case 'MESSAGE_TAG':
      return checkTag(page, person, send, now, dates);
    case 'UTILITY': {
      if (!page.permissions.utilityMessaging) {
        return violation(
          'utility_not_enabled',
          permissionDenied('Utility messages require the page_utility_messaging permission.'),
        );
      }
      const t = send.utilityTemplate!;
      const template = findTemplate(state, page.id, t.name, t.language);
      if (!template) return invalid(invalidParam(`Template name (${t.name}) does not exist for this Page.`));
      if (template.status !== 'APPROVED') {
        return violation(
          'utility_template_not_approved',
          invalidParam(`Template ${t.name} is not approved (${template.rejectedReason ?? template.status}).`),
        );
      }
      return null;
    }
    default: {
      const never: never = mt;
      throw new Error(`unknown messaging_type ${String(never)}`);
    }
  }
}

function findTemplate(state: SimulatorState, pageId: string, name: string, language: string | null) {
  for (const t of state.templates.values()) {
    if (t.pageId === pageId && t.name === name && (language === null || t.language === language)) return t;
  }
  return undefined;
}

/** Marketing Message API (`act_<id>/messages`) rules for one subscription token. */
export function checkMarketingRules(
  person: Person,
  token: IssuedToken,
  now: number,
  dates: RuleDates,
  minGapSeconds: number | null,
): RuleFailure | null {
  if (person.blocked) return unavailable;
  if (token.stopped) {
    return violation('marketing_opted_out', {
      status: 400,
      code: 10,
      subcode: 1893015,
      message: '(#10) This person stopped marketing messages from this Page.',
    });
  }
  if (now >= token.expiresAt) {
    return violation('marketing_token_expired', invalidParam('The subscription_token has expired.'));
  }
  if (inRestrictedRegion(person.country)) {
    return violation('marketing_region_ineligible', {
      status: 400,
      code: 10,
      subcode: 1893047,
      message: "(#10) Marketing messages can't be delivered to people in this region.",
    });
  }
  const cooldown = now >= dates.marketing12hFrom ? 12 * HOUR : 24 * HOUR;
  if (token.lastMarketingSendAt !== null && now - token.lastMarketingSendAt < cooldown) {
    return violation('marketing_cooldown', marketingFrequency);
  }
  if (
    minGapSeconds !== null &&
    person.lastInboundAt !== null &&
    now - person.lastInboundAt < minGapSeconds * 1000
  ) {
    return {
      ok: false,
      outcome: 'unavailable',
      failure: {
        status: 400,
        code: 100,
        subcode: 2300052,
        message: 'This person is not available right now.',
      },
    };
  }
  return null;
}
