/**
 * Utility message templates (reference §3.4): what a marketer writes (body with `{{1}}` or named
 * placeholders, example values, buttons) or clones from Meta's library, the content check that
 * refuses marketing wording in a UTILITY template before Meta does (TAG_SHOULD_BE_MARKETING), and the
 * wire body of `POST /<PAGE_ID>/message_templates`. Pure.
 */
import type { MessageTemplateInput } from '../graph/client.ts';
import { classifyContent, type Signal } from '../policy/index.ts';
import type { FieldProblem } from './messages.ts';

export type TemplateButton =
  | { readonly type: 'url'; readonly text: string; readonly url: string }
  | { readonly type: 'postback'; readonly text: string; readonly payload: string };

/** A Page-owned template written in Ventana. */
export interface AuthoredTemplate {
  readonly kind: 'authored';
  readonly body: string;
  readonly parameterFormat: 'POSITIONAL' | 'NAMED';
  /** Placeholder names in order of appearance (`1`, `2`… for positional ones). */
  readonly parameters: readonly string[];
  /** One example value per placeholder (Meta reviews with them). */
  readonly examples: readonly string[];
  readonly buttons: readonly TemplateButton[];
}

/** A clone of one of Meta's library templates. */
export interface LibraryClone {
  readonly kind: 'library';
  readonly libraryTemplateName: string;
  readonly bodyInputs?: Readonly<Record<string, unknown>>;
  readonly buttonInputs?: readonly unknown[];
  /** The library body, when known (for showing and counting parameters). */
  readonly body?: string;
}

export type TemplateDefinition = AuthoredTemplate | LibraryClone;

export interface TemplateHead {
  readonly pageId: string;
  readonly name: string;
  readonly language: string;
}

export const TEMPLATE_LIMITS = Object.freeze({ bodyChars: 1024, buttons: 3, buttonTextChars: 25 });

const NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
const POSITIONAL = /\{\{\s*(\d+)\s*\}\}/g;
const NAMED = /\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g;
/** Meta: utility templates must not ask for full card, account or national-ID numbers. */
const FORBIDDEN =
  /\b(full|complete|entire)\s+(card|credit card|account|bank account)\s+number\b|\b(cvv|cvc|pin code|social security number)\b|n[uú]mero\s+(completo\s+)?de\s+(tu\s+|la\s+)?(tarjeta|cuenta bancaria)|\b(c[oó]digo\s+cvv|dni\s+completo|n[uú]mero\s+de\s+la\s+seguridad\s+social)\b/i;

/** Signals that alone make a UTILITY template marketing (softer ones count only through the score). */
const SELLING: ReadonlySet<Signal['kind']> = new Set([
  'coupon',
  'discount',
  'price_offer',
  'call_to_buy',
  'shop_link',
  'upsell',
  'new_product',
  'giveaway',
  're_engagement',
]);

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(out: FieldProblem[], v: unknown, field: string, max: number): string | undefined {
  if (v === undefined || v === null || v === '') {
    out.push({ field, code: 'required' });
    return undefined;
  }
  if (typeof v !== 'string') {
    out.push({ field, code: 'expected_string' });
    return undefined;
  }
  if (v.trim() === '' || v.length > max) {
    out.push({ field, code: 'text_too_long', params: { max } });
    return undefined;
  }
  return v;
}

function head(out: FieldProblem[], input: Obj): TemplateHead | undefined {
  const pageId = str(out, input.pageId, 'pageId', 64);
  const name = typeof input.name === 'string' ? input.name : undefined;
  if (name === undefined || !NAME.test(name)) out.push({ field: 'name', code: 'name_invalid' });
  const language = typeof input.language === 'string' ? input.language : undefined;
  if (language === undefined || !LANGUAGE.test(language))
    out.push({ field: 'language', code: 'language_invalid' });
  return pageId && name && NAME.test(name) && language && LANGUAGE.test(language)
    ? { pageId, name, language }
    : undefined;
}

/** Placeholders of a body, in order; positional ones must be 1..n without gaps. */
function placeholders(out: FieldProblem[], body: string, format: 'POSITIONAL' | 'NAMED'): string[] {
  if (format === 'NAMED') {
    const names = [...body.matchAll(NAMED)].map((m) => m[1]!);
    return [...new Set(names)];
  }
  const nums = [...body.matchAll(POSITIONAL)].map((m) => Number(m[1]));
  const distinct = [...new Set(nums)];
  const sorted = [...distinct].sort((a, b) => a - b);
  if (sorted.some((n, i) => n !== i + 1) || distinct.some((n, i) => n !== i + 1))
    out.push({ field: 'body', code: 'placeholders_not_sequential' });
  return distinct.map(String);
}

export type TemplateParse =
  | { readonly ok: true; readonly head: TemplateHead; readonly definition: AuthoredTemplate }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/**
 * Validates a template to author: `{ pageId, name, language, body, parameterFormat?, examples?, buttons? }`.
 * Then {@link contentCheck} decides whether its wording is utility.
 *
 * @example parseTemplate({ pageId: '1', name: 'order_shipped', language: 'es', body: 'Tu pedido {{1}} ya salió', examples: ['A-1'] })
 */
export function parseTemplate(input: unknown): TemplateParse {
  const out: FieldProblem[] = [];
  if (!isObj(input)) return { ok: false, problems: [{ field: '(body)', code: 'expected_object' }] };
  const h = head(out, input);
  const body = str(out, input.body, 'body', TEMPLATE_LIMITS.bodyChars);
  const format = input.parameterFormat ?? 'POSITIONAL';
  if (format !== 'POSITIONAL' && format !== 'NAMED')
    out.push({ field: 'parameterFormat', code: 'unknown_field' });
  const fmt = format === 'NAMED' ? 'NAMED' : 'POSITIONAL';
  const params = body ? placeholders(out, body, fmt) : [];
  let examples: string[] = [];
  const rawExamples = input.examples;
  if (Array.isArray(rawExamples)) examples = rawExamples.map(String);
  else if (isObj(rawExamples)) examples = params.map((p) => String(rawExamples[p] ?? ''));
  else if (rawExamples !== undefined) out.push({ field: 'examples', code: 'expected_array' });
  if (examples.length !== params.length || examples.some((e) => e.trim() === ''))
    out.push({ field: 'examples', code: 'examples_mismatch', params: { count: params.length } });

  const buttons: TemplateButton[] = [];
  const rawButtons = input.buttons ?? [];
  if (!Array.isArray(rawButtons)) out.push({ field: 'buttons', code: 'expected_array' });
  else {
    if (rawButtons.length > TEMPLATE_LIMITS.buttons)
      out.push({ field: 'buttons', code: 'too_many_items', params: { max: TEMPLATE_LIMITS.buttons } });
    for (const [i, b] of rawButtons.entries()) {
      const f = `buttons[${i}]`;
      if (!isObj(b)) {
        out.push({ field: f, code: 'expected_object' });
        continue;
      }
      const text = str(out, b.text, `${f}.text`, TEMPLATE_LIMITS.buttonTextChars);
      if (b.type === 'url') {
        if (typeof b.url !== 'string' || !/^https?:\/\/\S+$/.test(b.url))
          out.push({ field: `${f}.url`, code: 'url_invalid' });
        else if (text) buttons.push({ type: 'url', text, url: b.url });
      } else if (b.type === 'postback') {
        const payload = str(out, b.payload, `${f}.payload`, 1000);
        if (text && payload) buttons.push({ type: 'postback', text, payload });
      } else out.push({ field: `${f}.type`, code: 'button_type_invalid' });
    }
  }
  if (out.length > 0 || !h || !body) return { ok: false, problems: out };
  return {
    ok: true,
    head: h,
    definition: { kind: 'authored', body, parameterFormat: fmt, parameters: params, examples, buttons },
  };
}

export type CloneParse =
  | { readonly ok: true; readonly head: TemplateHead; readonly definition: LibraryClone }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/** Validates a library clone: `{ pageId, name, language, libraryTemplateName, bodyInputs?, buttonInputs? }`. */
export function parseClone(input: unknown): CloneParse {
  const out: FieldProblem[] = [];
  if (!isObj(input)) return { ok: false, problems: [{ field: '(body)', code: 'expected_object' }] };
  const h = head(out, input);
  const lib = input.libraryTemplateName;
  if (typeof lib !== 'string' || !NAME.test(lib))
    out.push({ field: 'libraryTemplateName', code: 'name_invalid' });
  if (input.bodyInputs !== undefined && !isObj(input.bodyInputs))
    out.push({ field: 'bodyInputs', code: 'expected_object' });
  if (input.buttonInputs !== undefined && !Array.isArray(input.buttonInputs))
    out.push({ field: 'buttonInputs', code: 'expected_array' });
  if (out.length > 0 || !h || typeof lib !== 'string') return { ok: false, problems: out };
  return {
    ok: true,
    head: h,
    definition: {
      kind: 'library',
      libraryTemplateName: lib,
      ...(isObj(input.bodyInputs) && { bodyInputs: input.bodyInputs }),
      ...(Array.isArray(input.buttonInputs) && { buttonInputs: input.buttonInputs }),
    },
  };
}

export type ContentCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'template_marketing_content'; readonly signals: readonly Signal[] }
  | { readonly ok: false; readonly code: 'template_forbidden_content'; readonly text: string };

/**
 * The promotional classifier on everything the person would read (body, examples, button texts and
 * URLs): a UTILITY template that reads as marketing is refused here, with the signals that show why.
 */
export function contentCheck(d: AuthoredTemplate): ContentCheck {
  const forbidden = FORBIDDEN.exec(d.body);
  if (forbidden) return { ok: false, code: 'template_forbidden_content', text: forbidden[0] };
  const verdict = classifyContent({
    text: d.body,
    buttons: d.buttons.map((b) =>
      b.type === 'url' ? { type: 'web_url', title: b.text, url: b.url } : { type: 'postback', title: b.text },
    ),
    extraTexts: d.examples,
  });
  // Meta reviews templates strictly: a selling word is enough, whatever transactional words surround
  // it (a shipping notice with a "Shop now" button is rejected as TAG_SHOULD_BE_MARKETING).
  if (verdict.value) return { ok: false, code: 'template_marketing_content', signals: verdict.signals };
  const selling = verdict.signals.filter((s) => SELLING.has(s.kind));
  return selling.length > 0
    ? { ok: false, code: 'template_marketing_content', signals: selling }
    : { ok: true };
}

/** The body of `POST /<PAGE_ID>/message_templates` for a stored definition. */
export function toGraphTemplate(h: TemplateHead, d: TemplateDefinition): MessageTemplateInput {
  if (d.kind === 'library') {
    return {
      name: h.name,
      category: 'UTILITY',
      language: h.language,
      library_template_name: d.libraryTemplateName,
      ...(d.bodyInputs !== undefined && { library_template_body_inputs: d.bodyInputs }),
      ...(d.buttonInputs !== undefined && { library_template_button_inputs: d.buttonInputs }),
    };
  }
  const example =
    d.parameters.length === 0
      ? undefined
      : d.parameterFormat === 'NAMED'
        ? { body_text_named_params: d.parameters.map((p, i) => ({ param_name: p, example: d.examples[i] })) }
        : { body_text: [d.examples] };
  const components: unknown[] = [{ type: 'BODY', text: d.body, ...(example && { example }) }];
  if (d.buttons.length > 0) {
    components.push({
      type: 'BUTTONS',
      buttons: d.buttons.map((b) =>
        b.type === 'url'
          ? { type: 'URL', text: b.text, url: b.url }
          : { type: 'POSTBACK', text: b.text, payload: b.payload },
      ),
    });
  }
  return {
    name: h.name,
    category: 'UTILITY',
    language: h.language,
    components,
    ...(d.parameterFormat === 'NAMED' && { parameter_format: 'NAMED' as const }),
  };
}

/** How many parameters a send must give (unknown for a library clone without its body). */
export function parameterCount(d: TemplateDefinition): number | null {
  if (d.kind === 'authored') return d.parameters.length;
  if (d.body === undefined) return null;
  return new Set([...d.body.matchAll(POSITIONAL)].map((m) => m[1])).size;
}
