/**
 * The labelled corpus (`corpus/promotional-corpus.jsonl`): parsing and scoring. Pure: the caller
 * reads the file. Used by `scripts/eval-classifier.ts` and by the regression test.
 */
import { classifyContent } from './classify.ts';
import type { ClassifiableContent, PromotionalVerdict } from './types.ts';

export const CORPUS_LANGS = ['es', 'en', 'pt', 'it'] as const;
export type CorpusLang = (typeof CORPUS_LANGS)[number];

export interface CorpusItem {
  readonly id: string;
  readonly lang: CorpusLang;
  readonly label: 'promotional' | 'non_promotional';
  readonly text: string;
  readonly buttons?: readonly { readonly type?: string; readonly title?: string; readonly url?: string }[];
  readonly quickReplies?: readonly { readonly title?: string; readonly payload?: string }[];
  readonly hard: boolean;
  readonly note?: string;
  readonly split: 'tune' | 'holdout';
}

export type CorpusParse =
  | { readonly ok: true; readonly items: readonly CorpusItem[] }
  | {
      readonly ok: false;
      readonly error: { readonly code: 'corpus_malformed'; readonly line: number; readonly message: string };
    };

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkItem(v: unknown): string | CorpusItem {
  if (!isObj(v)) return 'not a JSON object';
  if (typeof v.id !== 'string' || v.id === '') return 'id must be a non-empty string';
  if (!CORPUS_LANGS.includes(v.lang as CorpusLang)) return `lang must be one of ${CORPUS_LANGS.join(', ')}`;
  if (v.label !== 'promotional' && v.label !== 'non_promotional')
    return 'label must be promotional or non_promotional';
  if (typeof v.text !== 'string') return 'text must be a string';
  if (v.hard !== undefined && typeof v.hard !== 'boolean') return 'hard must be a boolean';
  if (v.split !== undefined && v.split !== 'tune' && v.split !== 'holdout')
    return 'split must be tune or holdout';
  for (const key of ['buttons', 'quickReplies'] as const) {
    const list = v[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every(isObj)) return `${key} must be an array of objects`;
    for (const b of list as Record<string, unknown>[]) {
      for (const f of ['type', 'title', 'url', 'payload']) {
        if (b[f] !== undefined && typeof b[f] !== 'string') return `${key}[].${f} must be a string`;
      }
    }
  }
  return {
    ...(v as unknown as CorpusItem),
    hard: v.hard === true,
    split: v.split === 'holdout' ? 'holdout' : 'tune',
  };
}

/** Parse JSONL text; blank lines are skipped; the first bad line is reported (1-based). */
export function parseCorpus(jsonl: string): CorpusParse {
  const items: CorpusItem[] = [];
  const ids = new Set<string>();
  const lines = jsonl.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      return {
        ok: false,
        error: { code: 'corpus_malformed', line: i + 1, message: `invalid JSON: ${(e as Error).message}` },
      };
    }
    const item = checkItem(raw);
    if (typeof item === 'string')
      return { ok: false, error: { code: 'corpus_malformed', line: i + 1, message: item } };
    if (ids.has(item.id))
      return {
        ok: false,
        error: { code: 'corpus_malformed', line: i + 1, message: `duplicate id ${item.id}` },
      };
    ids.add(item.id);
    items.push(item);
  }
  return { ok: true, items };
}

export function contentOf(item: CorpusItem): ClassifiableContent {
  return { text: item.text, buttons: item.buttons, quickReplies: item.quickReplies };
}

export interface Scored {
  readonly item: CorpusItem;
  readonly verdict: PromotionalVerdict;
  readonly correct: boolean;
}

export interface Metrics {
  readonly n: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  /** Of the messages called promotional, the share that are (1 when none were called). */
  readonly precision: number;
  /** Of the promotional messages, the share caught (1 when there are none). */
  readonly recall: number;
  readonly accuracy: number;
}

export function scoreCorpus(items: readonly CorpusItem[]): Scored[] {
  return items.map((item) => {
    const verdict = classifyContent(contentOf(item));
    return { item, verdict, correct: verdict.value === (item.label === 'promotional') };
  });
}

export function metrics(scored: readonly Scored[]): Metrics {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const s of scored) {
    const actual = s.item.label === 'promotional';
    if (s.verdict.value && actual) tp++;
    else if (s.verdict.value) fp++;
    else if (actual) fn++;
    else tn++;
  }
  const n = scored.length;
  return {
    n,
    tp,
    fp,
    fn,
    tn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    accuracy: n === 0 ? 1 : (tp + tn) / n,
  };
}
