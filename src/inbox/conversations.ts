/**
 * Conversations: the inbox list, a conversation's messages with notes and unsent replies, reading,
 * assignment, notes, close/reopen and the Conversation Routing handover to or from the Page Inbox.
 */
import { PAGE_INBOX_APP_ID } from '../messenger/index.ts';
import { accounts, contacts, conversations, inbox, messages, pages } from '../storage/index.ts';
import { type Actor, type InboxDeps, problem, viewContext } from './deps.ts';
import type { ConversationListQuery } from './validate.ts';
import { conversationView, messageView, noteView, pendingReplyView } from './views.ts';
export async function listConversations(deps: InboxDeps, actor: Actor, q: ConversationListQuery) {
  const r = await inbox.listInbox(deps.database, {
    workspaceId: actor.workspaceId,
    filter: q.filter,
    userId: actor.userId,
    ...(q.pageId !== undefined ? { pageId: q.pageId } : {}),
    ...(q.after !== undefined ? { after: q.after } : {}),
    limit: q.limit,
  });
  const ctx = await viewContext(deps, actor);
  const people = await inbox.contactsByIds(
    deps.database,
    actor.workspaceId,
    r.items.map((c) => c.contactId),
  );
  const last = await inbox.lastMessages(
    deps.database,
    r.items.map((c) => c.id),
  );
  return {
    items: r.items.flatMap((conv) => {
      const c = people.get(conv.contactId);
      return c === undefined ? [] : [conversationView(conv, c, ctx, last.get(conv.id) ?? null)];
    }),
    nextCursor: r.nextCursor === null ? null : inbox.encodeConversationCursor(r.nextCursor),
  };
}

export async function loadConversation(deps: InboxDeps, actor: Actor, id: string) {
  const conv = await inbox.getInboxConversation(deps.database, actor.workspaceId, id);
  if (conv === undefined) return problem(404, 'conversation_not_found', { id });
  const contact = await contacts.getContact(deps.database, conv.contactId);
  if (contact === undefined) return problem(404, 'conversation_not_found', { id });
  return { ok: true as const, conv, contact };
}

export async function getConversation(deps: InboxDeps, actor: Actor, id: string) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  return {
    ok: true as const,
    conversation: conversationView(l.conv, l.contact, await viewContext(deps, actor)),
  };
}

/**
 * A page of the conversation (newest page first, items oldest → newest inside it), with its internal
 * notes interleaved. Reading clears the unread count unless `peek`.
 */
export async function conversationMessages(
  deps: InboxDeps,
  actor: Actor,
  id: string,
  opts: {
    readonly before?: { createdAt: number; id: string };
    readonly limit?: number;
    readonly peek?: boolean;
  },
) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  const page = await messages.listMessages(deps.database, id, {
    ...(opts.before ? { before: opts.before } : {}),
    limit: opts.limit ?? 50,
  });
  const oldest = page.items[page.items.length - 1];
  const newestBound = opts.before?.createdAt ?? Number.MAX_SAFE_INTEGER;
  const lowerBound = page.nextCursor && oldest ? oldest.createdAt : 0;
  const notes = (await inbox.listNotes(deps.database, { conversationId: id })).filter(
    (n) => n.createdAt >= lowerBound && n.createdAt < newestBound,
  );
  const authors = await inbox.replyAuthors(
    deps.database,
    page.items.flatMap((m) => (m.outboxId ? [m.outboxId] : [])),
  );
  // Unsent replies belong to the newest page only: they are about now.
  const pending = opts.before ? [] : await inbox.unsentAgentReplies(deps.database, id);
  const items = [
    ...page.items.map((m) => messageView(m, m.outboxId ? (authors.get(m.outboxId) ?? null) : null)),
    ...notes.map(noteView),
    ...pending.map(pendingReplyView),
  ].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  if (!opts.peek && l.conv.unreadCount > 0)
    await conversations.markConversationRead(deps.database, id, deps.now());
  return {
    ok: true as const,
    items,
    nextCursor: page.nextCursor
      ? Buffer.from(`${page.nextCursor.createdAt}:${page.nextCursor.id}`).toString('base64url')
      : null,
  };
}

export async function markRead(deps: InboxDeps, actor: Actor, id: string) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  await conversations.markConversationRead(deps.database, id, deps.now());
  return { ok: true as const };
}

export async function assign(deps: InboxDeps, actor: Actor, id: string, who: string | null) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  let userId = who;
  if (who === 'me') {
    if (actor.userId === null) return problem(400, 'no_user_for_self');
    userId = actor.userId;
  }
  // Only a member of this workspace can hold one of its conversations.
  if (
    userId !== null &&
    (await accounts.users.roleIn(deps.database, actor.workspaceId, userId)) === undefined
  )
    return problem(400, 'assignee_not_member', { id: userId });
  const now = deps.now();
  await conversations.assignConversation(deps.database, id, userId, now);
  if (userId !== null) await inbox.clearHandoff(deps.database, id, now);
  return getConversation(deps, actor, id);
}

export async function addNote(deps: InboxDeps, actor: Actor, id: string, text: string) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  const note = await inbox.addNote(deps.database, {
    workspaceId: actor.workspaceId,
    conversationId: id,
    contactId: l.contact.id,
    authorUserId: actor.userId,
    text,
    now: deps.now(),
  });
  return { ok: true as const, note: noteView(note) };
}

export async function listNotes(deps: InboxDeps, actor: Actor, id: string) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  return {
    ok: true as const,
    items: (await inbox.listNotes(deps.database, { conversationId: id })).map(noteView),
  };
}

export async function close(deps: InboxDeps, actor: Actor, id: string) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  const now = deps.now();
  await conversations.closeConversation(deps.database, id, now);
  await inbox.clearHandoff(deps.database, id, now);
  return getConversation(deps, actor, id);
}

export async function reopen(deps: InboxDeps, actor: Actor, id: string) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  const r = await inbox.reopenConversation(deps.database, id, deps.now());
  if (!r.ok) return problem(409, 'conversation_open_elsewhere', { id: r.openId });
  return getConversation(deps, actor, id);
}

/** Conversation Routing: pass the thread to Meta's Page Inbox, or take it back for this app. */
export async function handover(deps: InboxDeps, actor: Actor, id: string, to: 'page_inbox' | 'app') {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  const graph = deps.graph();
  const secrets = await pages.getPageSecrets(deps.database, deps.secretKey, l.conv.pageId);
  if (graph === null || !secrets?.accessToken) return problem(409, 'page_not_connected');
  const r =
    to === 'page_inbox'
      ? await graph.passThreadControl(
          l.conv.pageId,
          secrets.accessToken,
          l.contact.psid,
          PAGE_INBOX_APP_ID,
          'ventana:handover',
        )
      : await graph.takeThreadControl(l.conv.pageId, secrets.accessToken, l.contact.psid, 'ventana:handover');
  if (!r.ok) return problem(502, 'handover_failed', { detail: r.failure.message });
  await conversations.setThreadOwner(
    deps.database,
    id,
    to === 'page_inbox' ? PAGE_INBOX_APP_ID : null,
    deps.now(),
  );
  return getConversation(deps, actor, id);
}
