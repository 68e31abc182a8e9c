/**
 * Conversations as the inbox sees them: lists by filter (unassigned, mine, waiting, closed, all), the
 * handoff flag, reopening, the last message of each, agents' unsent replies, and the
 * "what changed lately" reads behind the live stream.
 */

import { type Conversation, toConversation } from './conversations.ts';
import type { Queryable } from './db.ts';
import { fromJson, type JsonValue } from './dialect.ts';
import { type Message, toMessage } from './messages.ts';

/** The inbox reads the same conversation record as the rest of Ventana. */
export type InboxConversation = Conversation;

export const INBOX_FILTERS = ['unassigned', 'mine', 'waiting', 'closed', 'all'] as const;

export type InboxFilter = (typeof INBOX_FILTERS)[number];

export interface ConversationListCursor {
  readonly lastMessageAt: number;
  readonly id: string;
}

export function encodeConversationCursor(c: ConversationListCursor): string {
  return Buffer.from(`${c.lastMessageAt}:${c.id}`, 'utf8').toString('base64url');
}

export function decodeConversationCursor(text: string): ConversationListCursor | undefined {
  const m = /^(\d{1,16}):([0-9a-z]{1,64})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  return m === null ? undefined : { lastMessageAt: Number(m[1]), id: m[2] ?? '' };
}

/**
 * The inbox list: most recently active first. `waiting` means open and either handed off to a human
 * (handoff_at) or ending on the person's message (nobody answered yet). `mine` with a null user is empty.
 */
export async function listInbox(
  database: Queryable,
  f: {
    readonly workspaceId: string;
    readonly filter: InboxFilter;
    readonly userId: string | null;
    readonly pageId?: string;
    readonly after?: ConversationListCursor;
    readonly limit?: number;
  },
): Promise<{
  readonly items: readonly InboxConversation[];
  readonly nextCursor: ConversationListCursor | null;
}> {
  const limit = f.limit ?? 50;
  if (f.filter === 'mine' && f.userId === null) return { items: [], nextCursor: null };
  let q = database.db
    .selectFrom('conversations')
    .selectAll()
    .select((eb) => eb.fn.coalesce('last_message_at', eb.lit(0)).as('sort_at'))
    .where('workspace_id', '=', f.workspaceId);
  if (f.pageId !== undefined) q = q.where('page_id', '=', f.pageId);
  switch (f.filter) {
    case 'unassigned':
      q = q.where('status', '=', 'open').where('assigned_user_id', 'is', null);
      break;
    case 'mine':
      q = q.where('status', '=', 'open').where('assigned_user_id', '=', f.userId);
      break;
    case 'waiting':
      q = q
        .where('status', '=', 'open')
        .where((eb) =>
          eb.or([
            eb('handoff_at', 'is not', null),
            eb.and([
              eb('last_inbound_at', 'is not', null),
              eb('last_inbound_at', '>=', eb.ref('last_message_at')),
            ]),
          ]),
        );
      break;
    case 'closed':
      q = q.where('status', '=', 'closed');
      break;
    case 'all':
      break;
    default: {
      const never: never = f.filter;
      throw new Error(`unknown inbox filter ${String(never)}`);
    }
  }
  const after = f.after;
  if (after !== undefined) {
    q = q.where((eb) => {
      const sortAt = eb.fn.coalesce('last_message_at', eb.lit(0));
      return eb.or([
        eb(sortAt, '<', after.lastMessageAt),
        eb.and([eb(sortAt, '=', after.lastMessageAt), eb('id', '<', after.id)]),
      ]);
    });
  }
  const rows = await q
    .orderBy((eb) => eb.fn.coalesce('last_message_at', eb.lit(0)), 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toConversation),
    nextCursor: rows.length > limit && last ? { lastMessageAt: Number(last.sort_at), id: last.id } : null,
  };
}

export async function getInboxConversation(
  database: Queryable,
  workspaceId: string,
  id: string,
): Promise<InboxConversation | undefined> {
  const row = await database.db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row === undefined ? undefined : toConversation(row);
}

/** Nobody is waiting any more (an agent answered or took the conversation). */
export async function clearHandoff(database: Queryable, id: string, now: number): Promise<void> {
  await database.db
    .updateTable('conversations')
    .set({ handoff_at: null, updated_at: now })
    .where('id', '=', id)
    .where('handoff_at', 'is not', null)
    .execute();
}

/** Marks the conversation changed (notes): the live stream reports it. */
export async function bumpConversation(database: Queryable, id: string, now: number): Promise<void> {
  await database.db.updateTable('conversations').set({ updated_at: now }).where('id', '=', id).execute();
}

/**
 * Reopens a closed conversation. Fails with the other conversation's id when the contact already
 * has an open one (at most one open conversation per contact).
 */
export async function reopenConversation(
  database: Queryable,
  id: string,
  now: number,
): Promise<{ readonly ok: true } | { readonly ok: false; readonly openId: string }> {
  const row = await database.db
    .selectFrom('conversations')
    .select(['contact_id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (row === undefined || row.status === 'open') return { ok: true };
  const open = await database.db
    .selectFrom('conversations')
    .select('id')
    .where('contact_id', '=', row.contact_id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (open !== undefined) return { ok: false, openId: open.id };
  await database.db
    .updateTable('conversations')
    .set({ status: 'open', closed_at: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'closed')
    .execute();
  return { ok: true };
}

export interface RecentMessage {
  readonly id: string;
  readonly workspaceId: string;
  readonly conversationId: string;
  readonly contactId: string;
  readonly direction: 'in' | 'out';
  readonly sender: string;
  readonly kind: string;
  readonly text: string | null;
  readonly createdAt: number;
}

/** Messages whose (time-ordered) id is above `afterId`, oldest first, with their workspace. */
export async function messagesAfterId(
  database: Queryable,
  afterId: string,
  limit: number,
): Promise<readonly RecentMessage[]> {
  const rows = await database.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select([
      'messages.id',
      'conversations.workspace_id',
      'messages.conversation_id',
      'messages.contact_id',
      'messages.direction',
      'messages.sender',
      'messages.kind',
      'messages.text',
      'messages.created_at',
    ])
    .where('messages.id', '>', afterId)
    .orderBy('messages.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    workspaceId: r.workspace_id,
    conversationId: r.conversation_id,
    contactId: r.contact_id,
    direction: r.direction,
    sender: r.sender,
    kind: r.kind,
    text: r.text,
    createdAt: r.created_at,
  }));
}

/** Conversations changed at or after `since`, oldest change first. */
export async function conversationsUpdatedSince(
  database: Queryable,
  since: number,
  limit: number,
): Promise<readonly InboxConversation[]> {
  const rows = await database.db
    .selectFrom('conversations')
    .selectAll()
    .where('updated_at', '>=', since)
    .orderBy('updated_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toConversation);
}

/** The latest message of each conversation (the inbox list's preview line). */
export async function lastMessages(
  database: Queryable,
  conversationIds: readonly string[],
): Promise<ReadonlyMap<string, Message>> {
  const out = new Map<string, Message>();
  for (const id of conversationIds) {
    // One indexed lookup per row of a page (messages_conversation_idx): cheaper than a window function.
    const row = await database.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row !== undefined) out.set(id, toMessage(row));
  }
  return out;
}

export interface AgentReplyRow {
  readonly id: string;
  readonly status: string;
  readonly content: JsonValue;
  readonly decision: JsonValue;
  readonly result: JsonValue;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The agents' replies to a conversation that did not (yet) become a sent message. */
export async function unsentAgentReplies(
  database: Queryable,
  conversationId: string,
  limit = 50,
): Promise<readonly AgentReplyRow[]> {
  const rows = await database.db
    .selectFrom('outbox')
    .select(['id', 'status', 'content', 'decision', 'result', 'created_at', 'updated_at'])
    .where('origin', '=', 'agent')
    .where('origin_id', '=', conversationId)
    .where('status', '!=', 'sent')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    content: fromJson<JsonValue>(r.content, null),
    decision: fromJson<JsonValue>(r.decision, null),
    result: fromJson<JsonValue>(r.result, null),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

/** Which user wrote each agent reply (outbox id → user id), for the messages it became. */
export async function replyAuthors(
  database: Queryable,
  outboxIds: readonly string[],
): Promise<ReadonlyMap<string, string>> {
  if (outboxIds.length === 0) return new Map();
  const rows = await database.db
    .selectFrom('outbox')
    .select(['id', 'content'])
    .where('id', 'in', [...new Set(outboxIds)])
    .where('origin', '=', 'agent')
    .execute();
  const out = new Map<string, string>();
  for (const r of rows) {
    const user = fromJson<{ agentUserId?: unknown }>(r.content, {}).agentUserId;
    if (typeof user === 'string') out.set(r.id, user);
  }
  return out;
}
