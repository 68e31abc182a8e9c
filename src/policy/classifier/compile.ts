/**
 * Compiles the lexicons into a handful of regular expressions, once, at module load. Phrases of all
 * languages go into one alternation (longest first, so "envío gratis" wins over "gratis"); V8 factors
 * the common prefixes of plain alternatives, which keeps one scan per text fast.
 */
import { any } from './lexicon/any.ts';
import { en } from './lexicon/en.ts';
import { es } from './lexicon/es.ts';
import { it } from './lexicon/it.ts';
import { pt } from './lexicon/pt.ts';
import type { Entry, Lexicon, LexiconLang } from './lexicon/shape.ts';
import { normalizeText } from './normalize.ts';
import { COUNTER_WEIGHTS, SIGNAL_WEIGHTS } from './scoring.ts';
import type { CounterSignalKind, SignalKind } from './types.ts';

export const LEXICONS: readonly Lexicon[] = [es, en, pt, it, any];

export type PhraseInfo =
  | {
      readonly type: 'signal';
      readonly kind: SignalKind;
      readonly weight: number;
      readonly lang: LexiconLang;
    }
  | { readonly type: 'counter'; readonly kind: CounterSignalKind; readonly weight: number }
  | { readonly type: 'neutral' };

function phraseOf(e: Entry): string {
  return typeof e === 'string' ? e : e[0];
}

function weightOf(e: Entry, fallback: number): number {
  return typeof e === 'string' ? fallback : e[1];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Normalise a lexicon phrase and check it can be matched on word boundaries. */
function norm(phrase: string, where: string): string {
  const n = normalizeText(phrase);
  if (!/^[a-z0-9](?:.*[a-z0-9])?$/.test(n))
    throw new Error(`lexicon ${where}: phrase "${phrase}" must start and end with a letter or digit`);
  return n;
}

function alternation(phrases: Iterable<string>): string {
  return [...new Set(phrases)]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .map(escapeRe)
    .join('|');
}

function buildPhraseTable(lexicons: readonly Lexicon[]): Map<string, PhraseInfo> {
  const table = new Map<string, PhraseInfo>();
  const add = (phrase: string, info: PhraseInfo, where: string): void => {
    const prev = table.get(phrase);
    if (prev === undefined) {
      table.set(phrase, info);
      return;
    }
    if (prev.type === 'signal' && info.type === 'signal' && prev.kind === info.kind) {
      // The same word in two languages ("gratis"): one entry, language `any`, the stronger weight.
      table.set(phrase, {
        ...prev,
        lang: prev.lang === info.lang ? prev.lang : 'any',
        weight: Math.max(prev.weight, info.weight),
      });
      return;
    }
    if (
      prev.type === info.type &&
      (prev.type !== 'signal' && prev.type !== 'counter' ? true : prev.kind === (info as typeof prev).kind)
    )
      return;
    throw new Error(
      `lexicon ${where}: phrase "${phrase}" is already a ${prev.type}${'kind' in prev ? ` ${prev.kind}` : ''}`,
    );
  };
  for (const lex of lexicons) {
    for (const [kind, entries] of Object.entries(lex.signals) as [SignalKind, readonly Entry[]][]) {
      for (const e of entries) {
        const p = norm(phraseOf(e), lex.lang);
        add(p, { type: 'signal', kind, weight: weightOf(e, SIGNAL_WEIGHTS[kind]), lang: lex.lang }, lex.lang);
      }
    }
    for (const [kind, entries] of Object.entries(lex.counters) as [CounterSignalKind, readonly Entry[]][]) {
      for (const e of entries) {
        add(
          norm(phraseOf(e), lex.lang),
          { type: 'counter', kind, weight: weightOf(e, COUNTER_WEIGHTS[kind]) },
          lex.lang,
        );
      }
    }
    for (const p of lex.neutral) add(norm(p, lex.lang), { type: 'neutral' }, lex.lang);
  }
  return table;
}

/** Normalised phrase → what it means. */
export const PHRASES: ReadonlyMap<string, PhraseInfo> = buildPhraseTable(LEXICONS);

/** All lexicon phrases, whole words. */
export const PHRASE_RE = new RegExp(`\\b(?:${alternation(PHRASES.keys())})\\b`, 'g');

function collect(pick: (l: Lexicon) => readonly string[]): string[] {
  return LEXICONS.flatMap((l) => pick(l).map((p) => norm(p, l.lang)));
}

/** Survey prompts tied to the person's own interaction. */
export const SURVEY_RELATED_RE = new RegExp(`\\b(?:${alternation(collect((l) => l.surveyRelated))})\\b`);

/** Coupon or discount already applied or used. */
export const APPLIED_DISCOUNT_RE = new RegExp(`\\b(?:${alternation(collect((l) => l.appliedDiscount))})\\b`);

/** A transactional word within a few words before a price. Tested on the text before the price. */
export const PRICE_TRANSACTIONAL_RE = new RegExp(
  `\\b(?:${alternation(collect((l) => l.priceTransactional))})\\b(?: [^ ]+){0,4} ?$`,
);

/** A selling word right before a price. */
export const PRICE_SELLING_RE = new RegExp(`\\b(?:${alternation(collect((l) => l.priceSelling))}) ?$`);

/** A price: currency before or after a number ("$19.99", "9,99 €", "r$ 24,90", "12 euros"). */
export const PRICE_RE =
  /(?<![a-z0-9])(?:(?:r\$|us\$|[$€£]) ?\d+(?:[.,]\d+)*|\d+(?:[.,]\d+)* ?(?:€|£|\$|eur|euros?|usd|dolares|dollars|reais|r\$)(?![a-z]))/g;

/** A percentage, with an optional leading minus ("-30%"). */
export const PERCENT_RE = /(?<![\d.,])(-)?\d{1,3}(?:[.,]\d+)? ?%/g;

const percentAfter = new Map<string, number>();
for (const l of LEXICONS) {
  for (const e of l.percentAfter) {
    const p = norm(phraseOf(e), l.lang);
    percentAfter.set(p, Math.max(percentAfter.get(p) ?? 0, weightOf(e, SIGNAL_WEIGHTS.discount)));
  }
}
/** Weight of a discount cue right after "NN%", by normalised cue. */
export const PERCENT_AFTER_WEIGHTS: ReadonlyMap<string, number> = percentAfter;
export const PERCENT_AFTER_RE = new RegExp(`^ ?(${alternation(percentAfter.keys())})\\b`);
export const PERCENT_BEFORE_RE = new RegExp(
  `\\b(?:${alternation(collect((l) => l.percentBefore))}) (?:(?:un|el|o|a|il|al|the) )?-?$`,
);

const SCARCITY_LANGS = LEXICONS.filter((l) => l.scarcity.length > 0);
/** Scarcity with a number ("quedan 3 plazas"); capture group i+1 belongs to `SCARCITY_GROUP_LANGS[i]`. */
/** Regex sources are written like text: accents and case are folded, `#` becomes a number. */
function scarcitySource(src: string): string {
  return src.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replaceAll('#', '\\d{1,3}');
}
export const SCARCITY_RE = new RegExp(
  SCARCITY_LANGS.map(
    (l) => `\\b(${l.scarcity.map((src) => `(?:${scarcitySource(src)})`).join('|')})\\b`,
  ).join('|'),
  'g',
);
/** Cheap pre-check for SCARCITY_RE: a number next to a word. */
export const SCARCITY_HINT = /\d{1,3} [a-z]|[a-z] \d{1,3}\b/;
export const SCARCITY_GROUP_LANGS: readonly LexiconLang[] = SCARCITY_LANGS.map((l) => l.lang);

/** "code VERANO20": an intro word, optional colon already folded, then a token (case checked on the original). */
export const CODE_RE = new RegExp(
  `\\b(?:${alternation(collect((l) => l.codeIntro))}) ([a-z0-9]{4,20})\\b`,
  'g',
);

/** Cheap pre-check for URL_RE. */
export const URL_HINT = /[a-z0-9]\.[a-z]/i;

/**
 * Links written in text: with a scheme, with `www.`, or a bare domain with a common TLD and a path.
 * Not preceded by `@` (e-mail addresses are not links).
 */
export const URL_RE =
  /(?<![@\w.-])(?:https?:\/\/[^\s<>"'«»]+|www\.[^\s<>"'«»]+|[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|es|pt|it|br|net|org|io|co|shop|store|app|link|ly|me|info|eu|mx|ar|cl|uk|us)(?:\.[a-z]{2})?(?:\/[^\s<>"'«»]*)?)(?![\w@])/gi;
