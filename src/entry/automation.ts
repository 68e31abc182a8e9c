/**
 * What an entry point does when a person comes through it, inside the inbound event's transaction
 * (src/automation): record the touch (first and last touch per contact), apply its labels and
 * fields, start its flow and its sequence; for comment entry points, enqueue the ONE private reply
 * of the comment (idempotency key per comment, decided at dispatch like every other message).
 * Also attributes opt-ins and opt-outs to the contact's last touch. Database only: no Graph calls.
 *
 * Replays are harmless: the attribution row is unique per (inbound event, entry point) and every
 * effect runs only when that row is new; the private reply's outbox key is unique per comment.
 */

import type { Logger } from 'pino';
import { startFlowRun } from '../flows/start.ts';
import { keywordIntent } from '../ingest/opt-out.ts';
import type { CommentEvent, InboundEvent, Referral } from '../messenger/events.ts';
import { inboundKindOf } from '../messenger/inbound-kind.ts';
import type { OutboxContent } from '../outbound/content.ts';
import type { RuleBook } from '../policy/index.ts';
import { enrollByLabels, enrollInSequence } from '../sequences/enroll.ts';
import type { EntryPoint } from '../storage/entry-points.ts';
import { contacts, entryPoints, outbox, pages, type Queryable } from '../storage/index.ts';
import { matchesKeywords } from './keywords.ts';

const DAY_MS = 86_400_000;

/** flows → src/flows/start.ts (CONTRACTS.md). */
export type StartFlowRun = (
  db: Queryable,
  input: { workspaceId: string; contactId: string; flowId: string; trigger: string; now: number },
) => Promise<{ ok: true; runId: string } | { ok: false; code: string }>;
/** sequences → src/sequences/enroll.ts (CONTRACTS.md). */
export type EnrollInSequence = (
  db: Queryable,
  input: { workspaceId: string; contactId: string; sequenceId: string; source: string; now: number },
) => Promise<{ ok: true; enrollmentId: string } | { ok: false; code: string }>;
/** sequences → src/sequences/enroll.ts: sequences whose entry label was just added. */
export type EnrollByLabels = (
  db: Queryable,
  input: { workspaceId: string; contactId: string; labels: readonly string[]; now: number },
) => Promise<number>;

export interface EntryPorts {
  readonly startFlowRun: StartFlowRun;
  readonly enrollInSequence: EnrollInSequence;
  readonly enrollByLabels: EnrollByLabels;
}

/** The flows and sequences areas' own functions. */
export const ENTRY_PORTS: EntryPorts = { startFlowRun, enrollInSequence, enrollByLabels };

/** The subset of AutomationDeps this handler needs. */
export interface EntryAutomationDeps {
  readonly rules: RuleBook;
  readonly now: () => number;
  readonly logger?: Logger;
  readonly outboxTouched: () => void;
}

/**
 * A commenter is known only by the feed's user id until the private reply's echo names their PSID
 * (storage/entry-points.ts `linkCommenterOfEcho`).
 */
export function commenterPsid(fromId: string): string {
  return `${entryPoints.COMMENTER_PSID_PREFIX}${fromId}`;
}

/** The outbox key of a comment's private reply: one per comment, ever. */
export function privateReplyKey(pageId: string, commentId: string): string {
  return `private-reply:${pageId}:${commentId}`;
}

export function createEntryPointAutomation(
  deps: EntryAutomationDeps,
  ports: EntryPorts = ENTRY_PORTS,
): (db: Queryable, event: InboundEvent) => Promise<void> {
  return async (db, event) => {
    switch (event.kind) {
      case 'referral':
        await onReferral(deps, ports, db, event, event);
        return;
      case 'postback':
        if (!event.referral || !(await onReferral(deps, ports, db, event, event.referral)))
          await onAnswer(deps, ports, db, event);
        return;
      case 'message': {
        if (!event.referral || !(await onReferral(deps, ports, db, event, event.referral)))
          await onAnswer(deps, ports, db, event);
        const intent = keywordIntent(event.text);
        if (intent !== null) await attributeOpt(deps, db, event, intent, 'keyword');
        return;
      }
      case 'optin': {
        const o = event.optin;
        if (o.type !== 'notification_messages') return;
        if (o.notificationMessagesStatus === 'STOP') return attributeOpt(deps, db, event, 'opt_out', 'optin');
        if (o.notificationMessagesStatus === 'RESUME' || o.token)
          return attributeOpt(deps, db, event, 'opt_in', 'optin');
        return;
      }
      case 'comment':
        return onComment(deps, ports, db, event);
      default:
        return;
    }
  };
}

function psidOf(event: InboundEvent): string | null {
  return event.senderIsUserRef ? null : event.contactId;
}

/** The entry point a referral came through: its ref first, else its ad id (an ad entry point with no ad ids takes every ad). */
async function matchReferral(
  db: Queryable,
  pageId: string,
  referral: Referral,
): Promise<EntryPoint | undefined> {
  if (referral.ref) {
    const byRef = await entryPoints.findByRef(db, pageId, referral.ref);
    if (byRef && byRef.kind !== 'comment') return byRef;
  }
  if (!referral.adId) return undefined;
  const ads = await entryPoints.activeEntryPointsOfPage(db, pageId, ['ad']);
  const idsOf = (ep: EntryPoint) => (Array.isArray(ep.config.adIds) ? (ep.config.adIds as string[]) : []);
  return ads.find((ep) => idsOf(ep).includes(referral.adId!)) ?? ads.find((ep) => idsOf(ep).length === 0);
}

async function onReferral(
  deps: EntryAutomationDeps,
  ports: EntryPorts,
  db: Queryable,
  event: InboundEvent,
  referral: Referral,
): Promise<boolean> {
  const psid = psidOf(event);
  if (!psid) return false;
  const ep = await matchReferral(db, event.pageId, referral);
  if (!ep) return false;
  const contact = await contacts.getContactByPsid(db, event.pageId, psid);
  if (!contact) return false;
  const now = deps.now();
  const at = event.timestamp || now;
  const kind = inboundKindOf(event);
  const rules = deps.rules.at(at);
  const opensWindow = kind !== null && rules.ok && rules.ruleSet.params.standardWindow.opensOn.includes(kind);
  const recorded = await entryPoints.recordAttribution(db, {
    workspaceId: ep.workspaceId,
    entryPointId: ep.id,
    contactId: contact.id,
    kind: 'touch',
    via: kind ?? event.kind,
    at,
    eventKey: `${event.dedupeKey}:${ep.id}`,
    newContact: contact.firstSeenAt >= at,
    conversationOpened: !(await hadMessageBefore(db, contact.id, at)),
    windowOpened: opensWindow && !(await windowWasOpen(db, contact.id, at)),
    now,
  });
  // Ingest wrote the raw `ref:`/`ad:` key on the contact even for a replay: put the entry point back.
  await entryPoints.syncContactTouches(db, contact.id, now);
  if (recorded) await applyEffects(deps, ports, db, ep, contact, now, true);
  return true;
}

/** Whether the Page and the person had exchanged any message before `at` (else the thread is new). */
async function hadMessageBefore(db: Queryable, contactId: string, at: number): Promise<boolean> {
  const row = await db.db
    .selectFrom('messages')
    .select('id')
    .where('contact_id', '=', contactId)
    .where('created_at', '<', at)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether the person had acted (a message or an earlier touch) in the 24 hours before `at`. */
async function windowWasOpen(db: Queryable, contactId: string, at: number): Promise<boolean> {
  const message = await db.db
    .selectFrom('messages')
    .select('id')
    .where('contact_id', '=', contactId)
    .where('direction', '=', 'in')
    .where('created_at', '<', at)
    .where('created_at', '>=', at - DAY_MS)
    .limit(1)
    .executeTakeFirst();
  if (message) return true;
  const touch = await db.db
    .selectFrom('entry_point_events')
    .select('id')
    .where('contact_id', '=', contactId)
    .where('kind', '=', 'touch')
    .where('at', '<', at)
    .where('at', '>=', at - DAY_MS)
    .limit(1)
    .executeTakeFirst();
  return touch !== undefined;
}

/** Labels, fields, and (for conversations) the flow and the sequence. */
async function applyEffects(
  deps: EntryAutomationDeps,
  ports: EntryPorts,
  db: Queryable,
  ep: EntryPoint,
  contact: contacts.Contact,
  now: number,
  startAutomation: boolean,
): Promise<void> {
  if (ep.labels.length > 0) {
    const had = new Set(contact.labels);
    await contacts.addLabels(db, contact.id, ep.labels, now);
    const added = ep.labels.filter((l) => !had.has(l));
    if (added.length > 0 && startAutomation)
      await ports.enrollByLabels(db, {
        workspaceId: ep.workspaceId,
        contactId: contact.id,
        labels: added,
        now,
      });
  }
  if (Object.keys(ep.fields).length > 0) await contacts.setFields(db, contact.id, ep.fields, now);
  if (!startAutomation) return;
  const source = `entry_point:${ep.id}`;
  if (ep.flowId !== null) {
    const r = await ports.startFlowRun(db, {
      workspaceId: ep.workspaceId,
      contactId: contact.id,
      flowId: ep.flowId,
      trigger: source,
      now,
    });
    if (!r.ok)
      deps.logger?.warn({ entryPoint: ep.id, flow: ep.flowId, code: r.code }, 'entry point flow not started');
  }
  if (ep.sequenceId !== null) {
    const r = await ports.enrollInSequence(db, {
      workspaceId: ep.workspaceId,
      contactId: contact.id,
      sequenceId: ep.sequenceId,
      source,
      now,
    });
    if (!r.ok)
      deps.logger?.warn(
        { entryPoint: ep.id, sequence: ep.sequenceId, code: r.code },
        'entry point sequence not started',
      );
  }
}

/** Opt-ins and opt-outs count for the entry point of the contact's latest touch. */
async function attributeOpt(
  deps: EntryAutomationDeps,
  db: Queryable,
  event: InboundEvent,
  kind: 'opt_in' | 'opt_out',
  via: string,
): Promise<void> {
  const psid = psidOf(event);
  if (!psid) return;
  const contact = await contacts.getContactByPsid(db, event.pageId, psid);
  if (!contact) return;
  const entryPointId = await entryPoints.lastTouchOf(db, contact.id);
  if (entryPointId === null) return;
  const now = deps.now();
  await entryPoints.recordAttribution(db, {
    workspaceId: contact.workspaceId,
    entryPointId,
    contactId: contact.id,
    kind,
    via,
    at: event.timestamp || now,
    eventKey: `${event.dedupeKey}:${kind}`,
    now,
  });
}

function postMatches(configured: readonly string[], postId: string | null): boolean {
  if (configured.length === 0) return true;
  if (postId === null) return false;
  // Meta's feed says `<pageId>_<postId>`; people often copy only the post's own number.
  return configured.some((p) => p === postId || postId.endsWith(`_${p}`));
}

/** Comment-to-Messenger: the first active comment entry point whose post and keywords match. */
async function onComment(
  deps: EntryAutomationDeps,
  ports: EntryPorts,
  db: Queryable,
  event: CommentEvent,
): Promise<void> {
  if (event.verb !== 'add' || event.item !== 'comment') return;
  if (!event.commentId || !event.fromId || event.contactId === null) return;
  const candidates = await entryPoints.activeEntryPointsOfPage(db, event.pageId, ['comment']);
  const ep = candidates.find((c) => {
    const postIds = Array.isArray(c.config.postIds) ? (c.config.postIds as string[]) : [];
    const keywords = Array.isArray(c.config.keywords) ? (c.config.keywords as string[]) : [];
    return postMatches(postIds, event.postId) && matchesKeywords(event.message, keywords);
  });
  if (!ep) return;
  const replyText = typeof ep.config.replyText === 'string' ? ep.config.replyText : '';
  if (replyText === '') return;
  const page = await pages.getPage(db, event.pageId);
  if (!page) return;
  const now = deps.now();
  const at = event.createdTime ?? (event.timestamp || now);
  const [firstName, ...rest] = (event.fromName ?? '').trim().split(/\s+/);
  const contact = await contacts.upsertContact(db, {
    workspaceId: page.workspaceId,
    pageId: event.pageId,
    psid: commenterPsid(event.fromId),
    now,
    ...(firstName ? { profile: { firstName, lastName: rest.length > 0 ? rest.join(' ') : null } } : {}),
  });
  const recorded = await entryPoints.recordAttribution(db, {
    workspaceId: ep.workspaceId,
    entryPointId: ep.id,
    contactId: contact.id,
    kind: 'touch',
    via: 'comment',
    at,
    eventKey: `${event.dedupeKey}:${ep.id}`,
    newContact: contact.createdAt === now,
    // A comment entitles the Page to one private reply, not to a conversation or a window.
    conversationOpened: false,
    windowOpened: false,
    now,
  });
  await entryPoints.syncContactTouches(db, contact.id, now);
  if (!recorded) return;
  // The commenter cannot be written to until they answer: labels and fields yes, flow and sequence no.
  await applyEffects(deps, ports, db, ep, contact, now, false);
  const content: OutboxContent = {
    message: { type: 'text', text: replyText },
    purpose: 'response',
    privateReply: { commentId: event.commentId, createdAt: at },
  };
  const queued = await outbox.enqueueOutbox(db, [
    {
      workspaceId: ep.workspaceId,
      pageId: event.pageId,
      contactId: contact.id,
      origin: 'entry_point',
      originId: ep.id,
      idempotencyKey: privateReplyKey(event.pageId, event.commentId),
      content: content as never,
      now,
    },
  ]);
  if (queued.inserted.length > 0) deps.outboxTouched();
}

/**
 * The first message (or postback) of a person whose latest touch was a comment: the private reply
 * worked, the conversation starts now, and so do the comment entry point's flow and sequence.
 */
async function onAnswer(
  deps: EntryAutomationDeps,
  ports: EntryPorts,
  db: Queryable,
  event: InboundEvent,
): Promise<void> {
  const psid = psidOf(event);
  if (!psid) return;
  const contact = await contacts.getContactByPsid(db, event.pageId, psid);
  // Cheap filter first (the hot path): only contacts whose last touch is a known entry point.
  const last = contact?.lastEntryPoint;
  if (!contact || !last || last.startsWith('ref:') || last.startsWith('ad:')) return;
  const touch = await entryPoints.latestTouch(db, contact.id);
  if (touch?.via !== 'comment') return;
  const ep = await entryPoints.getEntryPoint(db, contact.workspaceId, touch.entryPointId);
  if (!ep) return;
  const now = deps.now();
  const recorded = await entryPoints.recordAttribution(db, {
    workspaceId: ep.workspaceId,
    entryPointId: ep.id,
    contactId: contact.id,
    kind: 'answer',
    via: event.kind,
    at: event.timestamp || now,
    // Once per comment touch: later messages are ordinary conversation.
    eventKey: `answer:${contact.id}:${ep.id}:${touch.at}`,
    conversationOpened: true,
    windowOpened: true,
    now,
  });
  if (recorded) await applyEffects(deps, ports, db, ep, contact, now, true);
}
