// Maps a normalised event to the kind of inbound action it represents for window rules. Which of
// these kinds open (or extend) the 24-hour window is rule data in the policy module, not decided here.

import type { InboundEvent } from './events.ts';

/** Inbound action kinds, the same list as the policy module's `InboundKind`. */
export const INBOUND_WINDOW_KINDS = [
  'message',
  'postback',
  'quick_reply',
  'referral',
  'reaction',
  'optin',
  'plugin_optin',
  'ad_message',
  'comment',
] as const;

/** One of {@link INBOUND_WINDOW_KINDS}. */
export type InboundWindowKind = (typeof INBOUND_WINDOW_KINDS)[number];

/**
 * The inbound action an event represents, or null when it is not an action by the person
 * (echoes, deliveries, reads, edits, handovers, policy events, template updates, unknown).
 * A message with an ads referral is `ad_message`; a quick-reply tap is `quick_reply`; a
 * notification or OTN opt-in is `optin`; a Send-to-Messenger / Checkbox opt-in is `plugin_optin`.
 * Removing a reaction (`unreact`) and the Page's own feed activity are not actions by the person.
 * Only new comments and posts count (`verb: add`), not edits or removals.
 */
export function inboundKindOf(event: InboundEvent): InboundWindowKind | null {
  switch (event.kind) {
    case 'message':
      if (event.referral !== null && (event.referral.source === 'ADS' || event.referral.adId !== null)) {
        return 'ad_message';
      }
      return event.quickReplyPayload !== null ? 'quick_reply' : 'message';
    case 'postback':
      return 'postback';
    case 'referral':
      return 'referral';
    case 'reaction':
      return event.action === 'unreact' ? null : 'reaction';
    case 'optin':
      return event.optin.type === 'plugin' ? 'plugin_optin' : 'optin';
    case 'comment':
      return event.verb === 'add' && event.contactId !== null ? 'comment' : null;
    case 'echo':
    case 'delivery':
    case 'read':
    case 'edit':
    case 'handover':
    case 'policy_enforcement':
    case 'template_status':
    case 'unknown':
      return null;
    default: {
      const never: never = event;
      return never;
    }
  }
}
