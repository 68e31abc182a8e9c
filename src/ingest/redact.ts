/**
 * Opt-in tokens (notification_messages_token, one_time_notif_token) are secrets: they are stored
 * encrypted on the contact. Their plaintext copies in the raw body and the event log are masked as
 * soon as the event is applied, so they exist in clear only between receipt and processing.
 */
import type { InboundEvent } from '../messenger/events.ts';

const TOKEN_FIELD =
  /("(?:notification_messages_token|one_time_notif_token|user_token)"\s*:\s*")([^"\\]*(?:\\.[^"\\]*)*)(")/g;
export const MASK = '[encrypted-at-rest]';

/** Whether a raw body may carry a token (a cheap test before any rewrite). */
export function mayCarryToken(raw: string): boolean {
  return raw.includes('_token"');
}

/** The raw JSON text with every opt-in token value masked. */
export function maskTokensInRaw(raw: string): string {
  return raw.replace(TOKEN_FIELD, `$1${MASK}$3`);
}

/** An opt-in event with its token masked (other events unchanged). */
export function maskEventTokens(event: InboundEvent): InboundEvent {
  if (event.kind !== 'optin' || !('token' in event.optin) || event.optin.token === null) return event;
  return {
    ...event,
    optin: { ...event.optin, token: MASK },
    raw: JSON.parse(maskTokensInRaw(JSON.stringify(event.raw))),
  } as InboundEvent;
}
