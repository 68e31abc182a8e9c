/**
 * Entry points and their attribution events. An entry point is how a person reaches the Page
 * (an m.me link and its QR / button / landing page, a comment on a post, a Click-to-Messenger ad);
 * each touch, opt-in and opt-out attributed to one is an `entry_point_events` row, unique per
 * inbound event, so replays count nothing twice and first/last touch are computed, not guessed.
 */
import { sql } from 'kysely';
import type { Queryable } from './db.ts';
import { fromJson, type JsonValue, toJson } from './dialect.ts';
import { newId } from './ids.ts';
import type { EntryPointEventKind, EntryPointKind, EntryPointsTable } from './schema.ts';

export type { EntryPointEventKind, EntryPointKind } from './schema.ts';

export interface EntryPoint {
  readonly id: string;
  readonly workspaceId: string;
  readonly pageId: string;
  readonly kind: EntryPointKind;
  readonly name: string;
  readonly ref: string | null;
  readonly slug: string | null;
  readonly language: 'es' | 'en' | null;
  readonly prefillText: string | null;
  readonly labels: readonly string[];
  readonly fields: Readonly<Record<string, JsonValue>>;
  readonly flowId: string | null;
  readonly sequenceId: string | null;
  readonly config: Readonly<Record<string, JsonValue>>;
  readonly active: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Everything of an entry point but its id and timestamps. */
export interface EntryPointData {
  readonly pageId: string;
  readonly kind: EntryPointKind;
  readonly name: string;
  readonly ref: string | null;
  readonly slug: string | null;
  readonly language: 'es' | 'en' | null;
  readonly prefillText: string | null;
  readonly labels: readonly string[];
  readonly fields: Readonly<Record<string, JsonValue>>;
  readonly flowId: string | null;
  readonly sequenceId: string | null;
  readonly config: Readonly<Record<string, JsonValue>>;
  readonly active: boolean;
}

function toEntryPoint(row: EntryPointsTable): EntryPoint {
  const labels = fromJson<unknown>(row.labels, []);
  const fields = fromJson<unknown>(row.fields, {});
  const config = fromJson<unknown>(row.config, {});
  const isObject = (v: unknown): v is Record<string, JsonValue> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    pageId: row.page_id,
    kind: row.kind,
    name: row.name,
    ref: row.ref,
    slug: row.slug,
    language: row.language === 'es' || row.language === 'en' ? row.language : null,
    prefillText: row.prefill_text,
    labels: Array.isArray(labels) ? labels.filter((l): l is string => typeof l === 'string') : [],
    fields: isObject(fields) ? fields : {},
    flowId: row.flow_id,
    sequenceId: row.sequence_id,
    config: isObject(config) ? config : {},
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function columns(data: EntryPointData) {
  return {
    page_id: data.pageId,
    kind: data.kind,
    name: data.name,
    ref: data.ref,
    slug: data.slug,
    language: data.language,
    prefill_text: data.prefillText,
    labels: toJson(data.labels),
    fields: toJson(data.fields),
    flow_id: data.flowId,
    sequence_id: data.sequenceId,
    config: toJson(data.config),
    active: data.active ? (1 as const) : (0 as const),
  };
}

export type SaveResult =
  | { readonly ok: true; readonly entryPoint: EntryPoint }
  | { readonly ok: false; readonly code: 'ref_taken' | 'slug_taken' | 'not_found' };

/** Which unique key a new ref or slug would break (checked first so the answer names the field). */
async function conflictOf(
  database: Queryable,
  data: Pick<EntryPointData, 'pageId' | 'ref' | 'slug'>,
  exceptId: string | null,
): Promise<'ref_taken' | 'slug_taken' | null> {
  if (data.ref !== null) {
    let q = database.db
      .selectFrom('entry_points')
      .select('id')
      .where('page_id', '=', data.pageId)
      .where('ref', '=', data.ref);
    if (exceptId !== null) q = q.where('id', '!=', exceptId);
    if (await q.executeTakeFirst()) return 'ref_taken';
  }
  if (data.slug !== null) {
    let q = database.db.selectFrom('entry_points').select('id').where('slug', '=', data.slug);
    if (exceptId !== null) q = q.where('id', '!=', exceptId);
    if (await q.executeTakeFirst()) return 'slug_taken';
  }
  return null;
}

function isUniqueViolation(error: unknown): 'ref_taken' | 'slug_taken' | null {
  const text =
    error instanceof Error ? `${error.message} ${(error as { constraint?: string }).constraint ?? ''}` : '';
  if (!/unique|duplicate/i.test(text)) return null;
  return /slug/i.test(text) ? 'slug_taken' : 'ref_taken';
}

export async function createEntryPoint(
  database: Queryable,
  input: EntryPointData & { readonly workspaceId: string; readonly now: number; readonly id?: string },
): Promise<SaveResult> {
  const conflict = await conflictOf(database, input, null);
  if (conflict) return { ok: false, code: conflict };
  const row: EntryPointsTable = {
    id: input.id ?? newId(input.now),
    workspace_id: input.workspaceId,
    ...columns(input),
    created_at: input.now,
    updated_at: input.now,
  };
  try {
    await database.db.insertInto('entry_points').values(row).execute();
  } catch (error) {
    // A concurrent insert won the race for the same ref or slug.
    const code = isUniqueViolation(error);
    if (code) return { ok: false, code };
    throw error;
  }
  return { ok: true, entryPoint: toEntryPoint(row) };
}

/** Replaces the stored data of an entry point of `workspaceId`. */
export async function updateEntryPoint(
  database: Queryable,
  input: EntryPointData & { readonly id: string; readonly workspaceId: string; readonly now: number },
): Promise<SaveResult> {
  const conflict = await conflictOf(database, input, input.id);
  if (conflict) return { ok: false, code: conflict };
  try {
    const row = await database.db
      .updateTable('entry_points')
      .set({ ...columns(input), updated_at: input.now })
      .where('id', '=', input.id)
      .where('workspace_id', '=', input.workspaceId)
      .returningAll()
      .executeTakeFirst();
    return row ? { ok: true, entryPoint: toEntryPoint(row) } : { ok: false, code: 'not_found' };
  } catch (error) {
    const code = isUniqueViolation(error);
    if (code) return { ok: false, code };
    throw error;
  }
}

/** An entry point of `workspaceId` (another workspace's id reads as unknown). */
export async function getEntryPoint(
  database: Queryable,
  workspaceId: string,
  id: string,
): Promise<EntryPoint | undefined> {
  const row = await database.db
    .selectFrom('entry_points')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row ? toEntryPoint(row) : undefined;
}

/** The active entry point behind a public landing page. */
export async function getEntryPointBySlug(
  database: Queryable,
  slug: string,
): Promise<EntryPoint | undefined> {
  const row = await database.db
    .selectFrom('entry_points')
    .selectAll()
    .where('slug', '=', slug)
    .where('active', '=', 1)
    .executeTakeFirst();
  return row ? toEntryPoint(row) : undefined;
}

export async function listEntryPoints(
  database: Queryable,
  filter: { readonly workspaceId: string; readonly pageId?: string; readonly kind?: EntryPointKind },
): Promise<EntryPoint[]> {
  let q = database.db.selectFrom('entry_points').selectAll().where('workspace_id', '=', filter.workspaceId);
  if (filter.pageId !== undefined) q = q.where('page_id', '=', filter.pageId);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  return (await q.orderBy('id').execute()).map(toEntryPoint);
}

/** Active entry points of a Page of the given kinds, oldest first (the first match wins). */
export async function activeEntryPointsOfPage(
  database: Queryable,
  pageId: string,
  kinds: readonly EntryPointKind[],
): Promise<EntryPoint[]> {
  const rows = await database.db
    .selectFrom('entry_points')
    .selectAll()
    .where('page_id', '=', pageId)
    .where('kind', 'in', kinds)
    .where('active', '=', 1)
    .orderBy('id')
    .execute();
  return rows.map(toEntryPoint);
}

/** The active entry point of a Page with this m.me ref. */
export async function findByRef(
  database: Queryable,
  pageId: string,
  ref: string,
): Promise<EntryPoint | undefined> {
  const row = await database.db
    .selectFrom('entry_points')
    .selectAll()
    .where('page_id', '=', pageId)
    .where('ref', '=', ref)
    .where('active', '=', 1)
    .executeTakeFirst();
  return row ? toEntryPoint(row) : undefined;
}

export async function deleteEntryPoint(
  database: Queryable,
  workspaceId: string,
  id: string,
): Promise<boolean> {
  const result = await database.db
    .deleteFrom('entry_points')
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** UTC day of an epoch-ms instant, `YYYY-MM-DD`. */
export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export interface NewAttribution {
  readonly workspaceId: string;
  readonly entryPointId: string;
  readonly contactId: string;
  readonly kind: EntryPointEventKind;
  readonly via: string;
  readonly at: number;
  /** Unique: the same key records once, ever. */
  readonly eventKey: string;
  readonly newContact?: boolean;
  readonly conversationOpened?: boolean;
  readonly windowOpened?: boolean;
  readonly now: number;
}

/** Records one attribution event; false when its key was already recorded (a replay). */
export async function recordAttribution(database: Queryable, input: NewAttribution): Promise<boolean> {
  const rows = await database.db
    .insertInto('entry_point_events')
    .values({
      id: newId(input.now),
      workspace_id: input.workspaceId,
      entry_point_id: input.entryPointId,
      contact_id: input.contactId,
      kind: input.kind,
      via: input.via,
      day: dayOf(input.at),
      at: input.at,
      event_key: input.eventKey,
      new_contact: input.newContact ? 1 : 0,
      conversation_opened: input.conversationOpened ? 1 : 0,
      window_opened: input.windowOpened ? 1 : 0,
      created_at: input.now,
    })
    .onConflict((oc) => oc.column('event_key').doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

/** The entry points of a contact's earliest and latest touch (by the person's action time). */
export async function touchBounds(
  database: Queryable,
  contactId: string,
): Promise<{ readonly first: string | null; readonly last: string | null }> {
  const base = database.db
    .selectFrom('entry_point_events')
    .select('entry_point_id')
    .where('contact_id', '=', contactId)
    .where('kind', '=', 'touch');
  const first = await base.orderBy('at', 'asc').orderBy('id', 'asc').limit(1).executeTakeFirst();
  const last = await base.orderBy('at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return { first: first?.entry_point_id ?? null, last: last?.entry_point_id ?? null };
}

/** Writes a contact's first/last touch columns from its touches (order-safe: recomputed each time). */
export async function syncContactTouches(database: Queryable, contactId: string, now: number): Promise<void> {
  const { first, last } = await touchBounds(database, contactId);
  if (first === null || last === null) return;
  await database.db
    .updateTable('contacts')
    .set({ first_entry_point: first, last_entry_point: last, updated_at: now })
    .where('id', '=', contactId)
    .execute();
}

/** A contact's latest touch: which entry point, and how the person came. */
export async function latestTouch(
  database: Queryable,
  contactId: string,
): Promise<{ readonly entryPointId: string; readonly via: string; readonly at: number } | undefined> {
  const row = await database.db
    .selectFrom('entry_point_events')
    .select(['entry_point_id', 'via', 'at'])
    .where('contact_id', '=', contactId)
    .where('kind', '=', 'touch')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { entryPointId: row.entry_point_id, via: row.via, at: row.at } : undefined;
}

/** The entry point of a contact's latest touch, if any (last-touch attribution of opt-ins/outs). */
export async function lastTouchOf(database: Queryable, contactId: string): Promise<string | null> {
  return (await touchBounds(database, contactId)).last;
}

export interface DayStats {
  readonly day: string;
  readonly reached: number;
  readonly newContacts: number;
  readonly conversationsOpened: number;
  readonly windowsOpened: number;
  readonly optIns: number;
  readonly optOuts: number;
  /** Goals reached by the flow runs this entry point started (credited to the day of the goal). */
  readonly flowGoals: number;
}

const EMPTY = {
  reached: 0,
  newContacts: 0,
  conversationsOpened: 0,
  windowsOpened: 0,
  optIns: 0,
  optOuts: 0,
  flowGoals: 0,
};

/**
 * Per-day statistics of one entry point between two UTC days (inclusive, `YYYY-MM-DD`), every day
 * present (zeros included), plus totals; `reached` in the totals counts distinct people over the range.
 */
export async function entryPointStats(
  database: Queryable,
  entryPointId: string,
  range: { readonly from: string; readonly to: string },
): Promise<{ readonly byDay: readonly DayStats[]; readonly totals: Omit<DayStats, 'day'> }> {
  const inRange = database.db
    .selectFrom('entry_point_events')
    .where('entry_point_id', '=', entryPointId)
    .where('day', '>=', range.from)
    .where('day', '<=', range.to);
  const n = (v: unknown) => Number(v ?? 0);
  const rows = await inRange
    .select((eb) => [
      'day',
      sql<number>`count(distinct case when kind = 'touch' then contact_id end)`.as('reached'),
      eb.fn.sum<number>('new_contact').as('new_contacts'),
      eb.fn.sum<number>('conversation_opened').as('conversations_opened'),
      eb.fn.sum<number>('window_opened').as('windows_opened'),
      sql<number>`sum(case when kind = 'opt_in' then 1 else 0 end)`.as('opt_ins'),
      sql<number>`sum(case when kind = 'opt_out' then 1 else 0 end)`.as('opt_outs'),
    ])
    .groupBy('day')
    .execute();
  const goals = await flowGoalsByDay(database, entryPointId, range);
  const found = new Map(
    rows.map((r) => [
      r.day,
      {
        reached: n(r.reached),
        newContacts: n(r.new_contacts),
        conversationsOpened: n(r.conversations_opened),
        windowsOpened: n(r.windows_opened),
        optIns: n(r.opt_ins),
        optOuts: n(r.opt_outs),
      },
    ]),
  );
  const byDay: DayStats[] = [];
  for (let t = Date.parse(`${range.from}T00:00:00Z`); dayOf(t) <= range.to; t += 86_400_000) {
    const day = dayOf(t);
    byDay.push({ day, ...(found.get(day) ?? EMPTY), flowGoals: goals.get(day) ?? 0 });
  }
  const people = await inRange
    .select(sql<number>`count(distinct contact_id)`.as('n'))
    .where('kind', '=', 'touch')
    .executeTakeFirstOrThrow();
  const totals = byDay.reduce(
    (sum, d) => ({
      reached: sum.reached,
      newContacts: sum.newContacts + d.newContacts,
      conversationsOpened: sum.conversationsOpened + d.conversationsOpened,
      windowsOpened: sum.windowsOpened + d.windowsOpened,
      optIns: sum.optIns + d.optIns,
      optOuts: sum.optOuts + d.optOuts,
      flowGoals: sum.flowGoals + d.flowGoals,
    }),
    { ...EMPTY, reached: n(people.n) },
  );
  return { byDay, totals };
}

/** Goals reached per UTC day by flow runs the entry point started (`trigger = entry_point:<id>`). */
async function flowGoalsByDay(
  database: Queryable,
  entryPointId: string,
  range: { readonly from: string; readonly to: string },
): Promise<Map<string, number>> {
  const rows = await database.db
    .selectFrom('flow_runs')
    .select('goal_reached_at')
    .where('trigger', '=', `entry_point:${entryPointId}`)
    .where('goal_reached_at', '>=', Date.parse(`${range.from}T00:00:00Z`))
    .where('goal_reached_at', '<', Date.parse(`${range.to}T00:00:00Z`) + 86_400_000)
    .execute();
  const byDay = new Map<string, number>();
  for (const r of rows) {
    const day = dayOf(Number(r.goal_reached_at));
    byDay.set(day, (byDay.get(day) ?? 0) + 1);
  }
  return byDay;
}

/** The psid of a commenter's contact until Meta names their real PSID: this prefix, then the feed's user id. */
export const COMMENTER_PSID_PREFIX = 'commenter:';

/**
 * The echo of one of our sends names the person's real PSID. When that send was a private reply to
 * a commenter, the commenter is that person: they are linked now, before the echo itself is applied,
 * so the echo lands on the person's contact and can settle the send (storage/outbox-echo.ts). The
 * send is found by the outbox id the echo's metadata carries (the echo often comes before the Send
 * API's answer, so before the sent message is stored), or else by the stored message's mid.
 * @returns the id of the contact that now stands for the person, or null when nothing was linked
 */
export async function linkCommenterOfEcho(
  database: Queryable,
  echo: {
    readonly pageId: string;
    readonly psid: string;
    readonly outboxId: string | null;
    readonly mid: string | null;
    readonly now: number;
  },
): Promise<string | null> {
  if (echo.psid.startsWith(COMMENTER_PSID_PREFIX)) return null;
  // The send and its recipient's psid in one read: this runs for every echo of our own sends.
  const send =
    echo.outboxId !== null
      ? await database.db
          .selectFrom('outbox')
          .innerJoin('contacts', 'contacts.id', 'outbox.contact_id')
          .select(['outbox.contact_id', 'outbox.page_id', 'contacts.psid'])
          .where('outbox.id', '=', echo.outboxId)
          .executeTakeFirst()
      : echo.mid !== null
        ? await database.db
            .selectFrom('messages')
            .innerJoin('contacts', 'contacts.id', 'messages.contact_id')
            .select(['messages.contact_id', 'messages.page_id', 'contacts.psid'])
            .where('messages.mid', '=', echo.mid)
            .executeTakeFirst()
        : undefined;
  // Only a send to a commenter on this Page links anyone.
  if (send?.page_id !== echo.pageId || !send.psid.startsWith(COMMENTER_PSID_PREFIX)) return null;
  return linkCommenter(database, {
    commenterId: send.contact_id,
    pageId: echo.pageId,
    psid: echo.psid,
    now: echo.now,
  });
}

/**
 * A commenter (known by a placeholder psid) turned out to be the person with `psid`: the commenter
 * contact becomes that person when Ventana does not know them yet (labels, fields, touches and the
 * private reply stay with it); otherwise its labels, fields, touches and sends (the private reply's
 * outbox row, so that its echo can settle it) move to the known contact.
 * @returns the id of the contact that now stands for the person
 */
export async function linkCommenter(
  database: Queryable,
  input: {
    readonly commenterId: string;
    readonly pageId: string;
    readonly psid: string;
    readonly now: number;
  },
): Promise<string | null> {
  const commenter = await database.db
    .selectFrom('contacts')
    .select(['id', 'labels', 'fields'])
    .where('id', '=', input.commenterId)
    .executeTakeFirst();
  if (!commenter) return null;
  const known = await database.db
    .selectFrom('contacts')
    .select(['id', 'labels', 'fields'])
    .where('page_id', '=', input.pageId)
    .where('psid', '=', input.psid)
    .executeTakeFirst();
  if (!known) {
    await database.db
      .updateTable('contacts')
      .set({ psid: input.psid, updated_at: input.now })
      .where('id', '=', commenter.id)
      .execute();
    return commenter.id;
  }
  const labels = [
    ...new Set([...fromJson<string[]>(known.labels, []), ...fromJson<string[]>(commenter.labels, [])]),
  ].sort();
  // What the person's own contact already says wins over what the comment entry point set.
  const fields = { ...fromJson<object>(commenter.fields, {}), ...fromJson<object>(known.fields, {}) };
  await database.db
    .updateTable('contacts')
    .set({ labels: toJson(labels), fields: toJson(fields), updated_at: input.now })
    .where('id', '=', known.id)
    .execute();
  await database.db
    .updateTable('entry_point_events')
    .set({ contact_id: known.id })
    .where('contact_id', '=', commenter.id)
    .execute();
  await database.db
    .updateTable('outbox')
    .set({ contact_id: known.id })
    .where('contact_id', '=', commenter.id)
    .execute();
  await syncContactTouches(database, known.id, input.now);
  return known.id;
}
