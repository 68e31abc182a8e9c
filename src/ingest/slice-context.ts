/**
 * What a processing slice resolved for its events before they are applied one by one (filled by
 * apply-slice.ts, read by apply-event.ts; its own file so neither imports the other).
 */
import type { InboundEvent } from '../messenger/events.ts';
import type { conversations } from '../storage/index.ts';

export interface SliceContext {
  /** Contact id per `${pageId}:${psid}`, recorded for the events in `folded`. */
  readonly contacts: ReadonlyMap<string, string>;
  /** Events whose action is already recorded on their contact (their per-event upsert is skipped). */
  readonly folded: ReadonlySet<InboundEvent>;
  /** Open conversation per contact id, for the events that store a message. */
  readonly conversations: Map<string, conversations.Conversation>;
}

export const contactKey = (pageId: string, psid: string) => `${pageId}:${psid}`;
