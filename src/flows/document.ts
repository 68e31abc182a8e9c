/**
 * The flow document: what a marketer writes (in the dashboard or as JSON through the API) and what
 * a published version freezes. Plain readonly data; `schema.ts` parses it, `validate.ts` checks it.
 * See docs/flows.md for the format with an example.
 */
import type { Button, GenericElement, QuickReply } from '../messenger/outbound.ts';

/** How a keyword is compared with what the person wrote (always accent- and case-insensitive). */
export type KeywordMatch = 'exact' | 'contains' | 'regex';

export type FlowTrigger =
  | { readonly type: 'keyword'; readonly match: KeywordMatch; readonly value: string }
  /** An entry point's ref (m.me?ref=…, QR codes, ads); also what entry points pass to startFlowRun. */
  | { readonly type: 'ref'; readonly value: string }
  | { readonly type: 'postback'; readonly payload: string }
  | { readonly type: 'quick_reply'; readonly payload: string }
  /** The Get Started button; its payload as set in the Messenger profile. Default `GET_STARTED`. */
  | { readonly type: 'get_started'; readonly payload?: string }
  | { readonly type: 'ice_breaker'; readonly payload: string }
  /** When nothing else matched a message the person wrote. */
  | { readonly type: 'default' }
  /** A marketing-messages or plugin opt-in; `payload` narrows it to one opt-in request. */
  | { readonly type: 'optin'; readonly payload?: string };

export type FlowTriggerType = FlowTrigger['type'];

/** What a send step may carry (the OutboxContent message types a person reads in a conversation). */
export type SendMessage =
  | { readonly type: 'text'; readonly text: string; readonly quickReplies?: readonly QuickReply[] }
  | {
      readonly type: 'button_template';
      readonly text: string;
      readonly buttons: readonly Button[];
      readonly quickReplies?: readonly QuickReply[];
    }
  | {
      readonly type: 'generic_template';
      readonly elements: readonly GenericElement[];
      readonly imageAspectRatio?: 'horizontal' | 'square';
      readonly quickReplies?: readonly QuickReply[];
    }
  | {
      readonly type: 'attachment';
      readonly attachmentType: 'image' | 'audio' | 'video' | 'file';
      readonly url: string;
      readonly quickReplies?: readonly QuickReply[];
    };

export type AskValidation = 'text' | 'email' | 'phone' | 'number' | 'date' | 'choice';

export type Condition =
  | {
      readonly field: string;
      readonly op: 'exists' | 'not_exists' | 'eq' | 'neq' | 'contains' | 'gt' | 'lt';
      readonly value?: string | number | boolean;
    }
  | { readonly label: string; readonly op: 'has' | 'not_has' }
  | { readonly window: 'open' | 'closed' }
  /** Prefix of the person's locale: `es` matches `es_ES` and `es_MX`. */
  | { readonly locale: string };

export interface Branch {
  readonly if: readonly Condition[];
  /** Default `all`. */
  readonly match?: 'all' | 'any';
  readonly next: string;
}

interface StepBase {
  /** Unique within the flow; referenced by `next`, `fallback`, `else`, branches and stats. */
  readonly id: string;
  /** The step that follows; none ends the run. */
  readonly next?: string;
}

export type FlowStep =
  | (StepBase & {
      readonly type: 'send';
      readonly message: SendMessage;
      /**
       * `subscribers`: after the 24 h window this may go out as a marketing message to people who
       * opted in (others are refused at dispatch, with the reason). Default `everyone`.
       */
      readonly audience?: 'everyone' | 'subscribers';
    })
  | (StepBase & {
      readonly type: 'ask';
      readonly text: string;
      readonly quickReplies?: readonly QuickReply[];
      /** The contact field the answer is stored in. */
      readonly field: string;
      readonly validate: AskValidation;
      /** For `choice`: the accepted answers (quick replies are offered when none are given). */
      readonly choices?: readonly string[];
      /** Wrong answers re-prompted before `fallback`. Default 2. */
      readonly retries?: number;
      /** Said after a wrong answer. Default: a message for the validation kind, in the contact's language. */
      readonly reprompt?: string;
      /** Taken when the retries are used up; none ends the run. */
      readonly fallback?: string;
    })
  | (StepBase & { readonly type: 'condition'; readonly branches: readonly Branch[]; readonly else?: string })
  | (StepBase & { readonly type: 'add_label' | 'remove_label'; readonly labels: readonly string[] })
  | (StepBase & {
      readonly type: 'set_field';
      readonly field: string;
      readonly value: string | number | boolean | null;
    })
  | (StepBase & {
      readonly type: 'delay';
      readonly minutes?: number;
      readonly hours?: number;
      readonly days?: number;
    })
  | (StepBase & { readonly type: 'start_sequence'; readonly sequenceId: string })
  | (StepBase & { readonly type: 'stop_sequence'; readonly sequenceId?: string })
  | (StepBase & { readonly type: 'handoff' })
  | (StepBase & {
      readonly type: 'webhook';
      readonly url: string;
      /** Default 5000 ms. */
      readonly timeoutMs?: number;
      /** Retries after a failure, with exponential backoff. Default 2. */
      readonly retries?: number;
      /** Contact field → dotted path in the JSON answer, e.g. `{ "plan": "customer.plan" }`. */
      readonly setFields?: Readonly<Record<string, string>>;
      /** Taken when every attempt failed; none ends the run. */
      readonly onError?: string;
    })
  | (StepBase & {
      readonly type: 'optin_request';
      readonly title: string;
      readonly payload: string;
      readonly imageUrl?: string;
      readonly ctaText?: 'ALLOW' | 'GET' | 'GET_UPDATES' | 'OPT_IN' | 'SIGN_UP';
    })
  | (StepBase & {
      readonly type: 'utility_template';
      readonly name: string;
      readonly language: string;
      readonly parameters?: readonly string[];
    })
  | (StepBase & { readonly type: 'goal'; readonly name?: string });

export type FlowStepType = FlowStep['type'];

export interface FlowDocument {
  readonly name: string;
  /** When two flows match, or a flow's trigger fires while another runs: higher wins. Default 0. */
  readonly priority?: number;
  readonly triggers: readonly FlowTrigger[];
  /** The first step; default the first of `steps`. */
  readonly start?: string;
  readonly steps: readonly FlowStep[];
}

export const DEFAULT_ASK_RETRIES = 2;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000;
export const DEFAULT_WEBHOOK_RETRIES = 2;
export const DEFAULT_GET_STARTED_PAYLOAD = 'GET_STARTED';

/** The steps a step may lead to (in the order they are listed). */
export function successors(step: FlowStep): string[] {
  const out: string[] = [];
  if (step.next !== undefined) out.push(step.next);
  if (step.type === 'ask' && step.fallback !== undefined) out.push(step.fallback);
  if (step.type === 'webhook' && step.onError !== undefined) out.push(step.onError);
  if (step.type === 'condition') {
    for (const b of step.branches) out.push(b.next);
    if (step.else !== undefined) out.push(step.else);
  }
  return out;
}

/** Milliseconds a delay step waits. */
export function delayMs(step: { minutes?: number; hours?: number; days?: number }): number {
  return ((step.days ?? 0) * 24 * 60 + (step.hours ?? 0) * 60 + (step.minutes ?? 0)) * 60_000;
}

export function startStepId(doc: FlowDocument): string | undefined {
  return doc.start ?? doc.steps[0]?.id;
}
