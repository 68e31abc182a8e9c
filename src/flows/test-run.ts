/**
 * Test-run (pure): simulates a flow for given facts and answers, without sending or writing
 * anything. Delays advance a simulated clock, webhooks are assumed to answer without data, and every
 * send gets the policy decision it would get at that moment (route, reasons, alternatives, in the
 * reader's language), so a marketer sees where a flow would be refused before publishing it.
 */
import { messageFacts, type OutboxContent } from '../outbound/content.ts';
import { decide, type Facts, type Lang, type RuleBook, withMessages } from '../policy/index.ts';
import type { JsonValue } from '../storage/index.ts';
import type { FlowDocument } from './document.ts';
import { advance, type ContactState, NEW_CURSOR, type Resume, type RunCursor } from './interpreter.ts';

const HOUR_MS = 3_600_000;

export interface TestRunInput {
  readonly inputs?: readonly (string | { readonly text?: string; readonly payload?: string })[];
  readonly facts?: {
    readonly now?: string | number;
    readonly page?: Partial<Facts['page']>;
    readonly contact?: {
      readonly firstName?: string | null;
      readonly lastName?: string | null;
      readonly locale?: string | null;
      readonly country?: string | null;
      readonly labels?: readonly string[];
      readonly fields?: Readonly<Record<string, JsonValue>>;
      readonly optedOut?: boolean;
      readonly blocked?: boolean;
      /** Whether the person subscribed to marketing messages. Default false. */
      readonly marketingSubscribed?: boolean;
    };
  };
}

export interface TestRunStep {
  readonly stepId: string;
  readonly at: string;
  readonly sends: { readonly content: OutboxContent; readonly decision: ReturnType<typeof withMessages> }[];
  readonly actions: { readonly kind: string; readonly [key: string]: unknown }[];
}

export interface TestRunResult {
  readonly status: 'completed' | 'waiting_input' | 'failed' | 'stopped';
  readonly outcome: string | null;
  readonly steps: readonly TestRunStep[];
  readonly contact: {
    readonly labels: readonly string[];
    readonly fields: Readonly<Record<string, JsonValue>>;
  };
  /** Answers not consumed (the flow ended before asking for them). */
  readonly unusedInputs: number;
}

function toMs(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : Date.parse(value);
  return Number.isFinite(n) ? n : fallback;
}

export function simulateFlow(
  doc: FlowDocument,
  input: TestRunInput,
  opts: { readonly rules: RuleBook; readonly lang: Lang; readonly now: number },
): TestRunResult {
  const c = input.facts?.contact ?? {};
  let clock = toMs(input.facts?.now, opts.now);
  let lastInboundAt = clock;
  const page: Facts['page'] = {
    humanAgent: false,
    utilityMessaging: false,
    marketingMessages: false,
    newsPageIndex: false,
    restricted: false,
    businessCountry: null,
    ...input.facts?.page,
  };
  const windowHours = (at: number) => {
    const r = opts.rules.at(at);
    return r.ok ? r.ruleSet.params.standardWindow.hours : 24;
  };
  const state: ContactState & { windowOpen: boolean } = {
    labels: [...(c.labels ?? [])],
    fields: { ...(c.fields ?? {}) },
    locale: c.locale ?? null,
    firstName: c.firstName ?? null,
    lastName: c.lastName ?? null,
    // The test-run shows the texts as the person would read them, with the name given (or fallbacks).
    profileKnown: true,
    windowOpen: true,
  };
  const answers = [...(input.inputs ?? [])];
  const steps: TestRunStep[] = [];
  let cursor: RunCursor = NEW_CURSOR;
  let resume: Resume = { kind: 'start' };
  let inResponse = true;

  for (let round = 0; round < 100; round++) {
    state.windowOpen = clock < lastInboundAt + windowHours(clock) * HOUR_MS;
    const r = advance(doc, cursor, state, resume, { now: clock, inResponse });
    const at = new Date(clock).toISOString();
    const stepFor = (stepId: string): TestRunStep => {
      const last = steps.at(-1);
      if (last && last.stepId === stepId) return last;
      const s: TestRunStep = { stepId, at, sends: [], actions: [] };
      steps.push(s);
      return s;
    };
    for (const e of r.effects) {
      switch (e.kind) {
        case 'enter':
          steps.push({ stepId: e.stepId, at, sends: [], actions: [] });
          break;
        case 'send': {
          const ruleSet = opts.rules.at(clock);
          if (!ruleSet.ok) break;
          const facts: Facts = {
            now: clock,
            page,
            contact: {
              lastInboundAt,
              lastInboundKind: 'message',
              adWindowStartedAt: null,
              country: c.country ?? null,
              blocked: c.blocked ?? false,
              optedOut: c.optedOut ?? false,
              marketingSubscription: c.marketingSubscribed
                ? { status: 'active', lastSentAt: null, expiresAt: null }
                : null,
              legacyNotificationToken: null,
              oneTimeToken: null,
              windowClosedByGraphAt: null,
            },
            message: messageFacts(e.content),
          };
          const decision = decide(facts, ruleSet.ruleSet, clock);
          stepFor(e.stepId).sends.push({
            content: e.content,
            decision: withMessages(decision, { lang: opts.lang, now: clock }),
          });
          break;
        }
        case 'webhook':
          stepFor(e.stepId).actions.push({ kind: 'webhook', simulated: true });
          break;
        default: {
          const { stepId, kind, ...rest } = e;
          stepFor(stepId).actions.push({ kind, ...rest });
        }
      }
    }
    cursor = r.cursor;
    if (cursor.status !== 'waiting') {
      return {
        status: cursor.status,
        outcome: cursor.outcome,
        steps,
        contact: { labels: state.labels, fields: state.fields },
        unusedInputs: answers.length,
      };
    }
    switch (cursor.wait) {
      case 'input': {
        const next = answers.shift();
        if (next === undefined)
          return {
            status: 'waiting_input',
            outcome: null,
            steps,
            contact: { labels: state.labels, fields: state.fields },
            unusedInputs: 0,
          };
        const a = typeof next === 'string' ? { text: next } : next;
        resume = { kind: 'answer', text: a.text ?? null, payload: a.payload ?? null };
        lastInboundAt = clock;
        inResponse = true;
        break;
      }
      case 'delay':
        clock = cursor.resumeAt ?? clock;
        resume = { kind: 'delay_done' };
        inResponse = false;
        break;
      case 'webhook':
        resume = { kind: 'webhook_done', fields: {} };
        inResponse = false;
        break;
      default:
        return {
          status: 'failed',
          outcome: 'no_wait',
          steps,
          contact: { labels: state.labels, fields: state.fields },
          unusedInputs: answers.length,
        };
    }
  }
  return {
    status: 'failed',
    outcome: 'loop_limit',
    steps,
    contact: { labels: state.labels, fields: state.fields },
    unusedInputs: answers.length,
  };
}
