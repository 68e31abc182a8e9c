/** Messages of a conversation, both directions. `mid` (Meta's id) is unique when present. */

import { touchConversation } from './conversations.ts';
import type { Queryable } from './db.ts';
import { fromJson, type JsonValue, toJson } from './dialect.ts';
import { newId } from './ids.ts';
import { precompiled } from './precompiled.ts';
import type { MessageDirection, MessageSender, MessagesTable } from './schema.ts';

export type { MessageDirection, MessageSender } from './schema.ts';

export interface Message {
  readonly id: string;
  readonly conversationId: string;
  readonly contactId: string;
  readonly pageId: string;
  readonly direction: MessageDirection;
  readonly mid: string | null;
  readonly kind: string;
  readonly text: string | null;
  readonly payload: JsonValue | null;
  readonly sender: MessageSender;
  readonly outboxId: string | null;
  readonly createdAt: number;
  readonly deliveredAt: number | null;
  readonly readAt: number | null;
}

/** Maps a stored row (as `selectAll()` returns it) to a Message. */
export function toMessage(row: MessagesTable): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    contactId: row.contact_id,
    pageId: row.page_id,
    direction: row.direction,
    mid: row.mid,
    kind: row.kind,
    text: row.text,
    payload: fromJson<JsonValue | null>(row.payload, null),
    sender: row.sender,
    outboxId: row.outbox_id,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    readAt: row.read_at,
  };
}

export interface NewMessage {
  readonly conversationId: string;
  readonly contactId: string;
  readonly pageId: string;
  readonly direction: MessageDirection;
  readonly mid?: string | null;
  readonly kind: string;
  readonly text?: string | null;
  readonly payload?: JsonValue | null;
  readonly sender: MessageSender;
  readonly outboxId?: string | null;
  /** When the message was sent (Meta's timestamp for inbound ones). */
  readonly createdAt: number;
}

// Every column of the table: `satisfies` makes a new column a compile error here, not a value the
// precompiled insert below would leave out without a word.
const MESSAGE_COLUMNS = Object.keys({
  id: true,
  conversation_id: true,
  contact_id: true,
  page_id: true,
  direction: true,
  mid: true,
  kind: true,
  text: true,
  payload: true,
  sender: true,
  outbox_id: true,
  created_at: true,
  delivered_at: true,
  read_at: true,
} satisfies Record<keyof MessagesTable, true>) as (keyof MessagesTable)[];

// Run for every applied message event: compiled once (storage/precompiled.ts).
const insertMessageRow = precompiled(MESSAGE_COLUMNS, (db, v) =>
  db
    .insertInto('messages')
    .values(v)
    .onConflict((oc) => oc.column('mid').doNothing())
    .returningAll(),
);

/**
 * Stores a message once: a second insert with the same `mid` (a webhook retry, an echo of our own
 * send) is ignored and returns `inserted: false` with the stored message. Moves the
 * conversation's last_message_at forward.
 */
export async function insertMessage(
  database: Queryable,
  input: NewMessage,
): Promise<{ readonly inserted: boolean; readonly message: Message }> {
  const row: MessagesTable = {
    id: newId(input.createdAt),
    conversation_id: input.conversationId,
    contact_id: input.contactId,
    page_id: input.pageId,
    direction: input.direction,
    mid: input.mid ?? null,
    kind: input.kind,
    text: input.text ?? null,
    payload: input.payload === undefined || input.payload === null ? null : toJson(input.payload),
    sender: input.sender,
    outbox_id: input.outboxId ?? null,
    created_at: input.createdAt,
    delivered_at: null,
    read_at: null,
  };
  const [result] = await insertMessageRow(database, row);
  if (result !== undefined) {
    await touchConversation(database, input.conversationId, input.createdAt, input.direction);
    return { inserted: true, message: toMessage(result) };
  }
  const stored = row.mid === null ? undefined : await getMessageByMid(database, row.mid);
  if (stored === undefined) throw new Error('message insert was ignored but no message with its mid exists');
  return { inserted: false, message: stored };
}

export async function getMessage(database: Queryable, id: string): Promise<Message | undefined> {
  const row = await database.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toMessage(row);
}

export async function getMessageByMid(database: Queryable, mid: string): Promise<Message | undefined> {
  const row = await database.db.selectFrom('messages').selectAll().where('mid', '=', mid).executeTakeFirst();
  return row === undefined ? undefined : toMessage(row);
}

/** Attaches Meta's message id to an outbound message once the Send API answered. */
export async function setMessageMid(database: Queryable, id: string, mid: string): Promise<boolean> {
  const result = await database.db
    .updateTable('messages')
    .set({ mid })
    .where('id', '=', id)
    .where('mid', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface MessageCursor {
  readonly createdAt: number;
  readonly id: string;
}

/** A conversation's messages, newest first, keyset-paginated on (created_at, id). */
export async function listMessages(
  database: Queryable,
  conversationId: string,
  opts: { readonly before?: MessageCursor; readonly limit?: number } = {},
): Promise<{ readonly items: readonly Message[]; readonly nextCursor: MessageCursor | null }> {
  const { limit = 50, before } = opts;
  let query = database.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
  if (before !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', before.createdAt),
        eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toMessage),
    nextCursor:
      rows.length > limit && last !== undefined ? { createdAt: last.created_at, id: last.id } : null,
  };
}

/**
 * Applies a delivery or read watermark: every outbound message to the contact sent at or before
 * `watermark` is marked (Meta reports watermarks, not individual messages). Returns how many changed.
 */
export async function applyWatermark(
  database: Queryable,
  input: {
    readonly contactId: string;
    readonly kind: 'delivered' | 'read';
    readonly watermark: number;
    readonly at: number;
  },
): Promise<number> {
  const column = input.kind === 'delivered' ? 'delivered_at' : 'read_at';
  let query = database.db
    .updateTable('messages')
    .set(input.kind === 'read' ? { read_at: input.at } : { delivered_at: input.at })
    .where('contact_id', '=', input.contactId)
    .where('direction', '=', 'out')
    .where('created_at', '<=', input.watermark)
    .where(column, 'is', null);
  if (input.kind === 'read') {
    // A read implies delivery; fill it in so both counters stay consistent.
    query = query.set((eb) => ({ delivered_at: eb.fn.coalesce('delivered_at', eb.val(input.at)) }));
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
