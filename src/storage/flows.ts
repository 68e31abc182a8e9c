/**
 * Flows repository: flows with their draft, published versions, runs and step events (stats).
 * Documents are stored as JSON text and returned parsed (`unknown`: src/flows validates them).
 */
import { sql } from 'kysely';
import { openConversation } from './conversations.ts';
import type { Queryable } from './db.ts';
import { fromJson, lockForUpdate, toJson } from './dialect.ts';
import { newId } from './ids.ts';
import { precompiled } from './precompiled.ts';
import type { FlowRunStatus, FlowRunsTable, FlowStatus, FlowsTable, FlowWaitKind } from './schema.ts';
import { getSetting, setSetting } from './settings.ts';

export type { FlowRunStatus, FlowStatus, FlowWaitKind } from './schema.ts';

export interface FlowRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly status: FlowStatus;
  readonly draft: unknown;
  readonly publishedVersion: number | null;
  readonly priority: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly publishedAt: number | null;
  readonly archivedAt: number | null;
}

function toFlow(row: FlowsTable): FlowRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    status: row.status,
    draft: fromJson<unknown>(row.draft, null),
    publishedVersion: row.published_version,
    priority: row.priority,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
    archivedAt: row.archived_at,
  };
}

export async function insertFlow(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly name: string;
    readonly draft: unknown;
    readonly now: number;
  },
): Promise<FlowRecord> {
  const row: FlowsTable = {
    id: newId(input.now),
    workspace_id: input.workspaceId,
    name: input.name,
    status: 'active',
    draft: toJson(input.draft),
    published_version: null,
    priority: 0,
    created_at: input.now,
    updated_at: input.now,
    published_at: null,
    archived_at: null,
  };
  await database.db.insertInto('flows').values(row).execute();
  return toFlow(row);
}

/** A flow of the workspace (undefined for another workspace's flow). */
export async function getFlow(
  database: Queryable,
  workspaceId: string,
  id: string,
): Promise<FlowRecord | undefined> {
  const row = await database.db
    .selectFrom('flows')
    .selectAll()
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row === undefined ? undefined : toFlow(row);
}

export async function listFlows(
  database: Queryable,
  workspaceId: string,
  opts: { readonly includeArchived?: boolean } = {},
): Promise<FlowRecord[]> {
  let q = database.db.selectFrom('flows').selectAll().where('workspace_id', '=', workspaceId);
  if (opts.includeArchived !== true) q = q.where('status', '=', 'active');
  const rows = await q.orderBy('id').execute();
  return rows.map(toFlow);
}

export async function updateDraft(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly id: string;
    readonly name: string;
    readonly draft: unknown;
    readonly now: number;
  },
): Promise<boolean> {
  const r = await database.db
    .updateTable('flows')
    .set({ name: input.name, draft: toJson(input.draft), updated_at: input.now })
    .where('id', '=', input.id)
    .where('workspace_id', '=', input.workspaceId)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Freezes `document` as the next version and makes it the published one; returns its number. */
export async function publishVersion(
  tx: Queryable,
  input: {
    readonly workspaceId: string;
    readonly id: string;
    readonly document: unknown;
    readonly priority: number;
    readonly now: number;
  },
): Promise<number | undefined> {
  const flow = await lockForUpdate(
    tx,
    tx.db
      .selectFrom('flows')
      .select('id')
      .where('id', '=', input.id)
      .where('workspace_id', '=', input.workspaceId),
  ).executeTakeFirst();
  if (flow === undefined) return undefined;
  const last = await tx.db
    .selectFrom('flow_versions')
    .select((eb) => eb.fn.max<number>('version').as('v'))
    .where('flow_id', '=', input.id)
    .executeTakeFirst();
  const version = Number(last?.v ?? 0) + 1;
  await tx.db
    .insertInto('flow_versions')
    .values({
      flow_id: input.id,
      version,
      workspace_id: input.workspaceId,
      document: toJson(input.document),
      created_at: input.now,
    })
    .execute();
  await tx.db
    .updateTable('flows')
    .set({
      published_version: version,
      priority: input.priority,
      published_at: input.now,
      updated_at: input.now,
    })
    .where('id', '=', input.id)
    .execute();
  await bumpRevision(tx, input.workspaceId, input.now);
  return version;
}

export interface FlowVersionRecord {
  readonly flowId: string;
  readonly version: number;
  readonly document: unknown;
  readonly createdAt: number;
}

export async function getVersion(
  database: Queryable,
  flowId: string,
  version: number,
): Promise<FlowVersionRecord | undefined> {
  const row = await database.db
    .selectFrom('flow_versions')
    .selectAll()
    .where('flow_id', '=', flowId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : {
        flowId: row.flow_id,
        version: row.version,
        document: fromJson<unknown>(row.document, null),
        createdAt: row.created_at,
      };
}

export async function listVersions(
  database: Queryable,
  flowId: string,
): Promise<{ readonly version: number; readonly createdAt: number }[]> {
  const rows = await database.db
    .selectFrom('flow_versions')
    .select(['version', 'created_at'])
    .where('flow_id', '=', flowId)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({ version: r.version, createdAt: r.created_at }));
}

/** Archives a flow: it no longer triggers; runs in progress are stopped. Returns the runs stopped. */
export async function archiveFlow(
  tx: Queryable,
  input: { readonly workspaceId: string; readonly id: string; readonly now: number },
): Promise<number | undefined> {
  const r = await tx.db
    .updateTable('flows')
    .set({ status: 'archived', archived_at: input.now, updated_at: input.now })
    .where('id', '=', input.id)
    .where('workspace_id', '=', input.workspaceId)
    .executeTakeFirst();
  if (r.numUpdatedRows === 0n) return undefined;
  const stopped = await tx.db
    .updateTable('flow_runs')
    .set({
      status: 'stopped',
      outcome: 'archived',
      active_key: null,
      wait_kind: null,
      resume_at: null,
      finished_at: input.now,
      updated_at: input.now,
    })
    .where('flow_id', '=', input.id)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  await bumpRevision(tx, input.workspaceId, input.now);
  return Number(stopped.numUpdatedRows);
}

export interface PublishedFlow {
  readonly flowId: string;
  readonly version: number;
  readonly priority: number;
  readonly document: unknown;
}

/** Every active flow's published version in a workspace, oldest flow first. */
export async function listPublished(database: Queryable, workspaceId: string): Promise<PublishedFlow[]> {
  const rows = await database.db
    .selectFrom('flows')
    .innerJoin('flow_versions', (j) =>
      j
        .onRef('flow_versions.flow_id', '=', 'flows.id')
        .onRef('flow_versions.version', '=', 'flows.published_version'),
    )
    .select(['flows.id', 'flows.published_version', 'flows.priority', 'flow_versions.document'])
    .where('flows.workspace_id', '=', workspaceId)
    .where('flows.status', '=', 'active')
    .orderBy('flows.id')
    .execute();
  return rows.map((r) => ({
    flowId: r.id,
    version: r.published_version ?? 0,
    priority: r.priority,
    document: fromJson<unknown>(r.document, null),
  }));
}

const revisionKey = (workspaceId: string) => `flows:revision:${workspaceId}`;

/** Changes whenever the set of published flows changes (trigger caches compare it). */
export async function getRevision(database: Queryable, workspaceId: string): Promise<string> {
  return (await getSetting(database, revisionKey(workspaceId))) ?? '0';
}

async function bumpRevision(database: Queryable, workspaceId: string, now: number): Promise<void> {
  await setSetting(database, revisionKey(workspaceId), `${now}-${newId(now)}`);
}

// --- Runs ---

export interface FlowRun {
  readonly id: string;
  readonly workspaceId: string;
  readonly flowId: string;
  readonly version: number;
  readonly contactId: string;
  readonly pageId: string;
  readonly trigger: string;
  readonly status: FlowRunStatus;
  readonly stepId: string | null;
  readonly waitKind: FlowWaitKind | null;
  readonly resumeAt: number | null;
  readonly attempts: number;
  readonly seq: number;
  readonly outcome: string | null;
  readonly lastEventKey: string | null;
  readonly goalReachedAt: number | null;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
}

function toRun(row: FlowRunsTable): FlowRun {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    flowId: row.flow_id,
    version: row.version,
    contactId: row.contact_id,
    pageId: row.page_id,
    trigger: row.trigger,
    status: row.status,
    stepId: row.step_id,
    waitKind: row.wait_kind,
    resumeAt: row.resume_at,
    attempts: row.attempts,
    seq: row.seq,
    outcome: row.outcome,
    lastEventKey: row.last_event_key,
    goalReachedAt: row.goal_reached_at,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

/**
 * Creates a waiting run at no step yet (the engine moves it at once). Returns undefined when the
 * contact already has an unfinished run of this flow.
 */
export async function insertRun(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly flowId: string;
    readonly version: number;
    readonly contactId: string;
    readonly pageId: string;
    readonly trigger: string;
    readonly eventKey: string | null;
    readonly now: number;
  },
): Promise<FlowRun | undefined> {
  const row: FlowRunsTable = {
    id: newId(input.now),
    workspace_id: input.workspaceId,
    flow_id: input.flowId,
    version: input.version,
    contact_id: input.contactId,
    page_id: input.pageId,
    trigger: input.trigger,
    status: 'waiting',
    step_id: null,
    wait_kind: null,
    resume_at: null,
    attempts: 0,
    seq: 0,
    outcome: null,
    active_key: `${input.flowId}:${input.contactId}`,
    last_event_key: input.eventKey,
    goal_reached_at: null,
    started_at: input.now,
    updated_at: input.now,
    finished_at: null,
  };
  const r = await database.db
    .insertInto('flow_runs')
    .values(row)
    .onConflict((oc) => oc.column('active_key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1 ? toRun(row) : undefined;
}

export async function getRun(database: Queryable, id: string): Promise<FlowRun | undefined> {
  const row = await database.db.selectFrom('flow_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRun(row);
}

/** The contact's unfinished run of a flow. */
export async function findActiveRun(
  database: Queryable,
  flowId: string,
  contactId: string,
): Promise<FlowRun | undefined> {
  const row = await database.db
    .selectFrom('flow_runs')
    .selectAll()
    .where('active_key', '=', `${flowId}:${contactId}`)
    .executeTakeFirst();
  return row === undefined ? undefined : toRun(row);
}

// Read for every applied message event (a pending question may be waiting for the answer).
const waitingRunsOf = precompiled(['contactId'], (db, v) =>
  db
    .selectFrom('flow_runs')
    .selectAll()
    .where('contact_id', '=', v.contactId)
    .where('status', '=', 'waiting')
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc'),
);

/** The contact's unfinished runs, most recently moved first. */
export async function listActiveRuns(database: Queryable, contactId: string): Promise<FlowRun[]> {
  return (await waitingRunsOf(database, { contactId })).map(toRun);
}

/** Whether any run of the contact already consumed this inbound event (a replay). */
export async function eventSeen(database: Queryable, contactId: string, eventKey: string): Promise<boolean> {
  const row = await database.db
    .selectFrom('flow_runs')
    .select('id')
    .where('contact_id', '=', contactId)
    .where('last_event_key', '=', eventKey)
    .executeTakeFirst();
  return row !== undefined;
}

export interface RunUpdate {
  readonly status: FlowRunStatus;
  readonly stepId: string | null;
  readonly waitKind: FlowWaitKind | null;
  readonly resumeAt: number | null;
  readonly attempts: number;
  readonly seq: number;
  readonly outcome: string | null;
  readonly eventKey?: string | null;
  readonly goalReachedAt?: number | null;
  readonly now: number;
}

/**
 * Saves where a run stands, only if nobody moved it since `expectedSeq` (two workers resuming the
 * same run: one wins). Returns false when the run had moved.
 */
export async function saveRun(
  database: Queryable,
  run: { readonly id: string; readonly flowId: string; readonly contactId: string },
  expectedSeq: number,
  u: RunUpdate,
): Promise<boolean> {
  const ended = u.status !== 'waiting';
  const r = await database.db
    .updateTable('flow_runs')
    .set({
      status: u.status,
      step_id: u.stepId,
      wait_kind: u.waitKind,
      resume_at: u.resumeAt,
      attempts: u.attempts,
      seq: u.seq,
      outcome: u.outcome,
      active_key: ended ? null : `${run.flowId}:${run.contactId}`,
      updated_at: u.now,
      ...(ended ? { finished_at: u.now } : {}),
      ...(u.eventKey === undefined ? {} : { last_event_key: u.eventKey }),
      ...(u.goalReachedAt === undefined || u.goalReachedAt === null
        ? {}
        : { goal_reached_at: sql<number>`coalesce(goal_reached_at, ${u.goalReachedAt})` }),
    })
    .where('id', '=', run.id)
    .where('seq', '=', expectedSeq)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Stops an unfinished run (another flow took over, the flow was archived…). */
export async function stopRun(
  database: Queryable,
  id: string,
  outcome: string,
  now: number,
): Promise<boolean> {
  const r = await database.db
    .updateTable('flow_runs')
    .set({
      status: 'stopped',
      outcome,
      active_key: null,
      wait_kind: null,
      resume_at: null,
      finished_at: now,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Runs whose delay ended, oldest first. */
export async function listDueDelays(database: Queryable, now: number, limit: number): Promise<FlowRun[]> {
  const rows = await database.db
    .selectFrom('flow_runs')
    .selectAll()
    .where('wait_kind', '=', 'delay')
    .where('resume_at', '<=', now)
    .where('status', '=', 'waiting')
    .orderBy('resume_at')
    .limit(limit)
    .execute();
  return rows.map(toRun);
}

/** Runs waiting at a webhook step whose job is still to be queued. */
export async function listPendingWebhooks(database: Queryable, limit: number): Promise<FlowRun[]> {
  const rows = await database.db
    .selectFrom('flow_runs')
    .selectAll()
    .where('wait_kind', '=', 'webhook')
    .where('resume_at', 'is not', null)
    .where('status', '=', 'waiting')
    .orderBy('resume_at')
    .limit(limit)
    .execute();
  return rows.map(toRun);
}

/** Marks a run's webhook job as queued (clears `resume_at`), if it still waits at that point. */
export async function markWebhookQueued(database: Queryable, id: string, seq: number): Promise<boolean> {
  const r = await database.db
    .updateTable('flow_runs')
    .set({ resume_at: null })
    .where('id', '=', id)
    .where('seq', '=', seq)
    .where('wait_kind', '=', 'webhook')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

// --- Step events and stats ---

export async function insertStepEvents(
  database: Queryable,
  rows: readonly {
    readonly flowId: string;
    readonly version: number;
    readonly runId: string;
    readonly stepId: string;
    readonly kind: 'enter' | 'goal' | 'rejected';
    readonly at: number;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  await database.db
    .insertInto('flow_step_events')
    .values(
      rows.map((r) => ({
        id: newId(r.at),
        flow_id: r.flowId,
        version: r.version,
        run_id: r.runId,
        step_id: r.stepId,
        kind: r.kind,
        at: r.at,
      })),
    )
    .execute();
}

export interface FlowStats {
  readonly runsStarted: number;
  readonly runsActive: number;
  readonly runsCompleted: number;
  readonly goalReached: number;
  readonly byOutcome: Readonly<Record<string, number>>;
  readonly bySteps: readonly {
    readonly stepId: string;
    readonly entered: number;
    readonly runs: number;
    readonly goals: number;
    readonly rejected: number;
  }[];
}

export async function flowStats(database: Queryable, flowId: string): Promise<FlowStats> {
  const runs = await database.db
    .selectFrom('flow_runs')
    .select([
      'status',
      'outcome',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.count<number>('goal_reached_at').as('goals'),
    ])
    .where('flow_id', '=', flowId)
    .groupBy(['status', 'outcome'])
    .execute();
  let started = 0;
  let active = 0;
  let completed = 0;
  let goals = 0;
  const byOutcome: Record<string, number> = {};
  for (const r of runs) {
    const n = Number(r.n);
    started += n;
    goals += Number(r.goals);
    if (r.status === 'waiting') active += n;
    if (r.status === 'completed') completed += n;
    if (r.outcome !== null) byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + n;
  }
  const steps = await database.db
    .selectFrom('flow_step_events')
    .select([
      'step_id',
      'kind',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.count<number>('run_id').distinct().as('runs'),
    ])
    .where('flow_id', '=', flowId)
    .groupBy(['step_id', 'kind'])
    .execute();
  const bySteps = new Map<
    string,
    { stepId: string; entered: number; runs: number; goals: number; rejected: number }
  >();
  for (const s of steps) {
    const e = bySteps.get(s.step_id) ?? { stepId: s.step_id, entered: 0, runs: 0, goals: 0, rejected: 0 };
    if (s.kind === 'enter') {
      e.entered = Number(s.n);
      e.runs = Number(s.runs);
    } else if (s.kind === 'goal') e.goals = Number(s.runs);
    else e.rejected = Number(s.n);
    bySteps.set(s.step_id, e);
  }
  return {
    runsStarted: started,
    runsActive: active,
    runsCompleted: completed,
    goalReached: goals,
    byOutcome,
    bySteps: [...bySteps.values()],
  };
}

/**
 * A flow handed the person over to a human: their open conversation (opened if needed) waits for an
 * agent from `now` (`conversations.handoff_at`, migration 0004). Keeps an earlier request's time.
 */
export async function markHandoff(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly contactId: string;
    readonly pageId: string;
    readonly now: number;
  },
): Promise<void> {
  const conversation = await openConversation(database, input);
  await database.db
    .updateTable('conversations')
    .set({ handoff_at: sql<number>`coalesce(handoff_at, ${input.now})`, updated_at: input.now })
    .where('id', '=', conversation.id)
    .execute();
}
