/**
 * What a broadcast is, and the parse boundary that turns untrusted JSON into one: every problem is a
 * value naming the field, in Spanish or English, and nothing is stored when there is any.
 */
import { z } from 'zod';
import { type OutboundMessage, validateOutbound } from '../messenger/outbound.ts';
import type { OutboxContent } from '../outbound/content.ts';
import { classifyContent, type Lang, type PromotionalVerdict } from '../policy/index.ts';
import type { BroadcastIntent, BroadcastStatus } from '../storage/schema.ts';
import { problemText } from './messages.ts';
import { classifiableOf, withFallbacks } from './personalize.ts';

export type { BroadcastIntent, BroadcastStatus } from '../storage/schema.ts';

export const INTENTS = ['promotional', 'non_promotional', 'transactional'] as const;
export const MARKETING_FILTERS = ['active', 'stopped', 'expired', 'none'] as const;

/** Who receives a broadcast. Every condition given must hold (AND); omitted ones do not filter. */
export interface Audience {
  readonly pageIds?: readonly string[];
  readonly labels?: {
    readonly all?: readonly string[];
    readonly any?: readonly string[];
    readonly none?: readonly string[];
  };
  /** e.g. ["es", "pt_BR"]: the contact's locale starts with one of them. */
  readonly localePrefixes?: readonly string[];
  readonly lastSeenWithinDays?: number;
  /** Only people whose standard window is open (true) or closed (false) when the fan-out reaches them. */
  readonly windowOpen?: boolean;
  /** Marketing Message subscription status; 'none' = never subscribed. */
  readonly marketingSubscription?: (typeof MARKETING_FILTERS)[number];
  /** First or last entry point (ref) the person came through. */
  readonly entryPoint?: string;
  /** Custom fields that must equal these values. */
  readonly fieldEquals?: Readonly<Record<string, string | number | boolean>>;
}

export interface BroadcastInput {
  readonly name: string;
  readonly audience: Audience;
  readonly content: OutboxContent;
  readonly intent: BroadcastIntent;
}

/** The classifier's verdict as stored and shown (signals without internals). */
export interface StoredVerdict {
  readonly promotional: boolean;
  readonly score: number;
  readonly signals: readonly { readonly kind: string; readonly text: string }[];
}

export interface Broadcast {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly audience: Audience;
  readonly content: OutboxContent;
  readonly intent: BroadcastIntent;
  readonly verdict: StoredVerdict;
  readonly status: BroadcastStatus;
  readonly fanOutCursor: string | null;
  readonly fanOutDone: boolean;
  readonly enqueued: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

export type BroadcastProblemCode =
  | 'invalid_json'
  | 'required'
  | 'invalid_value'
  | 'invalid_message'
  | 'promotional_not_allowed';

export interface BroadcastProblem {
  readonly field: string;
  readonly code: BroadcastProblemCode;
  readonly message: string;
}

export type ParseBroadcastResult =
  | { readonly ok: true; readonly input: BroadcastInput; readonly verdict: StoredVerdict }
  | { readonly ok: false; readonly problems: readonly BroadcastProblem[] };

const text = z.string();
const quickReply = z.strictObject({
  contentType: z.enum(['text', 'user_phone_number', 'user_email']).optional(),
  title: text.optional(),
  payload: text.optional(),
  imageUrl: text.optional(),
});
const button = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('web_url'),
    title: text,
    url: text,
    webviewHeightRatio: z.enum(['compact', 'tall', 'full']).optional(),
  }),
  z.strictObject({ type: z.literal('postback'), title: text, payload: text }),
]);
const quickReplies = z.array(quickReply).optional();
/** The messages a campaign may send (shared with sequences). */
export const messageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text, quickReplies }),
  z.strictObject({ type: z.literal('button_template'), text, buttons: z.array(button), quickReplies }),
  z.strictObject({
    type: z.literal('generic_template'),
    elements: z.array(
      z.strictObject({
        title: text,
        subtitle: text.optional(),
        imageUrl: text.optional(),
        defaultActionUrl: text.optional(),
        buttons: z.array(button).optional(),
      }),
    ),
    imageAspectRatio: z.enum(['horizontal', 'square']).optional(),
    quickReplies,
  }),
  z.strictObject({
    type: z.literal('attachment'),
    attachmentType: z.enum(['image', 'audio', 'video', 'file']),
    url: text.optional(),
    attachmentId: text.optional(),
    isReusable: z.boolean().optional(),
    quickReplies,
  }),
  z.strictObject({
    type: z.literal('utility_template'),
    name: text,
    language: text,
    bodyParameters: z.array(z.union([text, z.strictObject({ name: text, text })])).optional(),
  }),
]);
const stringList = z.array(z.string().min(1));
const audienceSchema = z.strictObject({
  pageIds: stringList.optional(),
  labels: z
    .strictObject({ all: stringList.optional(), any: stringList.optional(), none: stringList.optional() })
    .optional(),
  localePrefixes: stringList.optional(),
  lastSeenWithinDays: z.number().positive().optional(),
  windowOpen: z.boolean().optional(),
  marketingSubscription: z.enum(MARKETING_FILTERS).optional(),
  entryPoint: z.string().min(1).optional(),
  fieldEquals: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
const inputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  audience: audienceSchema.default({}),
  content: z.strictObject({
    message: messageSchema,
    sender: z.enum(['bot', 'human']).optional(),
  }),
  intent: z.enum(INTENTS),
});

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

/** The verdict as stored: the content with every placeholder at its fallback, classified once. */
export function verdictOf(content: OutboxContent): PromotionalVerdict {
  return classifyContent(classifiableOf(withFallbacks(content)));
}

function storedVerdict(v: PromotionalVerdict): StoredVerdict {
  return {
    promotional: v.value,
    score: v.score,
    signals: v.signals.map((s) => ({ kind: s.kind, text: s.text })),
  };
}

/**
 * Validates a broadcast as received (API body, CLI file). Pure.
 * A promotional verdict is never overridden: declaring such content non-promotional or
 * transactional is refused here, with the signals, rather than sent through a route it may not use.
 */
export function parseBroadcastInput(raw: unknown, lang: Lang): ParseBroadcastResult {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return {
        ok: false,
        problems: [{ field: '(body)', code: 'invalid_json', message: problemText('invalid_json', lang) }],
      };
    }
  }
  const parsed = inputSchema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const missing = issue.code === 'invalid_type' && issue.message.includes('undefined');
        const code: BroadcastProblemCode = missing ? 'required' : 'invalid_value';
        const field = pathOf(issue.path) || '(body)';
        return { field, code, message: `${field}: ${problemText(code, lang)}` };
      }),
    };
  }
  const input = parsed.data as unknown as BroadcastInput;
  const problems: BroadcastProblem[] = validateOutbound(input.content.message as OutboundMessage, {
    lang,
  }).map((p) => ({
    field: `content.message.${p.path}`.replace(/\.$/, ''),
    code: 'invalid_message',
    message: `content.message.${p.path}: ${p.message}`,
  }));
  if (problems.length > 0) return { ok: false, problems };
  const verdict = verdictOf(input.content);
  if (verdict.value && input.intent !== 'promotional') {
    const signals = verdict.signals.map((s) => `${s.kind} "${s.text}"`).join(', ');
    return {
      ok: false,
      problems: [
        {
          field: 'intent',
          code: 'promotional_not_allowed',
          message: `intent: ${problemText('promotional_not_allowed', lang, { intent: input.intent, signals })}`,
        },
      ],
    };
  }
  return { ok: true, input, verdict: storedVerdict(verdict) };
}
