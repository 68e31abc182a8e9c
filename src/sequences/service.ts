/**
 * Sequence lifecycle and reporting: create and update (validated, with warnings), activate, pause,
 * delete, enroll and remove people, stats per step. Results are values with stable codes; the HTTP
 * edge renders them.
 */
import type { Lang } from '../policy/index.ts';
import { inTransaction, links, newId, type Queryable, sequences as repo } from '../storage/index.ts';
import type { SequenceStatus } from '../storage/schema.ts';
import { type EnrollResult, enrollInSequence, leaveEnrollment, leaveSequences } from './enroll.ts';
import {
  parseSequenceInput,
  type Sequence,
  type SequenceProblem,
  type SequenceWarning,
  sequenceWarnings,
  toInputJson,
} from './model.ts';
import { toSequence } from './record.ts';

export type SaveResult =
  | { readonly ok: true; readonly sequence: Sequence; readonly warnings: readonly SequenceWarning[] }
  | { readonly ok: false; readonly code: 'sequence_not_found' }
  | { readonly ok: false; readonly code: 'invalid'; readonly problems: readonly SequenceProblem[] };

export async function createSequence(
  database: Queryable,
  input: { readonly workspaceId: string; readonly body: unknown; readonly lang: Lang; readonly now: number },
): Promise<SaveResult> {
  const parsed = parseSequenceInput(input.body, input.lang);
  if (!parsed.ok) return { ok: false, code: 'invalid', problems: parsed.problems };
  const record = await repo.insertSequence(database, {
    id: newId(input.now),
    workspaceId: input.workspaceId,
    name: parsed.input.name,
    exitOnReply: parsed.input.exitOnReply,
    steps: parsed.input.steps as never,
    settings: parsed.input.settings as never,
    now: input.now,
  });
  return { ok: true, sequence: toSequence(record), warnings: parsed.warnings };
}

/**
 * Replaces a sequence's definition (`merge`: only the top-level fields given, e.g. `{ name }` or
 * `{ steps }`). People already in it keep their history; their next step is looked up by its id, so
 * keep step ids to keep positions (a removed step is skipped).
 */
export async function updateSequence(
  database: Queryable,
  input: {
    readonly id: string;
    readonly workspaceId: string;
    readonly body: unknown;
    readonly lang: Lang;
    readonly now: number;
    /** Keep the fields the body does not give. Default false (the body is the whole definition). */
    readonly merge?: boolean;
  },
): Promise<SaveResult> {
  const current = await findSequence(database, input.id, input.workspaceId);
  if (!current) return { ok: false, code: 'sequence_not_found' };
  const body =
    input.merge && input.body !== null && typeof input.body === 'object' && !Array.isArray(input.body)
      ? { ...(toInputJson(current) as object), ...input.body }
      : input.body;
  const parsed = parseSequenceInput(body, input.lang);
  if (!parsed.ok) return { ok: false, code: 'invalid', problems: parsed.problems };
  const record = await repo.updateSequence(database, input.id, {
    name: parsed.input.name,
    exitOnReply: parsed.input.exitOnReply,
    steps: parsed.input.steps as never,
    settings: parsed.input.settings as never,
    now: input.now,
  });
  return { ok: true, sequence: toSequence(record!), warnings: parsed.warnings };
}

export async function findSequence(
  database: Queryable,
  id: string,
  workspaceId: string,
): Promise<Sequence | undefined> {
  const record = await repo.getSequence(database, id);
  if (!record || record.workspaceId !== workspaceId) return undefined;
  return toSequence(record);
}

export async function listSequences(database: Queryable, workspaceId: string): Promise<Sequence[]> {
  return (await repo.listSequences(database, workspaceId)).map(toSequence);
}

/** The sequence as the API shows it: definition, status and its warnings in the reader's language. */
export function sequenceView(sequence: Sequence, lang: Lang) {
  return {
    id: sequence.id,
    name: sequence.name,
    status: sequence.status,
    exitOnReply: sequence.exitOnReply,
    goal: sequence.settings.goal,
    entry: sequence.settings.entry,
    defaultTimezone: sequence.settings.defaultTimezone,
    steps: sequence.steps,
    warnings: sequenceWarnings(sequence, lang),
    createdAt: sequence.createdAt,
    updatedAt: sequence.updatedAt,
  };
}

export type ControlAction = 'activate' | 'pause';
const FROM: Readonly<Record<ControlAction, readonly SequenceStatus[]>> = {
  activate: ['draft', 'paused'],
  pause: ['active'],
};
const TO: Readonly<Record<ControlAction, SequenceStatus>> = { activate: 'active', pause: 'paused' };

export type ControlResult =
  | { readonly ok: true; readonly sequence: Sequence }
  | { readonly ok: false; readonly code: 'sequence_not_found' }
  | { readonly ok: false; readonly code: 'invalid_state'; readonly status: SequenceStatus };

/**
 * Activates or pauses a sequence. While paused no step is decided; due steps are decided when it is
 * activated again (late, with the window as it is then).
 */
export async function controlSequence(
  database: Queryable,
  id: string,
  workspaceId: string,
  action: ControlAction,
  now: number,
): Promise<ControlResult> {
  const current = await findSequence(database, id, workspaceId);
  if (!current) return { ok: false, code: 'sequence_not_found' };
  if (!(await repo.setSequenceStatus(database, id, FROM[action], TO[action], now)))
    return { ok: false, code: 'invalid_state', status: current.status };
  return { ok: true, sequence: (await findSequence(database, id, workspaceId))! };
}

/** Deletes a sequence: everyone still in it leaves (manual) first, so queued step messages are withdrawn. */
export async function deleteSequence(
  database: Queryable,
  id: string,
  workspaceId: string,
  now: number,
): Promise<boolean> {
  if (!(await findSequence(database, id, workspaceId))) return false;
  return inTransaction(database, async (tx) => {
    for (;;) {
      const active = await repo.listEnrollments(tx, { sequenceId: id, status: 'active', limit: 500 });
      for (const e of active) await leaveEnrollment(tx, e.id, 'manual', now);
      if (active.length < 500) break;
    }
    return repo.deleteSequence(tx, id);
  });
}

/** Enrolls many people through the API; one result per contact, in order. */
export async function enrollMany(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly sequenceId: string;
    readonly contactIds: readonly string[];
    readonly now: number;
  },
): Promise<{ readonly contactId: string; readonly result: EnrollResult }[]> {
  const out: { contactId: string; result: EnrollResult }[] = [];
  for (const contactId of input.contactIds) {
    out.push({
      contactId,
      result: await enrollInSequence(database, {
        workspaceId: input.workspaceId,
        contactId,
        sequenceId: input.sequenceId,
        source: 'api',
        now: input.now,
      }),
    });
  }
  return out;
}

/** Removes people from a sequence (reason manual); returns how many were in it. */
export async function leaveMany(
  database: Queryable,
  input: { readonly sequenceId: string; readonly contactIds: readonly string[]; readonly now: number },
): Promise<number> {
  let left = 0;
  for (const contactId of input.contactIds)
    left += await leaveSequences(database, {
      contactId,
      sequenceId: input.sequenceId,
      reason: 'manual',
      now: input.now,
    });
  return left;
}

export interface StepStats {
  readonly stepId: string;
  readonly name: string | null;
  /** Rows waiting for their due time. */
  readonly scheduled: number;
  /** Enqueued and not finished yet (the pipeline has not decided or sent them). */
  readonly inFlight: number;
  readonly sent: number;
  /** Sent with the fallback (utility template or marketing message) because the window had closed. */
  readonly sentWithFallback: number;
  /** Refused by the pipeline at dispatch, per reason code (one message may carry several codes). */
  readonly refused: number;
  readonly refusedByReason: Readonly<Record<string, number>>;
  /** Not sent on purpose (window closed with fallback skip, marketing unavailable, step removed). */
  readonly skipped: number;
  readonly skippedByReason: Readonly<Record<string, number>>;
  /** Held until the person writes again. */
  readonly waiting: number;
  /** Failed or with an unknown outcome at Meta. */
  readonly failed: number;
  /** Withdrawn because the person left. */
  readonly cancelled: number;
}

export interface SequenceStats {
  readonly id: string;
  readonly steps: readonly StepStats[];
  /** Every step's messages together: how many Meta's delivery and read watermarks reached. */
  readonly delivered: number;
  readonly read: number;
  /** Tracked-link clicks of the sequence (unique people, total clicks, per destination). */
  readonly clicked: links.ClickStats;
  readonly enrollments: {
    readonly active: number;
    readonly completed: number;
    readonly left: number;
    readonly leftByReason: Readonly<Record<string, number>>;
  };
}

function emptyStats(stepId: string, name: string | null) {
  return {
    stepId,
    name,
    scheduled: 0,
    inFlight: 0,
    sent: 0,
    sentWithFallback: 0,
    refused: 0,
    refusedByReason: {} as Record<string, number>,
    skipped: 0,
    skippedByReason: {} as Record<string, number>,
    waiting: 0,
    failed: 0,
    cancelled: 0,
  };
}

export async function sequenceStats(database: Queryable, sequence: Sequence): Promise<SequenceStats> {
  const byStep = new Map<string, ReturnType<typeof emptyStats>>();
  for (const s of sequence.steps) byStep.set(s.id, emptyStats(s.id, s.name));
  const of = (stepId: string) => {
    let s = byStep.get(stepId);
    if (!s) {
      // A step removed from the definition still has history.
      s = emptyStats(stepId, null);
      byStep.set(stepId, s);
    }
    return s;
  };
  for (const g of await repo.stepGroups(database, sequence.id)) {
    const s = of(g.stepId);
    switch (g.status) {
      case 'scheduled':
        s.scheduled += g.n;
        break;
      case 'waiting':
        s.waiting += g.n;
        break;
      case 'cancelled':
        s.cancelled += g.n;
        break;
      case 'skipped': {
        s.skipped += g.n;
        const why = g.note ?? 'unknown';
        s.skippedByReason[why] = (s.skippedByReason[why] ?? 0) + g.n;
        break;
      }
      case 'enqueued':
        switch (g.outboxStatus) {
          case 'sent':
            s.sent += g.n;
            if (g.variant !== null && g.variant !== 'primary') s.sentWithFallback += g.n;
            break;
          case 'refused':
            s.refused += g.n;
            break;
          case 'failed':
          case 'unknown':
            s.failed += g.n;
            break;
          default:
            s.inFlight += g.n;
        }
        break;
      default: {
        const never: never = g.status;
        throw new Error(`unknown step status ${String(never)}`);
      }
    }
  }
  for await (const r of repo.refusedDecisions(database, sequence.id)) {
    const s = of(r.stepId);
    const reasons = (r.decision as { reasons?: { code?: unknown }[] } | null)?.reasons ?? [];
    for (const reason of reasons) {
      const code = typeof reason.code === 'string' ? reason.code : 'unknown';
      s.refusedByReason[code] = (s.refusedByReason[code] ?? 0) + 1;
    }
  }
  const enrollments = { active: 0, completed: 0, left: 0, leftByReason: {} as Record<string, number> };
  for (const c of await repo.enrollmentCounts(database, sequence.id)) {
    enrollments[c.status] += c.n;
    if (c.status === 'left') {
      const why = c.reason ?? 'manual';
      enrollments.leftByReason[why] = (enrollments.leftByReason[why] ?? 0) + c.n;
    }
  }
  const delivery = await repo.sequenceDeliveryCounts(database, sequence.id);
  const clicked = await links.clickStats(database, 'sequence', sequence.id);
  return {
    id: sequence.id,
    steps: [...byStep.values()],
    delivered: delivery.delivered,
    read: delivery.read,
    clicked,
    enrollments,
  };
}

/** A person's path through a sequence: the enrollment and, per step reached, what happened and why. */
export async function enrollmentHistory(database: Queryable, sequenceId: string, contactId?: string) {
  const enrollments = await repo.listEnrollments(database, {
    sequenceId,
    ...(contactId === undefined ? {} : { contactId }),
    limit: 100,
  });
  const items = [];
  for (const e of enrollments) {
    const steps = await repo.listStepRows(database, e.id);
    items.push({
      ...e,
      steps: steps.map((s) => ({
        stepId: s.stepId,
        status: s.status,
        dueAt: s.dueAt,
        variant: s.variant,
        outboxId: s.outboxId,
        note: s.note,
        decision: s.decision,
        updatedAt: s.updatedAt,
      })),
    });
  }
  return items;
}
