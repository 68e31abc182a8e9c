/**
 * The inbox's use cases: contacts (list, detail, edit, timeline, export), conversations (list,
 * messages, notes, assignment, close/reopen, Page Inbox handover), the agent's reply through the one
 * send pipeline (outbox → decide at dispatch), its preview, canned replies and the overview figures.
 * Every function takes the workspace from its caller (the request's auth context) and answers values
 * with stable codes; the HTTP edge (src/server/inbox-routes.ts) maps them to statuses.
 */
import { compileContent } from '../broadcasts/personalize.ts';
import type { GraphClient } from '../graph/index.ts';
import { PAGE_INBOX_APP_ID } from '../messenger/index.ts';
import { messageFacts, type OutboxContent } from '../outbound/content.ts';
import {
  type Decision,
  decide,
  decisionDocument,
  type Facts,
  type Lang,
  type RuleBook,
  type RuleSet,
  withMessages,
} from '../policy/index.ts';
import { csvCell } from '../storage/audit.ts';
import {
  audit,
  contacts,
  conversations,
  type Database,
  inbox,
  inTransaction,
  messages,
  newId,
  outbox,
  pages,
  type Queryable,
} from '../storage/index.ts';
import { overviewCounts } from '../storage/overview.ts';
import type { InboxProblemCode } from './messages.ts';
import type { CannedInput, ContactListQuery, ContactPatch, ConversationListQuery } from './validate.ts';
import {
  contactView,
  conversationView,
  messageView,
  noteView,
  pageFactsOf,
  pendingReplyView,
  type ViewContext,
} from './views.ts';
import { windowThresholds } from './window-filter.ts';

/** Port: sequences whose entry label was just added (sequences branch, `src/sequences/enroll.ts`). */
export type EnrollByLabels = (
  db: Queryable,
  input: { workspaceId: string; contactId: string; labels: readonly string[]; now: number },
) => Promise<number>;

export interface InboxDeps {
  readonly database: Database;
  readonly rules: RuleBook;
  readonly now: () => number;
  readonly secretKey: Buffer;
  /** The Graph client of the running workers (thread control); null before they started. */
  readonly graph: () => GraphClient | null;
  /** Tells the outbox worker a reply was enqueued. */
  readonly wake: () => void;
  readonly enrollByLabels?: EnrollByLabels;
}

export interface Actor {
  readonly workspaceId: string;
  readonly userId: string | null;
  readonly lang: Lang;
}

export type Problem = {
  readonly ok: false;
  readonly status: number;
  readonly code: InboxProblemCode;
  readonly params?: Readonly<Record<string, string | number>>;
  readonly extra?: Readonly<Record<string, unknown>>;
};
export type Outcome<T> = ({ readonly ok: true } & T) | Problem;

const problem = (
  status: number,
  code: InboxProblemCode,
  params?: Readonly<Record<string, string | number>>,
  extra?: Readonly<Record<string, unknown>>,
): Problem => ({ ok: false, status, code, ...(params ? { params } : {}), ...(extra ? { extra } : {}) });

function ruleSetAt(deps: InboxDeps, at: number): RuleSet {
  const r = deps.rules.at(at);
  if (!r.ok) throw new Error(`no rule set in force at ${new Date(at).toISOString()}: ${r.code}`);
  return r.ruleSet;
}

async function viewContext(deps: InboxDeps, actor: Actor): Promise<ViewContext> {
  const now = deps.now();
  const list = await pages.listPages(deps.database, actor.workspaceId);
  return {
    rules: ruleSetAt(deps, now),
    now,
    lang: actor.lang,
    pages: new Map(list.map((p) => [p.id, pageFactsOf(p)])),
  };
}

// ---------------------------------------------------------------- contacts

export async function listContacts(deps: InboxDeps, actor: Actor, q: ContactListQuery) {
  const ctx = await viewContext(deps, actor);
  const humanAgentPages = [...ctx.pages].filter(([, f]) => f.humanAgent).map(([id]) => id);
  const r = await inbox.searchContacts(deps.database, {
    workspaceId: actor.workspaceId,
    ...(q.search !== undefined ? { search: q.search } : {}),
    ...(q.label !== undefined ? { label: q.label } : {}),
    ...(q.pageId !== undefined ? { pageId: q.pageId } : {}),
    ...(q.entryPoint !== undefined ? { entryPoint: q.entryPoint } : {}),
    ...(q.window !== undefined
      ? { window: windowThresholds(q.window, ctx.rules, ctx.now, humanAgentPages) }
      : {}),
    ...(q.after !== undefined ? { after: q.after } : {}),
    limit: q.limit,
  });
  return {
    items: r.items.map((c) => contactView(c, ctx)),
    nextCursor: r.nextCursor === null ? null : inbox.encodeContactCursor(r.nextCursor),
    total: r.total,
  };
}

export async function getContact(deps: InboxDeps, actor: Actor, id: string) {
  const c = await inbox.getWorkspaceContact(deps.database, actor.workspaceId, id);
  if (c === undefined) return problem(404, 'contact_not_found', { id });
  return { ok: true as const, contact: contactView(c, await viewContext(deps, actor)) };
}

/** Labels and fields edits, journaled for the timeline; added labels may start sequences. */
export async function patchContact(deps: InboxDeps, actor: Actor, id: string, patch: ContactPatch) {
  const db = deps.database;
  const c = await inbox.getWorkspaceContact(db, actor.workspaceId, id);
  if (c === undefined) return problem(404, 'contact_not_found', { id });
  const now = deps.now();
  const before = new Set(c.labels);
  const added = patch.addLabels.filter((l) => !before.has(l));
  const removed = patch.removeLabels.filter((l) => before.has(l));
  // One transaction: the edit, its journal entry and the sequences it starts commit together.
  await inTransaction(db, async (tx) => {
    if (patch.addLabels.length > 0) await contacts.addLabels(tx, id, patch.addLabels, now);
    if (patch.removeLabels.length > 0) await contacts.removeLabels(tx, id, patch.removeLabels, now);
    if (patch.fields !== null) await contacts.setFields(tx, id, patch.fields, now);
    await inbox.recordContactChange(tx, {
      workspaceId: actor.workspaceId,
      contactId: id,
      actorUserId: actor.userId,
      change: {
        ...(added.length ? { addLabels: added } : {}),
        ...(removed.length ? { removeLabels: removed } : {}),
        ...(patch.fields !== null ? { fields: patch.fields } : {}),
      } as never,
      now,
    });
    if (added.length > 0 && deps.enrollByLabels)
      await deps.enrollByLabels(tx, { workspaceId: actor.workspaceId, contactId: id, labels: added, now });
  });
  return getContact(deps, actor, id);
}

/**
 * A contact's history, newest first: messages both ways, inbound events (postbacks, referrals,
 * opt-ins, reactions, handovers), policy decisions from the audit log,
 * internal notes and label/field edits, merged by time.
 */
export async function contactTimeline(
  deps: InboxDeps,
  actor: Actor,
  id: string,
  opts: { readonly before?: number; readonly limit?: number } = {},
) {
  const db = deps.database;
  const c = await inbox.getWorkspaceContact(db, actor.workspaceId, id);
  if (c === undefined) return problem(404, 'contact_not_found', { id });
  const limit = Math.min(opts.limit ?? 100, 500);
  const before = opts.before ?? Number.MAX_SAFE_INTEGER;
  const msgs = await inbox.listContactMessages(db, id, { before, limit });
  const events = await inbox.listContactEvents(db, c, { before, limit });
  const decisions = await audit.queryAudit(
    db,
    { contactId: id, workspaceId: actor.workspaceId, to: before },
    { limit },
  );
  const notes = (await inbox.listNotes(db, { contactId: id })).filter((n) => n.createdAt < before);
  const changes = await inbox.listContactChanges(db, id, { before, limit });
  const items = [
    ...msgs.map((m) => ({ at: m.createdAt, ...messageView(m) })),
    ...decisions.items.map((e) => {
      const doc = e.decision as { reasons?: { code: string }[] } | null;
      return {
        type: 'decision' as const,
        id: e.id,
        at: e.at,
        allowed: e.allowed,
        route: e.route,
        ruleSet: e.ruleSet,
        messageRef: e.messageRef,
        graphStatus: e.graphStatus,
        reasons: e.reasons.map((r) => r.code),
        decision: doc,
      };
    }),
    ...events.map((e) => ({ type: 'event' as const, id: e.id, at: e.at, kind: e.kind, detail: e.detail })),
    ...notes.map((n) => ({ at: n.createdAt, ...noteView(n) })),
    ...changes.map((ch) => ({
      type: 'contact_change' as const,
      id: ch.id,
      at: ch.at,
      actorUserId: ch.actorUserId,
      change: ch.change,
    })),
  ]
    .sort((a, b) => b.at - a.at || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0))
    .slice(0, limit);
  const last = items[items.length - 1];
  return { ok: true as const, items, nextBefore: items.length === limit && last ? last.at : null };
}

export const CONTACT_CSV_COLUMNS = [
  'id',
  'page_id',
  'psid',
  'first_name',
  'last_name',
  'locale',
  'country',
  'labels',
  'fields',
  'first_entry_point',
  'last_entry_point',
  'first_seen_at',
  'last_inbound_at',
  'window',
  'window_closes_at',
  'human_agent_until',
  'opted_out',
  'blocked',
  'marketing_status',
] as const;

const iso = (t: number | null) => (t === null ? '' : new Date(t).toISOString());

/** The filtered contacts as CSV lines (header first), page by page: constant memory. */
export async function* contactsCsv(
  deps: InboxDeps,
  actor: Actor,
  q: Omit<ContactListQuery, 'after' | 'limit'>,
): AsyncGenerator<string> {
  yield `${CONTACT_CSV_COLUMNS.join(',')}\r\n`;
  let cursor: string | null = null;
  do {
    const { nextCursor, items } = await listContacts(deps, actor, {
      ...q,
      limit: 500,
      ...(cursor !== null ? { after: inbox.decodeContactCursor(cursor)! } : {}),
    });
    let chunk = '';
    for (const c of items) {
      chunk += `${[
        c.id,
        c.pageId,
        c.psid,
        c.firstName,
        c.lastName,
        c.locale,
        c.country,
        c.labels.join('|'),
        JSON.stringify(c.fields),
        c.firstEntryPoint,
        c.lastEntryPoint,
        iso(c.firstSeenAt),
        iso(c.lastInboundAt),
        c.window.state,
        iso(c.window.closesAt),
        iso(c.window.humanAgentUntil),
        c.optedOut,
        c.blocked,
        c.marketingStatus,
      ]
        .map((v) => csvCell(v ?? null))
        .join(',')}\r\n`;
    }
    if (chunk !== '') yield chunk;
    cursor = nextCursor;
  } while (cursor !== null);
}

// ---------------------------------------------------------------- conversations

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

async function loadConversation(deps: InboxDeps, actor: Actor, id: string) {
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

/** The facts of an agent's reply right now, and the rendered content it would send. */
async function replyDecision(deps: InboxDeps, contact: contacts.Contact, text: string) {
  const now = deps.now();
  const rendered = compileContent({
    message: { type: 'text', text },
    sender: 'human',
    purpose: 'response',
  }).render({ firstName: contact.firstName, lastName: contact.lastName, fields: contact.fields });
  const page = await pages.pageFacts(deps.database, contact.pageId);
  const facts: Facts = {
    now,
    page: page ?? {
      humanAgent: false,
      utilityMessaging: false,
      marketingMessages: false,
      newsPageIndex: false,
      restricted: false,
      businessCountry: null,
    },
    contact: contacts.contactToFacts(contact),
    message: messageFacts(rendered),
  };
  const decision = decide(facts, ruleSetAt(deps, now), now);
  return { decision, facts, content: rendered, now };
}

function rendered(decision: Decision, lang: Lang, now: number) {
  return withMessages(decision, { lang, now });
}

/** What the reply would get now: pure decide on freshly gathered facts; nothing is sent. */
export async function previewReply(deps: InboxDeps, actor: Actor, id: string, text: string) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  const { decision, content, now } = await replyDecision(deps, l.contact, text);
  return {
    ok: true as const,
    decision: rendered(decision, actor.lang, now),
    text: content.message.type === 'text' ? content.message.text : text,
    threadOwner: l.conv.threadOwner === PAGE_INBOX_APP_ID ? 'page_inbox' : 'app',
  };
}

/**
 * The agent's reply: refused (nothing enqueued) while the Page Inbox owns the thread or when decide
 * says no; otherwise one outbox row (sender human, purpose response, origin agent) that the send
 * pipeline decides again at dispatch, and the sender is woken.
 */
export async function reply(
  deps: InboxDeps,
  actor: Actor,
  id: string,
  text: string,
  clientId: string | null,
) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  if (l.conv.threadOwner === PAGE_INBOX_APP_ID) return problem(409, 'thread_owned_by_page_inbox');
  const { decision, facts, content, now } = await replyDecision(deps, l.contact, text);
  if (!decision.allowed) {
    const doc = rendered(decision, actor.lang, now);
    // A refused reply is a decision like any other: kept for proof, and counted as a restriction avoided.
    const plain = decisionDocument(decision);
    await audit.appendAudit(deps.database, {
      workspaceId: actor.workspaceId,
      pageId: l.conv.pageId,
      contactId: l.contact.id,
      messageRef: `agent-reply:${id}`,
      at: now,
      ruleSet: decision.rules,
      route: null,
      allowed: false,
      reasons: plain.reasons,
      evidence: {
        lastInboundAt: facts.contact.lastInboundAt,
        lastInboundKind: facts.contact.lastInboundKind,
        windowClosesAt: plain.windowClosesAt,
        sender: 'human',
        origin: 'agent',
        originId: id,
        userId: actor.userId,
      } as never,
      decision: plain as never,
    });
    return problem(
      422,
      'reply_refused',
      { why: doc.reasons.map((r) => r.message).join(' ') },
      { reasons: doc.reasons, alternatives: doc.alternatives, decision: doc },
    );
  }
  if (l.conv.status === 'closed') {
    const r = await inbox.reopenConversation(deps.database, id, now);
    if (!r.ok) return problem(409, 'conversation_open_elsewhere', { id: r.openId });
  }
  const key = `agent-${id}-${clientId ?? newId(now)}`;
  const r = await outbox.enqueueOutbox(deps.database, [
    {
      workspaceId: actor.workspaceId,
      pageId: l.conv.pageId,
      contactId: l.contact.id,
      origin: 'agent',
      originId: id,
      idempotencyKey: key,
      content: {
        ...content,
        ...(actor.userId ? { agentUserId: actor.userId } : {}),
      } as OutboxContent as never,
      now,
    },
  ]);
  await inbox.clearHandoff(deps.database, id, now);
  // Whoever answers an unassigned conversation takes it.
  if (l.conv.assignedUserId === null && actor.userId !== null)
    await conversations.assignConversation(deps.database, id, actor.userId, now);
  deps.wake();
  const outboxId = r.inserted[0]?.id ?? (await outbox.getOutboxItemByKey(deps.database, key))?.id ?? null;
  return { ok: true as const, outboxId, decision: rendered(decision, actor.lang, now) };
}

export async function assign(deps: InboxDeps, actor: Actor, id: string, who: string | null) {
  const l = await loadConversation(deps, actor, id);
  if (!l.ok) return l;
  let userId = who;
  if (who === 'me') {
    if (actor.userId === null) return problem(400, 'no_user_for_self');
    userId = actor.userId;
  }
  // WIRE(accounts): check that userId is a member of the workspace once memberships exist.
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

// ---------------------------------------------------------------- canned replies

export async function createCanned(deps: InboxDeps, actor: Actor, input: CannedInput) {
  return inbox.createCannedReply(deps.database, {
    workspaceId: actor.workspaceId,
    ...input,
    createdBy: actor.userId,
    now: deps.now(),
  });
}

export async function updateCanned(deps: InboxDeps, actor: Actor, id: string, input: CannedInput) {
  const ok = await inbox.updateCannedReply(deps.database, actor.workspaceId, id, {
    ...input,
    now: deps.now(),
  });
  if (!ok) return problem(404, 'canned_reply_not_found', { id });
  const item = (await inbox.listCannedReplies(deps.database, actor.workspaceId)).find((c) => c.id === id);
  return { ok: true as const, item };
}

export async function deleteCanned(deps: InboxDeps, actor: Actor, id: string) {
  const ok = await inbox.deleteCannedReply(deps.database, actor.workspaceId, id);
  return ok ? { ok: true as const } : problem(404, 'canned_reply_not_found', { id });
}

/** Canned replies; with a contact, each also `rendered` for that person (`{{first_name}}` filled in). */
export async function listCanned(deps: InboxDeps, actor: Actor, contactId?: string) {
  const items = await inbox.listCannedReplies(deps.database, actor.workspaceId);
  const c =
    contactId === undefined
      ? undefined
      : await inbox.getWorkspaceContact(deps.database, actor.workspaceId, contactId);
  return items.map((i) => {
    if (c === undefined) return i;
    const out = compileContent({ message: { type: 'text', text: i.text } }).render({
      firstName: c.firstName,
      lastName: c.lastName,
      fields: c.fields,
    });
    return { ...i, rendered: out.message.type === 'text' ? out.message.text : i.text };
  });
}

// ---------------------------------------------------------------- overview

const DAY_MS = 86_400_000;

export async function overview(deps: InboxDeps, actor: Actor, range: { from: number; to: number }) {
  const ctx = await viewContext(deps, actor);
  const humanAgentPages = [...ctx.pages].filter(([, f]) => f.humanAgent).map(([id]) => id);
  const counts = await overviewCounts(deps.database, { workspaceId: actor.workspaceId, ...range });
  const contactsTotal = await inbox.countMatchingContacts(deps.database, { workspaceId: actor.workspaceId });
  const windowsOpen = await inbox.countMatchingContacts(deps.database, {
    workspaceId: actor.workspaceId,
    window: windowThresholds('open', ctx.rules, ctx.now, humanAgentPages),
  });
  const days = new Map<
    number,
    { inbound: number; sent: number; refused: number; optIns: number; optOuts: number }
  >();
  for (let d = Math.floor(range.from / DAY_MS); d <= Math.floor((range.to - 1) / DAY_MS); d++)
    days.set(d, { inbound: 0, sent: 0, refused: 0, optIns: 0, optOuts: 0 });
  const add =
    (key: 'inbound' | 'sent' | 'refused' | 'optIns' | 'optOuts') => (x: { day: number; count: number }) => {
      const row = days.get(x.day);
      if (row) row[key] += x.count;
    };
  counts.inbound.forEach(add('inbound'));
  counts.sent.forEach(add('sent'));
  counts.refused.forEach(add('refused'));
  counts.optIns.forEach(add('optIns'));
  counts.optOuts.forEach(add('optOuts'));
  const byDay = [...days].map(([d, v]) => ({ day: new Date(d * DAY_MS).toISOString().slice(0, 10), ...v }));
  const sum = (k: 'sent' | 'refused' | 'optIns' | 'optOuts') => byDay.reduce((n, d) => n + d[k], 0);
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    totals: {
      contacts: contactsTotal,
      windowsOpen,
      optIns: sum('optIns'),
      optOuts: sum('optOuts'),
      refused: sum('refused'),
      sent: sum('sent'),
    },
    byDay,
    byRoute: counts.byRoute,
    refusedByReason: counts.refusedByReason,
  };
}
