/**
 * Words are rendered from codes in one place, per language (CONVENTIONS 6). A test proves every code
 * has a message in every language.
 */
import type { AlternativeCode, MessageParams, NoteCode, ReasonCode, Route } from '../types.ts';

export const LANGS = ['en', 'es'] as const;
export type Lang = (typeof LANGS)[number];

export const WORD_KEYS = [
  'allowed',
  'refused',
  'via',
  'why',
  'instead',
  'notes',
  'window',
  'windowOpenUntil',
  'windowClosed',
  'windowNever',
  'promotional',
  'yes',
  'no',
  'signals',
  'rules',
  'today',
  'tomorrow',
  'yesterday',
  'on',
  'since',
  'until',
  'uncertain',
  'source',
  'timelineTitle',
] as const;
export type WordKey = (typeof WORD_KEYS)[number];

export const FACT_PROBLEM_KEYS = [
  'required',
  'expected_instant',
  'expected_country',
  'expected_tag',
  'expected_comment_or_post',
  'expected_boolean',
  'expected_string',
  'expected_object',
  'expected_array',
  'expected_number',
  'expected_one_of',
  'invalid_json',
  'before_horizon',
  'unknown_rule',
  'invalid_rules',
] as const;
export type FactProblemKey = (typeof FACT_PROBLEM_KEYS)[number];

export interface Catalog {
  readonly reasons: Readonly<Record<ReasonCode, string>>;
  readonly alternatives: Readonly<Record<AlternativeCode, string>>;
  readonly notes: Readonly<Record<NoteCode, string>>;
  readonly routes: Readonly<Record<Route, string>>;
  readonly words: Readonly<Record<WordKey, string>>;
  readonly facts: Readonly<Record<FactProblemKey, string>>;
}

/** How moments are shown: relative to `now` ("today at 18:40"), in a time zone (default UTC). */
export interface RenderContext {
  readonly lang: Lang;
  readonly now: number;
  /** IANA zone, e.g. "Europe/Madrid". Default "UTC". */
  readonly timeZone?: string;
}

export function isLang(value: string): value is Lang {
  return (LANGS as readonly string[]).includes(value);
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Lang, timeZone: string, kind: 'day' | 'date' | 'time'): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${kind}`;
  let f = dayFormatters.get(key);
  if (!f) {
    const locale = lang === 'es' ? 'es-ES' : 'en-GB';
    const options: Intl.DateTimeFormatOptions =
      kind === 'day'
        ? { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }
        : kind === 'date'
          ? { timeZone, year: 'numeric', month: 'long', day: 'numeric' }
          : { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
    f = new Intl.DateTimeFormat(locale, options);
    dayFormatters.set(key, f);
  }
  return f;
}

/** Fills `{name}` placeholders. */
export function interpolate(template: string, params: MessageParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** "today at 18:40 UTC", "mañana a las 09:00 CET", "on 3 May 2026 at 10:00 UTC". */
export function formatMoment(at: string | number, catalog: Catalog, ctx: RenderContext): string {
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(ms)) return String(at);
  const tz = ctx.timeZone ?? 'UTC';
  const dayOf = (t: number) => formatter(ctx.lang, tz, 'day').format(t);
  const time = formatter(ctx.lang, tz, 'time').format(ms);
  const day = dayOf(ms);
  if (day === dayOf(ctx.now)) return interpolate(catalog.words.today, { time });
  if (day === dayOf(ctx.now + 86_400_000)) return interpolate(catalog.words.tomorrow, { time });
  if (day === dayOf(ctx.now - 86_400_000)) return interpolate(catalog.words.yesterday, { time });
  return interpolate(catalog.words.on, { date: formatter(ctx.lang, tz, 'date').format(ms), time });
}

/** Renders a message template whose `{at}` parameter is a moment. */
export function renderTemplate(
  template: string,
  params: MessageParams | undefined,
  catalog: Catalog,
  ctx: RenderContext,
): string {
  if (!params) return template;
  const shown: Record<string, string | number> = { ...params };
  if (typeof params.at === 'string' || typeof params.at === 'number')
    shown.at = formatMoment(params.at, catalog, ctx);
  return interpolate(template, shown);
}
