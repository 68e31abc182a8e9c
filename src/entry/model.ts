/**
 * The API's entry point document: validation of a create/replace body into storage data, with one
 * problem per bad field (named, in es/en), and the view every answer returns (with its m.me URL).
 * Pure apart from the random suffix of a generated slug.
 */
import { randomBytes } from 'node:crypto';
import type { Lang } from '../policy/index.ts';
import type { EntryPoint, EntryPointData } from '../storage/entry-points.ts';
import type { JsonValue } from '../storage/index.ts';
import { isValidRef, isValidSlug, MAX_PREFILL, mmeUrl, slugFrom } from './links.ts';
import { type EntryMessageCode, entryText } from './messages.ts';

export interface Problem {
  readonly field: string;
  readonly code: EntryMessageCode;
  readonly message: string;
}

export type ParseResult =
  | { readonly ok: true; readonly data: EntryPointData }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Messenger's text limit; a private reply is one message. */
export const MAX_REPLY = 2000;
const MAX_LIST = 50;
const KINDS = ['link', 'comment', 'ad'] as const;
const META_ID = /^[0-9]{1,40}(?:_[0-9]{1,40})?$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function stringList(v: unknown, max: number, each: (s: string) => boolean): string[] | null {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > max) return null;
  const out: string[] = [];
  for (const item of v) {
    if (typeof item !== 'string' || !each(item.trim())) return null;
    out.push(item.trim());
  }
  return [...new Set(out)];
}

const shortText = (s: string) => s.length >= 1 && s.length <= 100;

/**
 * Validates a full entry point document. `current` (on replace/patch) supplies what the body omits.
 * @example parseEntryPoint({ pageId: '1', kind: 'link', name: 'QR tienda', ref: 'qr_tienda' }, 'es', ['1'])
 */
export function parseEntryPoint(body: unknown, lang: Lang, current: EntryPoint | null = null): ParseResult {
  const problems: Problem[] = [];
  const problem = (field: string, code: EntryMessageCode, params: Record<string, string | number> = {}) =>
    problems.push({ field, code, message: entryText(code, lang, { field, ...params }) });
  if (!isObject(body)) {
    return {
      ok: false,
      problems: [{ field: 'body', code: 'invalid_json', message: entryText('invalid_json', lang) }],
    };
  }
  const has = (k: string) => Object.hasOwn(body, k);
  const pick = <T>(k: string, fallback: T): unknown => (has(k) ? body[k] : fallback);

  const pageId = pick('pageId', current?.pageId);
  if (typeof pageId !== 'string' || pageId === '') problem('pageId', 'required');
  const kind = pick('kind', current?.kind);
  if (kind === undefined) problem('kind', 'required');
  else if (!KINDS.includes(kind as never)) problem('kind', 'invalid_kind');
  const k = KINDS.includes(kind as never) ? (kind as EntryPointData['kind']) : 'link';

  const nameRaw = pick('name', current?.name);
  const name = typeof nameRaw === 'string' ? nameRaw.trim() : '';
  if (name === '') problem('name', 'required');
  else if (name.length > 200) problem('name', 'text_too_long', { max: 200 });

  // ref: links always have one (generated from the name when absent); ads may; comments never.
  let ref: string | null = null;
  const refRaw = pick('ref', current?.ref ?? null);
  if (k !== 'comment') {
    if (refRaw === null || refRaw === undefined || refRaw === '') {
      if (k === 'link') ref = slugFrom(name).replace(/-/g, '_') || null;
      if (k === 'link' && ref === null) problem('ref', 'required');
    } else if (!isValidRef(refRaw)) problem('ref', 'invalid_ref');
    else ref = refRaw;
  }

  let slug: string | null = null;
  const slugRaw = pick('slug', current?.slug ?? null);
  if (k === 'link') {
    if (slugRaw === null || slugRaw === undefined || slugRaw === '') {
      slug = `${slugFrom(name) || 'm'}-${randomBytes(4).toString('hex')}`;
    } else if (!isValidSlug(slugRaw)) problem('slug', 'invalid_slug');
    else slug = slugRaw;
  } else if (slugRaw !== null && slugRaw !== undefined && slugRaw !== '') problem('slug', 'invalid_value');

  const language = pick('language', current?.language ?? null);
  if (language !== null && language !== 'es' && language !== 'en') problem('language', 'invalid_language');

  const prefill = pick('prefillText', current?.prefillText ?? null);
  if (prefill !== null && typeof prefill !== 'string') problem('prefillText', 'invalid_value');
  else if (typeof prefill === 'string' && prefill.length > MAX_PREFILL)
    problem('prefillText', 'text_too_long', { max: MAX_PREFILL });

  const labels = stringList(pick('labels', current?.labels), MAX_LIST, shortText);
  if (labels === null) problem('labels', 'invalid_labels');

  const fieldsRaw = pick('fields', current?.fields ?? {});
  const fields: Record<string, JsonValue> = {};
  if (!isObject(fieldsRaw) || Object.keys(fieldsRaw).length > MAX_LIST) problem('fields', 'invalid_fields');
  else {
    for (const [key, value] of Object.entries(fieldsRaw)) {
      const ok =
        shortText(key) &&
        (typeof value === 'boolean' ||
          (typeof value === 'number' && Number.isFinite(value)) ||
          (typeof value === 'string' && value.length <= 1000));
      if (!ok) {
        problem(`fields.${key}`, 'invalid_fields');
        break;
      }
      fields[key] = value as JsonValue;
    }
  }

  const idOrNull = (field: 'flowId' | 'sequenceId'): string | null => {
    const v = pick(field, current?.[field] ?? null);
    if (v === null || v === undefined || v === '') return null;
    if (typeof v !== 'string' || v.length > 100) {
      problem(field, 'invalid_value');
      return null;
    }
    return v;
  };
  const flowId = idOrNull('flowId');
  const sequenceId = idOrNull('sequenceId');

  const activeRaw = pick('active', current?.active ?? true);
  if (typeof activeRaw !== 'boolean') problem('active', 'invalid_value');

  const config: Record<string, JsonValue> = {};
  if (k === 'comment') {
    const c = pick('comment', current?.config ?? null);
    if (!isObject(c)) problem('comment.replyText', 'required');
    else {
      const postIds = stringList(c.postIds, 100, (s) => META_ID.test(s));
      if (postIds === null) problem('comment.postIds', 'invalid_value');
      const keywords = stringList(c.keywords, MAX_LIST, shortText);
      if (keywords === null) problem('comment.keywords', 'invalid_keywords');
      const reply = typeof c.replyText === 'string' ? c.replyText.trim() : '';
      if (reply === '') problem('comment.replyText', 'required');
      else if (reply.length > MAX_REPLY) problem('comment.replyText', 'text_too_long', { max: MAX_REPLY });
      config.postIds = postIds ?? [];
      config.keywords = keywords ?? [];
      config.replyText = reply;
    }
  } else if (k === 'ad') {
    const a = pick('ad', current?.config ?? {});
    const adIds = isObject(a) ? stringList(a.adIds, 100, (s) => META_ID.test(s)) : null;
    if (adIds === null) problem('ad.adIds', 'invalid_value');
    config.adIds = adIds ?? [];
  } else {
    const l = pick('landing', (current?.config as { landing?: unknown } | undefined)?.landing ?? null);
    if (l !== null && l !== undefined) {
      if (!isObject(l)) problem('landing', 'invalid_value');
      else {
        const landing: Record<string, JsonValue> = {};
        for (const [key, max] of [
          ['title', 120],
          ['text', 600],
          ['button', 60],
        ] as const) {
          const v = l[key];
          if (v === undefined || v === null || v === '') continue;
          if (typeof v !== 'string') problem(`landing.${key}`, 'invalid_value');
          else if (v.length > max) problem(`landing.${key}`, 'text_too_long', { max });
          else landing[key] = v;
        }
        config.landing = landing;
      }
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    data: {
      pageId: pageId as string,
      kind: k,
      name,
      ref,
      slug,
      language: language as 'es' | 'en' | null,
      prefillText: typeof prefill === 'string' && prefill !== '' ? prefill : null,
      labels: labels ?? [],
      fields,
      flowId,
      sequenceId,
      config,
      active: activeRaw as boolean,
    },
  };
}

/** What the API answers for one entry point: the stored document plus its links. */
export interface EntryPointView {
  readonly id: string;
  readonly pageId: string;
  readonly kind: EntryPoint['kind'];
  readonly name: string;
  readonly ref: string | null;
  readonly slug: string | null;
  readonly language: 'es' | 'en' | null;
  readonly prefillText: string | null;
  readonly labels: readonly string[];
  readonly fields: Readonly<Record<string, JsonValue>>;
  readonly flowId: string | null;
  readonly sequenceId: string | null;
  readonly comment: JsonValue;
  readonly ad: JsonValue;
  readonly landing: JsonValue;
  readonly active: boolean;
  /** The m.me link (with ref and prefilled text when the entry point has them). */
  readonly mmeUrl: string;
  readonly landingUrl: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** The m.me URL of an entry point (the Page id works as the m.me handle). */
export function entryMmeUrl(ep: Pick<EntryPoint, 'pageId' | 'ref' | 'prefillText'>): string {
  return mmeUrl(ep.pageId, ep.ref, ep.prefillText);
}

export function toView(ep: EntryPoint, baseUrl: string): EntryPointView {
  const c = ep.config as Record<string, JsonValue>;
  return {
    id: ep.id,
    pageId: ep.pageId,
    kind: ep.kind,
    name: ep.name,
    ref: ep.ref,
    slug: ep.slug,
    language: ep.language,
    prefillText: ep.prefillText,
    labels: ep.labels,
    fields: ep.fields,
    flowId: ep.flowId,
    sequenceId: ep.sequenceId,
    comment:
      ep.kind === 'comment'
        ? { postIds: c.postIds ?? [], keywords: c.keywords ?? [], replyText: c.replyText ?? '' }
        : null,
    ad: ep.kind === 'ad' ? { adIds: c.adIds ?? [] } : null,
    landing: ep.kind === 'link' ? (c.landing ?? {}) : null,
    active: ep.active,
    mmeUrl: entryMmeUrl(ep),
    landingUrl: ep.slug !== null ? `${baseUrl}/l/${ep.slug}` : null,
    createdAt: ep.createdAt,
    updatedAt: ep.updatedAt,
  };
}
