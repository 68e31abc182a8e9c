/**
 * Conversations: the inbox thread between a Page and a contact. At most one is open per
 * contact (a partial unique index), so "get or open" is safe under concurrency.
 */
import type { ExpressionBuilder } from 'kysely';
import type { Queryable } from './db.ts';
import { newId } from './ids.ts';
import { insertRows } from './insert-rows.ts';
import { precompiled } from './precompiled.ts';
import type { ConversationStatus, ConversationsTable, Schema } from './schema.ts';

export type { ConversationStatus } from './schema.ts';

/**
 * Opening a conversation that another worker opened in the meantime does nothing: the partial
 * unique index on open conversations arbitrates. Its predicate is written literally: SQLite matches
 * a partial index only against the same text.
 */
export const OPEN_CONVERSATION_ARBITER = `on conflict ("contact_id") where status = 'open' do nothing`;

/** The row of a conversation opened at `at` (insert it with {@link OPEN_CONVERSATION_ARBITER}). */
export function newConversationRow(
  c: { readonly workspaceId: string; readonly contactId: string; readonly pageId: string },
  at: number,
): ConversationsTable {
  return {
    id: newId(at),
    workspace_id: c.workspaceId,
    contact_id: c.contactId,
    page_id: c.pageId,
    status: 'open',
    assigned_user_id: null,
    thread_owner: null,
    last_message_at: null,
    last_inbound_at: null,
    unread_count: 0,
    created_at: at,
    updated_at: at,
    closed_at: null,
    handoff_at: null,
  };
}

export interface Conversation {
  readonly id: string;
  readonly workspaceId: string;
  readonly contactId: string;
  readonly pageId: string;
  readonly status: ConversationStatus;
  readonly assignedUserId: string | null;
  readonly threadOwner: string | null;
  readonly lastMessageAt: number | null;
  readonly lastInboundAt: number | null;
  readonly unreadCount: number;
  /** When automation or the person asked for a human; null when nobody is waiting for one. */
  readonly handoffAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly closedAt: number | null;
}

export function toConversation(row: ConversationsTable): Conversation {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    contactId: row.contact_id,
    pageId: row.page_id,
    status: row.status,
    assignedUserId: row.assigned_user_id,
    threadOwner: row.thread_owner,
    lastMessageAt: row.last_message_at,
    lastInboundAt: row.last_inbound_at,
    unreadCount: row.unread_count,
    handoffAt: row.handoff_at ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
  };
}

/** Returns the contact's open conversation, opening one when there is none. */
export async function openConversation(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly contactId: string;
    readonly pageId: string;
    readonly now: number;
  },
): Promise<Conversation> {
  const existing = await findOpenConversation(database, input.contactId);
  if (existing !== undefined) return existing;
  await insertRows(database, 'conversations', [newConversationRow(input, input.now)], {
    onConflict: OPEN_CONVERSATION_ARBITER,
  });
  const opened = await findOpenConversation(database, input.contactId);
  if (opened === undefined)
    throw new Error(`conversation for contact ${input.contactId} vanished right after opening`);
  return opened;
}

/** Who a conversation is opened for. */
export interface OpenConversationInput {
  readonly workspaceId: string;
  readonly contactId: string;
  readonly pageId: string;
}

/**
 * `openConversation` for many contacts at once (a processing slice, a dispatch batch): one read for
 * those already open, one insert for the rest (the partial unique index arbitrates races), one read
 * for those.
 * @returns the open conversation of every contact given
 */
export async function openConversations(
  database: Queryable,
  inputs: readonly OpenConversationInput[],
  now: number,
): Promise<Map<string, Conversation>> {
  const open = new Map<string, Conversation>();
  const read = async (contactIds: readonly string[]) => {
    for (let i = 0; i < contactIds.length; i += 500) {
      const rows = await database.db
        .selectFrom('conversations')
        .selectAll()
        .where('contact_id', 'in', contactIds.slice(i, i + 500))
        .where('status', '=', 'open')
        .execute();
      for (const row of rows) open.set(row.contact_id, toConversation(row));
    }
  };
  const wanted = new Map(inputs.map((i) => [i.contactId, i]));
  if (wanted.size === 0) return open;
  await read([...wanted.keys()]);
  const missing = [...wanted.values()].filter((i) => !open.has(i.contactId));
  if (missing.length === 0) return open;
  await insertRows(
    database,
    'conversations',
    missing.map((m) => newConversationRow(m, now)),
    { onConflict: OPEN_CONVERSATION_ARBITER },
  );
  await read(missing.map((m) => m.contactId));
  for (const m of missing)
    if (!open.has(m.contactId))
      throw new Error(`conversation for contact ${m.contactId} vanished right after opening`);
  return open;
}

export async function findOpenConversation(
  database: Queryable,
  contactId: string,
): Promise<Conversation | undefined> {
  const row = await database.db
    .selectFrom('conversations')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return row === undefined ? undefined : toConversation(row);
}

export async function getConversation(database: Queryable, id: string): Promise<Conversation | undefined> {
  const row = await database.db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : toConversation(row);
}

export async function closeConversation(database: Queryable, id: string, now: number): Promise<boolean> {
  const result = await database.db
    .updateTable('conversations')
    .set({ status: 'closed', closed_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function assignConversation(
  database: Queryable,
  id: string,
  userId: string | null,
  now: number,
): Promise<boolean> {
  const result = await database.db
    .updateTable('conversations')
    .set({ assigned_user_id: userId, updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Handover protocol: who controls the thread now (null = this app). */
export async function setThreadOwner(
  database: Queryable,
  id: string,
  owner: string | null,
  now: number,
): Promise<boolean> {
  const result = await database.db
    .updateTable('conversations')
    .set({ thread_owner: owner, updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The moment `column` holds after seeing `at`: later only, never back (events come out of order). */
const movedForward = (
  eb: ExpressionBuilder<Schema, 'conversations'>,
  column: 'last_message_at' | 'last_inbound_at',
  at: number,
) =>
  eb
    .case()
    .when(eb.or([eb(column, 'is', null), eb(column, '<', at)]))
    .then(eb.val(at))
    .else(eb.ref(column))
    .end();

const touchConversationAt = (direction: 'in' | 'out') =>
  precompiled(['id', 'at'], (db, v) =>
    db
      .updateTable('conversations')
      .set((eb) => ({
        last_message_at: movedForward(eb, 'last_message_at', v.at),
        ...(direction === 'in'
          ? {
              last_inbound_at: movedForward(eb, 'last_inbound_at', v.at),
              unread_count: eb('unread_count', '+', 1),
            }
          : {}),
        updated_at: eb
          .case()
          .when('updated_at', '<', v.at)
          .then(eb.val(v.at))
          .else(eb.ref('updated_at'))
          .end(),
      }))
      .where('id', '=', v.id),
  );
// Run for every stored message: compiled once per direction (storage/precompiled.ts).
const touchByDirection = { in: touchConversationAt('in'), out: touchConversationAt('out') };

/**
 * Moves last_message_at (and last_inbound_at for inbound messages) forward, never back, and
 * counts an inbound message as unread.
 */
export async function touchConversation(
  database: Queryable,
  id: string,
  at: number,
  direction: 'in' | 'out',
): Promise<void> {
  await touchByDirection[direction](database, { id, at });
}

export async function markConversationRead(database: Queryable, id: string, now: number): Promise<void> {
  await database.db
    .updateTable('conversations')
    .set({ unread_count: 0, updated_at: now })
    .where('id', '=', id)
    .execute();
}
