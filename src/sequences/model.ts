/**
 * What a sequence is, and the parse boundary that turns untrusted JSON into one: problems name the
 * field in Spanish or English and nothing is stored when there is any; warnings are saved along and
 * shown (a marketer may keep a step that will reach few people, but must know it).
 */

import { z } from 'zod';
import { messageSchema, verdictOf } from '../broadcasts/model.ts';
import { parseBody } from '../lib/parse-body.ts';
import { type OutboundMessage, validateOutbound } from '../messenger/outbound.ts';
import type { OutboxContent } from '../outbound/content.ts';
import type { Lang } from '../policy/index.ts';
import type { SequenceStatus } from '../storage/schema.ts';
import { type SequenceMessageCode, sequenceText } from './messages.ts';

export type { SequenceStatus } from '../storage/schema.ts';

export const STEP_INTENTS = ['promotional', 'non_promotional', 'transactional'] as const;
export type StepIntent = (typeof STEP_INTENTS)[number];
export const FALLBACKS = ['skip', 'wait_for_inbound', 'utility_template', 'marketing_message'] as const;
/** What a step does when the person's window has closed at its due time. */
export type FallbackType = (typeof FALLBACKS)[number];
export const DELAY_UNITS = ['minutes', 'hours', 'days'] as const;

export interface StepDelay {
  readonly amount: number;
  readonly unit: (typeof DELAY_UNITS)[number];
  /** Counted from the enrollment or from the previous step (default). */
  readonly from: 'enrollment' | 'previous';
  /** "HH:MM": then the step waits for the next such time in the person's local time. */
  readonly sendAt: string | null;
}

export type UtilityTemplateMessage = Extract<OutboundMessage, { type: 'utility_template' }>;

export interface SequenceStep {
  /** Stable within the sequence: step rows refer to it, so editing a sequence keeps history. */
  readonly id: string;
  readonly name: string | null;
  readonly delay: StepDelay;
  /** May hold `{{first_name|fallback}}` and `{{field.x}}` placeholders. */
  readonly content: OutboxContent;
  readonly intent: StepIntent;
  readonly fallback: { readonly type: FallbackType; readonly template: UtilityTemplateMessage | null };
}

export interface SequenceSettings {
  /** Reaching the goal (a label, or a custom field with a value) ends the enrollment. */
  readonly goal: { readonly label: string | null; readonly field: string | null } | null;
  /** People enter when one of these labels is added, or when they come through one of these refs. */
  readonly entry: { readonly labels: readonly string[]; readonly entryPoints: readonly string[] };
  /** UTC offset (hours) used for "send at HH:MM" when the person's time zone is unknown. */
  readonly defaultTimezone: number;
}

export interface SequenceInput {
  readonly name: string;
  readonly exitOnReply: boolean;
  readonly steps: readonly SequenceStep[];
  readonly settings: SequenceSettings;
}

export interface Sequence extends SequenceInput {
  readonly id: string;
  readonly workspaceId: string;
  readonly status: SequenceStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SequenceProblem {
  readonly field: string;
  readonly code: SequenceMessageCode;
  readonly message: string;
}

export interface SequenceWarning {
  /** 1-based step number. */
  readonly step: number;
  readonly code: SequenceMessageCode;
  readonly message: string;
}

export type ParseSequenceResult =
  | { readonly ok: true; readonly input: SequenceInput; readonly warnings: readonly SequenceWarning[] }
  | { readonly ok: false; readonly problems: readonly SequenceProblem[] };

const utilityTemplateSchema = z.strictObject({
  type: z.literal('utility_template'),
  name: z.string(),
  language: z.string(),
  bodyParameters: z
    .array(z.union([z.string(), z.strictObject({ name: z.string(), text: z.string() })]))
    .optional(),
});
const stepSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .optional(),
  name: z.string().trim().max(200).nullish(),
  delay: z.strictObject({
    amount: z
      .number()
      .int()
      .min(0)
      .max(366 * 24 * 60),
    unit: z.enum(DELAY_UNITS),
    from: z.enum(['enrollment', 'previous']).default('previous'),
    sendAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
      .nullish(),
  }),
  content: z.strictObject({ message: messageSchema }),
  intent: z.enum(STEP_INTENTS),
  fallback: z
    .strictObject({ type: z.enum(FALLBACKS), template: utilityTemplateSchema.nullish() })
    .default({ type: 'skip' }),
});
/** The body of POST/PUT /api/v1/sequences; also documents it in the OpenAPI file (src/server/api-docs.ts). */
export const sequenceInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  exitOnReply: z.boolean().default(false),
  steps: z.array(stepSchema).min(1).max(50),
  goal: z
    .strictObject({ label: z.string().min(1).nullish(), field: z.string().min(1).nullish() })
    .refine((g) => Boolean(g.label) || Boolean(g.field))
    .nullish(),
  entry: z
    .strictObject({
      labels: z.array(z.string().min(1)).default([]),
      entryPoints: z.array(z.string().min(1)).default([]),
    })
    .default({ labels: [], entryPoints: [] }),
  defaultTimezone: z.number().min(-12).max(14).default(0),
});

function signalsOf(content: OutboxContent): { promotional: boolean; signals: string } {
  const v = verdictOf(content);
  return { promotional: v.value, signals: v.signals.map((s) => `${s.kind} "${s.text}"`).join(', ') };
}

const DAY_H = 24;
const UNIT_H: Readonly<Record<StepDelay['unit'], number>> = { minutes: 1 / 60, hours: 1, days: 24 };

/**
 * Validates a sequence as received (API body). Pure.
 * Refused: invalid messages, a promotional verdict declared otherwise, a promotional utility template
 * (as content or as fallback), a utility_template fallback without its template.
 * Warned: a promotional step due more than 24 h after entry whose fallback is skip; wait_for_inbound
 * in a sequence that ends on reply; fallbacks that change the content or cost money.
 */
export function parseSequenceInput(raw: unknown, lang: Lang): ParseSequenceResult {
  const parsed = parseBody(raw, sequenceInputSchema, (code) => sequenceText(code, lang));
  if (!parsed.ok) return parsed;
  const data = parsed.data;
  const problems: SequenceProblem[] = [];
  const warnings: SequenceWarning[] = [];
  const problem = (field: string, code: SequenceMessageCode, params: Record<string, string | number> = {}) =>
    problems.push({ field, code, message: `${field}: ${sequenceText(code, lang, params)}` });
  const warn = (step: number, code: SequenceMessageCode, params: Record<string, string | number> = {}) =>
    warnings.push({ step, code, message: sequenceText(code, lang, { step, ...params }) });

  const seen = new Set<string>();
  const steps: SequenceStep[] = [];
  let offsetH = 0;
  data.steps.forEach((s, i) => {
    const at = `steps[${i}]`;
    const id = s.id ?? `s${i + 1}`;
    if (seen.has(id)) problem(`${at}.id`, 'duplicate_step_id', { id });
    seen.add(id);
    const content: OutboxContent = { message: s.content.message as OutboundMessage };
    for (const p of validateOutbound(content.message, { lang }))
      problem(`${at}.content.message.${p.path}`.replace(/\.$/, ''), 'invalid_message', { detail: p.message });
    const verdict = signalsOf(content);
    if (verdict.promotional && s.intent !== 'promotional')
      problem(`${at}.intent`, 'promotional_not_allowed', { intent: s.intent, signals: verdict.signals });
    const promotional = s.intent === 'promotional' || verdict.promotional;
    if (promotional && content.message.type === 'utility_template')
      problem(`${at}.content.message`, 'promotional_utility');

    const template = (s.fallback.template ?? null) as UtilityTemplateMessage | null;
    if (s.fallback.type === 'utility_template') {
      if (template === null) problem(`${at}.fallback.template`, 'fallback_template_required');
      else {
        for (const p of validateOutbound(template, { lang }))
          problem(`${at}.fallback.template.${p.path}`.replace(/\.$/, ''), 'invalid_message', {
            detail: p.message,
          });
        const tv = signalsOf({ message: template });
        if (tv.promotional)
          problem(`${at}.fallback.template`, 'fallback_template_promotional', { signals: tv.signals });
        else if (promotional) warn(i + 1, 'fallback_changes_content');
      }
    }
    if (s.fallback.type === 'marketing_message') warn(i + 1, 'marketing_paid');
    if (s.fallback.type === 'wait_for_inbound' && data.exitOnReply) warn(i + 1, 'wait_never_released');

    const hours = s.delay.amount * UNIT_H[s.delay.unit];
    offsetH = s.delay.from === 'enrollment' ? hours : offsetH + hours;
    if (promotional && s.fallback.type === 'skip' && offsetH > DAY_H)
      warn(i + 1, 'promotional_late_skip', { hours: Math.round(offsetH) });

    steps.push({
      id,
      name: s.name ?? null,
      delay: {
        amount: s.delay.amount,
        unit: s.delay.unit,
        from: s.delay.from,
        sendAt: s.delay.sendAt ?? null,
      },
      content,
      intent: s.intent,
      fallback: { type: s.fallback.type, template: s.fallback.type === 'utility_template' ? template : null },
    });
  });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    input: {
      name: data.name,
      exitOnReply: data.exitOnReply,
      steps,
      settings: {
        goal: data.goal ? { label: data.goal.label ?? null, field: data.goal.field ?? null } : null,
        entry: { labels: data.entry.labels, entryPoints: data.entry.entryPoints },
        defaultTimezone: data.defaultTimezone,
      },
    },
    warnings,
  };
}

/** The warnings of a stored sequence (they are recomputed, in the reader's language). */
export function sequenceWarnings(sequence: SequenceInput, lang: Lang): readonly SequenceWarning[] {
  const r = parseSequenceInput(toInputJson(sequence), lang);
  return r.ok ? r.warnings : [];
}

/** A sequence as its own input document (round-trips through {@link parseSequenceInput}). */
export function toInputJson(s: SequenceInput): unknown {
  return {
    name: s.name,
    exitOnReply: s.exitOnReply,
    steps: s.steps.map((step) => ({
      id: step.id,
      name: step.name,
      delay: step.delay,
      content: { message: step.content.message },
      intent: step.intent,
      fallback: step.fallback,
    })),
    goal: s.settings.goal,
    entry: s.settings.entry,
    defaultTimezone: s.settings.defaultTimezone,
  };
}
