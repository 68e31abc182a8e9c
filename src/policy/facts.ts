/**
 * The parse boundary of the policy engine: a JSON document of facts (DESIGN 3.1) becomes typed `Facts`,
 * or a list of problems each naming the field. Never throws on input.
 */
import { z } from 'zod';
import { type Facts, INBOUND_KINDS } from './types.ts';

/** An instant given as ISO 8601 text or epoch milliseconds. */
const instant = z.union([z.number().int().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  // Dates without a time ("2026-04-27") are accepted as UTC midnight; anything else must carry a zone.
  const ok = /^\d{4}-\d{2}-\d{2}$/.test(value) || /^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:?\d{2})$/.test(value);
  const ms = ok ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected_instant' });
    return z.NEVER;
  }
  return ms;
});

const country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, { message: 'expected_country' })
  .transform((c) => c.toUpperCase());

const button = z.object({
  type: z.string().min(1),
  title: z.string().optional(),
  url: z.string().optional(),
  payload: z.string().optional(),
});

const factsSchema = z.object({
  now: instant,
  page: z
    .object({
      humanAgent: z.boolean().default(false),
      utilityMessaging: z.boolean().default(false),
      marketingMessages: z.boolean().default(false),
      newsPageIndex: z.boolean().default(false),
      restricted: z.boolean().default(false),
      businessCountry: country.nullable().default(null),
    })
    .default({
      humanAgent: false,
      utilityMessaging: false,
      marketingMessages: false,
      newsPageIndex: false,
      restricted: false,
      businessCountry: null,
    }),
  contact: z
    .object({
      lastInboundAt: instant.nullable().default(null),
      lastInboundKind: z.enum(INBOUND_KINDS).nullable().default(null),
      adWindowStartedAt: instant.nullable().default(null),
      country: country.nullable().default(null),
      blocked: z.boolean().default(false),
      optedOut: z.boolean().default(false),
      windowClosedByGraphAt: instant.nullable().default(null),
      marketingSubscription: z
        .object({
          status: z.enum(['active', 'stopped', 'expired']).default('active'),
          lastSentAt: instant.nullable().default(null),
          expiresAt: instant.nullable().default(null),
          heldUntil: instant.nullable().default(null),
        })
        .nullable()
        .default(null),
      legacyNotificationToken: z
        .object({
          status: z.enum(['active', 'stopped']).default('active'),
          lastSentAt: instant.nullable().default(null),
          expiresAt: instant.nullable().default(null),
        })
        .nullable()
        .default(null),
      oneTimeToken: z
        .object({ createdAt: instant, usedAt: instant.nullable().default(null) })
        .nullable()
        .default(null),
    })
    .default({
      lastInboundAt: null,
      lastInboundKind: null,
      adWindowStartedAt: null,
      country: null,
      blocked: false,
      optedOut: false,
      windowClosedByGraphAt: null,
      marketingSubscription: null,
      legacyNotificationToken: null,
      oneTimeToken: null,
    }),
  message: z.object({
    sender: z.enum(['bot', 'human']).default('bot'),
    purpose: z.enum(['response', 'update']).default('update'),
    text: z.string().nullable().default(null),
    buttons: z.array(button).default([]),
    quickReplies: z
      .array(z.object({ title: z.string().optional(), payload: z.string().optional() }))
      .default([]),
    tag: z
      .string()
      .regex(/^[A-Z_]{2,64}$/, { message: 'expected_tag' })
      .nullable()
      .default(null),
    template: z
      .object({
        category: z
          .string()
          .min(1)
          .transform((c) => c.toUpperCase()),
        name: z.string().min(1),
        parameters: z.array(z.string()).default([]),
        status: z
          .string()
          .min(1)
          .transform((s) => s.toUpperCase())
          .nullable()
          .default(null),
      })
      .nullable()
      .default(null),
    optinRequest: z.boolean().default(false),
    privateReply: z
      .object({
        commentId: z.string().min(1).nullable().default(null),
        postId: z.string().min(1).nullable().default(null),
        createdAt: instant,
        alreadyReplied: z.boolean().default(false),
      })
      .refine((p) => p.commentId !== null || p.postId !== null, { message: 'expected_comment_or_post' })
      .nullable()
      .default(null),
  }),
});

/** What is wrong with one field; `message` codes are rendered per language by the i18n module. */
export interface FactsProblem {
  readonly field: string;
  readonly problem: string;
}

export type FactsResult = { ok: true; facts: Facts } | { ok: false; problems: readonly FactsProblem[] };

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function problemOf(issue: z.core.$ZodIssue, input: unknown): FactsProblem {
  const field = issue.path.map(String).join('.') || '(document)';
  if (issue.path.length > 0 && valueAt(input, issue.path) === undefined)
    return { field, problem: 'required' };
  switch (issue.code) {
    case 'invalid_type':
      return { field, problem: `expected_${issue.expected}` };
    case 'invalid_value':
      return { field, problem: `expected_one_of:${issue.values.join('|')}` };
    case 'unrecognized_keys':
      return { field, problem: `unknown_keys:${issue.keys.join(',')}` };
    case 'invalid_union':
      return { field, problem: 'expected_instant' };
    default:
      return { field, problem: issue.message };
  }
}

/** Validates a facts document. Unknown keys are allowed (forward compatible); wrong types are not. */
export function parseFacts(input: unknown): FactsResult {
  const result = factsSchema.safeParse(input);
  if (!result.success) return { ok: false, problems: result.error.issues.map((i) => problemOf(i, input)) };
  const f = result.data;
  return {
    ok: true,
    facts: {
      now: f.now,
      page: f.page,
      contact: f.contact,
      message: { ...f.message, promotional: null },
    },
  };
}
