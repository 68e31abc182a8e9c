/**
 * Picks the rules in force at a moment and merges them into the parameters decide() reads.
 * Pure: the caller passes the moment (the decision's `now`, or a `--rules` override).
 */
import type { PolicyParams } from './params.ts';
import { RULE_RECORDS, RULES_HORIZON, type RulePatch, type RuleRecord } from './records.ts';

export interface RuleSet {
  /** "messenger-YYYY-MM-DD" (the last rule change in force), with "~<id>" per record switched off. */
  readonly id: string;
  /** The first day this combination of rules was in force. */
  readonly since: string;
  readonly records: readonly RuleRecord[];
  readonly disabled: readonly string[];
  readonly params: PolicyParams;
}

export interface RuleSetOptions {
  /** Ids of UNCERTAIN records to switch off, e.g. ["ctm-window-7d"]. Default: none. */
  readonly disable?: readonly string[];
  readonly records?: readonly RuleRecord[];
}

/** Routes are off until a record switches them on. */
const BASE_PARAMS: PolicyParams = {
  standardWindow: { hours: 24, opensOn: [] },
  ctmWindow: null,
  tags: {},
  humanAgent: null,
  utility: null,
  marketingMessages: null,
  legacyNotifications: null,
  oneTimeNotification: null,
  privateReply: { days: 7, perObject: 1, perHour: 750 },
  newsSubscription: null,
  sponsoredMessages: { available: false },
};

/** Epoch ms of 00:00 UTC of a YYYY-MM-DD day. */
export function dayStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

function inForce(record: RuleRecord, at: number): boolean {
  return dayStart(record.from) <= at && (record.until === undefined || at < dayStart(record.until));
}

function applyPatch(params: PolicyParams, patch: RulePatch): PolicyParams {
  const out: Record<string, unknown> = { ...params };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    if (key === 'tags') out[key] = { ...(current as object), ...(value as object) };
    else if (value === null) out[key] = null;
    else out[key] = { ...(current as object | null), ...(value as object) };
  }
  return out as unknown as PolicyParams;
}

/** Every day on which the rule set changes, oldest first (the horizon included). */
export function ruleBoundaries(records: readonly RuleRecord[] = RULE_RECORDS): string[] {
  const days = new Set<string>([RULES_HORIZON]);
  for (const r of records) {
    if (r.from > RULES_HORIZON) days.add(r.from);
    if (r.until !== undefined) days.add(r.until);
  }
  return [...days].sort();
}

export type RuleSetResult =
  | { ok: true; ruleSet: RuleSet }
  | { ok: false; code: 'before_horizon' | 'unknown_rule'; detail: string };

/** The rule set in force at `at` (epoch ms). */
export function ruleSetAt(at: number, options: RuleSetOptions = {}): RuleSetResult {
  const { disable = [], records = RULE_RECORDS } = options;
  if (!Number.isFinite(at) || at < dayStart(RULES_HORIZON)) {
    return { ok: false, code: 'before_horizon', detail: RULES_HORIZON };
  }
  for (const id of disable) {
    const record = records.find((r) => r.id === id);
    if (!record) return { ok: false, code: 'unknown_rule', detail: id };
  }
  const active = records
    .filter((r) => inForce(r, at) && !disable.includes(r.id))
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const params = active.reduce((p, r) => applyPatch(p, r.set), BASE_PARAMS);
  const since = ruleBoundaries(records)
    .filter((d) => dayStart(d) <= at)
    .at(-1)!;
  const suffix = [...disable]
    .sort()
    .map((d) => `~${d}`)
    .join('');
  return {
    ok: true,
    ruleSet: { id: `messenger-${since}${suffix}`, since, records: active, disabled: disable, params },
  };
}

/**
 * Resolves a `--rules` value: a day ("2020-03-04"), an ISO instant, or a rule-set id
 * ("messenger-2026-04-27"). Returns the moment whose rules apply.
 */
export function resolveRulesOverride(value: string): { ok: true; at: number } | { ok: false } {
  const id = /^messenger-(\d{4}-\d{2}-\d{2})$/.exec(value);
  const day = id ? id[1]! : value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(day)) {
    const at = dayStart(day);
    return Number.isNaN(at) ? { ok: false } : { ok: true, at };
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? { ok: false } : { ok: true, at };
}

/** The timeline of rule changes: each boundary day with the records that start or end on it. */
export function ruleTimeline(records: readonly RuleRecord[] = RULE_RECORDS): {
  day: string;
  starts: RuleRecord[];
  ends: RuleRecord[];
}[] {
  return ruleBoundaries(records).map((day) => ({
    day,
    // Records that began before the horizon are shown as starting on it (days compare as text).
    starts: records.filter((r) => (r.from > RULES_HORIZON ? r.from : RULES_HORIZON) === day),
    ends: records.filter((r) => r.until === day),
  }));
}

/**
 * Memoises rule sets per boundary so hot loops (jsonl, broadcasts) merge records once per rule change.
 * @example const book = createRuleBook(); const r = book.at(Date.parse('2026-11-25T12:00:00Z'));
 */
export function createRuleBook(options: RuleSetOptions = {}) {
  const records = options.records ?? RULE_RECORDS;
  const starts = ruleBoundaries(records).map(dayStart);
  const cache = new Map<number, RuleSetResult>();
  return {
    at(at: number): RuleSetResult {
      let boundary = Number.NaN;
      for (let i = starts.length - 1; i >= 0; i--) {
        if (starts[i]! <= at) {
          boundary = starts[i]!;
          break;
        }
      }
      if (Number.isNaN(boundary)) return ruleSetAt(at, options);
      let hit = cache.get(boundary);
      if (!hit) {
        hit = ruleSetAt(at, options);
        cache.set(boundary, hit);
      }
      return hit;
    },
  };
}

export type RuleBook = ReturnType<typeof createRuleBook>;
