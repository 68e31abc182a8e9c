/**
 * The outbox: every message Ventana means to send, written before any attempt. The unique
 * idempotency key makes "send once" a database fact (a broadcast resumed after a crash
 * re-enqueues harmlessly), and a row left in 'sending' by a crash becomes 'unknown' — reported,
 * never silently retried, and settled by Meta's echo of the message if one comes (outbox-echo.ts).
 */
import { type ExpressionBuilder, sql } from 'kysely';
import type { Queryable } from './db.ts';
import { chunkForParameters, fromJson, type JsonValue, lockForClaim, toJson } from './dialect.ts';
import { newId } from './ids.ts';
import { settleUnknownWithStoredEcho } from './outbox-echo.ts';
import type { OutboxOrigin, OutboxStatus, OutboxTable, Schema } from './schema.ts';

export {
  type EchoOfSend,
  requeueUnconfirmed,
  settleUnknownByEcho,
  settleUnknownWithStoredEcho,
} from './outbox-echo.ts';
export type { OutboxOrigin, OutboxStatus } from './schema.ts';

export interface OutboxItem {
  readonly id: string;
  readonly workspaceId: string;
  readonly pageId: string;
  readonly contactId: string;
  readonly origin: OutboxOrigin;
  readonly originId: string | null;
  readonly idempotencyKey: string;
  readonly content: JsonValue;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly decision: JsonValue;
  readonly result: JsonValue;
  readonly createdAt: number;
  readonly updatedAt: number;
}

function toItem(row: OutboxTable): OutboxItem {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    pageId: row.page_id,
    contactId: row.contact_id,
    origin: row.origin,
    originId: row.origin_id,
    idempotencyKey: row.idempotency_key,
    content: fromJson<JsonValue>(row.content, null),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    decision: fromJson<JsonValue>(row.decision, null),
    result: fromJson<JsonValue>(row.result, null),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewOutboxItem {
  readonly workspaceId: string;
  readonly pageId: string;
  readonly contactId: string;
  readonly origin: OutboxOrigin;
  readonly originId?: string | null;
  /** e.g. `broadcast-<id>-<contact>`: the same key is enqueued once, ever. */
  readonly idempotencyKey: string;
  readonly content: JsonValue;
  /** Default: `now`. */
  readonly runAt?: number;
  readonly now: number;
}

/**
 * Enqueues items; an item whose idempotency key already exists is skipped.
 * @returns the keys that were new (in input order) and those that already existed
 */
export async function enqueueOutbox(
  database: Queryable,
  items: readonly NewOutboxItem[],
): Promise<{
  readonly inserted: readonly { readonly id: string; readonly idempotencyKey: string }[];
  readonly existing: readonly string[];
}> {
  const inserted: { id: string; idempotencyKey: string }[] = [];
  const newKeys = new Set<string>();
  for (const batch of chunkForParameters(database, items, 15)) {
    const rows: OutboxTable[] = batch.map((i) => ({
      id: newId(i.now),
      workspace_id: i.workspaceId,
      page_id: i.pageId,
      contact_id: i.contactId,
      origin: i.origin,
      origin_id: i.originId ?? null,
      idempotency_key: i.idempotencyKey,
      content: toJson(i.content),
      status: 'queued',
      attempts: 0,
      next_attempt_at: i.runAt ?? i.now,
      decision: null,
      result: null,
      created_at: i.now,
      updated_at: i.now,
    }));
    const returned = await database.db
      .insertInto('outbox')
      .values(rows)
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning(['id', 'idempotency_key'])
      .execute();
    const ids = new Map(returned.map((r) => [r.idempotency_key, r.id]));
    for (const row of rows) {
      if (ids.get(row.idempotency_key) === row.id && !newKeys.has(row.idempotency_key)) {
        newKeys.add(row.idempotency_key);
        inserted.push({ id: row.id, idempotencyKey: row.idempotency_key });
      }
    }
  }
  const existing = items.map((i) => i.idempotencyKey).filter((k) => !newKeys.has(k));
  return { inserted, existing };
}

export async function getOutboxItem(database: Queryable, id: string): Promise<OutboxItem | undefined> {
  const row = await database.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toItem(row);
}

export async function getOutboxItemByKey(
  database: Queryable,
  idempotencyKey: string,
): Promise<OutboxItem | undefined> {
  const row = await database.db
    .selectFrom('outbox')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row === undefined ? undefined : toItem(row);
}

/**
 * Moves up to `limit` due queued items to 'sending' and returns them (oldest due first).
 * Concurrent claimers on PostgreSQL never receive the same item.
 */
export async function claimDueOutbox(
  database: Queryable,
  opts: { readonly limit: number; readonly now: number; readonly pageId?: string },
): Promise<OutboxItem[]> {
  const { limit, now, pageId } = opts;
  // A materialized CTE, computed once (see claimDue in queue/embedded.ts: as `IN (subquery)`,
  // PostgreSQL may re-run the LIMIT … SKIP LOCKED subquery per row and claim more than `limit`).
  const rows = await database.db
    .with(
      (cte) => cte('due').materialized(),
      (qb) => {
        let due = qb
          .selectFrom('outbox')
          .select('id')
          .where('status', '=', 'queued')
          .where('next_attempt_at', '<=', now);
        if (pageId !== undefined) due = due.where('page_id', '=', pageId);
        return lockForClaim(database, due.orderBy('next_attempt_at').orderBy('id').limit(limit));
      },
    )
    .updateTable('outbox')
    .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), updated_at: now }))
    .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
    .where('status', '=', 'queued')
    .returningAll()
    .execute();
  return rows.map(toItem).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : 1));
}

/** Records the end of an attempt. Only an item in 'sending' changes; returns whether it did. */
export async function completeOutbox(
  database: Queryable,
  id: string,
  outcome: {
    readonly status: Exclude<OutboxStatus, 'queued' | 'sending'>;
    readonly decision?: JsonValue;
    readonly result?: JsonValue;
    readonly now: number;
  },
): Promise<boolean> {
  const result = await database.db
    .updateTable('outbox')
    .set({
      status: outcome.status,
      ...(outcome.decision === undefined ? {} : { decision: toJson(outcome.decision) }),
      ...(outcome.result === undefined ? {} : { result: toJson(outcome.result) }),
      updated_at: outcome.now,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Puts a 'sending' item back in the queue for `retryAt` (a transient failure known not to have sent). */
export async function rescheduleOutbox(
  database: Queryable,
  id: string,
  opts: { readonly retryAt: number; readonly result?: JsonValue; readonly now: number },
): Promise<boolean> {
  const result = await database.db
    .updateTable('outbox')
    .set({
      status: 'queued',
      next_attempt_at: opts.retryAt,
      ...(opts.result === undefined ? {} : { result: toJson(opts.result) }),
      updated_at: opts.now,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * After a crash: items left in 'sending' since before `staleBefore`. Every send is decided, and its
 * decision committed to the audit log, before its Graph call (audit-before-send, in dispatchOne and
 * dispatchBatch alike). So an item whose claim has no audit entry yet never reached Meta: it goes
 * back to the queue and is decided again. An item decided but without a recorded outcome may or may
 * not have reached Meta: it becomes 'unknown' (reported), never retried automatically, unless Meta's
 * echo of it is already stored: then it is 'sent' (`confirmed`).
 */
export async function recoverStaleSending(
  database: Queryable,
  staleBefore: number,
  now: number,
): Promise<{ readonly requeued: number; readonly unknown: number; readonly confirmed: number }> {
  const stale = (eb: ExpressionBuilder<Schema, 'outbox'>) =>
    eb.and([eb('outbox.status', '=', 'sending'), eb('outbox.updated_at', '<', staleBefore)]);
  // The claim sets updated_at; the attempt's audit entry is stamped at or after it.
  const decided = (eb: ExpressionBuilder<Schema, 'outbox'>) =>
    eb.exists(
      eb
        .selectFrom('audit_log')
        .select(sql<number>`1`.as('one'))
        .whereRef('audit_log.message_ref', '=', 'outbox.id')
        .whereRef('audit_log.at', '>=', 'outbox.updated_at'),
    );
  const requeued = await database.db
    .updateTable('outbox')
    .set({ status: 'queued', next_attempt_at: now, updated_at: now })
    .where((eb) => eb.and([stale(eb), eb.not(decided(eb))]))
    .executeTakeFirst();
  const unknown = await database.db
    .updateTable('outbox')
    .set({ status: 'unknown', updated_at: now })
    .where(stale)
    .returning('id')
    .execute();
  // Sends Meta already echoed are known, whatever their attempt recorded (see outbox-echo.ts).
  const confirmed = await settleUnknownWithStoredEcho(
    database,
    unknown.map((r) => r.id),
  );
  return {
    requeued: Number(requeued.numUpdatedRows),
    unknown: unknown.length - confirmed.size,
    confirmed: confirmed.size,
  };
}

/** How many items of an origin (a broadcast, a sequence) are in each status. */
export async function countOutboxByStatus(
  database: Queryable,
  origin: OutboxOrigin,
  originId: string,
): Promise<Readonly<Record<OutboxStatus, number>>> {
  const rows = await database.db
    .selectFrom('outbox')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('origin', '=', origin)
    .where('origin_id', '=', originId)
    .groupBy('status')
    .execute();
  const counts: Record<OutboxStatus, number> = {
    queued: 0,
    sending: 0,
    sent: 0,
    refused: 0,
    failed: 0,
    unknown: 0,
  };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** How many queued items are due at `now` (0 means a worker has nothing to claim). */
export async function countDueOutbox(database: Queryable, now: number): Promise<number> {
  const row = await database.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'queued')
    .where('next_attempt_at', '<=', now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** `next_attempt_at` of held rows (a paused broadcast): far beyond any real schedule. */
export const HELD_UNTIL = 253_402_300_799_999;

/** Moves every queued row of an origin to `dueAt`; returns how many. */
async function setQueuedDueByOrigin(
  database: Queryable,
  origin: OutboxOrigin,
  originId: string,
  dueAt: number,
  now: number,
): Promise<number> {
  const result = await database.db
    .updateTable('outbox')
    .set({ next_attempt_at: dueAt, updated_at: now })
    .where('origin', '=', origin)
    .where('origin_id', '=', originId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Holds an origin's queued rows (pause): no worker claims them until released. Returns how many. */
export function holdOutboxByOrigin(
  database: Queryable,
  origin: OutboxOrigin,
  originId: string,
  now: number,
): Promise<number> {
  return setQueuedDueByOrigin(database, origin, originId, HELD_UNTIL, now);
}

/** Makes an origin's queued rows due at `now` (resume). Returns how many. */
export function releaseOutboxByOrigin(
  database: Queryable,
  origin: OutboxOrigin,
  originId: string,
  now: number,
): Promise<number> {
  return setQueuedDueByOrigin(database, origin, originId, now, now);
}

/** Fails an origin's queued rows with `reason` (cancel); rows in flight finish normally. Returns how many. */
export async function failQueuedByOrigin(
  database: Queryable,
  origin: OutboxOrigin,
  originId: string,
  reason: string,
  now: number,
): Promise<number> {
  const result = await database.db
    .updateTable('outbox')
    .set({ status: 'failed', result: toJson({ reason }), updated_at: now })
    .where('origin', '=', origin)
    .where('origin_id', '=', originId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** One attempt's end, for {@link settleOutboxMany}. */
export interface OutboxSettlement {
  readonly id: string;
  readonly status: Exclude<OutboxStatus, 'sending'>;
  /** For 'queued' (a reschedule): when it is due again. */
  readonly retryAt?: number;
  readonly decision?: JsonValue;
  readonly result?: JsonValue;
}

/**
 * Records many attempts' ends (complete or reschedule), each only if its row is still 'sending'.
 * Settlements of one status are written by one statement per chunk, `update … from (values …)`
 * joined on the id (SQLite ≥ 3.33 and PostgreSQL), so a dispatch batch costs a few statements, not
 * one per message. Call it inside a transaction to make them one commit. Returns how many rows
 * changed.
 */
export async function settleOutboxMany(
  database: Queryable,
  settlements: readonly OutboxSettlement[],
  now: number,
): Promise<number> {
  const byStatus = new Map<OutboxSettlement['status'], OutboxSettlement[]>();
  for (const s of settlements) {
    const group = byStatus.get(s.status);
    if (group === undefined) byStatus.set(s.status, [s]);
    else group.push(s);
  }
  let changed = 0;
  for (const [status, group] of byStatus) {
    for (const chunk of chunkForParameters(database, group, 4)) {
      // A row without a decision or result keeps its own (null in the values means "unchanged").
      const rows = chunk.map(
        (s) =>
          sql`(${s.id}, ${s.decision === undefined ? null : toJson(s.decision)}, ${
            s.result === undefined ? null : toJson(s.result)
          }, cast(${status === 'queued' ? (s.retryAt ?? now) : now} as bigint))`,
      );
      const result = await sql`update ${sql.table('outbox')} set
          ${sql.ref('status')} = ${status},
          ${sql.ref('decision')} = coalesce(v.column2, ${sql.ref('outbox.decision')}),
          ${sql.ref('result')} = coalesce(v.column3, ${sql.ref('outbox.result')}),
          ${sql.ref('next_attempt_at')} = ${
            status === 'queued' ? sql`v.column4` : sql.ref('outbox.next_attempt_at')
          },
          ${sql.ref('updated_at')} = ${now}
        from (values ${sql.join(rows)}) as v
        where ${sql.ref('outbox.id')} = v.column1 and ${sql.ref('outbox.status')} = 'sending'`.execute(
        database.db,
      );
      changed += Number(result.numAffectedRows ?? 0);
    }
  }
  return changed;
}
