/**
 * What a broadcast is, and the parse boundary that turns untrusted JSON into one: every problem is a
 * value naming the field, in Spanish or English, and nothing is stored when there is any.
 */

import { z } from 'zod';
import { fieldPath, parseBody } from '../lib/parse-body.ts';
import { type OutboundMessage, validateOutbound } from '../messenger/outbound.ts';
import type { OutboxContent } from '../outbound/content.ts';
import { classifyContent, type Lang, type PromotionalVerdict } from '../policy/index.ts';
import type { BroadcastIntent, BroadcastStatus } from '../storage/schema.ts';
import { problemText } from './messages.ts';
import { classifiableOf, withFallbacks } from './personalize.ts';
import {
  CLOSED_WINDOW_CHOICES,
  DEFAULT_WINDOW_MARGIN_MINUTES,
  MAX_OFFSET_HOURS,
  MIN_OFFSET_HOURS,
  type Schedule,
} from './schedule.ts';

export type { BroadcastIntent, BroadcastStatus } from '../storage/schema.ts';

export const INTENTS = ['promotional', 'non_promotional', 'transactional'] as const;
export const MARKETING_FILTERS = ['active', 'stopped', 'expired', 'none'] as const;
export const WINDOW_STATES = ['open', 'human_agent', 'closed'] as const;
export type WindowState = (typeof WINDOW_STATES)[number];

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
  /** Only people NOT seen for at least this many days (win-back audiences). */
  readonly notSeenForDays?: number;
  /** Only people whose standard window is open (true) or closed (false) when the fan-out reaches them. */
  readonly windowOpen?: boolean;
  /**
   * Window state as the inbox shows it: open (standard), human_agent (closed, but a human agent may
   * still answer: within 7 days of their last message), closed (beyond that). Any of those listed.
   */
  readonly windowState?: readonly WindowState[];
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
  /** Null: send when the broadcast is started. */
  readonly schedule: Schedule | null;
  /** Rewrite web links to tracked redirects (clicks per person in the report). Default true. */
  readonly trackLinks: boolean;
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
  readonly schedule: Schedule | null;
  readonly trackLinks: boolean;
  /** People the schedule left out (window already closed and `closedWindow: 'skip'`). */
  readonly skipped: number;
}

export type BroadcastProblemCode =
  | 'invalid_json'
  | 'required'
  | 'invalid_value'
  | 'invalid_message'
  | 'promotional_not_allowed'
  | 'schedule_at_invalid'
  | 'schedule_needs_zone'
  | 'schedule_local_has_zone'
  | 'schedule_in_past'
  | 'schedule_needs_at'
  | 'invalid_timezone';

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
  notSeenForDays: z.number().positive().optional(),
  windowOpen: z.boolean().optional(),
  windowState: z.array(z.enum(WINDOW_STATES)).min(1).optional(),
  marketingSubscription: z.enum(MARKETING_FILTERS).optional(),
  entryPoint: z.string().min(1).optional(),
  fieldEquals: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
const scheduleSchema = z.strictObject({
  at: z.string().optional(),
  localTime: z.boolean().optional(),
  fallbackTimezone: z.number().optional(),
  beforeWindowCloses: z.boolean().optional(),
  windowMarginMinutes: z.number().int().min(1).max(1440).optional(),
  closedWindow: z.enum(CLOSED_WINDOW_CHOICES).optional(),
});
type ScheduleInput = z.infer<typeof scheduleSchema>;
/** The body of POST /api/v1/broadcasts; also documents it in the OpenAPI file (src/server/api-docs.ts). */
export const broadcastInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  schedule: scheduleSchema.optional(),
  trackLinks: z.boolean().optional(),
  audience: audienceSchema.default({}),
  content: z.strictObject({
    message: messageSchema,
    sender: z.enum(['bot', 'human']).optional(),
  }),
  intent: z.enum(INTENTS),
});

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const HOUR_MS = 3_600_000;

function wallClock(text: string): number | null {
  const m = WALL_CLOCK.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const t = Date.UTC(y, mo - 1, d, h, mi, sec);
  const back = new Date(t);
  // 2026-02-30 is not a day: Date.UTC would roll it over silently.
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59) return null;
  return t;
}

/**
 * The schedule as stored, or the problems with it. `now` (when given) refuses moments already past:
 * for local time, only once the last time zone (UTC−12) has passed it.
 */
export function parseSchedule(
  input: ScheduleInput | undefined,
  lang: Lang,
  now?: number,
):
  | { readonly ok: true; readonly schedule: Schedule | null }
  | { readonly ok: false; readonly problems: BroadcastProblem[] } {
  if (input === undefined) return { ok: true, schedule: null };
  const problems: BroadcastProblem[] = [];
  const problem = (field: string, code: BroadcastProblemCode) =>
    problems.push({ field, code, message: `${field}: ${problemText(code as never, lang)}` });
  const localTime = input.localTime === true;
  const beforeWindowCloses = input.beforeWindowCloses === true;
  let at: number | null = null;
  if (input.at !== undefined) {
    const text = input.at.trim();
    if (localTime) {
      if (WITH_ZONE.test(text)) problem('schedule.at', 'schedule_local_has_zone');
      else {
        at = wallClock(text);
        if (at === null) problem('schedule.at', 'schedule_at_invalid');
        else if (now !== undefined && at - MIN_OFFSET_HOURS * HOUR_MS < now)
          problem('schedule.at', 'schedule_in_past');
      }
    } else if (wallClock(text) !== null) problem('schedule.at', 'schedule_needs_zone');
    else {
      const parsed = WITH_ZONE.test(text) ? Date.parse(text) : Number.NaN;
      if (Number.isNaN(parsed)) problem('schedule.at', 'schedule_at_invalid');
      else if (now !== undefined && parsed < now) problem('schedule.at', 'schedule_in_past');
      else at = parsed;
    }
  } else {
    if (localTime) problem('schedule.localTime', 'schedule_needs_at');
    if (beforeWindowCloses) problem('schedule.beforeWindowCloses', 'schedule_needs_at');
  }
  const tz = input.fallbackTimezone;
  if (tz !== undefined && !(tz >= MIN_OFFSET_HOURS && tz <= MAX_OFFSET_HOURS && Number.isInteger(tz * 4)))
    problem('schedule.fallbackTimezone', 'invalid_timezone');
  if (problems.length > 0) return { ok: false, problems };
  if (at === null) return { ok: true, schedule: null };
  return {
    ok: true,
    schedule: {
      at,
      localTime,
      fallbackTimezone: tz ?? null,
      beforeWindowCloses,
      windowMarginMinutes: input.windowMarginMinutes ?? DEFAULT_WINDOW_MARGIN_MINUTES,
      closedWindow: input.closedWindow ?? 'route',
    },
  };
}

/** An audience alone (the live size while a marketer edits one), or the problems naming the field. */
export function parseAudience(
  raw: unknown,
  lang: Lang,
):
  | { readonly ok: true; readonly audience: Audience }
  | { readonly ok: false; readonly problems: BroadcastProblem[] } {
  const parsed = audienceSchema.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, audience: parsed.data as Audience };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const field = `audience${fieldPath(issue.path) ? `.${fieldPath(issue.path)}` : ''}`.replace('.[', '[');
      return { field, code: 'invalid_value', message: `${field}: ${problemText('invalid_value', lang)}` };
    }),
  };
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
export function parseBroadcastInput(raw: unknown, lang: Lang, now?: number): ParseBroadcastResult {
  const parsed = parseBody(raw, broadcastInputSchema, (code) => problemText(code, lang));
  if (!parsed.ok) return parsed;
  const schedule = parseSchedule(parsed.data.schedule, lang, now);
  if (!schedule.ok) return schedule;
  const input: BroadcastInput = {
    ...(parsed.data as unknown as Omit<BroadcastInput, 'schedule' | 'trackLinks'>),
    schedule: schedule.schedule,
    trackLinks: parsed.data.trackLinks ?? true,
  };
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
