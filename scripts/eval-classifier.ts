/**
 * Evaluates the promotional-content classifier on the labelled corpus.
 *   npx tsx scripts/eval-classifier.ts [--corpus path] [--hide-holdout]
 * Prints precision/recall of the promotional class per language and overall, for all items and for
 * the holdout split, hard cases right/wrong, and every misclassified item with its signals.
 * `--hide-holdout` lists only misclassified tuning items (use it while tuning, so the holdout stays
 * unseen). Exit code 0 always, 2 when the corpus is malformed (naming the line).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CORPUS_LANGS,
  metrics,
  parseCorpus,
  type Scored,
  scoreCorpus,
} from '../src/policy/classifier/corpus.ts';

const args = process.argv.slice(2);
const corpusArg = args.indexOf('--corpus');
const path = resolve(
  corpusArg >= 0 && args[corpusArg + 1] ? args[corpusArg + 1]! : 'corpus/promotional-corpus.jsonl',
);
const hideHoldout = args.includes('--hide-holdout');

let raw: string;
try {
  raw = readFileSync(path, 'utf8');
} catch (e) {
  console.error(`cannot read corpus ${path}: ${(e as Error).message}`);
  process.exit(2);
}
const parsed = parseCorpus(raw);
if (!parsed.ok) {
  console.error(`${path}:${parsed.error.line}: ${parsed.error.message}`);
  process.exit(2);
}

const scored = scoreCorpus(parsed.items);
const pct = (x: number): string => x.toFixed(3);

function table(title: string, rows: readonly Scored[]): void {
  console.log(`\n${title}`);
  console.log('  group    n    TP   FP   FN   TN   precision  recall  accuracy');
  const line = (name: string, group: readonly Scored[]): void => {
    const m = metrics(group);
    console.log(
      `  ${name.padEnd(7)}${String(m.n).padStart(4)} ${[m.tp, m.fp, m.fn, m.tn].map((v) => String(v).padStart(4)).join(' ')}   ${pct(m.precision).padStart(9)}  ${pct(m.recall).padStart(6)}  ${pct(m.accuracy).padStart(8)}`,
    );
  };
  for (const lang of CORPUS_LANGS)
    line(
      lang,
      rows.filter((s) => s.item.lang === lang),
    );
  line('all', rows);
}

table(`All items (${scored.length})`, scored);
const holdout = scored.filter((s) => s.item.split === 'holdout');
table(`Holdout split (${holdout.length})`, holdout);

const hard = scored.filter((s) => s.item.hard);
const hardRight = hard.filter((s) => s.correct).length;
console.log(`\nHard cases: ${hardRight} right, ${hard.length - hardRight} wrong (of ${hard.length})`);

const wrong = scored.filter((s) => !s.correct);
const listed = hideHoldout ? wrong.filter((s) => s.item.split !== 'holdout') : wrong;
console.log(
  `\nMisclassified: ${wrong.length}${hideHoldout ? ` (${wrong.length - listed.length} holdout items hidden)` : ''}`,
);
for (const s of listed) {
  const { item, verdict } = s;
  const expected = item.label === 'promotional' ? 'PROMO' : 'NON-PROMO';
  console.log(
    `\n- ${item.id} [${item.split}${item.hard ? ', hard' : ''}] expected ${expected}, score ${verdict.score}`,
  );
  console.log(`  text: ${item.text}`);
  for (const b of item.buttons ?? []) console.log(`  button: ${b.title ?? ''} -> ${b.url ?? ''}`);
  if (item.quickReplies?.length)
    console.log(`  quick replies: ${item.quickReplies.map((q) => q.title).join(' | ')}`);
  if (item.note) console.log(`  note: ${item.note}`);
  for (const sig of verdict.signals)
    console.log(
      `  + ${sig.kind} ${sig.weight ?? ''} "${sig.text}" (${sig.where}${sig.lang ? `, ${sig.lang}` : ''})`,
    );
  for (const c of verdict.counterSignals) console.log(`  - ${c.kind} "${c.text}"`);
}
