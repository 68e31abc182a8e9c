/**
 * The shape of a flow document (zod), and the translation of zod's issues into flow problems that
 * name the step and the field, in Spanish or English. Pure.
 */
import { z } from 'zod';
import type { Lang } from '../policy/index.ts';
import type { FlowDocument } from './document.ts';
import { type FlowProblemCode, type Params, problemMessage, WORDS } from './messages.ts';

const id = z.string().min(1).max(64);
const text = z.string().min(1).max(2000);
const payload = z.string().min(1).max(1000);
const fieldName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/);

const quickReply = z
  .object({
    contentType: z.enum(['text', 'user_phone_number', 'user_email']).optional(),
    title: z.string().optional(),
    payload: z.string().optional(),
    imageUrl: z.string().optional(),
  })
  .strict();
const button = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('web_url'),
      title: z.string(),
      url: z.string(),
      webviewHeightRatio: z.enum(['compact', 'tall', 'full']).optional(),
    })
    .strict(),
  z.object({ type: z.literal('postback'), title: z.string(), payload: z.string() }).strict(),
]);
const element = z
  .object({
    title: z.string(),
    subtitle: z.string().optional(),
    imageUrl: z.string().optional(),
    defaultActionUrl: z.string().optional(),
    buttons: z.array(button).optional(),
  })
  .strict();
const quickReplies = z.array(quickReply).optional();

const sendMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string(), quickReplies }).strict(),
  z
    .object({ type: z.literal('button_template'), text: z.string(), buttons: z.array(button), quickReplies })
    .strict(),
  z
    .object({
      type: z.literal('generic_template'),
      elements: z.array(element),
      imageAspectRatio: z.enum(['horizontal', 'square']).optional(),
      quickReplies,
    })
    .strict(),
  z
    .object({
      type: z.literal('attachment'),
      attachmentType: z.enum(['image', 'audio', 'video', 'file']),
      url: z.string(),
      quickReplies,
    })
    .strict(),
]);

const condition = z.union([
  z
    .object({
      field: fieldName,
      op: z.enum(['exists', 'not_exists', 'eq', 'neq', 'contains', 'gt', 'lt']),
      value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    })
    .strict(),
  z.object({ label: z.string().min(1).max(100), op: z.enum(['has', 'not_has']) }).strict(),
  z.object({ window: z.enum(['open', 'closed']) }).strict(),
  z.object({ locale: z.string().min(2).max(10) }).strict(),
]);

const base = { id, next: id.optional() };
const step = z.discriminatedUnion('type', [
  z
    .object({
      ...base,
      type: z.literal('send'),
      message: sendMessage,
      audience: z.enum(['everyone', 'subscribers']).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('ask'),
      text,
      quickReplies,
      field: fieldName,
      validate: z.enum(['text', 'email', 'phone', 'number', 'date', 'choice']),
      choices: z.array(z.string().min(1).max(20)).max(13).optional(),
      retries: z.number().int().min(0).max(5).optional(),
      reprompt: text.optional(),
      fallback: id.optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('condition'),
      branches: z
        .array(
          z
            .object({ if: z.array(condition).min(1), match: z.enum(['all', 'any']).optional(), next: id })
            .strict(),
        )
        .min(1)
        .max(20),
      else: id.optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.enum(['add_label', 'remove_label']),
      labels: z.array(z.string().min(1).max(100)).min(1).max(50),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('set_field'),
      field: fieldName,
      value: z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('delay'),
      minutes: z.number().int().min(0).max(525_600).optional(),
      hours: z.number().int().min(0).max(8760).optional(),
      days: z.number().int().min(0).max(365).optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal('start_sequence'), sequenceId: id }).strict(),
  z.object({ ...base, type: z.literal('stop_sequence'), sequenceId: id.optional() }).strict(),
  z.object({ ...base, type: z.literal('handoff') }).strict(),
  z
    .object({
      ...base,
      type: z.literal('webhook'),
      url: z.url({ protocol: /^https?$/ }),
      timeoutMs: z.number().int().min(100).max(30_000).optional(),
      retries: z.number().int().min(0).max(5).optional(),
      setFields: z.record(fieldName, z.string().min(1).max(200)).optional(),
      onError: id.optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('optin_request'),
      title: z.string(),
      payload: z.string(),
      imageUrl: z.string().optional(),
      ctaText: z.enum(['ALLOW', 'GET', 'GET_UPDATES', 'OPT_IN', 'SIGN_UP']).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('utility_template'),
      name: z.string(),
      language: z.string(),
      parameters: z.array(z.string()).max(20).optional(),
    })
    .strict(),
  z.object({ ...base, type: z.literal('goal'), name: z.string().min(1).max(100).optional() }).strict(),
]);

const trigger = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('keyword'),
      match: z.enum(['exact', 'contains', 'regex']),
      value: z.string().min(1).max(200),
    })
    .strict(),
  z
    .object({
      type: z.literal('ref'),
      value: z
        .string()
        .min(1)
        .max(250)
        .regex(/^[A-Za-z0-9_=-]+$/),
    })
    .strict(),
  z.object({ type: z.literal('postback'), payload }).strict(),
  z.object({ type: z.literal('quick_reply'), payload }).strict(),
  z.object({ type: z.literal('get_started'), payload: payload.optional() }).strict(),
  z.object({ type: z.literal('ice_breaker'), payload }).strict(),
  z.object({ type: z.literal('default') }).strict(),
  z.object({ type: z.literal('optin'), payload: payload.optional() }).strict(),
]);

export const flowDocumentSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    priority: z.number().int().min(-100).max(100).optional(),
    triggers: z.array(trigger).max(100),
    start: id.optional(),
    steps: z.array(step).min(1).max(500),
  })
  .strict();

export interface FlowProblem {
  /** The step the problem is in (its id), when it is in one. */
  readonly stepId?: string;
  /** Where in the document, e.g. `steps[2].validate` or `triggers[0].value`. */
  readonly path: string;
  readonly code: string;
  readonly message: string;
  /** `error` blocks saving and publishing; `warning` is shown but allowed. */
  readonly severity: 'error' | 'warning';
  readonly params?: Params;
}

export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** The step a path points into (its id, when the input has one there). */
export function stepIdAt(input: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== 'steps' || typeof path[1] !== 'number') return undefined;
  const steps = (input as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return undefined;
  const s = steps[path[1]] as { id?: unknown } | undefined;
  return typeof s?.id === 'string' && s.id !== '' ? s.id : `#${path[1] + 1}`;
}

/** The path inside the step (`validate`), or the whole path outside steps. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path[0] === 'steps' && typeof path[1] === 'number' ? pathText(path.slice(2)) : pathText(path);
}

function issueToProblem(issue: z.core.$ZodIssue, input: unknown, lang: Lang): FlowProblem {
  const w = WORDS[lang];
  let code: FlowProblemCode = 'invalid_value';
  let params: Record<string, string | number> = {};
  const path = issue.path as PropertyKey[];
  switch (issue.code) {
    case 'invalid_type': {
      const value = path.reduce<unknown>(
        (v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
        input,
      );
      code = value === undefined ? 'required' : 'invalid_type';
      params = { expected: w[issue.expected] ?? String(issue.expected) };
      break;
    }
    case 'too_small': {
      const unit =
        issue.origin === 'string' ? ` ${w.characters}` : issue.origin === 'array' ? ` ${w.items}` : '';
      code = issue.origin === 'string' || issue.origin === 'array' ? 'too_short' : 'too_small';
      if (issue.origin === 'string' && Number(issue.minimum) === 1) code = 'required';
      params = { min: `${String(issue.minimum)}${unit}` };
      break;
    }
    case 'too_big': {
      const unit =
        issue.origin === 'string' ? ` ${w.characters}` : issue.origin === 'array' ? ` ${w.items}` : '';
      code = issue.origin === 'string' || issue.origin === 'array' ? 'too_long' : 'too_big';
      params = { max: `${String(issue.maximum)}${unit}` };
      break;
    }
    case 'invalid_value':
      code = 'invalid_value';
      params = { values: issue.values.map(String).join(', ') };
      break;
    case 'invalid_union': {
      // A discriminated union with an unknown `type`: say which types exist.
      const note = (issue as { note?: string }).note;
      code = 'invalid_value';
      const options = (issue as { options?: readonly unknown[] }).options;
      if (note === 'No matching discriminator' && options !== undefined) {
        params = { values: options.map(String).join(', ') };
      } else {
        code = 'invalid_format';
        params = { format: lang === 'es' ? 'valor' : 'value' };
      }
      break;
    }
    case 'unrecognized_keys':
      code = 'unknown_key';
      params = { keys: issue.keys.join(', ') };
      break;
    case 'invalid_format':
      code = 'invalid_format';
      params = {
        format: issue.format === 'url' ? (w.url ?? 'URL') : issue.format === 'regex' ? 'id' : issue.format,
      };
      break;
    default:
      code = 'invalid_format';
      params = { format: lang === 'es' ? 'valor' : 'value' };
  }
  const stepId = stepIdAt(input, path);
  const field = fieldOf(path);
  return {
    ...(stepId === undefined ? {} : { stepId }),
    path: pathText(path),
    code,
    severity: 'error',
    params,
    message: problemMessage(lang, code, { stepId, field }, params),
  };
}

export type ShapeResult =
  | { readonly ok: true; readonly doc: FlowDocument }
  | { readonly ok: false; readonly problems: readonly FlowProblem[] };

/** Checks the document's shape; every problem is listed, not only the first. */
export function parseFlowShape(input: unknown, lang: Lang): ShapeResult {
  const r = flowDocumentSchema.safeParse(input);
  if (r.success) return { ok: true, doc: r.data as FlowDocument };
  return { ok: false, problems: r.error.issues.map((i) => issueToProblem(i, input, lang)) };
}
