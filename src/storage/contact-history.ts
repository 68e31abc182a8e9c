/** A contact's history for the timeline: label/field edits (journaled), messages and inbound events. */
import type { Queryable } from './db.ts';
import { fromJson, type JsonValue, toJson } from './dialect.ts';
import { newId } from './ids.ts';
import { type Message, toMessage } from './messages.ts';

export interface ContactChange {
  readonly id: string;
  readonly contactId: string;
  readonly at: number;
  readonly actorUserId: string | null;
  readonly change: JsonValue;
}

export async function recordContactChange(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly contactId: string;
    readonly actorUserId: string | null;
    readonly change: JsonValue;
    readonly now: number;
  },
): Promise<string> {
  const id = newId(input.now);
  await database.db
    .insertInto('contact_changes')
    .values({
      id,
      workspace_id: input.workspaceId,
      contact_id: input.contactId,
      at: input.now,
      actor_user_id: input.actorUserId,
      change: toJson(input.change),
    })
    .execute();
  return id;
}

export async function listContactChanges(
  database: Queryable,
  contactId: string,
  opts: { readonly before?: number; readonly limit?: number } = {},
): Promise<readonly ContactChange[]> {
  let q = database.db.selectFrom('contact_changes').selectAll().where('contact_id', '=', contactId);
  if (opts.before !== undefined) q = q.where('at', '<', opts.before);
  const rows = await q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit ?? 100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    contactId: r.contact_id,
    at: r.at,
    actorUserId: r.actor_user_id,
    change: fromJson<JsonValue>(r.change, null),
  }));
}

/** A contact's messages (every conversation), newest first, before `before`. */
export async function listContactMessages(
  database: Queryable,
  contactId: string,
  opts: { readonly before: number; readonly limit: number },
): Promise<readonly Message[]> {
  const rows = await database.db
    .selectFrom('messages')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('created_at', '<', opts.before)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit)
    .execute();
  return rows.map(toMessage);
}

export interface ContactEvent {
  readonly id: string;
  readonly kind: string;
  readonly at: number;
  /** A few safe fields of the event (never tokens). */
  readonly detail: Readonly<Record<string, string | number | null>>;
}

/** Kinds whose story the messages already tell, or that are only receipts. */
const TIMELINE_SKIPS = [
  'message',
  'postback',
  'echo',
  'delivery',
  'read',
  'edit',
  'unknown',
  'template_status',
];

function safeDetail(kind: string, payload: unknown): Record<string, string | number | null> {
  const p = (payload ?? {}) as Record<string, unknown>;
  const pick = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? v : null);
  const referral = (p.referral ?? p) as Record<string, unknown>;
  const optin = (p.optin ?? {}) as Record<string, unknown>;
  switch (kind) {
    case 'postback':
      return {
        title: pick(p.title),
        payload: pick(p.payload),
        ref: pick((p.referral as Record<string, unknown> | null)?.ref),
      };
    case 'referral':
      return { ref: pick(referral.ref), source: pick(referral.source), adId: pick(referral.adId) };
    case 'optin':
      return {
        type: pick(optin.type),
        status: pick(optin.notificationMessagesStatus),
        title: pick(optin.title),
      };
    case 'reaction':
      return { emoji: pick(p.emoji), action: pick(p.action) };
    case 'handover':
      return { action: pick(p.action), newOwnerAppId: pick(p.newOwnerAppId) };
    case 'policy_enforcement':
      return { action: pick(p.action), reason: pick(p.reason) };
    default:
      return {};
  }
}

/** The person's inbound events other than messages, newest first, before `before`. */
export async function listContactEvents(
  database: Queryable,
  contact: { readonly pageId: string; readonly psid: string },
  opts: { readonly before: number; readonly limit: number },
): Promise<readonly ContactEvent[]> {
  const rows = await database.db
    .selectFrom('inbound_log')
    .select(['id', 'kind', 'event_ts', 'payload'])
    .where('page_id', '=', contact.pageId)
    .where('psid', '=', contact.psid)
    .where('event_ts', '<', opts.before)
    .where('kind', 'not in', TIMELINE_SKIPS)
    .orderBy('event_ts', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    at: r.event_ts,
    detail: safeDetail(r.kind, fromJson<unknown>(r.payload, null)),
  }));
}
