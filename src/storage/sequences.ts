/**
 * Sequences: definitions, enrollments (one per sequence and person) and step rows (one per
 * enrollment and step, unique). Step rows are the runner's work list: a due row is claimed with a
 * lease (SKIP LOCKED on PostgreSQL, the single writer on SQLite) and settled only by the claim that
 * holds it, so a crashed runner's rows are taken over after the lease and never handled twice.
 */
import { sql } from 'kysely';
import type { Queryable } from './db.ts';
import { fromIntBool, fromJson, type JsonValue, lockForClaim, toIntBool, toJson } from './dialect.ts';
import { newId } from './ids.ts';
import { precompiled } from './precompiled.ts';
import type {
  EnrollmentStatus,
  LeaveReason,
  SequenceEnrollmentsTable,
  SequenceStatus,
  SequenceStepStatus,
  SequenceStepsTable,
  SequencesTable,
} from './schema.ts';

export type { EnrollmentStatus, LeaveReason, SequenceStatus, SequenceStepStatus } from './schema.ts';

export interface SequenceRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly status: SequenceStatus;
  readonly exitOnReply: boolean;
  readonly steps: JsonValue;
  readonly settings: JsonValue;
  readonly createdAt: number;
  readonly updatedAt: number;
}

function toSequence(row: SequencesTable): SequenceRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    status: row.status,
    exitOnReply: fromIntBool(row.exit_on_reply),
    steps: fromJson<JsonValue>(row.steps, []),
    settings: fromJson<JsonValue>(row.settings, {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface SequenceDefinition {
  readonly name: string;
  readonly exitOnReply: boolean;
  readonly steps: JsonValue;
  readonly settings: JsonValue;
}

export async function insertSequence(
  database: Queryable,
  input: SequenceDefinition & { readonly id?: string; readonly workspaceId: string; readonly now: number },
): Promise<SequenceRecord> {
  const row = await database.db
    .insertInto('sequences')
    .values({
      id: input.id ?? newId(input.now),
      workspace_id: input.workspaceId,
      name: input.name,
      status: 'draft',
      exit_on_reply: toIntBool(input.exitOnReply),
      steps: toJson(input.steps),
      settings: toJson(input.settings),
      created_at: input.now,
      updated_at: input.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toSequence(row);
}

export async function updateSequence(
  database: Queryable,
  id: string,
  input: SequenceDefinition & { readonly now: number },
): Promise<SequenceRecord | undefined> {
  const row = await database.db
    .updateTable('sequences')
    .set({
      name: input.name,
      exit_on_reply: toIntBool(input.exitOnReply),
      steps: toJson(input.steps),
      settings: toJson(input.settings),
      updated_at: input.now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toSequence(row);
}

export async function getSequence(database: Queryable, id: string): Promise<SequenceRecord | undefined> {
  const row = await database.db.selectFrom('sequences').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toSequence(row);
}

export async function listSequences(
  database: Queryable,
  workspaceId: string,
  status?: SequenceStatus,
): Promise<SequenceRecord[]> {
  let query = database.db.selectFrom('sequences').selectAll().where('workspace_id', '=', workspaceId);
  if (status !== undefined) query = query.where('status', '=', status);
  return (await query.orderBy('id').execute()).map(toSequence);
}

/** Moves a sequence from one of `from` to `to`; false when it is not in one of `from`. */
export async function setSequenceStatus(
  database: Queryable,
  id: string,
  from: readonly SequenceStatus[],
  to: SequenceStatus,
  now: number,
): Promise<boolean> {
  const result = await database.db
    .updateTable('sequences')
    .set({ status: to, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes a sequence with its enrollments and step rows. */
export async function deleteSequence(database: Queryable, id: string): Promise<boolean> {
  const enrollments = database.db
    .selectFrom('sequence_enrollments')
    .select('id')
    .where('sequence_id', '=', id);
  await database.db.deleteFrom('sequence_steps').where('enrollment_id', 'in', enrollments).execute();
  await database.db.deleteFrom('sequence_enrollments').where('sequence_id', '=', id).execute();
  const result = await database.db.deleteFrom('sequences').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

// --- Enrollments ---

export interface EnrollmentRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly sequenceId: string;
  readonly contactId: string;
  readonly status: EnrollmentStatus;
  readonly source: string;
  readonly leftReason: LeaveReason | null;
  readonly enrolledAt: number;
  readonly finishedAt: number | null;
  readonly updatedAt: number;
}

function toEnrollment(row: SequenceEnrollmentsTable): EnrollmentRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    sequenceId: row.sequence_id,
    contactId: row.contact_id,
    status: row.status,
    source: row.source,
    leftReason: row.left_reason,
    enrolledAt: row.enrolled_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}

/** Enrolls a person; undefined when they already have an enrollment in this sequence (any status). */
export async function insertEnrollment(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly sequenceId: string;
    readonly contactId: string;
    readonly source: string;
    readonly now: number;
  },
): Promise<EnrollmentRecord | undefined> {
  const row = await database.db
    .insertInto('sequence_enrollments')
    .values({
      id: newId(input.now),
      workspace_id: input.workspaceId,
      sequence_id: input.sequenceId,
      contact_id: input.contactId,
      status: 'active',
      source: input.source,
      left_reason: null,
      enrolled_at: input.now,
      finished_at: null,
      updated_at: input.now,
    })
    .onConflict((oc) => oc.columns(['sequence_id', 'contact_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? undefined : toEnrollment(row);
}

export async function getEnrollment(database: Queryable, id: string): Promise<EnrollmentRecord | undefined> {
  const row = await database.db
    .selectFrom('sequence_enrollments')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : toEnrollment(row);
}

export async function listEnrollments(
  database: Queryable,
  filter: {
    readonly sequenceId?: string;
    readonly contactId?: string;
    readonly status?: EnrollmentStatus;
    /** Keyset cursor: the id of the last enrollment of the previous page. */
    readonly after?: string;
    /** Default 100. */
    readonly limit?: number;
  },
): Promise<EnrollmentRecord[]> {
  let query = database.db.selectFrom('sequence_enrollments').selectAll();
  if (filter.sequenceId !== undefined) query = query.where('sequence_id', '=', filter.sequenceId);
  if (filter.contactId !== undefined) query = query.where('contact_id', '=', filter.contactId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.after !== undefined) query = query.where('id', '>', filter.after);
  const rows = await query
    .orderBy('id')
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map(toEnrollment);
}

const activeEnrollmentsQuery = (db: Queryable['db'], contactId: string) =>
  db
    .selectFrom('sequence_enrollments as e')
    .innerJoin('sequences as s', 's.id', 'e.sequence_id')
    .selectAll('e')
    .select('s.exit_on_reply')
    .where('e.contact_id', '=', contactId)
    .where('e.status', '=', 'active')
    .orderBy('e.id');

// Read for every applied event of a person (most are in no sequence: one indexed read).
const activeEnrollmentsOfContact = precompiled(['contactId'], (db, v) =>
  activeEnrollmentsQuery(db, v.contactId),
);

/** A person's active enrollments, with whether their sequence ends on a reply. */
export async function activeEnrollmentsOf(
  database: Queryable,
  contactId: string,
  sequenceId?: string,
): Promise<(EnrollmentRecord & { readonly exitOnReply: boolean })[]> {
  const rows =
    sequenceId === undefined
      ? await activeEnrollmentsOfContact(database, { contactId })
      : await activeEnrollmentsQuery(database.db, contactId)
          .where('e.sequence_id', '=', sequenceId)
          .execute();
  return rows.map((r) => ({ ...toEnrollment(r), exitOnReply: fromIntBool(r.exit_on_reply) }));
}

/** Ends an active enrollment (completed, or left with a reason); false when it was not active. */
export async function finishEnrollment(
  database: Queryable,
  id: string,
  outcome: { readonly status: 'completed' | 'left'; readonly reason?: LeaveReason; readonly now: number },
): Promise<boolean> {
  const result = await database.db
    .updateTable('sequence_enrollments')
    .set({
      status: outcome.status,
      left_reason: outcome.status === 'left' ? (outcome.reason ?? 'manual') : null,
      finished_at: outcome.now,
      updated_at: outcome.now,
    })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Enrollments per status, and those that left per reason. */
export async function enrollmentCounts(
  database: Queryable,
  sequenceId: string,
): Promise<{ readonly status: EnrollmentStatus; readonly reason: LeaveReason | null; readonly n: number }[]> {
  const rows = await database.db
    .selectFrom('sequence_enrollments')
    .select(['status', 'left_reason', (eb) => eb.fn.countAll<number>().as('n')])
    .where('sequence_id', '=', sequenceId)
    .groupBy(['status', 'left_reason'])
    .execute();
  return rows.map((r) => ({ status: r.status, reason: r.left_reason, n: Number(r.n) }));
}

// --- Step rows ---

export interface StepRowRecord {
  readonly id: string;
  readonly enrollmentId: string;
  readonly sequenceId: string;
  readonly contactId: string;
  readonly stepId: string;
  readonly stepIndex: number;
  readonly status: SequenceStepStatus;
  readonly dueAt: number;
  readonly claimedUntil: number | null;
  readonly claimToken: string | null;
  readonly attempts: number;
  readonly variant: string | null;
  readonly outboxId: string | null;
  readonly note: string | null;
  readonly decision: JsonValue;
  readonly createdAt: number;
  readonly updatedAt: number;
}

function toStepRow(row: SequenceStepsTable): StepRowRecord {
  return {
    id: row.id,
    enrollmentId: row.enrollment_id,
    sequenceId: row.sequence_id,
    contactId: row.contact_id,
    stepId: row.step_id,
    stepIndex: row.step_index,
    status: row.status,
    dueAt: row.due_at,
    claimedUntil: row.claimed_until,
    claimToken: row.claim_token,
    attempts: row.attempts,
    variant: row.variant,
    outboxId: row.outbox_id,
    note: row.note,
    decision: fromJson<JsonValue>(row.decision, null),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Schedules one step of an enrollment. Returns false when that (enrollment, step) row already
 * exists: scheduling is idempotent, so a replayed transition never creates a second send.
 */
export async function scheduleStep(
  database: Queryable,
  input: {
    readonly enrollmentId: string;
    readonly sequenceId: string;
    readonly contactId: string;
    readonly stepId: string;
    readonly stepIndex: number;
    readonly dueAt: number;
    readonly now: number;
  },
): Promise<boolean> {
  const rows = await database.db
    .insertInto('sequence_steps')
    .values({
      id: newId(input.now),
      enrollment_id: input.enrollmentId,
      sequence_id: input.sequenceId,
      contact_id: input.contactId,
      step_id: input.stepId,
      step_index: input.stepIndex,
      status: 'scheduled',
      due_at: input.dueAt,
      claimed_until: null,
      claim_token: null,
      attempts: 0,
      variant: null,
      outbox_id: null,
      note: null,
      decision: null,
      created_at: input.now,
      updated_at: input.now,
    })
    .onConflict((oc) => oc.columns(['enrollment_id', 'step_id']).doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

export async function getStepRow(database: Queryable, id: string): Promise<StepRowRecord | undefined> {
  const row = await database.db
    .selectFrom('sequence_steps')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : toStepRow(row);
}

export async function listStepRows(database: Queryable, enrollmentId: string): Promise<StepRowRecord[]> {
  const rows = await database.db
    .selectFrom('sequence_steps')
    .selectAll()
    .where('enrollment_id', '=', enrollmentId)
    .orderBy('id')
    .execute();
  return rows.map(toStepRow);
}

/**
 * Claims up to `limit` due scheduled rows of active sequences for `leaseMs`: rows whose earlier
 * claim expired (a runner died) are claimable again. Concurrent claimers never get the same row.
 */
export async function claimDueSteps(
  database: Queryable,
  opts: { readonly now: number; readonly limit: number; readonly leaseMs: number },
): Promise<StepRowRecord[]> {
  const { now, limit, leaseMs } = opts;
  const token = newId(now);
  // Materialized: claims exactly up to `limit` on PostgreSQL (see claimDueOutbox).
  const rows = await database.db
    .with(
      (cte) => cte('due').materialized(),
      (qb) =>
        lockForClaim(
          database,
          qb
            .selectFrom('sequence_steps')
            .select('id')
            .where('status', '=', 'scheduled')
            .where('due_at', '<=', now)
            .where((w) => w.or([w('claimed_until', 'is', null), w('claimed_until', '<=', now)]))
            .where('sequence_id', 'in', (s) =>
              s.selectFrom('sequences').select('id').where('status', '=', 'active'),
            )
            .orderBy('due_at')
            .orderBy('id')
            .limit(limit),
        ),
    )
    .updateTable('sequence_steps')
    .set((eb) => ({
      claimed_until: now + leaseMs,
      claim_token: token,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
    }))
    .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
    .where('status', '=', 'scheduled')
    .returningAll()
    .execute();
  return rows.map(toStepRow).sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
}

/**
 * Records what happened to a claimed row. Only the claim holding `claimToken` may settle it, and only
 * while the row is still scheduled: false means another runner took it over (or the person left).
 */
export async function settleStep(
  database: Queryable,
  id: string,
  claimToken: string,
  outcome: {
    readonly status: Exclude<SequenceStepStatus, 'scheduled'>;
    readonly variant?: string | null;
    readonly outboxId?: string | null;
    readonly note?: string | null;
    readonly decision?: JsonValue;
    readonly now: number;
  },
): Promise<boolean> {
  const result = await database.db
    .updateTable('sequence_steps')
    .set({
      status: outcome.status,
      variant: outcome.variant ?? null,
      outbox_id: outcome.outboxId ?? null,
      note: outcome.note ?? null,
      decision: outcome.decision === undefined ? null : toJson(outcome.decision),
      claimed_until: null,
      updated_at: outcome.now,
    })
    .where('id', '=', id)
    .where('claim_token', '=', claimToken)
    .where('status', '=', 'scheduled')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Cancels an enrollment's scheduled and waiting rows (the person left); returns how many. */
export async function cancelOpenSteps(
  database: Queryable,
  enrollmentId: string,
  note: string,
  now: number,
): Promise<number> {
  const result = await database.db
    .updateTable('sequence_steps')
    .set({ status: 'cancelled', note, claimed_until: null, updated_at: now })
    .where('enrollment_id', '=', enrollmentId)
    .where('status', 'in', ['scheduled', 'waiting'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The person wrote again: their waiting rows (of active enrollments) become due at `now`, to be
 * decided afresh. Returns how many.
 */
export async function releaseWaitingSteps(
  database: Queryable,
  contactId: string,
  now: number,
): Promise<number> {
  const result = await database.db
    .updateTable('sequence_steps')
    .set({ status: 'scheduled', due_at: now, claimed_until: null, claim_token: null, updated_at: now })
    .where('contact_id', '=', contactId)
    .where('status', '=', 'waiting')
    .where('enrollment_id', 'in', (eb) =>
      eb.selectFrom('sequence_enrollments').select('id').where('status', '=', 'active'),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Reason codes that mean "the window had closed" in a refused decision. */
const WINDOW_REASON_CODES = ['outside_window', 'no_inbound_yet'];

/**
 * Step rows whose primary message the pipeline refused at dispatch because the window had closed in
 * the meantime (refused since `since`): they become due again at `now` with variant
 * 'primary_refused', so the runner applies the step's fallback. Returns how many.
 */
export async function reopenWindowRefusedSteps(
  database: Queryable,
  opts: { readonly since: number; readonly now: number; readonly limit: number },
): Promise<number> {
  const rows = await database.db
    .selectFrom('outbox as o')
    .innerJoin('sequence_steps as s', 's.outbox_id', 'o.id')
    .select('s.id')
    // Literals, so both planners can use the partial index outbox_sequence_refused_idx.
    .where('o.origin', '=', sql.lit('sequence'))
    .where('o.status', '=', sql.lit('refused'))
    .where('o.updated_at', '>=', opts.since)
    .where('s.status', '=', 'enqueued')
    .where('s.variant', '=', 'primary')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('audit_log as a')
          .innerJoin('audit_reasons as r', 'r.audit_id', 'a.id')
          .select('a.id')
          .whereRef('a.message_ref', '=', 'o.id')
          .where('r.code', 'in', WINDOW_REASON_CODES),
      ),
    )
    .limit(opts.limit)
    .execute();
  if (rows.length === 0) return 0;
  const result = await database.db
    .updateTable('sequence_steps')
    .set({
      status: 'scheduled',
      variant: 'primary_refused',
      note: 'window_closed_at_dispatch',
      due_at: opts.now,
      claimed_until: null,
      claim_token: null,
      updated_at: opts.now,
    })
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .where('status', '=', 'enqueued')
    .where('variant', '=', 'primary')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** One group of a sequence's step rows for the stats: rows per step, status, note and outbox status. */
export interface StepGroup {
  readonly stepId: string;
  readonly status: SequenceStepStatus;
  readonly variant: string | null;
  readonly note: string | null;
  /** The outbox row's status for enqueued steps (null before the row exists or for other statuses). */
  readonly outboxStatus: string | null;
  readonly n: number;
}

export async function stepGroups(database: Queryable, sequenceId: string): Promise<StepGroup[]> {
  const rows = await database.db
    .selectFrom('sequence_steps as s')
    .leftJoin('outbox as o', 'o.id', 's.outbox_id')
    .select([
      's.step_id',
      's.status',
      's.variant',
      's.note',
      'o.status as outbox_status',
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .where('s.sequence_id', '=', sequenceId)
    .groupBy(['s.step_id', 's.status', 's.variant', 's.note', 'o.status'])
    .execute();
  return rows.map((r) => ({
    stepId: r.step_id,
    status: r.status,
    variant: r.variant,
    note: r.note,
    outboxStatus: r.outbox_status ?? null,
    n: Number(r.n),
  }));
}

/** The decisions of a sequence's refused outbox rows, per step, for "refused by rule, by reason". */
export async function* refusedDecisions(
  database: Queryable,
  sequenceId: string,
  pageSize = 1000,
): AsyncGenerator<{ readonly stepId: string; readonly decision: JsonValue }> {
  let after = '';
  for (;;) {
    const rows = await database.db
      .selectFrom('sequence_steps as s')
      .innerJoin('outbox as o', 'o.id', 's.outbox_id')
      .select(['s.id', 's.step_id', 'o.decision'])
      .where('s.sequence_id', '=', sequenceId)
      .where('o.status', '=', 'refused')
      .where('s.id', '>', after)
      .orderBy('s.id')
      .limit(pageSize)
      .execute();
    for (const r of rows) yield { stepId: r.step_id, decision: fromJson<JsonValue>(r.decision, null) };
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** Messages a sequence sent (every step, every person), and how many delivery / read watermarks reached. */
export async function sequenceDeliveryCounts(
  database: Queryable,
  sequenceId: string,
): Promise<{ readonly messages: number; readonly delivered: number; readonly read: number }> {
  const row = await database.db
    .selectFrom('outbox as o')
    .innerJoin('sequence_enrollments as e', 'e.id', 'o.origin_id')
    .innerJoin('messages as m', 'm.outbox_id', 'o.id')
    .select((eb) => [
      eb.fn.countAll<number>().as('messages'),
      eb.fn.count<number>('m.delivered_at').as('delivered'),
      eb.fn.count<number>('m.read_at').as('read'),
    ])
    .where('o.origin', '=', 'sequence')
    .where('e.sequence_id', '=', sequenceId)
    .where('o.status', '=', 'sent')
    .executeTakeFirstOrThrow();
  return { messages: Number(row.messages), delivered: Number(row.delivered), read: Number(row.read) };
}
