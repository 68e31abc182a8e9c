/**
 * Flow lifecycle: create and edit the draft (validated on every save: a flow that would break the
 * messaging rules is refused with the reasons), publish (freezes a version; runs keep the version
 * they started on), archive, versions, stats. Results are values with stable codes.
 */
import type { Lang, RuleBook, RuleSet } from '../policy/index.ts';
import { flows, inTransaction, type Queryable } from '../storage/index.ts';
import type { FlowDocument } from './document.ts';
import { type FlowProblem, validateFlow } from './validate.ts';

export interface FlowView {
  readonly id: string;
  readonly name: string;
  readonly status: flows.FlowStatus;
  readonly publishedVersion: number | null;
  readonly priority: number;
  readonly draft: unknown;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly publishedAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function flowView(f: flows.FlowRecord): FlowView {
  return {
    id: f.id,
    name: f.name,
    status: f.status,
    publishedVersion: f.publishedVersion,
    priority: f.priority,
    draft: f.draft,
    createdAt: iso(f.createdAt)!,
    updatedAt: iso(f.updatedAt)!,
    publishedAt: iso(f.publishedAt),
  };
}

export interface ServiceContext {
  readonly workspaceId: string;
  readonly lang: Lang;
  readonly now: number;
  readonly rules: RuleBook;
}

function ruleSet(rules: RuleBook, now: number): RuleSet {
  const r = rules.at(now);
  if (!r.ok) throw new Error(`no rule set at ${new Date(now).toISOString()}: ${r.code}`);
  return r.ruleSet;
}

export type SaveResult =
  | { readonly ok: true; readonly flow: FlowView; readonly warnings: readonly FlowProblem[] }
  | { readonly ok: false; readonly code: 'invalid_flow'; readonly problems: readonly FlowProblem[] }
  | { readonly ok: false; readonly code: 'flow_not_found' | 'flow_archived' };

function check(body: unknown, ctx: ServiceContext) {
  return validateFlow(body, { lang: ctx.lang, rules: ruleSet(ctx.rules, ctx.now), now: ctx.now });
}

export async function createFlow(db: Queryable, ctx: ServiceContext, body: unknown): Promise<SaveResult> {
  const v = check(body, ctx);
  if (!v.ok) return { ok: false, code: 'invalid_flow', problems: v.problems };
  const record = await flows.insertFlow(db, {
    workspaceId: ctx.workspaceId,
    name: v.doc.name,
    draft: v.doc,
    now: ctx.now,
  });
  return { ok: true, flow: flowView(record), warnings: v.warnings };
}

export async function updateFlowDraft(
  db: Queryable,
  ctx: ServiceContext,
  id: string,
  body: unknown,
): Promise<SaveResult> {
  const current = await flows.getFlow(db, ctx.workspaceId, id);
  if (!current) return { ok: false, code: 'flow_not_found' };
  if (current.status === 'archived') return { ok: false, code: 'flow_archived' };
  const v = check(body, ctx);
  if (!v.ok) return { ok: false, code: 'invalid_flow', problems: v.problems };
  await flows.updateDraft(db, {
    workspaceId: ctx.workspaceId,
    id,
    name: v.doc.name,
    draft: v.doc,
    now: ctx.now,
  });
  const after = await flows.getFlow(db, ctx.workspaceId, id);
  return { ok: true, flow: flowView(after!), warnings: v.warnings };
}

export type PublishResult =
  | {
      readonly ok: true;
      readonly flow: FlowView;
      readonly version: number;
      readonly warnings: readonly FlowProblem[];
    }
  | { readonly ok: false; readonly code: 'invalid_flow'; readonly problems: readonly FlowProblem[] }
  | { readonly ok: false; readonly code: 'flow_not_found' | 'flow_archived' };

/** Publishes the draft, re-checked under the rules in force now (they may have changed since saving). */
export async function publishFlow(db: Queryable, ctx: ServiceContext, id: string): Promise<PublishResult> {
  return inTransaction(db, async (tx) => {
    const current = await flows.getFlow(tx, ctx.workspaceId, id);
    if (!current) return { ok: false, code: 'flow_not_found' } as const;
    if (current.status === 'archived') return { ok: false, code: 'flow_archived' } as const;
    const v = check(current.draft, ctx);
    if (!v.ok) return { ok: false, code: 'invalid_flow', problems: v.problems } as const;
    const version = await flows.publishVersion(tx, {
      workspaceId: ctx.workspaceId,
      id,
      document: v.doc,
      priority: v.doc.priority ?? 0,
      now: ctx.now,
    });
    const after = await flows.getFlow(tx, ctx.workspaceId, id);
    return { ok: true, flow: flowView(after!), version: version!, warnings: v.warnings } as const;
  });
}

export async function archiveFlow(
  db: Queryable,
  ctx: Pick<ServiceContext, 'workspaceId' | 'now'>,
  id: string,
): Promise<{ ok: true; flow: FlowView; stoppedRuns: number } | { ok: false; code: 'flow_not_found' }> {
  return inTransaction(db, async (tx) => {
    const stopped = await flows.archiveFlow(tx, { workspaceId: ctx.workspaceId, id, now: ctx.now });
    if (stopped === undefined) return { ok: false, code: 'flow_not_found' } as const;
    const after = await flows.getFlow(tx, ctx.workspaceId, id);
    return { ok: true, flow: flowView(after!), stoppedRuns: stopped } as const;
  });
}

/** The document of a version: a number, `published`, or `draft`. */
export async function documentOf(
  db: Queryable,
  flow: flows.FlowRecord,
  which: number | 'draft' | 'published',
): Promise<FlowDocument | undefined> {
  if (which === 'draft') return flow.draft as FlowDocument;
  const version = which === 'published' ? flow.publishedVersion : which;
  if (version === null) return undefined;
  const v = await flows.getVersion(db, flow.id, version);
  return v?.document as FlowDocument | undefined;
}

export interface StatsView extends flows.FlowStats {
  readonly flowId: string;
}

/** Runs started, completed, goal reached, and per step (in the order the published flow runs them). */
export async function flowStatsView(db: Queryable, flow: flows.FlowRecord): Promise<StatsView> {
  const stats = await flows.flowStats(db, flow.id);
  const doc = await documentOf(db, flow, flow.publishedVersion === null ? 'draft' : 'published');
  const order = new Map((doc?.steps ?? []).map((s, i) => [s.id, i]));
  const bySteps = [...stats.bySteps].sort(
    (a, b) => (order.get(a.stepId) ?? 1e9) - (order.get(b.stepId) ?? 1e9) || a.stepId.localeCompare(b.stepId),
  );
  return { flowId: flow.id, ...stats, bySteps };
}
