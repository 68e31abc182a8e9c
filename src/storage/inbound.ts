/**
 * The webhook's durable intake, in two steps:
 * 1. `storeWebhookBody`: the raw body is committed before the webhook answers 200 (one prepared insert);
 * 2. a processor claims stored bodies, splits them into `inbound_log` events (deduplicated by
 *    `dedupe_key`) and marks the body processed; events are then claimed in timestamp order.
 *
 * Claims are leases (`claimed_until`): a worker that dies mid-way loses its claim when the lease
 * expires and another worker retries; on PostgreSQL concurrent claimers skip each other's rows.
 */
import { type Database, inTransaction, type Queryable } from './db.ts';
import { chunkForParameters, fromJson, type JsonValue, lockForClaim, toJson } from './dialect.ts';
import { newId } from './ids.ts';
import type { InboundLogTable } from './schema.ts';

/** Persists one raw webhook body; resolves with its id once committed. The hot path. */
export function storeWebhookBody(database: Database, raw: string, receivedAt: number): Promise<string> {
  return database.fastInsertWebhookBody(raw, receivedAt);
}

export interface WebhookBody {
  readonly id: string;
  readonly receivedAt: number;
  readonly raw: string;
  /** How many times it was claimed, this claim included. */
  readonly attempts: number;
}

export interface ClaimOptions {
  /** Most rows to claim. */
  readonly limit: number;
  readonly now: number;
  /** How long the claim holds before another worker may take the row over. Default 60 s. */
  readonly leaseMs?: number;
}

/** Claims up to `limit` unprocessed bodies, oldest first. */
export async function claimUnprocessedBodies(
  database: Queryable,
  opts: ClaimOptions,
): Promise<WebhookBody[]> {
  const { limit, now, leaseMs = 60_000 } = opts;
  // Materialized: claims exactly up to `limit` on PostgreSQL (see claimDueOutbox).
  const rows = await database.db
    .with(
      (cte) => cte('due').materialized(),
      (qb) =>
        lockForClaim(
          database,
          qb
            .selectFrom('webhook_bodies')
            .select('id')
            .where('processed_at', 'is', null)
            .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', now)]))
            .orderBy('id')
            .limit(limit),
        ),
    )
    .updateTable('webhook_bodies')
    .set((eb) => ({ claimed_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
    .where('processed_at', 'is', null)
    .returning(['id', 'received_at', 'raw', 'attempts'])
    .execute();
  return rows
    .map((r) => ({ id: r.id, receivedAt: r.received_at, raw: r.raw, attempts: r.attempts }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Marks a body done (`error` given: done but unparseable, kept for inspection, never retried). */
export async function markBodyProcessed(
  database: Queryable,
  id: string,
  now: number,
  error: string | null = null,
): Promise<void> {
  await database.db
    .updateTable('webhook_bodies')
    .set({ processed_at: now, claimed_until: null, error })
    .where('id', '=', id)
    .execute();
}

/** Gives a claimed body back for a later retry (a transient failure while processing it). */
export async function releaseBody(
  database: Queryable,
  id: string,
  retryAt: number,
  error: string,
): Promise<void> {
  await database.db
    .updateTable('webhook_bodies')
    .set({ claimed_until: retryAt, error })
    .where('id', '=', id)
    .where('processed_at', 'is', null)
    .execute();
}

/** Deletes processed bodies received before `before`; returns how many. */
export async function pruneProcessedBodies(database: Queryable, before: number): Promise<number> {
  const result = await database.db
    .deleteFrom('webhook_bodies')
    .where('processed_at', 'is not', null)
    .where('received_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function countPendingBodies(database: Queryable): Promise<number> {
  const row = await database.db
    .selectFrom('webhook_bodies')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('processed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface NewInboundEvent {
  readonly pageId: string;
  /** mid, or a hash of page + sender + timestamp + type; unique across all events. */
  readonly dedupeKey: string;
  readonly receivedAt: number;
  /** Meta's timestamp of the event. */
  readonly eventTs: number;
  readonly kind: string;
  readonly psid?: string | null;
  readonly payload: JsonValue;
  readonly bodyId?: string | null;
}

export interface InsertEventsResult {
  /** The events that were new, in input order, with their ids. */
  readonly inserted: readonly { readonly id: string; readonly dedupeKey: string }[];
  /** Dedupe keys already stored (or repeated within the batch): retries and duplicates. */
  readonly duplicates: readonly string[];
}

const EVENT_COLUMNS = 12;

/**
 * Inserts events in batches with `ON CONFLICT (dedupe_key) DO NOTHING`: a redelivered event is
 * stored once, and the result says which ones were new.
 */
export async function insertInboundEvents(
  database: Queryable,
  events: readonly NewInboundEvent[],
): Promise<InsertEventsResult> {
  const inserted: { id: string; dedupeKey: string }[] = [];
  const newKeys = new Set<string>();
  for (const batch of chunkForParameters(database, events, EVENT_COLUMNS)) {
    const rows: InboundLogTable[] = batch.map((e) => ({
      id: newId(e.receivedAt),
      page_id: e.pageId,
      body_id: e.bodyId ?? null,
      dedupe_key: e.dedupeKey,
      received_at: e.receivedAt,
      event_ts: e.eventTs,
      kind: e.kind,
      psid: e.psid ?? null,
      payload: toJson(e.payload),
      processed_at: null,
      claimed_until: null,
      attempts: 0,
      error: null,
    }));
    const returned = await database.db
      .insertInto('inbound_log')
      .values(rows)
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning(['id', 'dedupe_key'])
      .execute();
    const ids = new Map(returned.map((r) => [r.dedupe_key, r.id]));
    for (const row of rows) {
      const id = ids.get(row.dedupe_key);
      if (id === row.id && !newKeys.has(row.dedupe_key)) {
        newKeys.add(row.dedupe_key);
        inserted.push({ id, dedupeKey: row.dedupe_key });
      }
    }
  }
  const duplicates: string[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (newKeys.has(e.dedupeKey) && !seen.has(e.dedupeKey)) {
      seen.add(e.dedupeKey);
      continue;
    }
    duplicates.push(e.dedupeKey);
  }
  return { inserted, duplicates };
}

/**
 * Splits one claimed body into events and marks it processed, atomically: a crash in between
 * leaves the body unprocessed, and the retry's events deduplicate against any stored ones.
 */
export async function splitBody(
  database: Queryable,
  bodyId: string,
  events: readonly NewInboundEvent[],
  now: number,
): Promise<InsertEventsResult> {
  return inTransaction(database, async (tx) => {
    const result = await insertInboundEvents(
      tx,
      events.map((e) => ({ ...e, bodyId })),
    );
    await markBodyProcessed(tx, bodyId, now);
    return result;
  });
}

/**
 * `splitBody` for many bodies at once (a processing slice): all their events in one insert per
 * chunk, all the bodies marked processed in one statement, atomically.
 */
export async function splitBodies(
  database: Queryable,
  bodies: readonly { readonly bodyId: string; readonly events: readonly NewInboundEvent[] }[],
  now: number,
): Promise<InsertEventsResult> {
  if (bodies.length === 0) return { inserted: [], duplicates: [] };
  return inTransaction(database, async (tx) => {
    const result = await insertInboundEvents(
      tx,
      bodies.flatMap((b) => b.events.map((e) => ({ ...e, bodyId: b.bodyId }))),
    );
    const ids = bodies.map((b) => b.bodyId);
    for (let i = 0; i < ids.length; i += 500) {
      await tx.db
        .updateTable('webhook_bodies')
        .set({ processed_at: now, claimed_until: null, error: null })
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
    }
    return result;
  });
}

export interface InboundEvent {
  readonly id: string;
  readonly pageId: string;
  readonly bodyId: string | null;
  readonly dedupeKey: string;
  readonly receivedAt: number;
  readonly eventTs: number;
  readonly kind: string;
  readonly psid: string | null;
  readonly payload: JsonValue;
  readonly processedAt: number | null;
  readonly attempts: number;
  readonly error: string | null;
}

function toEvent(row: InboundLogTable): InboundEvent {
  return {
    id: row.id,
    pageId: row.page_id,
    bodyId: row.body_id,
    dedupeKey: row.dedupe_key,
    receivedAt: row.received_at,
    eventTs: row.event_ts,
    kind: row.kind,
    psid: row.psid,
    payload: fromJson<JsonValue>(row.payload, null),
    processedAt: row.processed_at,
    attempts: row.attempts,
    error: row.error,
  };
}

/** Claims up to `limit` unprocessed events in Meta timestamp order (then arrival order). */
export async function claimUnprocessedEvents(
  database: Queryable,
  opts: ClaimOptions,
): Promise<InboundEvent[]> {
  const { limit, now, leaseMs = 60_000 } = opts;
  // Materialized: claims exactly up to `limit` on PostgreSQL (see claimDueOutbox).
  const rows = await database.db
    .with(
      (cte) => cte('due').materialized(),
      (qb) =>
        lockForClaim(
          database,
          qb
            .selectFrom('inbound_log')
            .select('id')
            .where('processed_at', 'is', null)
            .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', now)]))
            .orderBy('event_ts')
            .orderBy('id')
            .limit(limit),
        ),
    )
    .updateTable('inbound_log')
    .set((eb) => ({ claimed_until: now + leaseMs, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
    .where('processed_at', 'is', null)
    .returningAll()
    .execute();
  return rows.map(toEvent).sort((a, b) => a.eventTs - b.eventTs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Marks an event done; `error` records why it could not be applied (kept, not retried). */
export async function markEventProcessed(
  database: Queryable,
  id: string,
  now: number,
  error: string | null = null,
): Promise<void> {
  await database.db
    .updateTable('inbound_log')
    .set({ processed_at: now, claimed_until: null, error })
    .where('id', '=', id)
    .execute();
}

/** Marks many events done without an error, in one statement per chunk (a processing slice). */
export async function markEventsProcessed(
  database: Queryable,
  ids: readonly string[],
  now: number,
): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) {
    await database.db
      .updateTable('inbound_log')
      .set({ processed_at: now, claimed_until: null, error: null })
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
  }
}

/** Gives a claimed event back for a retry at `retryAt`. */
export async function releaseEvent(
  database: Queryable,
  id: string,
  retryAt: number,
  error: string,
): Promise<void> {
  await database.db
    .updateTable('inbound_log')
    .set({ claimed_until: retryAt, error })
    .where('id', '=', id)
    .where('processed_at', 'is', null)
    .execute();
}

export async function getInboundEvent(database: Queryable, id: string): Promise<InboundEvent | undefined> {
  const row = await database.db.selectFrom('inbound_log').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toEvent(row);
}

/** Rewrites a processed body's raw text (opt-in tokens masked once they are stored encrypted). */
export async function replaceBodyRaw(database: Queryable, id: string, raw: string): Promise<void> {
  await database.db.updateTable('webhook_bodies').set({ raw }).where('id', '=', id).execute();
}

/** Rewrites an event's stored payload (opt-in tokens masked once applied). */
export async function replaceEventPayload(
  database: Queryable,
  id: string,
  payload: JsonValue,
): Promise<void> {
  await database.db
    .updateTable('inbound_log')
    .set({ payload: toJson(payload) })
    .where('id', '=', id)
    .execute();
}
