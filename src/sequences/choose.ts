/**
 * What a due step does, from the policy's decision on its primary content at the due time. Pure.
 *
 * - The primary content may go on its own route (standard inside the window; utility when the content
 *   is itself a utility template): send it.
 * - Refused for a reason other than the window (blocked, Page restricted, …): still send it to the
 *   pipeline, which refuses it again at dispatch and keeps the proof in the audit ("refused by rule").
 * - The window has closed (the decision refuses with outside_window / no_inbound_yet, or would only
 *   allow it through a paid token route): the step's fallback applies.
 */
import type { Decision, Route } from '../policy/index.ts';
import type { FallbackType } from './model.ts';

/** What was enqueued for a step. */
export type StepVariant = 'primary' | 'utility_template' | 'marketing_message';

export type StepAction =
  | { readonly kind: 'send'; readonly variant: StepVariant }
  | { readonly kind: 'skip'; readonly note: string }
  | { readonly kind: 'wait'; readonly note: string };

const WINDOW_REASONS: ReadonlySet<string> = new Set(['outside_window', 'no_inbound_yet']);
/** Routes that spend a person's subscription token: never taken unless the fallback asks for them. */
const TOKEN_ROUTES: ReadonlySet<Route> = new Set([
  'marketing_message',
  'legacy_notification',
  'one_time_notification',
]);
const MARKETING_REASONS = [
  'marketing_not_subscribed',
  'marketing_token_expired',
  'marketing_cooldown',
  'marketing_not_enabled',
  'marketing_region_ineligible',
  'marketing_not_available',
];

/** Whether the decision says the person's window is closed for this content. */
export function windowClosed(decision: Decision): boolean {
  if (decision.allowed) return decision.route !== null && TOKEN_ROUTES.has(decision.route);
  return decision.reasons.some((r) => WINDOW_REASONS.has(r.code));
}

/** The step's action at its due time, given the decision on its primary content. */
export function chooseStepAction(fallback: FallbackType, decision: Decision): StepAction {
  if (!windowClosed(decision)) return { kind: 'send', variant: 'primary' };
  switch (fallback) {
    case 'skip':
      return { kind: 'skip', note: 'window_closed' };
    case 'wait_for_inbound':
      return { kind: 'wait', note: 'window_closed' };
    case 'utility_template':
      return { kind: 'send', variant: 'utility_template' };
    case 'marketing_message': {
      // decide() already tried the marketing route for a subscriber: use it only if it allowed it.
      if (decision.allowed && decision.route === 'marketing_message')
        return { kind: 'send', variant: 'marketing_message' };
      const why = decision.reasons.find((r) => MARKETING_REASONS.includes(r.code));
      return { kind: 'skip', note: why?.code ?? 'marketing_not_subscribed' };
    }
    default: {
      const never: never = fallback;
      throw new Error(`unknown fallback ${String(never)}`);
    }
  }
}
