/**
 * Walking a broadcast's audience: keyset chunks of contacts (only the columns needed), the audience
 * filter, and the real `decide()` per contact on the same facts dispatch would use. Preflight, its
 * CSV export and the fan-out are all this walk. Each member is handed over as its row is read
 * (`walkChunk`), so preflight keeps nothing per contact: a million rows cost young-generation
 * garbage only, not a growing heap.
 */
import { type Decision, decide, type Facts, type RuleBook, type RuleSet } from '../policy/index.ts';
import { type AudienceRow, eachAudienceRow, pageTimezones } from '../storage/broadcasts.ts';
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

export interface WalkOptions {
  /** Keyset cursor: start after this contact id (null: from the first). */
  readonly after?: string | null;
  /** Contacts per keyset chunk. Default 10,000. */
  readonly chunk?: number;
  /** Compute each member's decision (preflight) or only when a filter or the schedule needs it. */
  readonly decisions?: boolean;
  /** Read the name columns too (CSV export). */
  readonly withNames?: boolean;
}

/** Receives one audience member; it must not keep `row` nor run queries (rows are being read). */
export type MemberVisitor = (row: AudienceRow, decision: Decision | null, timing: Timing) => void;

/**
 * Walks one keyset chunk of the audience, handing each member to `visit` as its row is read, so
 * neither rows nor decisions outlive their member. Resolves with how many contacts the chunk
 * scanned (members or not) and the id of the last one (the cursor to resume after; null: none).
 */
async function walkChunk(
  database: Queryable,
  ctx: WalkContext,
  { after = null, chunk = 10_000, decisions = true, withNames = false }: WalkOptions,
  visit: MemberVisitor,
): Promise<{ readonly scanned: number; readonly cursor: string | null }> {
  const a = ctx.broadcast.audience;
  const extended =
    withNames ||
    ctx.plan.compiled.usesFields ||
    ctx.plan.compiled.usesLastName ||
    a.labels !== undefined ||
    a.fieldEquals !== undefined ||
    a.entryPoint !== undefined;
  // The member being judged and its decision at `ctx.at`, computed at most once and only when
  // asked: the thunks below are made once per chunk, not once per contact.
  let row: AudienceRow | undefined;
  let current: Decision | null | undefined;
  const decideNow = (): Decision | null => {
    if (current === undefined) current = decideFor(ctx, row!);
    return current;
  };
  const windowOpen = (): boolean => decideNow()?.windowOpen ?? false;
  const windowNow = () => {
    const d = decideNow();
    return { open: d?.windowOpen ?? false, closesAt: d?.windowClosesAt ?? null };
  };
  const { rows, last } = await eachAudienceRow(
    database,
    {
      workspaceId: ctx.broadcast.workspaceId,
      after,
      limit: chunk,
      columns: { extended },
      ...audienceScanFilters(a, ctx.at),
    },
    (r) => {
      row = r;
      current = undefined;
      if (!matchesAudience(r, a, ctx.at, windowOpen)) return;
      const timing = timingFor(
        ctx.broadcast.schedule,
        { timezone: r.timezone, pageTimezone: ctx.pageTimezones.get(r.page_id) ?? null },
        windowNow,
        ctx.at,
      );
      let decision: Decision | null = null;
      if (decisions)
        decision =
          timing.kind === 'skip' || timing.at === ctx.at ? decideNow() : decideFor(ctx, r, timing.at);
      else if (current !== undefined) decision = current;
      visit(r, decision, timing);
    },
  );
  row = undefined;
  current = undefined;
  return { scanned: rows, cursor: last };
}

/**
 * Walks the audience from after `after`, chunk by chunk, handing each member to `visit` as its row
 * is read (see {@link walkChunk}). Yields each chunk's cursor (the last contact scanned) once its
 * members were visited, so a caller can write what it gathered before the next chunk is read.
 */
export async function* walkChunks(
  database: Queryable,
  ctx: WalkContext,
  options: WalkOptions,
  visit: MemberVisitor,
): AsyncGenerator<string> {
  const chunk = options.chunk ?? 10_000;
  let cursor = options.after ?? null;
  for (;;) {
    const done = await walkChunk(database, ctx, { ...options, after: cursor, chunk }, visit);
    if (done.cursor === null) return;
    cursor = done.cursor;
    yield cursor;
    if (done.scanned < chunk) return;
  }
}

/** Walks the whole audience from after `after`; see {@link walkChunks}. */
export async function walkEach(
  database: Queryable,
  ctx: WalkContext,
  options: WalkOptions,
  visit: MemberVisitor,
): Promise<void> {
  for await (const _cursor of walkChunks(database, ctx, options, visit)) {
    // Nothing to do between chunks.
  }
}
