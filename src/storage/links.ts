/**
 * Tracked links: the code a message carries instead of a URL, per origin (a broadcast, a sequence,
 * a flow) and person, and the clicks it received. Minting is idempotent: the unique `link_key`
 * makes a retried send or a resumed broadcast get the code it got the first time.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './db.ts';
import { chunkForParameters } from './dialect.ts';
import type { LinkOriginKind, TrackedLinksTable } from './schema.ts';

export type { LinkOriginKind } from './schema.ts';

export interface LinkRequest {
  readonly workspaceId: string;
  readonly originKind: LinkOriginKind;
  readonly originId: string;
  readonly contactId: string;
  readonly url: string;
}

export interface TrackedLink {
  readonly code: string;
  readonly workspaceId: string;
  readonly originKind: LinkOriginKind;
  readonly originId: string;
  readonly contactId: string;
  readonly url: string;
  readonly clicks: number;
  readonly firstClickedAt: number | null;
  readonly lastClickedAt: number | null;
  readonly createdAt: number;
}

function toLink(row: TrackedLinksTable): TrackedLink {
  return {
    code: row.code,
    workspaceId: row.workspace_id,
    originKind: row.origin_kind,
    originId: row.origin_id,
    contactId: row.contact_id,
    url: row.url,
    clicks: Number(row.clicks),
    firstClickedAt: row.first_clicked_at,
    lastClickedAt: row.last_clicked_at,
    createdAt: row.created_at,
  };
}

/** The identity of a link: one per origin, person and destination. */
export function linkKey(r: Omit<LinkRequest, 'workspaceId'>): string {
  return createHash('sha256')
    .update(`${r.originKind}\u0000${r.originId}\u0000${r.contactId}\u0000${r.url}`)
    .digest('base64url');
}

/**
 * The code of every requested link, minting the missing ones with `newCode()`.
 * @returns the code per request, in input order
 */
export async function ensureLinks(
  database: Queryable,
  requests: readonly LinkRequest[],
  { newCode, now }: { readonly newCode: () => string; readonly now: number },
): Promise<string[]> {
  if (requests.length === 0) return [];
  const keys = requests.map(linkKey);
  const byKey = new Map<string, string>();
  const rows: TrackedLinksTable[] = [];
  const seen = new Set<string>();
  requests.forEach((r, i) => {
    const key = keys[i]!;
    if (seen.has(key)) return;
    seen.add(key);
    rows.push({
      code: newCode(),
      link_key: key,
      workspace_id: r.workspaceId,
      origin_kind: r.originKind,
      origin_id: r.originId,
      contact_id: r.contactId,
      url: r.url,
      clicks: 0,
      first_clicked_at: null,
      last_clicked_at: null,
      created_at: now,
    });
  });
  for (const batch of chunkForParameters(database, rows, 11)) {
    await database.db
      .insertInto('tracked_links')
      .values(batch)
      .onConflict((oc) => oc.column('link_key').doNothing())
      .execute();
  }
  // Read back: a key that existed keeps its first code (a retry sends the same link again).
  const unique = [...seen];
  for (let i = 0; i < unique.length; i += 900) {
    const found = await database.db
      .selectFrom('tracked_links')
      .select(['link_key', 'code'])
      .where('link_key', 'in', unique.slice(i, i + 900))
      .execute();
    for (const f of found) byKey.set(f.link_key, f.code);
  }
  return keys.map((k) => {
    const code = byKey.get(k);
    if (code === undefined) throw new Error(`tracked link ${k} vanished after insert`);
    return code;
  });
}

export async function getLink(database: Queryable, code: string): Promise<TrackedLink | undefined> {
  const row = await database.db
    .selectFrom('tracked_links')
    .selectAll()
    .where('code', '=', code)
    .executeTakeFirst();
  return row === undefined ? undefined : toLink(row);
}

/** Counts one click (one atomic update); undefined when no link has this code. */
export async function recordClick(
  database: Queryable,
  code: string,
  at: number,
): Promise<TrackedLink | undefined> {
  const row = await database.db
    .updateTable('tracked_links')
    .set((eb) => ({
      clicks: eb('clicks', '+', 1),
      first_clicked_at: eb.fn.coalesce('first_clicked_at', eb.val(at)),
      last_clicked_at: at,
    }))
    .where('code', '=', code)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toLink(row);
}

export interface ClickStats {
  /** People who clicked at least once (a person clicking twice, or two links, counts once). */
  readonly people: number;
  /** Every counted click. */
  readonly total: number;
  /** Per destination: people who clicked it and its clicks, most clicked first. */
  readonly byUrl: readonly { readonly url: string; readonly people: number; readonly total: number }[];
}

/** Clicks of an origin's links. */
export async function clickStats(
  database: Queryable,
  originKind: LinkOriginKind,
  originId: string,
): Promise<ClickStats> {
  const base = database.db
    .selectFrom('tracked_links')
    .where('origin_kind', '=', originKind)
    .where('origin_id', '=', originId)
    .where('clicks', '>', 0);
  const totals = await base
    .select((eb) => [
      eb.fn.count<number>('contact_id').distinct().as('people'),
      eb.fn.sum<number>('clicks').as('total'),
    ])
    .executeTakeFirstOrThrow();
  const byUrl = await base
    .select((eb) => [
      'url',
      eb.fn.count<number>('contact_id').distinct().as('people'),
      eb.fn.sum<number>('clicks').as('total'),
    ])
    .groupBy('url')
    .execute();
  return {
    people: Number(totals.people ?? 0),
    total: Number(totals.total ?? 0),
    byUrl: byUrl
      .map((r) => ({ url: r.url, people: Number(r.people), total: Number(r.total) }))
      .sort((a, b) => b.total - a.total || (a.url < b.url ? -1 : 1)),
  };
}

/** A person's links of one origin (what they were sent and what they clicked). */
export async function linksOfContact(
  database: Queryable,
  contactId: string,
  origin?: { readonly kind: LinkOriginKind; readonly id: string },
): Promise<TrackedLink[]> {
  let q = database.db.selectFrom('tracked_links').selectAll().where('contact_id', '=', contactId);
  if (origin) q = q.where('origin_kind', '=', origin.kind).where('origin_id', '=', origin.id);
  return (await q.orderBy('created_at').orderBy('code').execute()).map(toLink);
}

export interface ClickerRow {
  readonly code: string;
  readonly contactId: string;
  readonly psid: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly url: string;
  readonly clicks: number;
  readonly firstClickedAt: number | null;
  readonly lastClickedAt: number | null;
}

/**
 * The clicked links of an origin with who clicked them (retargeting: "everyone who clicked"),
 * one keyset page ordered by code.
 */
export async function listClickers(
  database: Queryable,
  origin: { readonly kind: LinkOriginKind; readonly id: string },
  { after = '', limit = 500 }: { readonly after?: string; readonly limit?: number } = {},
): Promise<ClickerRow[]> {
  const rows = await database.db
    .selectFrom('tracked_links as l')
    .innerJoin('contacts as c', 'c.id', 'l.contact_id')
    .select([
      'l.code',
      'l.contact_id',
      'c.psid',
      'c.first_name',
      'c.last_name',
      'l.url',
      'l.clicks',
      'l.first_clicked_at',
      'l.last_clicked_at',
    ])
    .where('l.origin_kind', '=', origin.kind)
    .where('l.origin_id', '=', origin.id)
    .where('l.clicks', '>', 0)
    .where('l.code', '>', after)
    .orderBy('l.code')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    code: r.code,
    contactId: r.contact_id,
    psid: r.psid,
    firstName: r.first_name,
    lastName: r.last_name,
    url: r.url,
    clicks: Number(r.clicks),
    firstClickedAt: r.first_clicked_at === null ? null : Number(r.first_clicked_at),
    lastClickedAt: r.last_clicked_at === null ? null : Number(r.last_clicked_at),
  }));
}
