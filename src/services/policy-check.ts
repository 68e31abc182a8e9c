/**
 * Policy checks on text: facts documents in, decisions out (the CLI, the API and jsonl share it). The work
 * happens on strings, so callers only wire their own I/O.
 */
import {
  catalogFor,
  createRuleBook,
  decide,
  explainDecision,
  factsProblemText,
  type Lang,
  parseFacts,
  type RuleSetResult,
  resolveRulesOverride,
  withMessages,
} from '../policy/index.ts';

export interface PolicyRunOptions {
  /** A `--rules` override (day, instant or rule-set id); default: the rules in force at the facts' `now`. */
  readonly rules?: string | undefined;
  readonly lang: Lang;
  /** Ids of uncertain rules switched off (`--disable`). */
  readonly disable?: readonly string[];
  readonly timeZone?: string | undefined;
}

export interface ErrorDocument {
  readonly error: {
    readonly code: 'invalid_json' | 'invalid_facts' | 'invalid_rules';
    readonly message: string;
    readonly problems?: readonly { field: string; message: string }[];
  };
}

export type RunResult =
  | { readonly ok: true; readonly decision: ReturnType<typeof withMessages>; readonly text: string }
  | { readonly ok: false; readonly error: ErrorDocument };

/** Validates the options once; a bad `--rules` or `--disable` is reported before any input is read. */
export function preparePolicyRun(
  options: PolicyRunOptions,
): { ok: true; run: (text: string) => RunResult } | { ok: false; error: ErrorDocument } {
  const c = catalogFor(options.lang);
  const book = createRuleBook({ disable: options.disable ?? [] });
  let overrideAt: number | null = null;
  if (options.rules !== undefined) {
    const resolved = resolveRulesOverride(options.rules);
    if (!resolved.ok) return { ok: false, error: rulesError(`--rules: ${c.facts.invalid_rules}`) };
    overrideAt = resolved.at;
  }
  const probe = book.at(overrideAt ?? Date.parse('2030-01-01T00:00:00Z'));
  if (!probe.ok) return { ok: false, error: rulesError(ruleSetProblem(probe, options.lang, options.rules)) };

  const run = (text: string): RunResult => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      const message = factsProblemText(
        { field: '(document)', problem: `invalid_json:${detail}` },
        options.lang,
      );
      return { ok: false, error: { error: { code: 'invalid_json', message } } };
    }
    const parsed = parseFacts(json);
    if (!parsed.ok) {
      const problems = parsed.problems.map((p) => ({
        field: p.field,
        message: factsProblemText(p, options.lang),
      }));
      return {
        ok: false,
        error: {
          error: { code: 'invalid_facts', message: problems.map((p) => p.message).join('; '), problems },
        },
      };
    }
    const facts = parsed.facts;
    const rules = book.at(overrideAt ?? facts.now);
    if (!rules.ok) {
      const message = ruleSetProblem(rules, options.lang, options.rules, 'now');
      return {
        ok: false,
        error: { error: { code: 'invalid_facts', message, problems: [{ field: 'now', message }] } },
      };
    }
    const decision = decide(facts, rules.ruleSet, facts.now);
    const ctx = { lang: options.lang, now: facts.now, timeZone: options.timeZone };
    return { ok: true, decision: withMessages(decision, ctx), text: explainDecision(decision, ctx) };
  };
  return { ok: true, run };
}

function rulesError(message: string): ErrorDocument {
  return { error: { code: 'invalid_rules', message } };
}

function ruleSetProblem(
  result: Extract<RuleSetResult, { ok: false }>,
  lang: Lang,
  override: string | undefined,
  field = '--rules',
): string {
  const c = catalogFor(lang);
  const where = override !== undefined && field === 'now' ? '--rules' : field;
  return result.code === 'before_horizon'
    ? `${where}: ${c.facts.before_horizon.replace('{day}', result.detail)}`
    : `--disable: ${c.facts.unknown_rule.replace('{id}', result.detail)}`;
}
