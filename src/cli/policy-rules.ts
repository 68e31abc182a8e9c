/** `ventana policy rules`: the timeline of rule changes, with sources, in the reader's language. */
import {
  catalogFor,
  type Lang,
  RULE_RECORDS,
  type RuleRecord,
  resolveRulesOverride,
  ruleSetAt,
  ruleTimeline,
  SOURCES,
} from '../policy/index.ts';

export interface PrintRulesOptions {
  readonly lang: Lang;
  /** Show only the rule set in force at this day. */
  readonly at?: string | undefined;
  readonly json: boolean;
}

function recordLines(r: RuleRecord, lang: Lang): string[] {
  const w = catalogFor(lang).words;
  const span = r.until ? `${r.from} → ${r.until}` : `${r.from} →`;
  const lines = [
    `  • ${r.title[lang]}  [${r.id}]  ${span}${r.uncertain ? `  (${w.uncertain})` : ''}`,
    `      ${r.summary[lang]}`,
  ];
  if (r.uncertain) lines.push(`      ⚠ ${r.uncertain[lang]}`);
  for (const s of r.sources) lines.push(`      ${w.source}: ${SOURCES[s]}`);
  return lines;
}

/** Prints the timeline (or one rule set) and returns the exit code. */
export function printRules(
  options: PrintRulesOptions,
  out: (s: string) => void,
  err: (s: string) => void,
): number {
  const c = catalogFor(options.lang);
  if (options.at !== undefined) {
    const resolved = resolveRulesOverride(options.at);
    if (!resolved.ok) {
      err(`--at: ${c.facts.invalid_rules}`);
      return 2;
    }
    const set = ruleSetAt(resolved.at);
    if (!set.ok) {
      err(`--at: ${c.facts.before_horizon.replace('{day}', set.detail)}`);
      return 2;
    }
    if (options.json)
      out(
        JSON.stringify(
          {
            id: set.ruleSet.id,
            since: set.ruleSet.since,
            records: set.ruleSet.records,
            params: set.ruleSet.params,
          },
          null,
          2,
        ),
      );
    else {
      out(`${c.words.rules}: ${set.ruleSet.id}`);
      for (const r of set.ruleSet.records) out(recordLines(r, options.lang).join('\n'));
    }
    return 0;
  }
  const timeline = ruleTimeline();
  if (options.json) {
    out(
      JSON.stringify(
        {
          records: RULE_RECORDS,
          timeline: timeline.map((t) => ({
            day: t.day,
            starts: t.starts.map((r) => r.id),
            ends: t.ends.map((r) => r.id),
          })),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  out(c.words.timelineTitle);
  for (const step of timeline) {
    out(`\n${step.day}  (messenger-${step.day})`);
    for (const r of step.starts) out(recordLines(r, options.lang).join('\n'));
    for (const r of step.ends) out(`  ✝ ${r.title[options.lang]}  [${r.id}]  ${c.words.until} ${step.day}`);
  }
  return 0;
}
