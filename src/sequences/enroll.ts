/**
 * Entering and leaving sequences: the cross-area functions other areas call (flows, entry points,
 * labels, the API). Each runs in the caller's transaction when given one, and only touches the
 * database: the runner turns the scheduled rows into messages when they fall due.
 */
import { contacts, inTransaction, outbox, type Queryable, sequences as repo } from '../storage/index.ts';
import type { Sequence } from './model.ts';
import { toSequence } from './record.ts';
import { dueAt } from './schedule.ts';

export type LeaveReason = 'reply' | 'goal' | 'opt_out' | 'manual' | 'flow';

export type EnrollResult =
  | { readonly ok: true; readonly enrollmentId: string }
  | {
      readonly ok: false;
      readonly code:
        | 'sequence_not_found'
        | 'sequence_not_active'
        | 'contact_not_found'
        | 'contact_opted_out'
        | 'already_enrolled';
    };

/**
 * Puts a person in a sequence and schedules its first step. A person enters a sequence once: a
 * second enrollment (even after finishing or leaving) answers `already_enrolled`.
 */
export async function enrollInSequence(
  db: Queryable,
  input: { workspaceId: string; contactId: string; sequenceId: string; source: string; now: number },
): Promise<EnrollResult> {
  const record = await repo.getSequence(db, input.sequenceId);
  if (!record || record.workspaceId !== input.workspaceId) return { ok: false, code: 'sequence_not_found' };
  const sequence = toSequence(record);
  if (sequence.status !== 'active') return { ok: false, code: 'sequence_not_active' };
  const contact = await contacts.getContact(db, input.contactId);
  if (!contact || contact.workspaceId !== input.workspaceId) return { ok: false, code: 'contact_not_found' };
  if (contact.optedOutAt !== null) return { ok: false, code: 'contact_opted_out' };
  return inTransaction(db, async (tx) => {
    const enrollment = await repo.insertEnrollment(tx, {
      workspaceId: input.workspaceId,
      sequenceId: sequence.id,
      contactId: contact.id,
      source: input.source,
      now: input.now,
    });
    if (!enrollment) return { ok: false, code: 'already_enrolled' } as const;
    const first = sequence.steps[0]!;
    await repo.scheduleStep(tx, {
      enrollmentId: enrollment.id,
      sequenceId: sequence.id,
      contactId: contact.id,
      stepId: first.id,
      stepIndex: 0,
      dueAt: dueAt({
        delay: first.delay,
        enrolledAt: input.now,
        previousAt: input.now,
        timezone: contact.timezone,
        defaultTimezone: sequence.settings.defaultTimezone,
      }),
      now: input.now,
    });
    return { ok: true, enrollmentId: enrollment.id } as const;
  });
}

/**
 * Ends a person's active enrollments (all, or in one sequence): their scheduled and waiting steps are
 * cancelled and step messages still queued in the outbox are withdrawn. Returns how many enrollments ended.
 */
export async function leaveSequences(
  db: Queryable,
  input: { contactId: string; sequenceId?: string; reason: LeaveReason; now: number },
): Promise<number> {
  const active = await repo.activeEnrollmentsOf(db, input.contactId, input.sequenceId);
  let left = 0;
  for (const e of active) left += await leaveEnrollment(db, e.id, input.reason, input.now);
  return left;
}

/** Ends one enrollment (see {@link leaveSequences}); 1 when it was active, else 0. */
export async function leaveEnrollment(
  db: Queryable,
  enrollmentId: string,
  reason: LeaveReason,
  now: number,
): Promise<number> {
  return inTransaction(db, async (tx) => {
    if (!(await repo.finishEnrollment(tx, enrollmentId, { status: 'left', reason, now }))) return 0;
    await repo.cancelOpenSteps(tx, enrollmentId, `left_${reason}`, now);
    await outbox.failQueuedByOrigin(tx, 'sequence', enrollmentId, `left_${reason}`, now);
    return 1;
  });
}

/**
 * Labels were just added to a person: enroll them in the active sequences whose entry names one of
 * those labels, and end the enrollments whose goal is one of them. Returns how many enrollments began.
 */
export async function enrollByLabels(
  db: Queryable,
  input: { workspaceId: string; contactId: string; labels: readonly string[]; now: number },
): Promise<number> {
  if (input.labels.length === 0) return 0;
  const added = new Set(input.labels);
  const active = (await repo.listSequences(db, input.workspaceId, 'active')).map(toSequence);
  for (const s of active) {
    if (s.settings.goal?.label && added.has(s.settings.goal.label))
      await leaveSequences(db, {
        contactId: input.contactId,
        sequenceId: s.id,
        reason: 'goal',
        now: input.now,
      });
  }
  let enrolled = 0;
  for (const s of active) {
    const label = s.settings.entry.labels.find((l) => added.has(l));
    if (label === undefined || (s.settings.goal?.label && added.has(s.settings.goal.label))) continue;
    const r = await enrollInSequence(db, {
      workspaceId: input.workspaceId,
      contactId: input.contactId,
      sequenceId: s.id,
      source: `label:${label}`,
      now: input.now,
    });
    if (r.ok) enrolled++;
  }
  return enrolled;
}

/** Enrolls a person who came through an entry point (m.me ref, ad) into sequences that name it. */
export async function enrollByEntryPoint(
  db: Queryable,
  input: { workspaceId: string; contactId: string; ref: string; now: number },
): Promise<number> {
  const active = (await repo.listSequences(db, input.workspaceId, 'active')).map(toSequence);
  let enrolled = 0;
  for (const s of active) {
    if (!s.settings.entry.entryPoints.includes(input.ref)) continue;
    const r = await enrollInSequence(db, {
      workspaceId: input.workspaceId,
      contactId: input.contactId,
      sequenceId: s.id,
      source: `entry_point:${input.ref}`,
      now: input.now,
    });
    if (r.ok) enrolled++;
  }
  return enrolled;
}

/** Whether a person has reached a sequence's goal (its label, or a non-empty value in its field). */
export function goalReached(
  sequence: Pick<Sequence, 'settings'>,
  contact: Pick<contacts.Contact, 'labels' | 'fields'>,
): boolean {
  const goal = sequence.settings.goal;
  if (!goal) return false;
  if (goal.label && contact.labels.includes(goal.label)) return true;
  if (goal.field) {
    const v = contact.fields[goal.field];
    return v !== undefined && v !== null && v !== '';
  }
  return false;
}
