/** Renders the rule data as the Markdown page docs/rules.md (a test keeps the committed page current). */
import { RULE_RECORDS } from './records.ts';
import { ruleTimeline } from './ruleset.ts';
import { SOURCES } from './sources.ts';

export function renderRulesDoc(): string {
  const out: string[] = [
    '# Messenger rules, as Ventana models them',
    '',
    '<!-- Generated from src/policy/rules/records.ts by `npm run docs:rules`. Do not edit by hand. -->',
    '',
    'Each rule is a record with the day it took effect (00:00 UTC), the day it ended where it did, the routes it',
    'governs, its parameters and its sources. The rule set used by a decision is the merge of the records in force',
    'at the decision’s `now` (or at `--rules`). Its id is `messenger-<day of the last change>`, with `~<rule>` for',
    'each uncertain rule switched off with `--disable`.',
    '',
    '## Timeline',
    '',
    '| rule set | starts | ends |',
    '|---|---|---|',
  ];
  for (const step of ruleTimeline()) {
    const starts = step.starts.map((r) => `\`${r.id}\``).join(', ') || '—';
    const ends = step.ends.map((r) => `\`${r.id}\``).join(', ') || '—';
    out.push(`| messenger-${step.day} | ${starts} | ${ends} |`);
  }
  out.push('', '## Rules', '');
  for (const r of RULE_RECORDS) {
    out.push(`### ${r.title.en} (\`${r.id}\`)`, '');
    out.push(`*${r.title.es}*`, '');
    out.push(`- In force: ${r.from}${r.until ? ` until ${r.until} (excluded)` : ' onwards'}`);
    out.push(`- Routes: ${r.routes.map((x) => `\`${x}\``).join(', ')}`);
    out.push(`- Parameters: \`${JSON.stringify(r.set)}\``);
    out.push(`- Sources: ${r.sources.map((s) => `[${s}](${SOURCES[s]})`).join(', ')}`);
    out.push('', r.summary.en, '', `> ${r.summary.es}`, '');
    if (r.uncertain) {
      out.push(
        `**Uncertain — what Ventana assumes:** ${r.uncertain.en}`,
        '',
        `> **Dudosa:** ${r.uncertain.es}`,
        '',
      );
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
