/**
 * Contact search for the inbox and the contact list: name/PSID search, label, Page, entry point and
 * window-state filters (thresholds computed by the caller from the rule set in force), keyset pages.
 */
import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type Contact, toContact } from './contacts.ts';
import type { Queryable } from './db.ts';
import type { Schema } from './schema.ts';

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

/** How many contacts match (the list's `total`, the overview's "windows open now"). */
export async function countMatchingContacts(database: Queryable, f: ContactSearch): Promise<number> {
  const row = await contactFilter(database, f)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
