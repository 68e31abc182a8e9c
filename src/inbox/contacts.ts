/** Contacts: the filtered list, detail, label and field edits, the timeline and the CSV export. */
import { csvCell } from '../storage/audit.ts';
import { audit, contacts, inbox, inTransaction } from '../storage/index.ts';
import { type Actor, type InboxDeps, problem, viewContext } from './deps.ts';
import type { ContactListQuery, ContactPatch } from './validate.ts';
import { contactView, messageView, noteView } from './views.ts';
import { windowThresholds } from './window-filter.ts';
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
