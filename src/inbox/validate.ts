/** Parse boundaries of the inbox API: request bodies and queries in, typed values or a named problem out. */
import type { JsonValue } from '../storage/dialect.ts';
import {
  type ContactCursor,
  type ConversationListCursor,
  decodeContactCursor,
  decodeConversationCursor,
  INBOX_FILTERS,
  type InboxFilter,
} from '../storage/inbox.ts';
import type { FieldDetailCode } from './messages.ts';
import type { WindowStateName } from './window.ts';

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly field: string;
      readonly detail: FieldDetailCode;
      readonly params?: Readonly<Record<string, string | number>>;
    };

const bad = <T>(
  field: string,
  detail: FieldDetailCode,
  params?: Readonly<Record<string, string | number>>,
): Parsed<T> => ({ ok: false, field, detail, ...(params ? { params } : {}) });
const good = <T>(value: T): Parsed<T> => ({ ok: true, value });

type Query = Readonly<Record<string, unknown>>;
const str = (q: Query, key: string): string | undefined => {
  const v = q[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

export const MAX_TEXT = 2000;
export const MAX_NOTE = 5000;

/** A required text of at most `max` characters (trimmed). */
export function parseText(body: unknown, field: string, max: number): Parsed<string> {
  const v = (body as Query | null)?.[field];
  if (typeof v !== 'string' || v.trim() === '') return bad(field, 'required_text');
  if (v.length > max) return bad(field, 'too_long', { max });
  return good(v.trim());
}

function parseLimit(q: Query, max: number, fallback: number): Parsed<number> {
  const raw = str(q, 'limit');
  if (raw === undefined) return good(fallback);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) return bad('limit', 'limit', { max });
  return good(n);
}

export interface ContactListQuery {
  readonly search?: string;
  readonly label?: string;
  readonly pageId?: string;
  readonly entryPoint?: string;
  readonly window?: WindowStateName;
  readonly after?: ContactCursor;
  readonly limit: number;
}

const WINDOW_STATES: readonly WindowStateName[] = ['open', 'human_agent', 'closed'];

export function parseContactQuery(q: Query, maxLimit = 200): Parsed<ContactListQuery> {
  const window = str(q, 'window');
  if (window !== undefined && !(WINDOW_STATES as readonly string[]).includes(window))
    return bad('window', 'one_of', { values: WINDOW_STATES.join(', ') });
  const cursorText = str(q, 'cursor');
  const after = cursorText === undefined ? undefined : decodeContactCursor(cursorText);
  if (cursorText !== undefined && after === undefined) return bad('cursor', 'cursor');
  const limit = parseLimit(q, maxLimit, 50);
  if (!limit.ok) return limit;
  const pick = (k: string) => {
    const v = str(q, k);
    return v === undefined ? {} : { [k]: v.slice(0, 200) };
  };
  return good({
    ...pick('search'),
    ...pick('label'),
    ...pick('pageId'),
    ...pick('entryPoint'),
    ...(window !== undefined ? { window: window as WindowStateName } : {}),
    ...(after !== undefined ? { after } : {}),
    limit: limit.value,
  });
}

export interface ConversationListQuery {
  readonly filter: InboxFilter;
  readonly pageId?: string;
  readonly after?: ConversationListCursor;
  readonly limit: number;
}

export function parseConversationQuery(q: Query): Parsed<ConversationListQuery> {
  const filter = str(q, 'filter') ?? 'all';
  if (!(INBOX_FILTERS as readonly string[]).includes(filter))
    return bad('filter', 'one_of', { values: INBOX_FILTERS.join(', ') });
  const cursorText = str(q, 'cursor');
  const after = cursorText === undefined ? undefined : decodeConversationCursor(cursorText);
  if (cursorText !== undefined && after === undefined) return bad('cursor', 'cursor');
  const limit = parseLimit(q, 200, 50);
  if (!limit.ok) return limit;
  const pageId = str(q, 'pageId');
  return good({
    filter: filter as InboxFilter,
    ...(pageId !== undefined ? { pageId } : {}),
    ...(after !== undefined ? { after } : {}),
    limit: limit.value,
  });
}

export interface ContactPatch {
  readonly addLabels: readonly string[];
  readonly removeLabels: readonly string[];
  readonly fields: Readonly<Record<string, JsonValue | null>> | null;
}

const LABEL = /^[^"\\\u0000-\u001f]{1,64}$/;
const FIELD_NAME = /^[A-Za-z0-9_]{1,64}$/;

function parseLabels(body: Query, field: string): Parsed<readonly string[]> {
  const v = body[field];
  if (v === undefined) return good([]);
  if (!Array.isArray(v) || v.length > 100 || !v.every((l) => typeof l === 'string'))
    return bad(field, 'string_list');
  const labels = (v as string[]).map((l) => l.trim());
  if (!labels.every((l) => LABEL.test(l))) return bad(field, 'label_format');
  return good([...new Set(labels)]);
}

export function parseContactPatch(body: unknown): Parsed<ContactPatch> {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return bad('body', 'nothing_to_change');
  const b = body as Query;
  const add = parseLabels(b, 'addLabels');
  if (!add.ok) return add;
  const remove = parseLabels(b, 'removeLabels');
  if (!remove.ok) return remove;
  let fields: Record<string, JsonValue | null> | null = null;
  if (b.fields !== undefined) {
    const f = b.fields;
    if (f === null || typeof f !== 'object' || Array.isArray(f) || Object.keys(f).length > 100)
      return bad('fields', 'fields_object');
    fields = {};
    for (const [name, value] of Object.entries(f as Query)) {
      if (!FIELD_NAME.test(name)) return bad(`fields.${name}`, 'field_name', { name });
      const okValue =
        value === null ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && value.length <= 1000);
      if (!okValue) return bad(`fields.${name}`, 'field_value', { name });
      fields[name] = value as JsonValue | null;
    }
  }
  if (
    add.value.length === 0 &&
    remove.value.length === 0 &&
    (fields === null || Object.keys(fields).length === 0)
  )
    return bad('body', 'nothing_to_change');
  return good({ addLabels: add.value, removeLabels: remove.value, fields });
}

/** `{userId: "<id>" | "me" | null}`. */
export function parseAssignee(body: unknown): Parsed<string | null | 'me'> {
  if (body === null || typeof body !== 'object' || !('userId' in body)) return bad('userId', 'user_id');
  const v = (body as Query).userId;
  if (v === null) return good(null);
  if (typeof v !== 'string' || v.trim() === '' || v.length > 100) return bad('userId', 'user_id');
  return good(v.trim());
}

export function parseHandover(body: unknown): Parsed<'page_inbox' | 'app'> {
  const v = (body as Query | null)?.to;
  if (v !== 'page_inbox' && v !== 'app') return bad('to', 'one_of', { values: 'page_inbox, app' });
  return good(v);
}

export interface CannedInput {
  readonly title: string;
  readonly text: string;
  readonly shortcut: string | null;
}

export function parseCanned(body: unknown): Parsed<CannedInput> {
  const title = parseText(body, 'title', 100);
  if (!title.ok) return title;
  const text = parseText(body, 'text', MAX_TEXT);
  if (!text.ok) return text;
  const s = (body as Query).shortcut;
  if (s !== undefined && s !== null && (typeof s !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(s)))
    return bad('shortcut', 'field_name', { name: String(s) });
  return good({ title: title.value, text: text.value, shortcut: typeof s === 'string' ? s : null });
}

/** `from`/`to` as ISO dates or instants; default: the last 30 days up to `now`. */
export function parseRange(q: Query, now: number): Parsed<{ readonly from: number; readonly to: number }> {
  const instant = (key: string): Parsed<number | undefined> => {
    const v = str(q, key);
    if (v === undefined) return good(undefined);
    const t = /^\d{1,16}$/.test(v) ? Number(v) : Date.parse(v);
    return Number.isNaN(t) ? bad(key, 'instant') : good(t);
  };
  const to = instant('to');
  if (!to.ok) return to;
  const from = instant('from');
  if (!from.ok) return from;
  const end = to.value ?? now;
  const start = from.value ?? end - 30 * 86_400_000;
  if (start >= end || end - start > 366 * 86_400_000) return bad('from', 'range');
  return good({ from: start, to: end });
}
