/**
 * A conversation's window "at a glance": open (standard 24 h window, or a Click-to-Messenger ad's
 * window), human agent (24 h < Δ ≤ 7 days and the Page holds the permission) or closed, plus what can
 * still lawfully be done right now. Pure: it asks `decide()` about a few probe messages, so the inbox
 * shows exactly what the send pipeline will decide, under the rule set in force at `now`.
 */
import type { PromotionalVerdict } from '../policy/classifier/types.ts';
import { decide, type Facts, type Route, type RuleSet } from '../policy/index.ts';

export type WindowStateName = 'open' | 'human_agent' | 'closed';

/** Things a team can still do for this person now, each tied to the route decide() would use. */
export const CAN_DO_CODES = [
  'reply',
  'human_agent_reply',
  'promotional_message',
  'marketing_message',
  'legacy_notification',
  'one_time_notification',
  'utility_template',
  'wait_for_inbound',
] as const;
export type CanDoCode = (typeof CAN_DO_CODES)[number];

export interface CanDo {
  readonly code: CanDoCode;
  readonly route: Route | null;
  /** Until when it stays possible (epoch ms), when that is known. */
  readonly until: number | null;
}

export interface WindowView {
  readonly state: WindowStateName;
  /** When the standard (or ad) window closes or closed; null when the person never wrote. */
  readonly closesAt: number | null;
  /** Last moment a human may answer with HUMAN_AGENT; null when the Page lacks the permission. */
  readonly humanAgentUntil: number | null;
  readonly canDo: readonly CanDo[];
}

const NOT_PROMOTIONAL: PromotionalVerdict = Object.freeze({
  value: false,
  score: 0,
  signals: [],
  counterSignals: [],
});
const PROMOTIONAL: PromotionalVerdict = Object.freeze({
  value: true,
  score: 1,
  signals: [],
  counterSignals: [],
});

function probe(
  sender: 'bot' | 'human',
  purpose: 'response' | 'update',
  promotional: PromotionalVerdict,
  template: Facts['message']['template'] = null,
): Facts['message'] {
  return {
    sender,
    purpose,
    text: null,
    buttons: [],
    quickReplies: [],
    tag: null,
    template,
    privateReply: null,
    promotional,
  };
}

const HUMAN_REPLY = probe('human', 'response', NOT_PROMOTIONAL);
const PROMOTION = probe('bot', 'update', PROMOTIONAL);
const UTILITY = probe('bot', 'update', NOT_PROMOTIONAL, {
  category: 'UTILITY',
  name: 'probe',
  parameters: [],
});

const TOKEN_ROUTES: Readonly<Partial<Record<Route, CanDoCode>>> = {
  marketing_message: 'marketing_message',
  legacy_notification: 'legacy_notification',
  one_time_notification: 'one_time_notification',
};

/**
 * The window state of a contact and the lawful ways to reach them now.
 * @example windowView(contactToFacts(c), pageFacts, ruleSet, Date.now()).state // 'human_agent'
 */
export function windowView(
  contact: Facts['contact'],
  page: Facts['page'],
  rules: RuleSet,
  now: number,
): WindowView {
  const ask = (message: Facts['message']) => decide({ now, page, contact, message }, rules, now);
  const reply = ask(HUMAN_REPLY);
  const humanAgentUntil = page.humanAgent ? reply.humanAgentUntil : null;
  const state: WindowStateName = reply.windowOpen
    ? 'open'
    : humanAgentUntil !== null && now < humanAgentUntil
      ? 'human_agent'
      : 'closed';

  const canDo: CanDo[] = [];
  if (reply.allowed && reply.route === 'standard')
    canDo.push({ code: 'reply', route: 'standard', until: reply.windowClosesAt });
  else if (reply.allowed && reply.route === 'human_agent')
    canDo.push({ code: 'human_agent_reply', route: 'human_agent', until: humanAgentUntil });

  const promotion = ask(PROMOTION);
  if (promotion.allowed && promotion.route !== null) {
    const token = TOKEN_ROUTES[promotion.route];
    if (promotion.route === 'standard')
      canDo.push({ code: 'promotional_message', route: 'standard', until: promotion.windowClosesAt });
    else if (token !== undefined) canDo.push({ code: token, route: promotion.route, until: null });
  }
  if (!reply.windowOpen) {
    const utility = ask(UTILITY);
    if (utility.allowed && utility.route === 'utility')
      canDo.push({ code: 'utility_template', route: 'utility', until: null });
  }
  if (!reply.windowOpen && !contact.blocked)
    canDo.push({ code: 'wait_for_inbound', route: null, until: null });
  return { state, closesAt: reply.windowClosesAt, humanAgentUntil, canDo };
}
