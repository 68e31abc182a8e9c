/**
 * The sequence runner: a periodic scan that claims due step rows (with a lease) and turns each into
 * its outcome in ONE transaction: the outbox row (origin 'sequence', origin_id = enrollment id,
 * idempotency key per enrollment and step) or a skip/wait record, plus the next step's row.
 *
 * Why a database scan and not the queue port: the due set already lives in the database, and the
 * step → outbox transition must commit atomically with the outbox row; a BullMQ job cannot share
 * that transaction, and a job per step would duplicate the state. The claim (SKIP LOCKED on
 * PostgreSQL, the single writer on SQLite) lets any number of workers run the scan side by side.
 *
 * Every step is decided at its due time with the pure policy (the decision picks the content: the
 * primary one, or the fallback when the window has closed), then once more by the send pipeline
 * when the outbox row is dispatched: that second decision is the one that lets the message out.
 */
import type { Logger } from 'pino';
import { compileContent } from '../broadcasts/personalize.ts';
import { auditEntryFor } from '../outbound/audit-entry.ts';
import { messageFacts, type OutboxContent } from '../outbound/content.ts';
import { type Decision, decide, decisionDocument, type Facts, type RuleBook } from '../policy/index.ts';
import {
  audit,
  contacts,
  inTransaction,
  type JsonValue,
  outbox,
  pages,
  type Queryable,
  sequences as repo,
} from '../storage/index.ts';
import type { OutboxItem } from '../storage/outbox.ts';
import type { StepRowRecord } from '../storage/sequences.ts';
import { chooseStepAction, type StepAction } from './choose.ts';
import { goalReached, leaveEnrollment } from './enroll.ts';
import type { Sequence } from './model.ts';
import { toSequence } from './record.ts';
import { dueAt } from './schedule.ts';

/**
 * The links area's port (`src/links/track.ts`, CONTRACTS.md): rewrites web_url buttons and URLs in
 * text to tracked `${baseUrl}/r/<code>` redirects, idempotent per origin, contact and URL.
 */
export type TrackLinks = (
  db: Queryable,
  input: {
    workspaceId: string;
    content: OutboxContent;
    origin: { kind: 'broadcast' | 'sequence' | 'flow'; id: string };
    contactId: string;
    baseUrl: string;
  },
) => Promise<OutboxContent>;

export interface SequenceRunnerDeps {
  readonly database: Queryable;
  readonly rules: RuleBook;
  readonly now: () => number;
  readonly logger?: Logger;
  /** How long a claim holds before another runner may take the row over. Default 60 s. */
  readonly leaseMs?: number;
  /** Rows per claim. Default 200. */
  readonly batch?: number;
  /** Scan interval. Default 1000 ms. */
  readonly intervalMs?: number;
  /** Called after outbox rows were enqueued (wakes the sender). */
  readonly onEnqueued?: () => void;
  /** Called between batches; resolves later while webhooks are arriving (app/pacer.ts). */
  readonly pace?: () => Promise<void>;
  /** Tracked links (clicks per sequence and person). Default: links are sent as written. */
  readonly links?: { readonly track: TrackLinks; readonly baseUrl: string };
}

/** What happened to one claimed row. */
export type StepOutcome =
  | { readonly kind: 'enqueued'; readonly variant: string; readonly outboxId: string }
  | { readonly kind: 'skipped' | 'waiting' | 'cancelled'; readonly note: string }
  | { readonly kind: 'lost_claim' };

class LostClaim extends Error {}

/** The outcome of a decision as kept on the step row (the enrollment history). */
function decisionSummary(d: Decision): JsonValue {
  return {
    rules: d.rules,
    allowed: d.allowed,
    route: d.route,
    reasons: d.reasons.map((r) => r.code),
    windowClosesAt: d.windowClosesAt,
  };
}

/**
 * Schedules the step at `index` (a no-op when its row exists already), or completes the enrollment
 * when the sequence has no step there.
 */
async function advance(
  tx: Queryable,
  sequence: Sequence,
  enrollment: repo.EnrollmentRecord,
  timezone: number | null,
  index: number,
  at: number,
): Promise<void> {
  const step = sequence.steps[index];
  if (!step) {
    await repo.finishEnrollment(tx, enrollment.id, { status: 'completed', now: at });
    return;
  }
  await repo.scheduleStep(tx, {
    enrollmentId: enrollment.id,
    sequenceId: sequence.id,
    contactId: enrollment.contactId,
    stepId: step.id,
    stepIndex: index,
    dueAt: dueAt({
      delay: step.delay,
      enrolledAt: enrollment.enrolledAt,
      previousAt: at,
      timezone,
      defaultTimezone: sequence.settings.defaultTimezone,
    }),
    now: at,
  });
}

/** Handles one claimed row in one transaction. Exported for tests (a crash between claim and this). */
export async function processStep(deps: SequenceRunnerDeps, row: StepRowRecord): Promise<StepOutcome> {
  const token = row.claimToken;
  if (token === null) throw new Error(`step row ${row.id} is not claimed`);
  try {
    return await inTransaction(deps.database, async (tx) => {
      const at = deps.now();
      const settle = async (outcome: Omit<Parameters<typeof repo.settleStep>[3], 'now'>): Promise<void> => {
        if (!(await repo.settleStep(tx, row.id, token, { ...outcome, now: at }))) throw new LostClaim();
      };
      const cancel = async (note: string): Promise<StepOutcome> => {
        await settle({ status: 'cancelled', note });
        return { kind: 'cancelled', note };
      };

      // A step whose primary message was refused at dispatch (the window closed in between) runs again
      // for its fallback; the sequence has already moved on past it, perhaps to its end.
      const rerun = row.variant === 'primary_refused';
      const enrollment = await repo.getEnrollment(tx, row.enrollmentId);
      const alive = enrollment?.status === 'active' || (rerun && enrollment?.status === 'completed');
      if (!enrollment || !alive) return cancel(`enrollment_${enrollment?.status ?? 'missing'}`);
      const record = await repo.getSequence(tx, row.sequenceId);
      if (!record) return cancel('sequence_missing');
      const sequence = toSequence(record);
      const contact = await contacts.getContact(tx, enrollment.contactId);
      if (!contact) return cancel('contact_missing');
      // Opt-out and goal end the enrollment before anything else is considered.
      if (contact.optedOutAt !== null) {
        const out = await cancel('left_opt_out');
        await leaveEnrollment(tx, enrollment.id, 'opt_out', at);
        return out;
      }
      if (goalReached(sequence, contact)) {
        const out = await cancel('left_goal');
        await leaveEnrollment(tx, enrollment.id, 'goal', at);
        return out;
      }
      const index = sequence.steps.findIndex((s) => s.id === row.stepId);
      if (index < 0) {
        // The step was removed from the sequence since: its successor took its position.
        await settle({ status: 'skipped', note: 'step_removed' });
        if (!rerun) await advance(tx, sequence, enrollment, contact.timezone, row.stepIndex, at);
        return { kind: 'skipped', note: 'step_removed' };
      }
      const step = sequence.steps[index]!;
      const pageFacts = await pages.pageFacts(tx, contact.pageId);
      if (!pageFacts) return cancel('page_missing');
      const rules = deps.rules.at(at);
      if (!rules.ok) throw new Error(`no rule set in force at ${at}: ${rules.code}`);

      const person = { firstName: contact.firstName, lastName: contact.lastName, fields: contact.fields };
      const primary: OutboxContent = compileContent(step.content).render(person);
      const facts: Facts = {
        now: at,
        page: pageFacts,
        contact: contacts.contactToFacts(contact),
        message: messageFacts(primary),
      };
      const decision = decide(facts, rules.ruleSet, at);
      const action: StepAction = chooseStepAction(step.fallback.type, decision);
      const summary = decisionSummary(decision);
      // A step not sent now (skipped, held) is a decision like any other: the audit keeps it and its
      // evidence, under the step row's reference (no outbox row exists for it).
      const auditNotSent = () =>
        audit.appendAudit(
          tx,
          auditEntryFor(
            {
              id: `sequence-step:${row.id}`,
              workspaceId: enrollment.workspaceId,
              pageId: contact.pageId,
              contactId: contact.id,
              origin: 'sequence',
              originId: enrollment.id,
            } as OutboxItem,
            facts,
            decision,
            decisionDocument(decision),
            at,
          ),
        );

      switch (action.kind) {
        case 'send': {
          const rendered: OutboxContent =
            action.variant === 'utility_template' && step.fallback.template
              ? compileContent({ message: step.fallback.template }).render(person)
              : primary;
          const content = deps.links
            ? await deps.links.track(tx, {
                workspaceId: enrollment.workspaceId,
                content: rendered,
                origin: { kind: 'sequence', id: sequence.id },
                contactId: contact.id,
                baseUrl: deps.links.baseUrl,
              })
            : rendered;
          // One key per enrollment and step. Only a rerun (its primary row exists, refused) needs another;
          // a claim taken over after a lease never committed a row, and the claim token keeps the row
          // to one commit.
          const base = `sequence-${enrollment.id}-${step.id}`;
          const key = rerun ? `${base}-r${row.attempts}` : base;
          const r = await outbox.enqueueOutbox(tx, [
            {
              workspaceId: enrollment.workspaceId,
              pageId: contact.pageId,
              contactId: contact.id,
              origin: 'sequence',
              originId: enrollment.id,
              idempotencyKey: key,
              content: content as never,
              now: at,
            },
          ]);
          const outboxId = r.inserted[0]?.id ?? (await outbox.getOutboxItemByKey(tx, key))!.id;
          await settle({
            status: 'enqueued',
            variant: action.variant,
            outboxId,
            note: action.variant === 'primary' ? null : 'window_closed',
            decision: summary,
          });
          if (!rerun) await advance(tx, sequence, enrollment, contact.timezone, index + 1, at);
          return { kind: 'enqueued', variant: action.variant, outboxId };
        }
        case 'skip':
          await settle({ status: 'skipped', note: action.note, decision: summary });
          await auditNotSent();
          if (!rerun) await advance(tx, sequence, enrollment, contact.timezone, index + 1, at);
          return { kind: 'skipped', note: action.note };
        case 'wait':
          // Held until the person writes again (automation releases it); later steps wait behind it.
          await settle({
            status: 'waiting',
            variant: rerun ? 'primary_refused' : null,
            note: action.note,
            decision: summary,
          });
          await auditNotSent();
          return { kind: 'waiting', note: action.note };
        default: {
          const never: never = action;
          throw new Error(`unknown action ${JSON.stringify(never)}`);
        }
      }
    });
  } catch (error) {
    if (error instanceof LostClaim) return { kind: 'lost_claim' };
    throw error;
  }
}

const WEEK = 7 * 86_400_000;

/**
 * Claims and handles due rows until none is left; returns the outcomes. First, steps whose primary
 * message the pipeline refused since `refusedSince` because the window had closed meanwhile become
 * due again for their fallback (default: the last 7 days).
 */
export async function runDueSteps(
  deps: SequenceRunnerDeps,
  opts: { readonly refusedSince?: number } = {},
): Promise<StepOutcome[]> {
  const { batch = 200, leaseMs = 60_000 } = deps;
  const outcomes: StepOutcome[] = [];
  const since = opts.refusedSince ?? deps.now() - WEEK;
  while (
    (await repo.reopenWindowRefusedSteps(deps.database, { since, now: deps.now(), limit: batch })) === batch
  ) {
    if (deps.pace) await deps.pace();
  }
  for (;;) {
    const rows = await repo.claimDueSteps(deps.database, { now: deps.now(), limit: batch, leaseMs });
    for (const row of rows) {
      try {
        outcomes.push(await processStep(deps, row));
      } catch (error) {
        // The claim lapses after the lease and the row is tried again; nothing was committed.
        deps.logger?.error({ err: error, step: row.id }, 'sequence step failed');
      }
    }
    if (rows.length < batch) break;
    if (deps.pace) await deps.pace();
  }
  if (outcomes.some((o) => o.kind === 'enqueued')) deps.onEnqueued?.();
  return outcomes;
}

/** The periodic scan, started and stopped with the other workers (app/workers.ts). */
export function createSequenceRunner(deps: SequenceRunnerDeps) {
  const { intervalMs = 1000 } = deps;
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let busy: Promise<unknown> | null = null;
  // Refusals are looked for since the previous scan (a minute of overlap covers commits in flight);
  // after a start, over the last week.
  let refusedSince = deps.now() - WEEK;

  const tick = async (): Promise<StepOutcome[]> => {
    while (busy) await busy;
    const startedAt = deps.now();
    const run = runDueSteps(deps, { refusedSince }).then((outcomes) => {
      refusedSince = startedAt - 60_000;
      return outcomes;
    });
    busy = run.catch(() => undefined);
    try {
      return await run;
    } finally {
      busy = null;
    }
  };
  const loop = () => {
    if (!running) return;
    timer = setTimeout(() => {
      timer = null;
      tick()
        .catch((error: unknown) => deps.logger?.error({ err: error }, 'sequence scan failed'))
        .finally(loop);
    }, intervalMs);
  };
  return {
    /** One scan now (tests, and a nudge after enrollments). */
    tick,
    start(): void {
      if (running) return;
      running = true;
      loop();
    },
    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      while (busy) await busy;
    },
  };
}

export type SequenceRunner = ReturnType<typeof createSequenceRunner>;
