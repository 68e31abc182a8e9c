/**
 * The flow engine: the interpreter's effects applied to the database. Runs inside the caller's
 * transaction (the inbound event's, a resumed delay's, a finished webhook's) and only writes rows:
 * outbox messages (decided at dispatch by the one pipeline), labels, fields, the run itself.
 *
 * Replays are harmless: a run is saved only if it did not move since it was read (`seq`), outbox
 * rows have idempotency keys numbered by the run's `seq`, and the inbound event's dedupe key is kept
 * on the run it moved.
 */
import type { RuleBook } from '../policy/index.ts';
import { contacts, flows, inTransaction, outbox, type Queryable } from '../storage/index.ts';
import type { FlowDocument } from './document.ts';
import {
  type Advance,
  advance,
  type ContactState,
  type Effect,
  type Resume,
  type RunCursor,
} from './interpreter.ts';
import type { SequencePorts } from './ports.ts';

export interface EngineDeps {
  readonly rules: RuleBook;
  readonly sequences: SequencePorts;
  /** Called when outbox rows were enqueued (the sender looks soon). Default: nothing. */
  readonly outboxTouched?: () => void;
}

const HOUR_MS = 3_600_000;

// Published versions never change: parsed documents are kept (bounded) by flow and version.
const documents = new Map<string, FlowDocument>();

/** A published version's document (undefined when it does not exist). */
export async function loadDocument(
  db: Queryable,
  flowId: string,
  version: number,
): Promise<FlowDocument | undefined> {
  const key = `${flowId}:${version}`;
  const hit = documents.get(key);
  if (hit) return hit;
  const v = await flows.getVersion(db, flowId, version);
  if (!v) return undefined;
  const doc = v.document as FlowDocument;
  if (documents.size >= 1000) documents.delete(documents.keys().next().value as string);
  documents.set(key, doc);
  return doc;
}

/** Whether the contact's standard window is open at `now` (the 24 h rule in force, Graph's word included). */
export function windowOpen(contact: contacts.Contact, rules: RuleBook, now: number): boolean {
  if (contact.lastInboundAt === null) return false;
  const set = rules.at(now);
  const hours = set.ok ? set.ruleSet.params.standardWindow.hours : 24;
  if (contact.windowClosedByGraphAt !== null && contact.windowClosedByGraphAt >= contact.lastInboundAt)
    return false;
  return now < contact.lastInboundAt + hours * HOUR_MS;
}

export function contactState(contact: contacts.Contact, rules: RuleBook, now: number): ContactState {
  return {
    labels: [...contact.labels],
    fields: { ...contact.fields },
    locale: contact.locale,
    firstName: contact.firstName,
    lastName: contact.lastName,
    profileKnown: contact.profileFetchedAt !== null,
    windowOpen: windowOpen(contact, rules, now),
  };
}

export function cursorOf(run: flows.FlowRun): RunCursor {
  return {
    stepId: run.stepId,
    status: run.status,
    wait: run.waitKind,
    resumeAt: run.resumeAt,
    attempts: run.attempts,
    seq: run.seq,
    outcome: run.outcome,
  };
}

export type StepOutcome =
  | { readonly ok: true; readonly run: flows.FlowRun; readonly advance: Advance }
  | { readonly ok: false; readonly code: 'moved' | 'contact_not_found' | 'version_not_found' };

/**
 * Moves one run with `resume` and applies the effects. `eventKey` (the inbound event that moved it)
 * is kept on the run so a replay of that event is recognised.
 */
export async function stepRun(
  db: Queryable,
  deps: EngineDeps,
  run: flows.FlowRun,
  resume: Resume,
  ctx: { readonly now: number; readonly inResponse: boolean; readonly eventKey?: string | null },
): Promise<StepOutcome> {
  return inTransaction(db, async (tx) => {
    const doc = await loadDocument(tx, run.flowId, run.version);
    if (!doc) return { ok: false, code: 'version_not_found' } as const;
    const contact = await contacts.getContact(tx, run.contactId);
    if (!contact) return { ok: false, code: 'contact_not_found' } as const;
    const state = contactState(contact, deps.rules, ctx.now);
    const result = advance(doc, cursorOf(run), state, resume, { now: ctx.now, inResponse: ctx.inResponse });
    const c = result.cursor;
    const goal = result.effects.some((e) => e.kind === 'goal');
    const saved = await flows.saveRun(tx, run, run.seq, {
      status: c.status,
      stepId: c.stepId,
      waitKind: c.wait,
      // A webhook wait keeps `resume_at` set until its job is queued (outside this transaction).
      resumeAt: c.wait === 'webhook' ? ctx.now : c.resumeAt,
      attempts: c.attempts,
      seq: c.seq,
      outcome: c.outcome,
      ...(ctx.eventKey === undefined ? {} : { eventKey: ctx.eventKey }),
      goalReachedAt: goal ? ctx.now : null,
      now: ctx.now,
    });
    if (!saved) return { ok: false, code: 'moved' } as const;
    await applyEffects(tx, deps, run, contact, result.effects, ctx.now);
    const after = await flows.getRun(tx, run.id);
    return { ok: true, run: after ?? run, advance: result } as const;
  });
}

async function applyEffects(
  db: Queryable,
  deps: EngineDeps,
  run: flows.FlowRun,
  contact: contacts.Contact,
  effects: readonly Effect[],
  now: number,
): Promise<void> {
  const events: Parameters<typeof flows.insertStepEvents>[1][number][] = [];
  const base = { flowId: run.flowId, version: run.version, runId: run.id, at: now };
  let sent = false;
  for (const e of effects) {
    switch (e.kind) {
      case 'enter':
        events.push({ ...base, stepId: e.stepId, kind: 'enter' });
        break;
      case 'answer_rejected':
        events.push({ ...base, stepId: e.stepId, kind: 'rejected' });
        break;
      case 'goal':
        events.push({ ...base, stepId: e.stepId, kind: 'goal' });
        break;
      case 'send':
        await outbox.enqueueOutbox(db, [
          {
            workspaceId: run.workspaceId,
            pageId: contact.pageId,
            contactId: contact.id,
            origin: 'flow',
            originId: run.flowId,
            idempotencyKey: `flow-${run.id}-${e.seq}`,
            content: e.content as never,
            now,
          },
        ]);
        sent = true;
        break;
      case 'add_labels':
        await contacts.addLabels(db, contact.id, e.labels, now);
        await deps.sequences.enrollByLabels(db, {
          workspaceId: run.workspaceId,
          contactId: contact.id,
          labels: e.labels,
          now,
        });
        break;
      case 'remove_labels':
        await contacts.removeLabels(db, contact.id, e.labels, now);
        break;
      case 'set_fields':
        await contacts.setFields(db, contact.id, e.fields, now);
        break;
      case 'start_sequence':
        await deps.sequences.enrollInSequence(db, {
          workspaceId: run.workspaceId,
          contactId: contact.id,
          sequenceId: e.sequenceId,
          source: `flow:${run.flowId}`,
          now,
        });
        break;
      case 'stop_sequence':
        await deps.sequences.leaveSequences(db, {
          contactId: contact.id,
          ...(e.sequenceId === undefined ? {} : { sequenceId: e.sequenceId }),
          reason: 'flow',
          now,
        });
        break;
      case 'handoff':
        await flows.markHandoff(db, {
          workspaceId: run.workspaceId,
          contactId: contact.id,
          pageId: contact.pageId,
          now,
        });
        break;
      case 'webhook':
        break;
      default: {
        const never: never = e;
        throw new Error(`unknown effect ${JSON.stringify(never)}`);
      }
    }
  }
  await flows.insertStepEvents(db, events);
  if (sent) deps.outboxTouched?.();
}

export type StartResult = { ok: true; runId: string } | { ok: false; code: string };

/**
 * Starts the published version of a flow for a contact. A run of the same flow still in progress is
 * stopped first (`restarted`): triggering a flow again starts it over.
 */
export async function startRun(
  db: Queryable,
  deps: EngineDeps,
  input: {
    readonly workspaceId: string;
    readonly contactId: string;
    readonly flowId: string;
    readonly trigger: string;
    readonly now: number;
    readonly eventKey: string | null;
    readonly inResponse: boolean;
  },
): Promise<StartResult> {
  return inTransaction(db, async (tx) => {
    const flow = await flows.getFlow(tx, input.workspaceId, input.flowId);
    if (!flow) return { ok: false, code: 'flow_not_found' };
    if (flow.status !== 'active') return { ok: false, code: 'flow_archived' };
    if (flow.publishedVersion === null) return { ok: false, code: 'nothing_published' };
    const contact = await contacts.getContact(tx, input.contactId);
    if (!contact || contact.workspaceId !== input.workspaceId)
      return { ok: false, code: 'contact_not_found' };
    const running = await flows.findActiveRun(tx, flow.id, contact.id);
    if (running) await flows.stopRun(tx, running.id, 'restarted', input.now);
    const run = await flows.insertRun(tx, {
      workspaceId: input.workspaceId,
      flowId: flow.id,
      version: flow.publishedVersion,
      contactId: contact.id,
      pageId: contact.pageId,
      trigger: input.trigger,
      eventKey: input.eventKey,
      now: input.now,
    });
    if (!run) return { ok: false, code: 'already_running' };
    const moved = await stepRun(
      tx,
      deps,
      run,
      { kind: 'start' },
      { now: input.now, inResponse: input.inResponse },
    );
    if (!moved.ok) return { ok: false, code: moved.code };
    return { ok: true, runId: run.id };
  });
}
