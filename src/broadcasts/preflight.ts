/**
 * Preflight: for every recipient, the route they would take at `at` through the real `decide()` —
 * exact, not sampled — grouped, counted, with the alternatives for those refused; and a streamed
 * CSV of any group. Nothing is sent and nothing is written.
 */
import {
  type Alternative,
  alternativeText,
  catalogFor,
  createRuleBook,
  type Decision,
  type Lang,
  type MessageParams,
  type ReasonCode,
  type Route,
  type RuleBook,
  reasonText,
} from '../policy/index.ts';
import { csvCell } from '../storage/audit.ts';
import type { Queryable } from '../storage/index.ts';
import type { Broadcast } from './model.ts';
import { renderSchedule } from './schedule.ts';
import { type MemberVisitor, walkChunks, walkContext, walkEach } from './walk.ts';

/** Where a recipient lands. `refused:<code>` groups refusals by their first (most important) reason. */
export type PreflightGroupKey =
  | 'standard_now'
  | 'standard_before_close'
  | 'human_agent'
  | 'utility'
  | 'marketing_message'
  | 'other_route'
  | 'skipped:window_closed'
  | `refused:${ReasonCode}`;

export interface PreflightGroup {
  readonly key: PreflightGroupKey;
  readonly allowed: boolean;
  readonly count: number;
  /** Routes taken (several only in `other_route`). */
  readonly routes: Readonly<Partial<Record<Route, number>>>;
  readonly reason: ReasonCode | null;
  /** Params of the reason for the first member (e.g. when the window closed), to render an example. */
  readonly exampleParams: MessageParams | null;
  /** Earliest and latest window closing among the members (null when none has a window). */
  readonly windowClosesEarliest: number | null;
  readonly windowClosesLatest: number | null;
  /** Earliest and latest moment the schedule makes members due (each was decided at their own). */
  readonly dueEarliest: number | null;
  readonly dueLatest: number | null;
  /** What can be done instead, with how many members each applies to. */
  readonly alternatives: readonly {
    readonly code: Alternative['code'];
    readonly route: Route | null;
    readonly count: number;
  }[];
}

export interface PreflightReport {
  readonly broadcastId: string;
  readonly at: number;
  readonly rules: string;
  /** Audience size (every member is in exactly one group). */
  readonly total: number;
  readonly allowed: number;
  readonly refused: number;
  /** Left out by the schedule (window already closed, the marketer chose to skip them). */
  readonly skipped: number;
  /** The broadcast's schedule (null: now); each member was decided at the moment it makes them due. */
  readonly schedule: Broadcast['schedule'];
  readonly groups: readonly PreflightGroup[];
  readonly atRiskWithinMs: number;
  readonly durationMs: number;
}

export interface PreflightOptions {
  readonly rules?: RuleBook;
  /**
   * A standard recipient whose window closes within this long of `at` is "standard only if sent
   * before their window closes" (a long broadcast may not reach them in time). Default 1 hour.
   */
  readonly atRiskWithinMs?: number;
  /** Contacts per keyset chunk. Default 10,000. */
  readonly chunk?: number;
  /** Clock for `durationMs` only. Default performance.now. */
  readonly clock?: () => number;
}

/**
 * The reason a refusal is grouped by: the first one, unless a route the person had a token for failed
 * (marketing_region_ineligible, marketing_cooldown, …): that is what the marketer can act on.
 */
function groupReason(reasons: Decision['reasons']): Decision['reasons'][number] | undefined {
  const tokenFailure = reasons.find(
    (r) => /^(marketing|legacy|one_time)_/.test(r.code) && r.code !== 'marketing_not_subscribed',
  );
  return tokenFailure ?? reasons[0];
}

/**
 * @param at the moment the person is due (and was decided at)
 * @param beforeClose the schedule moved the person earlier to beat their window's close
 */
export function groupOf(
  decision: Decision | null,
  at: number,
  atRiskWithinMs: number,
  beforeClose = false,
): PreflightGroupKey {
  if (decision === null) return 'refused:page_restricted';
  if (!decision.allowed) return `refused:${groupReason(decision.reasons)?.code ?? 'outside_window'}`;
  switch (decision.route) {
    case 'standard':
      return beforeClose ||
        (decision.windowClosesAt !== null && decision.windowClosesAt - at <= atRiskWithinMs)
        ? 'standard_before_close'
        : 'standard_now';
    case 'human_agent':
    case 'utility':
    case 'marketing_message':
      return decision.route;
    default:
      return 'other_route';
  }
}

interface MutableGroup {
  key: PreflightGroupKey;
  allowed: boolean;
  count: number;
  routes: Partial<Record<Route, number>>;
  reason: ReasonCode | null;
  exampleParams: MessageParams | null;
  windowClosesEarliest: number | null;
  windowClosesLatest: number | null;
  dueEarliest: number | null;
  dueLatest: number | null;
  alternatives: Map<string, { code: Alternative['code']; route: Route | null; count: number }>;
}

const GROUP_ORDER = [
  'standard_now',
  'standard_before_close',
  'human_agent',
  'utility',
  'marketing_message',
  'other_route',
  'skipped:window_closed',
];

export async function preflight(
  database: Queryable,
  broadcast: Broadcast,
  at: number,
  {
    rules = createRuleBook(),
    atRiskWithinMs = 3_600_000,
    chunk = 10_000,
    clock = () => performance.now(),
  }: PreflightOptions = {},
): Promise<PreflightReport> {
  const started = clock();
  const ctx = await walkContext(database, broadcast, at, rules);
  const groups = new Map<PreflightGroupKey, MutableGroup>();
  let total = 0;
  let allowed = 0;
  // Each member is counted as its row is read: nothing per contact outlives it.
  await walkEach(database, ctx, { chunk }, (_row, decision, timing) => {
    total++;
    const key =
      timing.kind === 'skip'
        ? 'skipped:window_closed'
        : groupOf(decision, timing.at, atRiskWithinMs, timing.beforeClose);
    let g = groups.get(key);
    if (g === undefined) {
      const reason = decision && !decision.allowed ? (groupReason(decision.reasons) ?? null) : null;
      g = {
        key,
        allowed: decision?.allowed ?? false,
        count: 0,
        routes: {},
        reason: key.startsWith('refused:') ? (key.slice('refused:'.length) as ReasonCode) : null,
        exampleParams: reason?.params ?? null,
        windowClosesEarliest: null,
        windowClosesLatest: null,
        dueEarliest: null,
        dueLatest: null,
        alternatives: new Map(),
      };
      if (key === 'skipped:window_closed') g.allowed = false;
      groups.set(key, g);
    }
    g.count++;
    if (timing.kind === 'due') {
      if (g.dueEarliest === null || timing.at < g.dueEarliest) g.dueEarliest = timing.at;
      if (g.dueLatest === null || timing.at > g.dueLatest) g.dueLatest = timing.at;
    }
    if (decision === null || timing.kind === 'skip') return;
    if (decision.allowed) {
      allowed++;
      if (decision.route) g.routes[decision.route] = (g.routes[decision.route] ?? 0) + 1;
    } else {
      for (const alt of decision.alternatives) {
        const a = g.alternatives.get(alt.code);
        if (a) a.count++;
        else g.alternatives.set(alt.code, { code: alt.code, route: alt.route ?? null, count: 1 });
      }
    }
    const closes = decision.windowClosesAt;
    if (closes !== null) {
      if (g.windowClosesEarliest === null || closes < g.windowClosesEarliest) g.windowClosesEarliest = closes;
      if (g.windowClosesLatest === null || closes > g.windowClosesLatest) g.windowClosesLatest = closes;
    }
  });
  const ordered = [...groups.values()].sort((a, b) => {
    const ia = GROUP_ORDER.indexOf(a.key);
    const ib = GROUP_ORDER.indexOf(b.key);
    if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    return b.count - a.count || (a.key < b.key ? -1 : 1);
  });
  return {
    broadcastId: broadcast.id,
    at,
    rules: ctx.ruleSet.id,
    total,
    allowed,
    refused: total - allowed - (groups.get('skipped:window_closed')?.count ?? 0),
    skipped: groups.get('skipped:window_closed')?.count ?? 0,
    schedule: broadcast.schedule,
    groups: ordered.map((g) => ({ ...g, alternatives: [...g.alternatives.values()] })),
    atRiskWithinMs,
    durationMs: Math.round(clock() - started),
  };
}

/** The report as JSON for people: ISO moments, and every group, reason and alternative in `lang`. */
export function renderPreflight(report: PreflightReport, lang: Lang) {
  const ctx = { lang, now: report.at };
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  const c = catalogFor(lang);
  return {
    ...report,
    at: new Date(report.at).toISOString(),
    schedule: renderSchedule(report.schedule),
    groups: report.groups.map((g) => ({
      ...g,
      label:
        g.key === 'skipped:window_closed'
          ? lang === 'es'
            ? 'omitidos: su ventana ya estaba cerrada'
            : 'skipped: their window had already closed'
          : g.allowed
            ? g.key === 'standard_before_close'
              ? `${c.routes.standard} (${lang === 'es' ? 'solo si sale antes de que se cierre su ventana' : 'only if sent before their window closes'})`
              : g.key === 'other_route'
                ? Object.keys(g.routes)
                    .map((r) => c.routes[r as Route])
                    .join(', ')
                : c.routes[(g.key === 'standard_now' ? 'standard' : g.key) as Route]
            : c.words.refused,
      message: g.reason
        ? reasonText({ code: g.reason, ...(g.exampleParams ? { params: g.exampleParams } : {}) }, ctx)
        : null,
      windowClosesEarliest: iso(g.windowClosesEarliest),
      windowClosesLatest: iso(g.windowClosesLatest),
      dueEarliest: iso(g.dueEarliest),
      dueLatest: iso(g.dueLatest),
      alternatives: g.alternatives.map((a) => ({
        ...a,
        message: alternativeText({ code: a.code, ...(a.route ? { route: a.route } : {}) }, ctx),
      })),
    })),
  };
}

export const PREFLIGHT_CSV_HEADER = 'psid,name,locale,group,reason,window_closes_at,due_at';

/** Whether `filter` names a group ("refused" selects every refusal). */
export function isGroupFilter(filter: string): boolean {
  if (filter === 'refused' || filter === 'skipped' || GROUP_ORDER.includes(filter)) return true;
  return filter.startsWith('refused:') && filter.length > 'refused:'.length;
}

/**
 * The members of one group (or every member with `group` = "all") as CSV lines, header first,
 * streamed chunk by chunk: never the whole audience in memory.
 */
export async function* preflightCsv(
  database: Queryable,
  broadcast: Broadcast,
  at: number,
  group: string,
  { rules = createRuleBook(), atRiskWithinMs = 3_600_000, chunk = 10_000 }: PreflightOptions = {},
): AsyncGenerator<string> {
  const ctx = await walkContext(database, broadcast, at, rules);
  yield `${PREFLIGHT_CSV_HEADER}\n`;
  // Each member's line is added as its row is read; a chunk's lines leave together.
  let out = '';
  const addLine: MemberVisitor = (row, decision, timing) => {
    const key =
      timing.kind === 'skip'
        ? 'skipped:window_closed'
        : groupOf(decision, timing.at, atRiskWithinMs, timing.beforeClose);
    if (
      group !== 'all' &&
      key !== group &&
      !(group === 'refused' && key.startsWith('refused:')) &&
      !(group === 'skipped' && key.startsWith('skipped:'))
    )
      return;
    const name = [row.first_name, row.last_name].filter(Boolean).join(' ');
    const reason = decision && !decision.allowed ? decision.reasons.map((r) => r.code).join(' ') : '';
    const closes = decision?.windowClosesAt;
    out += `${[
      csvCell(row.psid),
      csvCell(name),
      csvCell(row.locale ?? ''),
      csvCell(key),
      csvCell(reason),
      csvCell(closes == null ? '' : new Date(closes).toISOString()),
      csvCell(timing.kind === 'due' ? new Date(timing.at).toISOString() : ''),
    ].join(',')}\n`;
  };
  for await (const _cursor of walkChunks(database, ctx, { chunk, withNames: true }, addLine)) {
    if (out !== '') yield out;
    out = '';
  }
}
