/**
 * The flow interpreter (pure): given a published document, where a run stands, what the contact
 * looks like and what just happened (the run starts, the person answered, a delay ended, a webhook
 * answered), it runs the synchronous steps and stops at the first wait. It returns the new cursor and
 * the effects, in order, for an adapter to apply: the engine (database + outbox) or the test-run
 * (in memory, with the policy decision each send would get).
 */
import { compileContent } from '../broadcasts/personalize.ts';
import type { OutboxContent } from '../outbound/content.ts';
import type { JsonValue } from '../storage/index.ts';
import {
  type Condition,
  DEFAULT_ASK_RETRIES,
  delayMs,
  type FlowDocument,
  type FlowStep,
  startStepId,
} from './document.ts';
import { askQuickReplies, stepContent } from './lawful.ts';
import { REPROMPTS } from './messages.ts';
import { foldText } from './triggers.ts';
import { validateAnswer } from './validators.ts';

export type RunStatus = 'waiting' | 'completed' | 'stopped' | 'failed';
export type WaitKind = 'input' | 'delay' | 'webhook';

/** Where a run stands between two events. */
export interface RunCursor {
  /** The step the run waits at; null once it ended. */
  readonly stepId: string | null;
  readonly status: RunStatus;
  readonly wait: WaitKind | null;
  /** When a delay ends. */
  readonly resumeAt: number | null;
  /** Wrong answers given to the current question. */
  readonly attempts: number;
  /** Steps executed so far: numbers every effect, so replays produce the same idempotency keys. */
  readonly seq: number;
  /** Why the run ended: `completed`, `handoff`, `webhook_failed`, `no_answer`, `loop_limit`… */
  readonly outcome: string | null;
}

/** The contact as steps read and change it. */
export interface ContactState {
  labels: string[];
  fields: Record<string, JsonValue>;
  readonly locale: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  /** Whether the person's Messenger profile (name, locale) has been fetched. */
  readonly profileKnown: boolean;
  /** Whether the 24 h window is open now. */
  readonly windowOpen: boolean;
}

export type Effect =
  | { readonly kind: 'enter'; readonly stepId: string; readonly seq: number }
  | { readonly kind: 'send'; readonly stepId: string; readonly seq: number; readonly content: OutboxContent }
  | { readonly kind: 'add_labels'; readonly stepId: string; readonly labels: readonly string[] }
  | { readonly kind: 'remove_labels'; readonly stepId: string; readonly labels: readonly string[] }
  | {
      readonly kind: 'set_fields';
      readonly stepId: string;
      readonly fields: Readonly<Record<string, JsonValue | null>>;
    }
  | { readonly kind: 'start_sequence'; readonly stepId: string; readonly sequenceId: string }
  | { readonly kind: 'stop_sequence'; readonly stepId: string; readonly sequenceId?: string }
  | { readonly kind: 'handoff'; readonly stepId: string }
  | { readonly kind: 'goal'; readonly stepId: string; readonly name: string }
  | { readonly kind: 'webhook'; readonly stepId: string; readonly seq: number }
  | {
      readonly kind: 'answer_rejected';
      readonly stepId: string;
      readonly attempt: number;
      readonly answer: string;
    };

export type Resume =
  | { readonly kind: 'start' }
  | { readonly kind: 'answer'; readonly text: string | null; readonly payload: string | null }
  | { readonly kind: 'delay_done' }
  | { readonly kind: 'webhook_done'; readonly fields: Readonly<Record<string, JsonValue>> }
  | { readonly kind: 'webhook_failed' };

export interface StepContext {
  readonly now: number;
  /** The run reacts to something the person just did (sends are RESPONSE), or resumes later (UPDATE). */
  readonly inResponse: boolean;
  /** Most steps one call may run (a guard; loops without a wait are refused at save). Default 200. */
  readonly maxSteps?: number;
}

export interface Advance {
  readonly cursor: RunCursor;
  readonly effects: readonly Effect[];
}

export const NEW_CURSOR: RunCursor = {
  stepId: null,
  status: 'waiting',
  wait: null,
  resumeAt: null,
  attempts: 0,
  seq: 0,
  outcome: null,
};

function personOf(contact: ContactState) {
  return { firstName: contact.firstName, lastName: contact.lastName, fields: contact.fields };
}

function render(content: OutboxContent, contact: ContactState): OutboxContent {
  const compiled = compileContent(content);
  // A brand-new person's name is not known yet (their profile is fetched after ingest): the message
  // keeps its placeholders and the send pipeline fills them when it leaves (OutboxContent.personalize).
  if (compiled.personal && !contact.profileKnown) return { ...content, personalize: true };
  return compiled.render(personOf(contact));
}

function renderText(text: string, contact: ContactState): string {
  const c = render({ message: { type: 'text', text } }, contact);
  return c.message.type === 'text' ? c.message.text : text;
}

function compare(a: JsonValue | undefined, b: string | number | boolean | undefined): number | null {
  if (a === undefined || a === null || b === undefined) return null;
  const na = Number(a);
  const nb = Number(b);
  if (typeof a !== 'object' && Number.isFinite(na) && Number.isFinite(nb) && String(a).trim() !== '')
    return na - nb;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Whether one condition holds for the contact. */
export function holds(c: Condition, contact: ContactState): boolean {
  if ('window' in c) return contact.windowOpen === (c.window === 'open');
  if ('locale' in c) {
    const want = c.locale.toLowerCase().replace('-', '_');
    return (contact.locale ?? '').toLowerCase().startsWith(want);
  }
  if ('label' in c) {
    const has = contact.labels.includes(c.label);
    return c.op === 'has' ? has : !has;
  }
  const v = contact.fields[c.field];
  const present = v !== undefined && v !== null && v !== '';
  switch (c.op) {
    case 'exists':
      return present;
    case 'not_exists':
      return !present;
    case 'eq':
    case 'neq': {
      const same =
        present && c.value !== undefined && typeof v !== 'object'
          ? foldText(String(v)) === foldText(String(c.value)) || compare(v, c.value) === 0
          : false;
      return c.op === 'eq' ? same : !same;
    }
    case 'contains':
      return present && c.value !== undefined && foldText(String(v)).includes(foldText(String(c.value)));
    case 'gt':
      return (compare(v, c.value) ?? 0) > 0 && present;
    case 'lt':
      return (compare(v, c.value) ?? 0) < 0 && present;
    default:
      return false;
  }
}

/** The step a condition leads to (undefined: the run ends). */
export function chooseBranch(step: Extract<FlowStep, { type: 'condition' }>, contact: ContactState) {
  for (const b of step.branches) {
    const ok =
      (b.match ?? 'all') === 'all'
        ? b.if.every((c) => holds(c, contact))
        : b.if.some((c) => holds(c, contact));
    if (ok) return b.next;
  }
  return step.else ?? step.next;
}

function langOf(contact: ContactState): 'es' | 'en' {
  return (contact.locale ?? '').toLowerCase().startsWith('es') ? 'es' : 'en';
}

/**
 * Moves a run forward. `contact` is updated in place as steps change labels and fields, so a later
 * condition sees them (and the caller can show the final state).
 */
export function advance(
  doc: FlowDocument,
  cursor: RunCursor,
  contact: ContactState,
  resume: Resume,
  ctx: StepContext,
): Advance {
  const byId = new Map(doc.steps.map((s) => [s.id, s]));
  const effects: Effect[] = [];
  let seq = cursor.seq;
  const purpose = ctx.inResponse ? 'response' : 'update';
  const done = (outcome: string, status: RunStatus = 'completed'): Advance => ({
    cursor: { stepId: null, status, wait: null, resumeAt: null, attempts: 0, seq, outcome },
    effects,
  });

  const setField = (stepId: string, fields: Record<string, JsonValue | null>) => {
    effects.push({ kind: 'set_fields', stepId, fields });
    for (const [k, v] of Object.entries(fields)) {
      if (v === null) delete contact.fields[k];
      else contact.fields[k] = v;
    }
  };

  // Where to continue from, given how the run resumes.
  let nextId: string | undefined;
  const current = cursor.stepId === null ? undefined : byId.get(cursor.stepId);
  switch (resume.kind) {
    case 'start':
      nextId = startStepId(doc);
      break;
    case 'answer': {
      if (current?.type !== 'ask') return { cursor, effects };
      const given = resume.payload ?? resume.text ?? '';
      const value =
        validateAnswer(current.validate, given, current.choices) ??
        (resume.payload !== null && resume.text !== null
          ? validateAnswer(current.validate, resume.text, current.choices)
          : null);
      if (value !== null) {
        setField(current.id, { [current.field]: value });
        nextId = current.next;
        break;
      }
      const attempt = cursor.attempts + 1;
      effects.push({ kind: 'answer_rejected', stepId: current.id, attempt, answer: given });
      if (attempt <= (current.retries ?? DEFAULT_ASK_RETRIES)) {
        seq++;
        const text = current.reprompt ?? REPROMPTS[langOf(contact)][current.validate]!;
        effects.push({
          kind: 'send',
          stepId: current.id,
          seq,
          content: render(
            { message: { type: 'text', text, ...(askQuickReplies(current) ?? {}) }, purpose, sender: 'bot' },
            contact,
          ),
        });
        return { cursor: { ...cursor, attempts: attempt, seq }, effects };
      }
      nextId = current.fallback;
      if (nextId === undefined) return done('no_answer');
      break;
    }
    case 'delay_done':
      if (current?.type !== 'delay') return { cursor, effects };
      nextId = current.next;
      break;
    case 'webhook_done':
      if (current?.type !== 'webhook') return { cursor, effects };
      if (Object.keys(resume.fields).length > 0) setField(current.id, { ...resume.fields });
      nextId = current.next;
      break;
    case 'webhook_failed':
      if (current?.type !== 'webhook') return { cursor, effects };
      nextId = current.onError;
      if (nextId === undefined) return done('webhook_failed');
      break;
    default: {
      const never: never = resume;
      throw new Error(`unknown resume ${JSON.stringify(never)}`);
    }
  }

  const max = ctx.maxSteps ?? 200;
  for (let n = 0; nextId !== undefined; n++) {
    if (n >= max) return done('loop_limit', 'failed');
    const step = byId.get(nextId);
    if (!step) return done('missing_step', 'failed');
    seq++;
    effects.push({ kind: 'enter', stepId: step.id, seq });
    const waitHere = (wait: WaitKind, resumeAt: number | null = null): Advance => ({
      cursor: { stepId: step.id, status: 'waiting', wait, resumeAt, attempts: 0, seq, outcome: null },
      effects,
    });
    switch (step.type) {
      case 'send':
      case 'optin_request':
      case 'utility_template': {
        const content = stepContent(step, purpose)!;
        effects.push({ kind: 'send', stepId: step.id, seq, content: render(content, contact) });
        nextId = step.next;
        break;
      }
      case 'ask':
        effects.push({
          kind: 'send',
          stepId: step.id,
          seq,
          content: render(stepContent(step, purpose)!, contact),
        });
        return waitHere('input');
      case 'condition':
        nextId = chooseBranch(step, contact);
        break;
      case 'add_label':
        effects.push({ kind: 'add_labels', stepId: step.id, labels: step.labels });
        contact.labels = [...new Set([...contact.labels, ...step.labels])].sort();
        nextId = step.next;
        break;
      case 'remove_label':
        effects.push({ kind: 'remove_labels', stepId: step.id, labels: step.labels });
        contact.labels = contact.labels.filter((l) => !step.labels.includes(l));
        nextId = step.next;
        break;
      case 'set_field':
        setField(step.id, {
          [step.field]: typeof step.value === 'string' ? renderText(step.value, contact) : step.value,
        });
        nextId = step.next;
        break;
      case 'delay':
        return waitHere('delay', ctx.now + delayMs(step));
      case 'start_sequence':
        effects.push({ kind: 'start_sequence', stepId: step.id, sequenceId: step.sequenceId });
        nextId = step.next;
        break;
      case 'stop_sequence':
        effects.push({
          kind: 'stop_sequence',
          stepId: step.id,
          ...(step.sequenceId === undefined ? {} : { sequenceId: step.sequenceId }),
        });
        nextId = step.next;
        break;
      case 'handoff':
        effects.push({ kind: 'handoff', stepId: step.id });
        return done('handoff');
      case 'webhook':
        effects.push({ kind: 'webhook', stepId: step.id, seq });
        return waitHere('webhook');
      case 'goal':
        effects.push({ kind: 'goal', stepId: step.id, name: step.name ?? step.id });
        nextId = step.next;
        break;
      default: {
        const never: never = step;
        throw new Error(`unknown step ${JSON.stringify(never)}`);
      }
    }
  }
  return done('completed');
}
