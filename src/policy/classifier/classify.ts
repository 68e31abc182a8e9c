/**
 * The promotional-content classifier: pure, deterministic, explainable. Every visible string of a
 * message (text, button titles and URLs, quick replies, template values) is scanned for signals;
 * transactional wording yields counter-signals; the verdict is a small weighted sum (`scoring.ts`).
 */
import {
  APPLIED_DISCOUNT_RE,
  CODE_RE,
  PERCENT_AFTER_RE,
  PERCENT_AFTER_WEIGHTS,
  PERCENT_BEFORE_RE,
  PERCENT_RE,
  PHRASE_RE,
  PHRASES,
  PRICE_RE,
  PRICE_SELLING_RE,
  PRICE_TRANSACTIONAL_RE,
  SCARCITY_GROUP_LANGS,
  SCARCITY_HINT,
  SCARCITY_RE,
  SURVEY_RELATED_RE,
  URL_HINT,
  URL_RE,
} from './compile.ts';
import { classifyUrl } from './links.ts';
import { deobfuscate, type MappedText, normalizeMapped } from './normalize.ts';
import {
  BARE_PRICE_WEIGHT,
  CODE_TOKEN_WEIGHT,
  COUNTER_CAP,
  COUNTER_WEIGHTS,
  SCARCITY_WEIGHT,
  SIGNAL_WEIGHTS,
  THRESHOLD,
} from './scoring.ts';
import type {
  ClassifiableContent,
  CounterSignal,
  CounterSignalKind,
  PromotionalVerdict,
  Signal,
  SignalKind,
} from './types.ts';

export { normalizeText } from './normalize.ts';

type Where = Signal['where'];

interface Acc {
  readonly signals: Signal[];
  readonly counters: CounterSignal[];
  /** `${kind}@${where}:${piece}:${originalStart}`, to report a word found twice (plain and de-obfuscated) once. */
  readonly seen: Set<string>;
  readonly counterKinds: Set<CounterSignalKind>;
  readonly normalized: string[];
}

function addSignal(acc: Acc, key: string, signal: Signal): void {
  if (acc.seen.has(key)) return;
  acc.seen.add(key);
  acc.signals.push(signal);
}

function addCounter(acc: Acc, kind: CounterSignalKind, text: string): void {
  // One counter-signal per kind is enough to explain it; more would only repeat it.
  if (acc.counterKinds.has(kind)) return;
  acc.counterKinds.add(kind);
  acc.counters.push({ kind, text });
}

function originalSlice(orig: string, m: MappedText, from: number, to: number): string {
  return orig.slice(m.start[from]!, m.end[to - 1]!);
}

function judgeUrl(acc: Acc, url: string, where: Where, id: string): void {
  const v = classifyUrl(url);
  if ('counter' in v) addCounter(acc, v.counter, url);
  else if ('signal' in v) {
    addSignal(acc, `${v.signal}@${id}:${url}`, {
      kind: v.signal,
      text: url,
      where,
      weight: v.weight ?? SIGNAL_WEIGHTS[v.signal],
    });
  }
}

function scanPhrases(acc: Acc, orig: string, m: MappedText, where: Where, id: string): void {
  PHRASE_RE.lastIndex = 0;
  for (let r = PHRASE_RE.exec(m.text); r !== null; r = PHRASE_RE.exec(m.text)) {
    const info = PHRASES.get(r[0]);
    if (info === undefined || info.type === 'neutral') continue;
    const text = originalSlice(orig, m, r.index, r.index + r[0].length);
    if (info.type === 'counter') addCounter(acc, info.kind, text);
    else {
      addSignal(acc, `${info.kind}@${id}:${m.start[r.index]}`, {
        kind: info.kind,
        text,
        where,
        lang: info.lang,
        weight: info.weight,
      });
    }
  }
}

function scanPrices(acc: Acc, orig: string, m: MappedText, where: Where, id: string): void {
  PRICE_RE.lastIndex = 0;
  for (let r = PRICE_RE.exec(m.text); r !== null; r = PRICE_RE.exec(m.text)) {
    const before = m.text.slice(Math.max(0, r.index - 48), r.index);
    if (PRICE_TRANSACTIONAL_RE.test(before)) continue;
    const sell = PRICE_SELLING_RE.exec(before);
    const from = sell === null ? r.index : r.index - (before.length - sell.index);
    addSignal(acc, `price_offer@${id}:${m.start[r.index]}`, {
      kind: 'price_offer',
      text: originalSlice(orig, m, from, r.index + r[0].length),
      where,
      weight: sell === null ? BARE_PRICE_WEIGHT : SIGNAL_WEIGHTS.price_offer,
    });
  }
}

function scanPercents(acc: Acc, orig: string, m: MappedText, where: Where, id: string): void {
  PERCENT_RE.lastIndex = 0;
  for (let r = PERCENT_RE.exec(m.text); r !== null; r = PERCENT_RE.exec(m.text)) {
    let from = r.index;
    let to = r.index + r[0].length;
    let weight = 0;
    if (r[1] === '-') weight = SIGNAL_WEIGHTS.discount;
    const after = PERCENT_AFTER_RE.exec(m.text.slice(to, to + 24));
    if (after !== null) {
      weight = Math.max(weight, PERCENT_AFTER_WEIGHTS.get(after[1]!) ?? 0);
      if (weight === PERCENT_AFTER_WEIGHTS.get(after[1]!)) to += after[0].length;
    }
    const before = PERCENT_BEFORE_RE.exec(m.text.slice(Math.max(0, from - 24), from));
    if (before !== null) {
      weight = SIGNAL_WEIGHTS.discount;
      from -= Math.min(from, 24) - before.index;
    }
    if (weight === 0) continue;
    addSignal(acc, `discount@${id}:${m.start[r.index]}`, {
      kind: 'discount',
      text: originalSlice(orig, m, from, to),
      where,
      weight,
    });
  }
}

function scanScarcity(acc: Acc, orig: string, m: MappedText, where: Where, id: string): void {
  SCARCITY_RE.lastIndex = 0;
  for (let r = SCARCITY_RE.exec(m.text); r !== null; r = SCARCITY_RE.exec(m.text)) {
    const group = r.findIndex((g, i) => i > 0 && g !== undefined);
    addSignal(acc, `urgency@${id}:${m.start[r.index]}`, {
      kind: 'urgency',
      text: originalSlice(orig, m, r.index, r.index + r[0].length),
      where,
      lang: SCARCITY_GROUP_LANGS[group - 1] ?? 'any',
      weight: SCARCITY_WEIGHT,
    });
  }
}

const UPPER_CODE = /^(?=.*[A-Z])[A-Z0-9]+$/;

function scanCodes(acc: Acc, orig: string, m: MappedText, where: Where, id: string): void {
  CODE_RE.lastIndex = 0;
  for (let r = CODE_RE.exec(m.text); r !== null; r = CODE_RE.exec(m.text)) {
    const tokenFrom = r.index + r[0].length - r[1]!.length;
    const token = originalSlice(orig, m, tokenFrom, r.index + r[0].length);
    // Upper case with a letter: VERANO20. A verification code (digits) or a plain word is not a coupon.
    if (!UPPER_CODE.test(token)) continue;
    addSignal(acc, `coupon@${id}:${m.start[r.index]}`, {
      kind: 'coupon',
      text: originalSlice(orig, m, r.index, r.index + r[0].length),
      where,
      weight: CODE_TOKEN_WEIGHT,
    });
  }
}

/** Scan one visible string. `id` tells pieces apart so the same word in two buttons counts as two signals. */
function scanPiece(acc: Acc, orig: string, where: Where, id: string): void {
  if (orig.length === 0) return;
  const spans: [number, number][] = [];
  URL_RE.lastIndex = 0;
  // Every link has a dot between two letters or digits ("x.com", "www."); most sentences do not.
  const hasLink = URL_HINT.test(orig);
  for (let r = hasLink ? URL_RE.exec(orig) : null; r !== null; r = URL_RE.exec(orig)) {
    const url = r[0].replace(/[.,;:!?)\]]+$/, '');
    spans.push([r.index, r.index + url.length]);
    judgeUrl(acc, url, where, id);
  }
  const m = normalizeMapped(orig, spans);
  acc.normalized.push(m.text);
  scanPhrases(acc, orig, m, where, id);
  const d = deobfuscate(m);
  if (d !== undefined) scanPhrases(acc, orig, d, where, id);
  const numeric = d ?? m;
  if (numeric.text.includes('%')) scanPercents(acc, orig, numeric, where, id);
  scanPrices(acc, orig, numeric, where, id);
  if (SCARCITY_HINT.test(numeric.text)) scanScarcity(acc, orig, numeric, where, id);
  scanCodes(acc, orig, m, where, id);
}

/** Sum of the strongest weight of each signal kind, minus capped counter-signal weights. */
function score(signals: readonly Signal[], counters: readonly CounterSignal[]): number {
  const best = new Map<SignalKind, number>();
  for (const s of signals) {
    const w = s.weight ?? SIGNAL_WEIGHTS[s.kind];
    if (w > (best.get(s.kind) ?? 0)) best.set(s.kind, w);
  }
  let sum = 0;
  for (const w of best.values()) sum += w;
  let against = 0;
  for (const c of counters) against += COUNTER_WEIGHTS[c.kind];
  return Math.round((sum - Math.min(against, COUNTER_CAP)) * 100) / 100;
}

/**
 * Classify everything a person will see in one outbound message.
 * Pure and deterministic: no I/O, no clock. Signals carry the exact original text that matched.
 * @example classifyContent({ text: 'Usa el código VERANO20' }).value === true
 */
export function classifyContent(content: ClassifiableContent): PromotionalVerdict {
  const acc: Acc = { signals: [], counters: [], seen: new Set(), counterKinds: new Set(), normalized: [] };
  if (content.text) scanPiece(acc, content.text, 'text', 't');
  content.buttons?.forEach((b, i) => {
    if (b.title) scanPiece(acc, b.title, 'button', `b${i}`);
    if (b.url) judgeUrl(acc, b.url, 'button', `b${i}u`);
  });
  content.quickReplies?.forEach((q, i) => {
    if (q.title) scanPiece(acc, q.title, 'quick_reply', `q${i}`);
  });
  content.extraTexts?.forEach((x, i) => {
    scanPiece(acc, x, 'template', `x${i}`);
  });
  let signals: Signal[] = acc.signals;
  // A survey about the person's own chat, visit or order is feedback, not an unrelated poll.
  if (
    signals.some((s) => s.kind === 'survey_unrelated') &&
    acc.normalized.some((t) => SURVEY_RELATED_RE.test(t))
  ) {
    signals = signals.filter((s) => s.kind !== 'survey_unrelated');
  }
  // "The discount you applied": with a receipt, invoice or account counter-signal present, coupon and
  // discount words describe the transaction rather than offer anything.
  if (
    acc.counters.some((c) => c.kind === 'receipt' || c.kind === 'invoice' || c.kind === 'account_notice') &&
    signals.some((s) => s.kind === 'coupon' || s.kind === 'discount') &&
    acc.normalized.some((t) => APPLIED_DISCOUNT_RE.test(t))
  ) {
    signals = signals.filter((s) => s.kind !== 'coupon' && s.kind !== 'discount');
  }
  const value = score(signals, acc.counters);
  return { value: value >= THRESHOLD, score: value, signals, counterSignals: acc.counters };
}
