/**
 * Walking a broadcast's audience: keyset chunks of contacts (only the columns needed), the audience
 * filter, and the real `decide()` per contact on the same facts dispatch would use. Preflight, its
 * CSV export and the fan-out are all this walk; none holds more than one chunk in memory.
 */
import { type Decision, decide, type Facts, type RuleBook, type RuleSet } from '../policy/index.ts';
import { type AudienceRow, pageTimezones, scanAudience } from '../storage/broadcasts.ts';
import { pages, type Queryable } from '../storage/index.ts';
import { audienceRowFacts, audienceScanFilters, matchesAudience, personValues } from './audience.ts';
import type { Broadcast } from './model.ts';
import { type BroadcastPlan, planBroadcast } from './plan.ts';
import { type Timing, timingFor } from './schedule.ts';

export interface WalkContext {
  readonly broadcast: Broadcast;
  readonly plan: BroadcastPlan;
  readonly ruleSet: RuleSet;
  readonly pageFacts: ReadonlyMap<string, Facts['page']>;
  readonly at: number;
  readonly rules: RuleBook;
  /** Each Page's most common contact time zone (local-time schedules without a fallback). */
  readonly pageTimezones: ReadonlyMap<string, number>;
}

export async function walkContext(
  database: Queryable,
  broadcast: Broadcast,
  at: number,
  rules: RuleBook,
): Promise<WalkContext> {
  const ruleSet = rules.at(at);
  if (!ruleSet.ok) throw new Error(`no rule set for ${new Date(at).toISOString()}: ${ruleSet.code}`);
  const pageFacts = new Map<string, Facts['page']>();
  for (const page of await pages.listPages(database, broadcast.workspaceId)) {
    const facts = await pages.pageFacts(database, page.id);
    if (facts) pageFacts.set(page.id, facts);
  }
  const s = broadcast.schedule;
  const needZones = s?.localTime === true && s.fallbackTimezone === null;
  return {
    broadcast,
    plan: planBroadcast(broadcast),
    ruleSet: ruleSet.ruleSet,
    pageFacts,
    at,
    rules,
    pageTimezones: needZones ? await pageTimezones(database, broadcast.workspaceId) : new Map(),
  };
}

/**
 * The decision dispatch would take for this contact at `at` (default `ctx.at`), on today's facts;
 * null for a contact of an unknown Page.
 */
export function decideFor(ctx: WalkContext, row: AudienceRow, at: number = ctx.at): Decision | null {
  const page = ctx.pageFacts.get(row.page_id);
  if (page === undefined) return null;
  let ruleSet = ctx.ruleSet;
  if (at !== ctx.at) {
    const later = ctx.rules.at(at);
    if (later.ok) ruleSet = later.ruleSet;
  }
  const message = ctx.plan.messageFor(personValues(row, ctx.plan.compiled.usesFields)).facts;
  const facts: Facts = { now: at, page, contact: audienceRowFacts(row), message };
  return decide(facts, ruleSet, at);
}

export interface WalkedMember {
  readonly row: AudienceRow;
  /** At the person's due moment (or now when skipped); null for an unknown Page or `decisions: false`. */
  readonly decision: Decision | null;
  /** When the schedule makes the person due, or that it skips them. */
  readonly timing: Timing;
}

export interface WalkedChunk {
  /** Audience members of this chunk with their decision (null only for contacts of an unknown Page). */
  readonly members: readonly WalkedMember[];
  /** Id of the last contact scanned (the keyset cursor to resume after). */
  readonly cursor: string;
}

/**
 * Yields the audience chunk by chunk, from after `after`.
 * @param decisions compute each member's decision (preflight) or only when a filter needs it (fan-out)
 */
export async function* walkAudience(
  database: Queryable,
  ctx: WalkContext,
  {
    after = null,
    chunk = 10_000,
    decisions = true,
    withNames = false,
  }: { after?: string | null; chunk?: number; decisions?: boolean; withNames?: boolean } = {},
): AsyncGenerator<WalkedChunk> {
  const filters = audienceScanFilters(ctx.broadcast.audience, ctx.at);
  const a = ctx.broadcast.audience;
  const extended =
    withNames ||
    ctx.plan.compiled.usesFields ||
    ctx.plan.compiled.usesLastName ||
    a.labels !== undefined ||
    a.fieldEquals !== undefined ||
    a.entryPoint !== undefined;
  let cursor = after;
  for (;;) {
    const rows = await scanAudience(database, {
      workspaceId: ctx.broadcast.workspaceId,
      after: cursor,
      limit: chunk,
      columns: { extended },
      ...filters,
    });
    if (rows.length === 0) return;
    const members: WalkedMember[] = [];
    for (const row of rows) {
      let current: Decision | null | undefined;
      const decideNow = (): Decision | null => {
        if (current === undefined) current = decideFor(ctx, row);
        return current;
      };
      const windowOpen = (): boolean => decideNow()?.windowOpen ?? false;
      if (!matchesAudience(row, ctx.broadcast.audience, ctx.at, windowOpen)) continue;
      const timing = timingFor(
        ctx.broadcast.schedule,
        { timezone: row.timezone, pageTimezone: ctx.pageTimezones.get(row.page_id) ?? null },
        () => {
          const d = decideNow();
          return { open: d?.windowOpen ?? false, closesAt: d?.windowClosesAt ?? null };
        },
        ctx.at,
      );
      let decision: Decision | null = null;
      if (decisions)
        decision =
          timing.kind === 'skip' || timing.at === ctx.at ? decideNow() : decideFor(ctx, row, timing.at);
      else if (current !== undefined) decision = current;
      members.push({ row, decision, timing });
    }
    cursor = rows[rows.length - 1]!.id;
    yield { members, cursor };
    if (rows.length < chunk) return;
  }
}
