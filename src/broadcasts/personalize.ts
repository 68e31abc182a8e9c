/**
 * Personalisation: `{{first_name}}`, `{{last_name}}`, `{{field.x}}`, each with an optional fallback
 * (`{{first_name|amigo}}`), rendered per contact at dispatch (and in preflight). Content is compiled
 * once; rendering a contact only walks the strings that hold placeholders. Pure.
 */

import { messageFacts, type OutboxContent } from '../outbound/content.ts';
import type { ClassifiableContent } from '../policy/classifier/index.ts';

/** What a placeholder can read from a contact. */
export interface PersonValues {
  readonly firstName: string | null;
  readonly lastName: string | null;
  /** Custom fields; only read when the content uses `{{field.x}}`. */
  readonly fields: Readonly<Record<string, unknown>> | null;
}

const PLACEHOLDER = /\{\{\s*(first_name|last_name|field\.[A-Za-z0-9_.-]+)\s*(?:\|([^}]*))?\}\}/g;
/** Keys whose values are identifiers, never shown text. */
const FIXED_KEYS = new Set([
  'type',
  'attachmentType',
  'name',
  'language',
  'contentType',
  'webviewHeightRatio',
]);

type Part = string | { readonly key: string; readonly fallback: string };

function parse(text: string): Part[] | null {
  const parts: Part[] = [];
  let last = 0;
  let found = false;
  for (const m of text.matchAll(PLACEHOLDER)) {
    found = true;
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ key: m[1]!, fallback: (m[2] ?? '').trim() });
    last = m.index + m[0].length;
  }
  if (!found) return null;
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function placeholderValue(key: string, person: PersonValues): string {
  if (key === 'first_name') return person.firstName?.trim() ?? '';
  if (key === 'last_name') return person.lastName?.trim() ?? '';
  const v = person.fields?.[key.slice('field.'.length)];
  return v === undefined || v === null || typeof v === 'object' ? '' : String(v).trim();
}

function render(parts: readonly Part[], person: PersonValues | null): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else {
      const v = person === null ? '' : placeholderValue(p.key, person);
      out += v === '' ? p.fallback : v;
    }
  }
  return out;
}

function mapStrings(value: unknown, fn: (s: string) => string, key = ''): unknown {
  if (typeof value === 'string') return FIXED_KEYS.has(key) ? value : fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, fn, k);
    return out;
  }
  return value;
}

export interface CompiledContent {
  readonly content: OutboxContent;
  /** Whether any text depends on the contact (then the verdict is cached per rendered text). */
  readonly personal: boolean;
  /** Whether `{{field.x}}` is used (then contacts' custom fields must be loaded). */
  readonly usesFields: boolean;
  /** Whether `{{last_name}}` is used. */
  readonly usesLastName: boolean;
  /** The content for one contact (the same object when nothing is personal). */
  render(person: PersonValues): OutboxContent;
  /** A key that changes exactly when the rendered texts change (for verdict caches). */
  textKey(person: PersonValues): string;
}

/** Compiles a content's placeholders once. */
export function compileContent(content: OutboxContent): CompiledContent {
  const compiled = new Map<string, Part[]>();
  let usesFields = false;
  let usesLastName = false;
  mapStrings(content.message, (s) => {
    const parts = parse(s);
    if (parts) {
      compiled.set(s, parts);
      if (parts.some((p) => typeof p !== 'string' && p.key.startsWith('field.'))) usesFields = true;
      if (parts.some((p) => typeof p !== 'string' && p.key === 'last_name')) usesLastName = true;
    }
    return s;
  });
  const personal = compiled.size > 0;
  const templates = [...compiled.values()];
  return {
    content,
    personal,
    usesFields,
    usesLastName,
    render(person) {
      if (!personal) return content;
      return {
        ...content,
        message: mapStrings(content.message, (s) => {
          const parts = compiled.get(s);
          return parts ? render(parts, person) : s;
        }) as OutboxContent['message'],
      };
    },
    textKey(person) {
      if (!personal) return '';
      return templates.map((parts) => render(parts, person)).join('\u0000');
    },
  };
}

/** The content with every placeholder at its fallback (what creation-time checks classify). */
export function withFallbacks(content: OutboxContent): OutboxContent {
  return {
    ...content,
    message: mapStrings(content.message, (s) => {
      const parts = parse(s);
      return parts ? render(parts, null) : s;
    }) as OutboxContent['message'],
  };
}

/** Everything a person will see, as the classifier reads it. */
export function classifiableOf(content: OutboxContent): ClassifiableContent {
  const f = messageFacts(content);
  return {
    text: f.text ?? undefined,
    buttons: f.buttons,
    quickReplies: f.quickReplies,
    extraTexts: f.template?.parameters,
  };
}
