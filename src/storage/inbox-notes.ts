/** Internal notes on conversations and the workspace's canned replies. */
import type { Queryable } from './db.ts';
import { newId } from './ids.ts';
import { bumpConversation } from './inbox-conversations.ts';

export interface InboxNote {
  readonly id: string;
  readonly conversationId: string;
  readonly contactId: string;
  readonly authorUserId: string | null;
  readonly text: string;
  readonly createdAt: number;
}

export async function addNote(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly conversationId: string;
    readonly contactId: string;
    readonly authorUserId: string | null;
    readonly text: string;
    readonly now: number;
  },
): Promise<InboxNote> {
  const id = newId(input.now);
  await database.db
    .insertInto('inbox_notes')
    .values({
      id,
      workspace_id: input.workspaceId,
      conversation_id: input.conversationId,
      contact_id: input.contactId,
      author_user_id: input.authorUserId,
      text: input.text,
      created_at: input.now,
    })
    .execute();
  await bumpConversation(database, input.conversationId, input.now);
  return {
    id,
    conversationId: input.conversationId,
    contactId: input.contactId,
    authorUserId: input.authorUserId,
    text: input.text,
    createdAt: input.now,
  };
}

/** Notes of a conversation (or of every conversation of a contact), oldest first. */
export async function listNotes(
  database: Queryable,
  by: { readonly conversationId: string } | { readonly contactId: string },
): Promise<readonly InboxNote[]> {
  let q = database.db.selectFrom('inbox_notes').selectAll();
  q =
    'conversationId' in by
      ? q.where('conversation_id', '=', by.conversationId)
      : q.where('contact_id', '=', by.contactId);
  const rows = await q.orderBy('created_at').orderBy('id').limit(1000).execute();
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    contactId: r.contact_id,
    authorUserId: r.author_user_id,
    text: r.text,
    createdAt: r.created_at,
  }));
}

export interface CannedReply {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly shortcut: string | null;
  readonly createdBy: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export async function createCannedReply(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly title: string;
    readonly text: string;
    readonly shortcut: string | null;
    readonly createdBy: string | null;
    readonly now: number;
  },
): Promise<CannedReply> {
  const id = newId(input.now);
  await database.db
    .insertInto('canned_replies')
    .values({
      id,
      workspace_id: input.workspaceId,
      title: input.title,
      text: input.text,
      shortcut: input.shortcut,
      created_by: input.createdBy,
      created_at: input.now,
      updated_at: input.now,
    })
    .execute();
  return {
    id,
    title: input.title,
    text: input.text,
    shortcut: input.shortcut,
    createdBy: input.createdBy,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

export async function listCannedReplies(
  database: Queryable,
  workspaceId: string,
): Promise<readonly CannedReply[]> {
  const rows = await database.db
    .selectFrom('canned_replies')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('title')
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    text: r.text,
    shortcut: r.shortcut,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export async function updateCannedReply(
  database: Queryable,
  workspaceId: string,
  id: string,
  change: {
    readonly title?: string;
    readonly text?: string;
    readonly shortcut?: string | null;
    readonly now: number;
  },
): Promise<boolean> {
  const r = await database.db
    .updateTable('canned_replies')
    .set({
      ...(change.title !== undefined ? { title: change.title } : {}),
      ...(change.text !== undefined ? { text: change.text } : {}),
      ...(change.shortcut !== undefined ? { shortcut: change.shortcut } : {}),
      updated_at: change.now,
    })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function deleteCannedReply(
  database: Queryable,
  workspaceId: string,
  id: string,
): Promise<boolean> {
  const r = await database.db
    .deleteFrom('canned_replies')
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}
