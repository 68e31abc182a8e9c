/**
 * The save-time compliance check of a flow (pure): for every step that sends something, how long
 * after the person's last action can it run at the latest, and would any route allow it then?
 *
 * A run starts on something the person did (a keyword, a tap, a ref, an opt-in), so the window is
 * open at the start. Delays and webhook calls push the next sends later; a question re-opens the
 * window (the person answers). For each send we ask the policy engine itself (`decide`) under the
 * most favourable facts a Page can have (utility and marketing permissions granted, the person
 * subscribed when the step targets subscribers): if even then nothing allows it, no contact could
 * ever receive it lawfully and the flow is refused with the engine's reasons. Where it depends on
 * a permission or a subscription, a warning says so.
 */

import { withFallbacks } from '../broadcasts/personalize.ts';
import { messageFacts, type OutboxContent } from '../outbound/content.ts';
import { decide, type Facts, type Lang, type RuleSet, reasonText } from '../policy/index.ts';
import {
  DEFAULT_WEBHOOK_RETRIES,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  delayMs,
  type FlowDocument,
  type FlowStep,
  startStepId,
  successors,
} from './document.ts';
import { durationText, problemMessage, WORDS } from './messages.ts';
import type { FlowProblem } from './schema.ts';

const HOUR_MS = 3_600_000;
/** Stands for "unbounded" (a loop with a delay in it): later than any window. */
const FOREVER = 400 * 24 * HOUR_MS;

/** What a step sends, as the outbox would carry it; null when the step sends nothing. */
export function stepContent(step: FlowStep, purpose: 'response' | 'update'): OutboxContent | null {
  switch (step.type) {
    case 'send':
      return { message: step.message, purpose, sender: 'bot' };
    case 'ask':
      return {
        message: { type: 'text', text: step.text, ...(askQuickReplies(step) ?? {}) },
        purpose,
        sender: 'bot',
      };
    case 'optin_request':
      return {
        message: {
          type: 'notification_messages_optin',
          title: step.title,
          payload: step.payload,
          ...(step.imageUrl === undefined ? {} : { imageUrl: step.imageUrl }),
          ...(step.ctaText === undefined ? {} : { ctaText: step.ctaText }),
        },
        purpose,
        sender: 'bot',
      };
    case 'utility_template':
      return {
        message: {
          type: 'utility_template',
          name: step.name,
          language: step.language,
          ...(step.parameters === undefined ? {} : { bodyParameters: step.parameters }),
        },
        purpose: 'update',
        sender: 'bot',
      };
    default:
      return null;
  }
}

/** Quick replies of a question: its own, or one per choice. */
export function askQuickReplies(
  step: Extract<FlowStep, { type: 'ask' }>,
): { quickReplies: NonNullable<Extract<FlowStep, { type: 'ask' }>['quickReplies']> } | undefined {
  if (step.quickReplies !== undefined && step.quickReplies.length > 0)
    return { quickReplies: step.quickReplies };
  if (step.validate === 'choice' && step.choices !== undefined && step.choices.length > 0)
    return { quickReplies: step.choices.map((c) => ({ title: c, payload: c })) };
  return undefined;
}

/** Longest time a webhook step can hold the run: every attempt timing out plus the backoff between. */
function webhookWorstMs(step: Extract<FlowStep, { type: 'webhook' }>): number {
  const retries = step.retries ?? DEFAULT_WEBHOOK_RETRIES;
  const timeout = step.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  let backoff = 0;
  for (let i = 1; i <= retries; i++) backoff += 1000 * 2 ** (i - 1);
  return (retries + 1) * timeout + backoff;
}

/** Time added between entering `step` and leaving it towards `to`. null: the person acts (window re-opens). */
function edgeDelay(step: FlowStep): number | null {
  switch (step.type) {
    case 'ask':
      return null;
    case 'delay':
      return delayMs(step);
    case 'webhook':
      return webhookWorstMs(step);
    default:
      return 0;
  }
}

/**
 * The latest moment (ms after the person's last action) each reachable step can start.
 * Unreachable steps are absent. Loops that add time make their steps `FOREVER`.
 */
export function latestStart(doc: FlowDocument): Map<string, number> {
  const byId = new Map(doc.steps.map((s) => [s.id, s]));
  const start = startStepId(doc);
  const at = new Map<string, number>();
  if (start === undefined || !byId.has(start)) return at;
  at.set(start, 0);
  // Longest paths by relaxation; still growing after |steps| rounds means a loop that adds time.
  for (let round = 0; round <= doc.steps.length; round++) {
    let changed = false;
    for (const [id, t] of [...at]) {
      const step = byId.get(id)!;
      const add = edgeDelay(step);
      const out = add === null ? 0 : Math.min(FOREVER, t + add);
      for (const next of successors(step)) {
        if (!byId.has(next)) continue;
        const prev = at.get(next);
        if (prev === undefined || out > prev) {
          at.set(next, out);
          changed = true;
        }
      }
    }
    if (!changed) return at;
  }
  for (const [id, t] of at) if (t > 0) at.set(id, FOREVER);
  return at;
}

/** Steps in a loop made only of instant steps (no question, delay or webhook): it would never stop. */
export function instantLoops(doc: FlowDocument): Set<string> {
  const byId = new Map(doc.steps.map((s) => [s.id, s]));
  const waits = (s: FlowStep) => s.type === 'ask' || s.type === 'delay' || s.type === 'webhook';
  const inLoop = new Set<string>();
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 1);
    stack.push(id);
    const step = byId.get(id)!;
    if (!waits(step)) {
      for (const next of successors(step)) {
        const n = byId.get(next);
        if (!n || waits(n)) continue;
        if (state.get(next) === 1) {
          for (let i = stack.indexOf(next); i < stack.length; i++) inLoop.add(stack[i]!);
        } else if (!state.has(next)) visit(next);
      }
    }
    stack.pop();
    state.set(id, 2);
  };
  for (const s of doc.steps) if (!state.has(s.id) && !waits(s)) visit(s.id);
  return inLoop;
}

export interface LawfulCheckInput {
  readonly doc: FlowDocument;
  /** The rules in force when the flow is saved. */
  readonly rules: RuleSet;
  readonly now: number;
  readonly lang: Lang;
}

/** The most favourable facts a Page and person can have for `content` sent `after` ms after their last action. */
export function bestCaseFacts(
  content: OutboxContent,
  after: number,
  now: number,
  subscribed: boolean,
): Facts {
  return {
    now,
    page: {
      humanAgent: false,
      utilityMessaging: true,
      marketingMessages: true,
      newsPageIndex: false,
      restricted: false,
      businessCountry: null,
    },
    contact: {
      lastInboundAt: now - after,
      lastInboundKind: 'message',
      adWindowStartedAt: null,
      // Any country the Marketing Message API reaches: the check is about the content and timing.
      country: subscribed ? 'US' : null,
      blocked: false,
      optedOut: false,
      marketingSubscription: subscribed ? { status: 'active', lastSentAt: null, expiresAt: null } : null,
      legacyNotificationToken: null,
      oneTimeToken: null,
      windowClosedByGraphAt: null,
    },
    message: messageFacts(withFallbacks(content)),
  };
}

/** Refusals (errors) and cautions (warnings) about when the flow's sends would go out. */
export function checkLawfulRoutes(input: LawfulCheckInput): FlowProblem[] {
  const { doc, rules, now, lang } = input;
  const windowMs = rules.params.standardWindow.hours * HOUR_MS;
  const latest = latestStart(doc);
  const problems: FlowProblem[] = [];
  const index = new Map(doc.steps.map((s, i) => [s.id, i]));
  const refused = new Set<string>();
  const routes = new Map<string, string>();

  for (const step of doc.steps) {
    const after = latest.get(step.id);
    if (after === undefined) continue;
    const content = stepContent(step, after === 0 ? 'response' : 'update');
    if (content === null) continue;
    const subscribed = step.type === 'send' && step.audience === 'subscribers';
    const decision = decide(bestCaseFacts(content, after, now, subscribed), rules, now);
    const i = index.get(step.id)!;
    const afterText =
      after >= FOREVER
        ? lang === 'es'
          ? 'un tiempo indefinido'
          : 'an unbounded time'
        : durationText(lang, after);
    if (!decision.allowed) {
      refused.add(step.id);
      const reasons = decision.reasons.map((r) => reasonText(r, { lang, now })).join(' ');
      const params = { after: afterText, reasons, codes: decision.reasons.map((r) => r.code).join(',') };
      problems.push({
        stepId: step.id,
        path: `steps[${i}]`,
        code: 'no_lawful_route',
        severity: 'error',
        params,
        message: problemMessage(lang, 'no_lawful_route', { stepId: step.id, field: '' }, params),
      });
      continue;
    }
    routes.set(step.id, decision.route ?? 'standard');
    const permission =
      decision.route === 'utility'
        ? 'pages_utility_messaging'
        : decision.route === 'marketing_message'
          ? 'marketing messages (Marketing Message API)'
          : null;
    if (permission !== null) {
      problems.push({
        stepId: step.id,
        path: `steps[${i}]`,
        code: 'needs_permission',
        severity: 'warning',
        params: { permission },
        message: problemMessage(lang, 'needs_permission', { stepId: step.id, field: '' }, { permission }),
      });
    }
  }

  // A delay that carries the run past the window: refused when what it leads to cannot go then.
  const byId = new Map(doc.steps.map((s) => [s.id, s]));
  for (const step of doc.steps) {
    if (step.type !== 'delay') continue;
    const before = latest.get(step.id);
    if (before === undefined || Math.min(FOREVER, before + delayMs(step)) <= windowMs) continue;
    const sends = firstSendsAfter(step, byId);
    if (sends.length === 0) continue;
    const i = index.get(step.id)!;
    const delay = durationText(lang, delayMs(step));
    const blocked = sends.find((s) => refused.has(s));
    if (blocked !== undefined) {
      const params = { delay, step: blocked };
      problems.push({
        stepId: step.id,
        path: `steps[${i}]`,
        code: 'delay_outlives_window',
        severity: 'error',
        params,
        message: problemMessage(lang, 'delay_outlives_window', { stepId: step.id, field: '' }, params),
      });
    } else {
      const who = sends.some((s) => routes.get(s) === 'marketing_message')
        ? WORDS[lang].subscribers!
        : WORDS[lang].template!;
      const params = { delay, who };
      problems.push({
        stepId: step.id,
        path: `steps[${i}]`,
        code: 'delay_outlives_window_lawful',
        severity: 'warning',
        params,
        message: problemMessage(lang, 'delay_outlives_window_lawful', { stepId: step.id, field: '' }, params),
      });
    }
  }
  return problems;
}

/** The first sending steps reachable from `from` through steps that send nothing and do not wait. */
function firstSendsAfter(from: FlowStep, byId: ReadonlyMap<string, FlowStep>): string[] {
  const found: string[] = [];
  const seen = new Set<string>([from.id]);
  const queue = successors(from);
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const s = byId.get(id);
    if (!s) continue;
    if (stepContent(s, 'update') !== null) found.push(id);
    else if (s.type !== 'delay' && s.type !== 'webhook') queue.push(...successors(s));
  }
  return found;
}
