/**
 * Contacts: one person as seen by one Page (page_id + psid), with everything the policy engine
 * needs to know about them (window, tokens, opt-out, block).
 *
 * Order safety: webhook events arrive late, twice and out of order, and several workers may
 * process them at once. Every timestamp here only moves forward, decided inside one SQL
 * statement (CASE on the stored value), so an old event can never undo a newer one.
 */
import type { ExpressionBuilder, OnConflictDatabase, OnConflictTables } from 'kysely';
import { decrypt, encrypt } from '../lib/crypto.ts';
import { type Facts, INBOUND_KINDS, type InboundKind } from '../policy/types.ts';
import { inTransaction, type Queryable } from './db.ts';
import {
  chunkForParameters,
  fromIntBool,
  fromJson,
  type JsonValue,
  lockForUpdate,
  toJson,
} from './dialect.ts';
import { newId } from './ids.ts';
import { precompiled } from './precompiled.ts';
import type { ContactsTable, LegacyTokenStatus, MarketingStatus, Schema } from './schema.ts';

export type { LegacyTokenStatus, MarketingStatus } from './schema.ts';

export interface ContactProfile {
  readonly firstName?: string | null;
  readonly lastName?: string | null;
  readonly profilePic?: string | null;
  readonly locale?: string | null;
  /** Hours offset from UTC. */
  readonly timezone?: number | null;
  readonly country?: string | null;
}

/** A contact without its tokens (only whether they exist): safe to list and serialise. */
export interface Contact {
  readonly id: string;
  readonly workspaceId: string;
  readonly pageId: string;
  readonly psid: string;
  readonly userRef: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly profilePic: string | null;
  readonly locale: string | null;
  readonly timezone: number | null;
  readonly country: string | null;
  readonly profileFetchedAt: number | null;
  readonly labels: readonly string[];
  readonly fields: Readonly<Record<string, JsonValue>>;
  readonly firstEntryPoint: string | null;
  readonly lastEntryPoint: string | null;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
  readonly lastInboundAt: number | null;
  readonly lastInboundKind: string | null;
  readonly adWindowStartedAt: number | null;
  readonly windowClosedByGraphAt: number | null;
  readonly blocked: boolean;
  readonly blockedAt: number | null;
  readonly unreachableAt: number | null;
  readonly optedOutAt: number | null;
  readonly hasMarketingToken: boolean;
  readonly marketingStatus: MarketingStatus | null;
  readonly marketingTokenExpiresAt: number | null;
  readonly marketingLastSentAt: number | null;
  readonly hasLegacyToken: boolean;
  readonly legacyTokenStatus: LegacyTokenStatus | null;
  readonly legacyTokenExpiresAt: number | null;
  readonly legacyLastSentAt: number | null;
  readonly hasOneTimeToken: boolean;
  readonly otnCreatedAt: number | null;
  readonly otnUsedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps a stored row (as `selectAll()` returns it) to a Contact. */
export function toContact(row: ContactsTable): Contact {
  const labels = fromJson<unknown>(row.labels, []);
  const fields = fromJson<unknown>(row.fields, {});
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    pageId: row.page_id,
    psid: row.psid,
    userRef: row.user_ref,
    firstName: row.first_name,
    lastName: row.last_name,
    profilePic: row.profile_pic,
    locale: row.locale,
    timezone: row.timezone,
    country: row.country,
    profileFetchedAt: row.profile_fetched_at,
    labels: Array.isArray(labels) ? labels.filter((l): l is string => typeof l === 'string') : [],
    fields:
      fields !== null && typeof fields === 'object' && !Array.isArray(fields)
        ? (fields as Record<string, JsonValue>)
        : {},
    firstEntryPoint: row.first_entry_point,
    lastEntryPoint: row.last_entry_point,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    lastInboundAt: row.last_inbound_at,
    lastInboundKind: row.last_inbound_kind,
    adWindowStartedAt: row.ad_window_started_at,
    windowClosedByGraphAt: row.window_closed_by_graph_at,
    blocked: fromIntBool(row.blocked),
    blockedAt: row.blocked_at,
    unreachableAt: row.unreachable_at,
    optedOutAt: row.opted_out_at,
    hasMarketingToken: row.marketing_token_enc !== null,
    marketingStatus: row.marketing_status,
    marketingTokenExpiresAt: row.marketing_token_expires_at,
    marketingLastSentAt: row.marketing_last_sent_at,
    hasLegacyToken: row.legacy_token_enc !== null,
    legacyTokenStatus: row.legacy_token_status,
    legacyTokenExpiresAt: row.legacy_token_expires_at,
    legacyLastSentAt: row.legacy_last_sent_at,
    hasOneTimeToken: row.otn_token_enc !== null,
    otnCreatedAt: row.otn_created_at,
    otnUsedAt: row.otn_used_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function profileColumns(profile: ContactProfile): Partial<ContactsTable> {
  const out: Partial<ContactsTable> = {};
  if (profile.firstName !== undefined) out.first_name = profile.firstName;
  if (profile.lastName !== undefined) out.last_name = profile.lastName;
  if (profile.profilePic !== undefined) out.profile_pic = profile.profilePic;
  if (profile.locale !== undefined) out.locale = profile.locale;
  if (profile.timezone !== undefined) out.timezone = profile.timezone;
  if (profile.country !== undefined) out.country = profile.country;
  return out;
}

function newContactRow(input: {
  workspaceId: string;
  pageId: string;
  psid: string;
  now: number;
  seenAt: number;
}): ContactsTable {
  return {
    id: newId(input.now),
    workspace_id: input.workspaceId,
    page_id: input.pageId,
    psid: input.psid,
    user_ref: null,
    first_name: null,
    last_name: null,
    profile_pic: null,
    locale: null,
    timezone: null,
    country: null,
    profile_fetched_at: null,
    labels: '[]',
    fields: '{}',
    first_entry_point: null,
    last_entry_point: null,
    first_seen_at: input.seenAt,
    last_seen_at: input.seenAt,
    last_inbound_at: null,
    last_inbound_kind: null,
    ad_window_started_at: null,
    window_closed_by_graph_at: null,
    blocked: 0,
    blocked_at: null,
    unreachable_at: null,
    opted_out_at: null,
    marketing_token_enc: null,
    marketing_status: null,
    marketing_token_expires_at: null,
    marketing_last_sent_at: null,
    legacy_token_enc: null,
    legacy_token_status: null,
    legacy_token_expires_at: null,
    legacy_last_sent_at: null,
    otn_token_enc: null,
    otn_created_at: null,
    otn_used_at: null,
    created_at: input.now,
    updated_at: input.now,
  };
}

export interface UpsertContactInput {
  readonly workspaceId: string;
  readonly pageId: string;
  readonly psid: string;
  readonly now: number;
  readonly userRef?: string | null;
  /** Given: stored, and profile_fetched_at set to `now`. */
  readonly profile?: ContactProfile;
  readonly entryPoint?: string | null;
}

/** Creates the contact for (page, psid) or updates the given fields of the existing one. */
export async function upsertContact(database: Queryable, input: UpsertContactInput): Promise<Contact> {
  const row = newContactRow({ ...input, seenAt: input.now });
  const changes: Partial<ContactsTable> = { updated_at: input.now };
  if (input.userRef !== undefined) changes.user_ref = input.userRef;
  if (input.profile !== undefined) {
    Object.assign(changes, profileColumns(input.profile), { profile_fetched_at: input.now });
  }
  if (input.entryPoint !== undefined) changes.last_entry_point = input.entryPoint;
  const insert: ContactsTable = { ...row, ...changes };
  if (input.entryPoint !== undefined) insert.first_entry_point = input.entryPoint;
  const saved = await database.db
    .insertInto('contacts')
    .values(insert)
    .onConflict((oc) =>
      oc.columns(['page_id', 'psid']).doUpdateSet((eb) => ({
        ...changes,
        first_entry_point: eb.fn.coalesce('contacts.first_entry_point', 'excluded.first_entry_point'),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toContact(saved);
}

export async function getContact(database: Queryable, id: string): Promise<Contact | undefined> {
  const row = await database.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toContact(row);
}

// Read for nearly every applied event, several times (each automation area looks the person up).
const contactByPsid = precompiled(['pageId', 'psid'], (db, v) =>
  db.selectFrom('contacts').selectAll().where('page_id', '=', v.pageId).where('psid', '=', v.psid),
);

export async function getContactByPsid(
  database: Queryable,
  pageId: string,
  psid: string,
): Promise<Contact | undefined> {
  const [row] = await contactByPsid(database, { pageId, psid });
  return row === undefined ? undefined : toContact(row);
}

export interface ListContactsOptions {
  readonly workspaceId: string;
  readonly pageId?: string;
  /** Keyset cursor: the id of the last contact of the previous page. */
  readonly after?: string;
  /** Default 100. */
  readonly limit?: number;
}

/** Contacts in id (creation) order, one keyset page at a time. */
export async function listContacts(database: Queryable, opts: ListContactsOptions): Promise<Contact[]> {
  const { limit = 100 } = opts;
  let query = database.db.selectFrom('contacts').selectAll().where('workspace_id', '=', opts.workspaceId);
  if (opts.pageId !== undefined) query = query.where('page_id', '=', opts.pageId);
  if (opts.after !== undefined) query = query.where('id', '>', opts.after);
  const rows = await query.orderBy('id').limit(limit).execute();
  return rows.map(toContact);
}

export async function countContacts(
  database: Queryable,
  filter: { readonly workspaceId: string; readonly pageId?: string },
): Promise<number> {
  let query = database.db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', filter.workspaceId);
  if (filter.pageId !== undefined) query = query.where('page_id', '=', filter.pageId);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Stores a freshly fetched Graph profile. */
export async function updateContactProfile(
  database: Queryable,
  contactId: string,
  profile: ContactProfile,
  fetchedAt: number,
): Promise<boolean> {
  const result = await database.db
    .updateTable('contacts')
    .set({ ...profileColumns(profile), profile_fetched_at: fetchedAt, updated_at: fetchedAt })
    .where('id', '=', contactId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The expression builder of `insert into contacts … on conflict (page_id, psid) do update`. */
type ContactUpsert = ExpressionBuilder<OnConflictDatabase<Schema, 'contacts'>, OnConflictTables<'contacts'>>;

/**
 * The order-safe part of recording inbound actions on an existing contact, shared by `recordInbound`
 * and `recordInboundMany`: first_seen_at only moves backward, last_seen_at and last_inbound_at (with its
 * kind) only forward, and a window closed by the Graph API, an unreachable or a blocked mark is cleared
 * only by a newer window-opening inbound. Null-safe: a row without an opening action
 * (`excluded.last_inbound_at` null) changes no window column.
 */
function orderSafeInbound(eb: ContactUpsert) {
  const newer = eb.and([
    eb('excluded.last_inbound_at', 'is not', null),
    eb.or([
      eb('contacts.last_inbound_at', 'is', null),
      eb('excluded.last_inbound_at', '>', eb.ref('contacts.last_inbound_at')),
    ]),
  ]);
  const clearedBy = (column: 'window_closed_by_graph_at' | 'unreachable_at' | 'blocked_at') =>
    eb.and([
      eb(`contacts.${column}`, 'is not', null),
      eb('excluded.last_inbound_at', 'is not', null),
      eb('excluded.last_inbound_at', '>', eb.ref(`contacts.${column}`)),
    ]);
  const keepUnlessCleared = (column: 'window_closed_by_graph_at' | 'unreachable_at' | 'blocked_at') =>
    eb
      .case()
      .when(clearedBy(column))
      .then(null)
      .else(eb.ref(`contacts.${column}`))
      .end();
  return {
    first_seen_at: eb
      .case()
      .when('excluded.first_seen_at', '<', eb.ref('contacts.first_seen_at'))
      .then(eb.ref('excluded.first_seen_at'))
      .else(eb.ref('contacts.first_seen_at'))
      .end(),
    last_seen_at: eb
      .case()
      .when('excluded.last_seen_at', '>', eb.ref('contacts.last_seen_at'))
      .then(eb.ref('excluded.last_seen_at'))
      .else(eb.ref('contacts.last_seen_at'))
      .end(),
    last_inbound_at: eb
      .case()
      .when(newer)
      .then(eb.ref('excluded.last_inbound_at'))
      .else(eb.ref('contacts.last_inbound_at'))
      .end(),
    last_inbound_kind: eb
      .case()
      .when(newer)
      .then(eb.ref('excluded.last_inbound_kind'))
      .else(eb.ref('contacts.last_inbound_kind'))
      .end(),
    window_closed_by_graph_at: keepUnlessCleared('window_closed_by_graph_at'),
    unreachable_at: keepUnlessCleared('unreachable_at'),
    blocked_at: keepUnlessCleared('blocked_at'),
    blocked: eb.case().when(clearedBy('blocked_at')).then(0).else(eb.ref('contacts.blocked')).end(),
    updated_at: eb.ref('excluded.updated_at'),
  };
}

export interface RecordInboundInput {
  readonly pageId: string;
  readonly psid: string;
  /** When the person acted (Meta's event timestamp). */
  readonly at: number;
  readonly kind: InboundKind;
  /** Whether this kind of action opens the standard window (rule data, decided by the caller). */
  readonly opensWindow: boolean;
  /** A message that came from a Click-to-Messenger ad: starts the extended ad window. */
  readonly adReferral?: boolean;
  /** Entry point (m.me ref, ad id, …) the action came through. */
  readonly entryPoint?: string;
  /** Wall-clock time of processing, for created_at/updated_at. Default: `at`. */
  readonly now?: number;
}

export type RecordInboundResult =
  | {
      readonly ok: true;
      readonly contactId: string;
      /** The contact did not exist before this event. */
      readonly created: boolean;
      readonly lastInboundAt: number | null;
      readonly windowClosedByGraphAt: number | null;
    }
  | { readonly ok: false; readonly code: 'page_unknown' };

/**
 * Records an action of a person, creating the contact if needed, in one order-safe statement:
 * last_inbound_at / last_seen_at only move forward, first_seen_at only backward, and a window
 * closed by the Graph API (or a block / unreachable mark) is cleared only by a newer inbound.
 */
export async function recordInbound(
  database: Queryable,
  input: RecordInboundInput,
): Promise<RecordInboundResult> {
  const page = await database.db
    .selectFrom('pages')
    .select('workspace_id')
    .where('id', '=', input.pageId)
    .executeTakeFirst();
  if (page === undefined) return { ok: false, code: 'page_unknown' };
  const now = input.now ?? input.at;
  const insert = newContactRow({
    workspaceId: page.workspace_id,
    pageId: input.pageId,
    psid: input.psid,
    now,
    seenAt: input.at,
  });
  if (input.opensWindow) {
    insert.last_inbound_at = input.at;
    insert.last_inbound_kind = input.kind;
  }
  if (input.adReferral === true) insert.ad_window_started_at = input.at;
  if (input.entryPoint !== undefined) {
    insert.first_entry_point = input.entryPoint;
    insert.last_entry_point = input.entryPoint;
  }

  const saved = await database.db
    .insertInto('contacts')
    .values(insert)
    .onConflict((oc) =>
      oc.columns(['page_id', 'psid']).doUpdateSet((eb) => {
        const set: Record<string, unknown> = orderSafeInbound(eb);
        if (input.adReferral === true) {
          set.ad_window_started_at = eb
            .case()
            .when(
              eb.or([
                eb('contacts.ad_window_started_at', 'is', null),
                eb('excluded.ad_window_started_at', '>', eb.ref('contacts.ad_window_started_at')),
              ]),
            )
            .then(eb.ref('excluded.ad_window_started_at'))
            .else(eb.ref('contacts.ad_window_started_at'))
            .end();
        }
        if (input.entryPoint !== undefined) {
          set.last_entry_point = eb
            .case()
            .when('excluded.last_seen_at', '>=', eb.ref('contacts.last_seen_at'))
            .then(eb.ref('excluded.last_entry_point'))
            .else(eb.ref('contacts.last_entry_point'))
            .end();
          set.first_entry_point = eb
            .case()
            .when(
              eb.or([
                eb('contacts.first_entry_point', 'is', null),
                eb('excluded.first_seen_at', '<', eb.ref('contacts.first_seen_at')),
              ]),
            )
            .then(eb.ref('excluded.first_entry_point'))
            .else(eb.ref('contacts.first_entry_point'))
            .end();
        }
        return set as never;
      }),
    )
    .returning(['id', 'last_inbound_at', 'window_closed_by_graph_at'])
    .executeTakeFirstOrThrow();
  return {
    ok: true,
    contactId: saved.id,
    created: saved.id === insert.id,
    lastInboundAt: saved.last_inbound_at,
    windowClosedByGraphAt: saved.window_closed_by_graph_at,
  };
}

/** One person's actions of a processing slice, folded into one row (see `recordInboundMany`). */
export interface InboundSummary {
  readonly workspaceId: string;
  readonly pageId: string;
  readonly psid: string;
  /** Earliest and latest action of the slice (Meta's timestamps). */
  readonly firstAt: number;
  readonly lastAt: number;
  /** Latest action of the slice that opens the standard window, with its kind; null when none does. */
  readonly lastOpening: { readonly at: number; readonly kind: InboundKind } | null;
}

/**
 * `recordInbound` for many people at once, one statement per chunk (a processing slice applies a
 * burst of events, and a burst repeats people): the same order-safe rules, folded per person
 * beforehand (first_seen_at the minimum, last_seen_at and last_inbound_at the maximum), which is
 * what applying the actions one by one would leave. Entry points and ad referrals are not folded
 * (they go through `recordInbound`). At most one summary per (page, psid) per call.
 * @returns per `${pageId}:${psid}`, the contact id and whether this call created it
 */
export async function recordInboundMany(
  database: Queryable,
  summaries: readonly InboundSummary[],
  now: number,
): Promise<Map<string, { readonly contactId: string; readonly created: boolean }>> {
  const out = new Map<string, { contactId: string; created: boolean }>();
  if (summaries.length === 0) return out;
  const rows = summaries.map((s) => {
    const row = newContactRow({
      workspaceId: s.workspaceId,
      pageId: s.pageId,
      psid: s.psid,
      now,
      seenAt: s.firstAt,
    });
    row.last_seen_at = s.lastAt;
    if (s.lastOpening !== null) {
      row.last_inbound_at = s.lastOpening.at;
      row.last_inbound_kind = s.lastOpening.kind;
    }
    return row;
  });
  const columns = Object.keys(rows[0]!).length;
  for (const chunk of chunkForParameters(database, rows, columns)) {
    const saved = await database.db
      .insertInto('contacts')
      .values(chunk)
      .onConflict((oc) => oc.columns(['page_id', 'psid']).doUpdateSet((eb) => orderSafeInbound(eb) as never))
      .returning(['id', 'page_id', 'psid'])
      .execute();
    const generated = new Set(chunk.map((r) => r.id));
    for (const r of saved)
      out.set(`${r.page_id}:${r.psid}`, { contactId: r.id, created: generated.has(r.id) });
  }
  return out;
}

/**
 * The Graph API answered "outside the allowed window" (10/2018278) at `at`: the window is closed
 * whatever the clock says. Ignored when a newer inbound already reopened it.
 * @returns whether the mark was stored
 */
export async function markWindowClosedByGraph(
  database: Queryable,
  contactId: string,
  at: number,
): Promise<boolean> {
  const result = await database.db
    .updateTable('contacts')
    .set({ window_closed_by_graph_at: at, updated_at: at })
    .where('id', '=', contactId)
    .where((eb) => eb.or([eb('last_inbound_at', 'is', null), eb('last_inbound_at', '<', at)]))
    .where((eb) =>
      eb.or([eb('window_closed_by_graph_at', 'is', null), eb('window_closed_by_graph_at', '<', at)]),
    )
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The person asked to stop (true) or to resume (false) messages. */
export async function setOptedOut(
  database: Queryable,
  contactId: string,
  optedOut: boolean,
  at: number,
): Promise<boolean> {
  const result = await database.db
    .updateTable('contacts')
    .set({ opted_out_at: optedOut ? at : null, updated_at: at })
    .where('id', '=', contactId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The person blocked the Page (Graph 551 and friends); ignored when a newer inbound exists. */
export async function markBlocked(database: Queryable, contactId: string, at: number): Promise<boolean> {
  const result = await database.db
    .updateTable('contacts')
    .set({ blocked: 1, blocked_at: at, updated_at: at })
    .where('id', '=', contactId)
    .where((eb) => eb.or([eb('last_inbound_at', 'is', null), eb('last_inbound_at', '<', at)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Lifts a block explicitly (an operator decision, or an unblock signal). */
export async function clearBlocked(database: Queryable, contactId: string, at: number): Promise<boolean> {
  const result = await database.db
    .updateTable('contacts')
    .set({ blocked: 0, blocked_at: null, updated_at: at })
    .where('id', '=', contactId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The person cannot be reached (account gone, unavailable); ignored when a newer inbound exists. */
export async function markUnreachable(database: Queryable, contactId: string, at: number): Promise<boolean> {
  const result = await database.db
    .updateTable('contacts')
    .set({ unreachable_at: at, updated_at: at })
    .where('id', '=', contactId)
    .where((eb) => eb.or([eb('last_inbound_at', 'is', null), eb('last_inbound_at', '<', at)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface MarketingTokenInput {
  /** The subscription token; null removes it (and the status). */
  readonly token: string | null;
  /** Default 'active'. */
  readonly status?: MarketingStatus;
  readonly expiresAt?: number | null;
  readonly now: number;
}

/** Stores (encrypted) the Marketing Message API subscription token of a person. */
export async function setMarketingToken(
  database: Queryable,
  key: Buffer,
  contactId: string,
  input: MarketingTokenInput,
): Promise<boolean> {
  const { status = 'active' } = input;
  const result = await database.db
    .updateTable('contacts')
    .set({
      marketing_token_enc: input.token === null ? null : encrypt(key, input.token),
      marketing_status: input.token === null ? null : status,
      marketing_token_expires_at: input.token === null ? null : (input.expiresAt ?? null),
      updated_at: input.now,
    })
    .where('id', '=', contactId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Subscription status changes (the person stopped, the token expired) without touching the token. */
export async function setMarketingStatus(
  database: Queryable,
  contactId: string,
  status: MarketingStatus,
  now: number,
): Promise<boolean> {
  const result = await database.db
    .updateTable('contacts')
    .set({ marketing_status: status, updated_at: now })
    .where('id', '=', contactId)
    .where('marketing_token_enc', 'is not', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Stores (encrypted) a legacy recurring-notification token (`notification_messages_token`). */
export async function setLegacyToken(
  database: Queryable,
  key: Buffer,
  contactId: string,
  input: {
    readonly token: string | null;
    readonly status?: LegacyTokenStatus;
    readonly expiresAt?: number | null;
    readonly now: number;
  },
): Promise<boolean> {
  const { status = 'active' } = input;
  const result = await database.db
    .updateTable('contacts')
    .set({
      legacy_token_enc: input.token === null ? null : encrypt(key, input.token),
      legacy_token_status: input.token === null ? null : status,
      legacy_token_expires_at: input.token === null ? null : (input.expiresAt ?? null),
      updated_at: input.now,
    })
    .where('id', '=', contactId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Legacy token status changes (STOP / RESUME from the person) without touching the token. */
export async function setLegacyTokenStatus(
  database: Queryable,
  contactId: string,
  status: LegacyTokenStatus,
  now: number,
): Promise<boolean> {
  const result = await database.db
    .updateTable('contacts')
    .set({ legacy_token_status: status, updated_at: now })
    .where('id', '=', contactId)
    .where('legacy_token_enc', 'is not', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Stores (encrypted) a one-time notification token; a new token is unused. */
export async function setOneTimeToken(
  database: Queryable,
  key: Buffer,
  contactId: string,
  input: { readonly token: string | null; readonly createdAt: number },
): Promise<boolean> {
  const result = await database.db
    .updateTable('contacts')
    .set({
      otn_token_enc: input.token === null ? null : encrypt(key, input.token),
      otn_created_at: input.token === null ? null : input.createdAt,
      otn_used_at: null,
      updated_at: input.createdAt,
    })
    .where('id', '=', contactId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export type TokenKind = 'marketing' | 'legacy' | 'one_time';

/**
 * Records that a token was used to send at `at` (cool-downs and single use depend on it).
 * Forward-only: an older report never moves the stored time back.
 * For one-time tokens, only the first use counts: returns false when it was already used.
 */
export async function markTokenUsed(
  database: Queryable,
  contactId: string,
  kind: TokenKind,
  at: number,
): Promise<boolean> {
  switch (kind) {
    case 'marketing':
    case 'legacy': {
      const column = kind === 'marketing' ? 'marketing_last_sent_at' : 'legacy_last_sent_at';
      const result = await database.db
        .updateTable('contacts')
        .set({ [column]: at, updated_at: at })
        .where('id', '=', contactId)
        .where((eb) => eb.or([eb(column, 'is', null), eb(column, '<', at)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    }
    case 'one_time': {
      const result = await database.db
        .updateTable('contacts')
        .set({ otn_used_at: at, updated_at: at })
        .where('id', '=', contactId)
        .where('otn_token_enc', 'is not', null)
        .where('otn_used_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown token kind ${String(never)}`);
    }
  }
}

export interface ContactTokens {
  readonly marketing: string | null;
  readonly legacy: string | null;
  readonly oneTime: string | null;
}

/** The decrypted tokens of one contact, for the sender only. */
export async function getContactTokens(
  database: Queryable,
  key: Buffer,
  contactId: string,
): Promise<ContactTokens | undefined> {
  const row = await database.db
    .selectFrom('contacts')
    .select(['marketing_token_enc', 'legacy_token_enc', 'otn_token_enc'])
    .where('id', '=', contactId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const open = (value: string | null): string | null => (value === null ? null : decrypt(key, value));
  return {
    marketing: open(row.marketing_token_enc),
    legacy: open(row.legacy_token_enc),
    oneTime: open(row.otn_token_enc),
  };
}

async function updateJsonColumn<T>(
  database: Queryable,
  contactId: string,
  column: 'labels' | 'fields',
  fallback: T,
  change: (current: T) => T,
  now: number,
): Promise<T | undefined> {
  // Read-modify-write under a row lock (PostgreSQL) or the single writer (SQLite): concurrent
  // label edits never lose each other's changes.
  return inTransaction(database, async (tx) => {
    const row = await lockForUpdate(
      tx,
      tx.db.selectFrom('contacts').select(column).where('id', '=', contactId),
    ).executeTakeFirst();
    if (row === undefined) return undefined;
    const next = change(fromJson<T>(row[column], fallback));
    await tx.db
      .updateTable('contacts')
      .set({ [column]: toJson(next), updated_at: now })
      .where('id', '=', contactId)
      .execute();
    return next;
  });
}

/** Adds labels (kept unique and sorted); returns the new label list, or undefined for an unknown contact. */
export async function addLabels(
  database: Queryable,
  contactId: string,
  labels: readonly string[],
  now: number,
): Promise<readonly string[] | undefined> {
  return updateJsonColumn<string[]>(
    database,
    contactId,
    'labels',
    [],
    (current) => [...new Set([...current, ...labels])].sort(),
    now,
  );
}

export async function removeLabels(
  database: Queryable,
  contactId: string,
  labels: readonly string[],
  now: number,
): Promise<readonly string[] | undefined> {
  const drop = new Set(labels);
  return updateJsonColumn<string[]>(
    database,
    contactId,
    'labels',
    [],
    (current) => current.filter((l) => !drop.has(l)),
    now,
  );
}

/** Merges custom fields; a null value deletes that field. Returns the resulting fields. */
export async function setFields(
  database: Queryable,
  contactId: string,
  fields: Readonly<Record<string, JsonValue | null>>,
  now: number,
): Promise<Readonly<Record<string, JsonValue>> | undefined> {
  return updateJsonColumn<Record<string, JsonValue>>(
    database,
    contactId,
    'fields',
    {},
    (current) => {
      const next: Record<string, JsonValue> = { ...current };
      for (const [name, value] of Object.entries(fields)) {
        if (value === null) delete next[name];
        else next[name] = value;
      }
      return next;
    },
    now,
  );
}

/** The contact part of the policy facts (src/policy/types.ts `Facts['contact']`). */
export type ContactFacts = Facts['contact'];

const KNOWN_KINDS: ReadonlySet<string> = new Set(INBOUND_KINDS);

/** Maps a stored contact to the facts the policy engine reads. Pure. */
export function contactToFacts(contact: Contact): ContactFacts {
  const kind = contact.lastInboundKind;
  return {
    lastInboundAt: contact.lastInboundAt,
    lastInboundKind: kind !== null && KNOWN_KINDS.has(kind) ? (kind as InboundKind) : null,
    adWindowStartedAt: contact.adWindowStartedAt,
    country: contact.country,
    blocked: contact.blocked,
    optedOut: contact.optedOutAt !== null,
    marketingSubscription:
      contact.hasMarketingToken && contact.marketingStatus !== null
        ? {
            status: contact.marketingStatus,
            lastSentAt: contact.marketingLastSentAt,
            expiresAt: contact.marketingTokenExpiresAt,
          }
        : null,
    legacyNotificationToken: contact.hasLegacyToken
      ? {
          status: contact.legacyTokenStatus ?? 'active',
          lastSentAt: contact.legacyLastSentAt,
          expiresAt: contact.legacyTokenExpiresAt,
        }
      : null,
    oneTimeToken:
      contact.hasOneTimeToken && contact.otnCreatedAt !== null
        ? { createdAt: contact.otnCreatedAt, usedAt: contact.otnUsedAt }
        : null,
    windowClosedByGraphAt: contact.windowClosedByGraphAt,
  };
}

/** Reads a contact's policy facts; undefined when the contact is unknown. */
export async function factsForContact(
  database: Queryable,
  contactId: string,
): Promise<ContactFacts | undefined> {
  const contact = await getContact(database, contactId);
  return contact === undefined ? undefined : contactToFacts(contact);
}

export async function deleteContact(database: Queryable, contactId: string): Promise<boolean> {
  const result = await database.db.deleteFrom('contacts').where('id', '=', contactId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Contacts whose Messenger profile was never fetched, oldest first. */
export async function listContactsWithoutProfile(database: Queryable, limit: number): Promise<Contact[]> {
  const rows = await database.db
    .selectFrom('contacts')
    .selectAll()
    .where('profile_fetched_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toContact);
}
