/**
 * What a processing slice resolves once for all its events before applying them one by one
 * (apply-event.ts): a burst repeats people, and one statement per slice is far cheaper than one per
 * event. The contacts of the slice's plain actions are recorded with one upsert (folded per person:
 * earliest first-seen, latest last-seen and window-opening action, which is what applying them one
 * by one in timestamp order leaves), and the open conversations of the contacts that get a message
 * are read or opened with one read and one insert. Everything else stays per event, in order.
 */
import type { InboundEvent } from '../messenger/events.ts';
import { inboundKindOf } from '../messenger/inbound-kind.ts';
import { contacts, conversations } from '../storage/index.ts';
import { type ApplyDeps, entryPointOf, pageOf } from './apply-event.ts';
import { contactKey, type SliceContext } from './slice-context.ts';

/** The person behind an action `applyEvent` records with `recordAction`, or null. */
function actor(event: InboundEvent): string | null {
  if (event.senderIsUserRef || event.contactId === null) return null;
  switch (event.kind) {
    case 'message':
    case 'postback':
    case 'referral':
    case 'optin':
      return event.contactId;
    case 'reaction':
      return event.action === 'unreact' ? null : event.contactId;
    default:
      return null;
  }
}

/**
 * Resolves the slice's contacts and conversations in a few statements (inside the slice's
 * transaction, `deps.database`). The people with an action carrying an entry point or an ad
 * referral in the slice keep their per-event upserts: their first/last entry point and ad window
 * depend on the exact order.
 */
export async function prepareSlice(deps: ApplyDeps, events: readonly InboundEvent[]): Promise<SliceContext> {
  interface Fold {
    workspaceId: string;
    pageId: string;
    psid: string;
    firstAt: number;
    lastAt: number;
    lastOpening: NonNullable<contacts.InboundSummary['lastOpening']> | null;
  }
  const folds = new Map<string, Fold>();
  const folded = new Set<InboundEvent>();
  const now = deps.now();
  // A person with an entry point or an ad referral in the slice keeps every action per event: the
  // entry point's "latest" test compares with last_seen_at, which folding would move ahead of it.
  const ordered = new Set<string>();
  for (const event of events) {
    const psid = actor(event);
    if (psid === null) continue;
    const kind = inboundKindOf(event);
    if (kind === 'ad_message' || entryPointOf(event) !== undefined)
      ordered.add(contactKey(event.pageId, psid));
  }
  for (const event of events) {
    const psid = actor(event);
    if (psid === null || ordered.has(contactKey(event.pageId, psid))) continue;
    const kind = inboundKindOf(event);
    if (kind === null) continue;
    const page = await pageOf(deps, event.pageId);
    if (!page) continue;
    const at = event.timestamp || now;
    const rules = deps.rules.at(at);
    const opens = rules.ok && rules.ruleSet.params.standardWindow.opensOn.includes(kind);
    const key = contactKey(event.pageId, psid);
    const fold = folds.get(key);
    if (fold === undefined) {
      folds.set(key, {
        workspaceId: page.workspaceId,
        pageId: event.pageId,
        psid,
        firstAt: at,
        lastAt: at,
        lastOpening: opens ? { at, kind } : null,
      });
    } else {
      if (at < fold.firstAt) fold.firstAt = at;
      if (at > fold.lastAt) fold.lastAt = at;
      if (opens && (fold.lastOpening === null || at > fold.lastOpening.at)) fold.lastOpening = { at, kind };
    }
    folded.add(event);
  }

  const recorded = await contacts.recordInboundMany(deps.database, [...folds.values()], now);
  const ids = new Map<string, string>();
  for (const [key, r] of recorded) {
    ids.set(key, r.contactId);
    const fold = folds.get(key);
    if (r.created && fold) deps.onNewContact?.(fold.pageId, fold.psid, r.contactId);
  }

  // Conversations of the contacts whose event stores a message (messages and postbacks).
  const wanted: { workspaceId: string; contactId: string; pageId: string }[] = [];
  for (const event of folded) {
    if (event.kind !== 'message' && event.kind !== 'postback') continue;
    const key = contactKey(event.pageId, event.contactId!);
    const contactId = ids.get(key);
    const fold = folds.get(key);
    if (contactId && fold) wanted.push({ workspaceId: fold.workspaceId, contactId, pageId: fold.pageId });
  }
  const open = await conversations.openConversations(deps.database, wanted, now);
  return { contacts: ids, folded, conversations: open };
}
