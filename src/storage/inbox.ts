/**
 * The inbox's storage: contact search with window filters, conversation lists by inbox filter,
 * internal notes, canned replies, the journal of label/field edits, and the "what changed lately"
 * reads behind the live stream. Window filters arrive as plain thresholds computed by the caller from
 * the rule set in force, so no rule knowledge lives here.
 */
import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Contact, toContact } from './contacts.ts';
import type { Queryable } from './db.ts';
import { fromJson, type JsonValue, toJson } from './dialect.ts';
import { newId } from './ids.ts';
import type { Message } from './messages.ts';
import type { ConversationStatus, ConversationsTable, Schema } from './schema.ts';

// ---------------------------------------------------------------- contacts

/** Thresholds that turn the rule set's windows into SQL (see src/inbox/window-filter.ts). */
export interface WindowThresholds {
  readonly state: 'open' | 'human_agent' | 'closed';
  /** An inbound at or after this moment keeps the standard window open. */
  readonly openSince: number;
  /** Inbound kinds that open the window. */
  readonly opensOn: readonly string[];
  /** An ad conversation started at or after this keeps the CTM window open; null: no CTM window. */
  readonly adOpenSince: number | null;
  /** An inbound at or after this allows HUMAN_AGENT; null: no human-agent rule in force. */
  readonly humanAgentSince: number | null;
  /** Pages that hold the Human Agent permission. */
  readonly humanAgentPageIds: readonly string[];
}

export interface ContactSearch {
  readonly workspaceId: string;
  /** Part of the name (case-insensitive) or the exact PSID. */
  readonly search?: string;
  readonly label?: string;
  readonly pageId?: string;
  /** First or last entry point. */
  readonly entryPoint?: string;
  readonly window?: WindowThresholds;
  readonly after?: ContactCursor;
  /** Default 50. */
  readonly limit?: number;
}

export interface ContactCursor {
  readonly lastSeenAt: number;
  readonly id: string;
}

type ContactEb = ExpressionBuilder<Schema, 'contacts'>;

function opensWindow(eb: ContactEb, w: WindowThresholds, since: number): Expression<SqlBool> {
  // Every comparison is guarded by IS NOT NULL: NOT (NULL) is NULL, which would drop rows from "closed".
  return eb.and([
    eb('contacts.last_inbound_at', 'is not', null),
    eb('contacts.last_inbound_at', '>=', since),
    eb.or([
      eb('contacts.last_inbound_kind', 'is', null),
      ...(w.opensOn.length > 0 ? [eb('contacts.last_inbound_kind', 'in', [...w.opensOn])] : []),
    ]),
    // A "window closed" answer from Meta after the last inbound closes it whatever the clock says.
    eb.or([
      eb('contacts.window_closed_by_graph_at', 'is', null),
      eb('contacts.window_closed_by_graph_at', '<', eb.ref('contacts.last_inbound_at')),
    ]),
  ]);
}

function openExpr(eb: ContactEb, w: WindowThresholds): Expression<SqlBool> {
  const standard = opensWindow(eb, w, w.openSince);
  if (w.adOpenSince === null) return standard;
  return eb.or([
    standard,
    eb.and([
      eb('contacts.ad_window_started_at', 'is not', null),
      eb('contacts.ad_window_started_at', '>=', w.adOpenSince),
      eb.or([
        eb('contacts.window_closed_by_graph_at', 'is', null),
        eb('contacts.window_closed_by_graph_at', '<', eb.ref('contacts.ad_window_started_at')),
      ]),
    ]),
  ]);
}

function humanAgentExpr(eb: ContactEb, w: WindowThresholds): Expression<SqlBool> {
  if (w.humanAgentSince === null || w.humanAgentPageIds.length === 0) return eb.lit(false);
  return eb.and([
    eb.not(openExpr(eb, w)),
    eb('contacts.page_id', 'in', [...w.humanAgentPageIds]),
    eb('contacts.last_inbound_at', 'is not', null),
    eb('contacts.last_inbound_at', '>=', w.humanAgentSince),
    eb.or([
      eb('contacts.last_inbound_kind', 'is', null),
      ...(w.opensOn.length > 0 ? [eb('contacts.last_inbound_kind', 'in', [...w.opensOn])] : []),
    ]),
  ]);
}

function windowExpr(eb: ContactEb, w: WindowThresholds): Expression<SqlBool> {
  switch (w.state) {
    case 'open':
      return openExpr(eb, w);
    case 'human_agent':
      return humanAgentExpr(eb, w);
    case 'closed':
      return eb.and([eb.not(openExpr(eb, w)), eb.not(humanAgentExpr(eb, w))]);
    default: {
      const never: never = w.state;
      throw new Error(`unknown window state ${String(never)}`);
    }
  }
}

/** `column LIKE pattern` with backslash as the escape character on both dialects. */
function likeMatch(column: string | RawBuilder<unknown>, pattern: string): RawBuilder<SqlBool> {
  const target = typeof column === 'string' ? sql.ref(column) : column;
  return sql<SqlBool>`${target} like ${pattern} escape '\\'`;
}

/** `%`, `_` and the escape character itself are literal in a LIKE pattern after this. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function contactFilter(database: Queryable, f: ContactSearch) {
  let q = database.db.selectFrom('contacts').where('contacts.workspace_id', '=', f.workspaceId);
  if (f.pageId !== undefined) q = q.where('contacts.page_id', '=', f.pageId);
  if (f.entryPoint !== undefined) {
    const ep = f.entryPoint;
    q = q.where((eb) =>
      eb.or([eb('contacts.first_entry_point', '=', ep), eb('contacts.last_entry_point', '=', ep)]),
    );
  }
  if (f.label !== undefined) {
    // Labels are a JSON array of strings: match the quoted, JSON-encoded label.
    const pattern = `%${likeEscape(JSON.stringify(f.label))}%`;
    q = q.where(likeMatch('contacts.labels', pattern));
  }
  if (f.search !== undefined && f.search.trim() !== '') {
    const s = f.search.trim();
    const pattern = `%${likeEscape(s.toLowerCase())}%`;
    q = q.where((eb) =>
      eb.or([
        eb('contacts.psid', '=', s),
        likeMatch(
          sql`lower(coalesce(${sql.ref('contacts.first_name')}, '') || ' ' || coalesce(${sql.ref('contacts.last_name')}, ''))`,
          pattern,
        ),
      ]),
    );
  }
  if (f.window !== undefined) {
    const w = f.window;
    q = q.where((eb) => windowExpr(eb, w));
  }
  return q;
}

export function encodeContactCursor(c: ContactCursor): string {
  return Buffer.from(`${c.lastSeenAt}:${c.id}`, 'utf8').toString('base64url');
}

export function decodeContactCursor(text: string): ContactCursor | undefined {
  const m = /^(\d{1,16}):([0-9a-z]{1,64})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  return m === null ? undefined : { lastSeenAt: Number(m[1]), id: m[2] ?? '' };
}

/** Contacts matching the filters, most recently seen first (keyset on last_seen_at, id), and their total. */
export async function searchContacts(
  database: Queryable,
  f: ContactSearch,
): Promise<{
  readonly items: readonly Contact[];
  readonly nextCursor: ContactCursor | null;
  readonly total: number;
}> {
  const limit = f.limit ?? 50;
  let q = contactFilter(database, f).selectAll('contacts');
  const after = f.after;
  if (after !== undefined) {
    q = q.where((eb) =>
      eb.or([
        eb('contacts.last_seen_at', '<', after.lastSeenAt),
        eb.and([eb('contacts.last_seen_at', '=', after.lastSeenAt), eb('contacts.id', '<', after.id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('contacts.last_seen_at', 'desc')
    .orderBy('contacts.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toContact),
    nextCursor: rows.length > limit && last ? { lastSeenAt: last.last_seen_at, id: last.id } : null,
    total: await countMatchingContacts(database, f),
  };
}

/** Contacts of a workspace by id, for joining onto conversations. */
export async function contactsByIds(
  database: Queryable,
  workspaceId: string,
  ids: readonly string[],
): Promise<ReadonlyMap<string, Contact>> {
  if (ids.length === 0) return new Map();
  const rows = await database.db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, toContact(r)]));
}

/** The contact when it belongs to the workspace. */
export async function getWorkspaceContact(
  database: Queryable,
  workspaceId: string,
  id: string,
): Promise<Contact | undefined> {
  const row = await database.db
    .selectFrom('contacts')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row === undefined ? undefined : toContact(row);
}

// ---------------------------------------------------------------- contact changes

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

// ---------------------------------------------------------------- conversations

export interface InboxConversation {
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
  readonly handoffAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly closedAt: number | null;
}

export function toInboxConversation(row: ConversationsTable): InboxConversation {
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
    items: page.map(toInboxConversation),
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
  return row === undefined ? undefined : toInboxConversation(row);
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

// ---------------------------------------------------------------- notes

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

// ---------------------------------------------------------------- canned replies

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

// ---------------------------------------------------------------- live stream reads

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
  return rows.map(toInboxConversation);
}

/** How many contacts match (the list's `total`, the overview's "windows open now"). */
export async function countMatchingContacts(database: Queryable, f: ContactSearch): Promise<number> {
  const row = await contactFilter(database, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    contactId: r.contact_id,
    pageId: r.page_id,
    direction: r.direction,
    mid: r.mid,
    kind: r.kind,
    text: r.text,
    payload: fromJson<JsonValue | null>(r.payload, null),
    sender: r.sender,
    outboxId: r.outbox_id,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
    readAt: r.read_at,
  }));
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
    if (row !== undefined)
      out.set(id, {
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
      });
  }
  return out;
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
