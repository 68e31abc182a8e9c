/**
 * Keeps a Page's Messenger profile in sync with its desired state: save (validated), apply through
 * the Messenger Profile API as a queue job (retried with backoff when Meta fails transiently), and
 * check: read it back with `GET me/messenger_profile` and record which fields drifted.
 */
import type { GraphClient, MessengerProfile } from '../graph/client.ts';
import type { JobOutcome, JobQueue, Worker } from '../queue/index.ts';
import { type Database, growth, pages } from '../storage/index.ts';
import {
  EMPTY_PROFILE,
  MANAGED_FIELDS,
  type ProfileSpec,
  parseProfile,
  profileDrift,
  toGraphProfile,
  unsetFields,
} from './profile-model.ts';

export const PROFILE_APPLY_JOB = 'growth.profile.apply';
const APPLY_ATTEMPTS = 5;

export interface ProfileDeps {
  readonly database: Database;
  /** Late-bound: the Graph client exists once the workers (and the demo simulator) are up. */
  readonly graph: () => GraphClient | null;
  readonly queue: () => JobQueue | null;
  readonly secretKey: Buffer;
  readonly now: () => number;
}

/** What the API shows about a Page's profile. */
export interface ProfileView {
  readonly pageId: string;
  readonly desired: ProfileSpec;
  readonly version: number;
  readonly appliedVersion: number | null;
  readonly applyStatus: growth.ProfileApplyStatus;
  readonly lastError: string | null;
  readonly appliedAt: number | null;
  /** Desired version applied and no field drifted at the last check. */
  readonly inSync: boolean;
  readonly drift: readonly string[] | null;
  readonly checkedAt: number | null;
}

export function profileView(r: growth.ProfileRecord): ProfileView {
  const parsed = parseProfile(r.desired);
  return {
    pageId: r.pageId,
    desired: parsed.ok ? parsed.profile : EMPTY_PROFILE,
    version: r.version,
    appliedVersion: r.appliedVersion,
    applyStatus: r.applyStatus,
    lastError: r.lastError,
    appliedAt: r.appliedAt,
    inSync: r.appliedVersion === r.version && (r.drift === null || r.drift.length === 0),
    drift: r.drift,
    checkedAt: r.checkedAt,
  };
}

/** Queues the apply job for the Page's current desired version (one pending job per Page). */
export async function queueProfileApply(
  deps: ProfileDeps,
  pageId: string,
): Promise<{ ok: true; jobId: string } | { ok: false; code: 'profile_not_found' | 'not_ready' }> {
  const record = await growth.getProfile(deps.database, pageId);
  if (!record) return { ok: false, code: 'profile_not_found' };
  const queue = deps.queue();
  if (!queue) return { ok: false, code: 'not_ready' };
  await growth.markProfileQueued(deps.database, pageId, deps.now());
  const job = await queue.enqueue(
    PROFILE_APPLY_JOB,
    { pageId, version: record.version },
    {
      key: `${pageId}:${record.version}:${deps.now()}`,
      attempts: APPLY_ATTEMPTS,
      backoff: { type: 'exponential', delayMs: 2000 },
    },
  );
  return { ok: true, jobId: job.id };
}

export type CheckResult =
  | { readonly ok: true; readonly drift: readonly string[]; readonly observed: MessengerProfile }
  | { readonly ok: false; readonly code: string; readonly message?: string };

/** Reads the profile back from Meta and records the drift against the desired state. */
export async function checkProfile(deps: ProfileDeps, pageId: string): Promise<CheckResult> {
  const record = await growth.getProfile(deps.database, pageId);
  if (!record) return { ok: false, code: 'profile_not_found' };
  const graph = deps.graph();
  if (!graph) return { ok: false, code: 'not_ready' };
  const token = (await pages.getPageSecrets(deps.database, deps.secretKey, pageId))?.accessToken;
  if (!token) return { ok: false, code: 'page_token_missing' };
  const read = await graph.getMessengerProfile(pageId, token, MANAGED_FIELDS);
  if (!read.ok) return { ok: false, code: read.failure.category, message: read.failure.message };
  const parsed = parseProfile(record.desired);
  const drift = profileDrift(parsed.ok ? parsed.profile : EMPTY_PROFILE, read.data);
  await growth.recordProfileObserved(deps.database, { pageId, observed: read.data, drift, now: deps.now() });
  return { ok: true, drift, observed: read.data };
}

/** One apply: set what is desired, delete managed fields left unset, then read back. */
export async function applyProfileNow(
  deps: ProfileDeps,
  pageId: string,
  attempt: { readonly number: number; readonly max: number } = { number: 1, max: 1 },
): Promise<JobOutcome> {
  const record = await growth.getProfile(deps.database, pageId);
  if (!record) return { status: 'done' };
  const graph = deps.graph();
  if (!graph) return { status: 'retry_at', at: deps.now() + 5000, reason: 'graph_not_ready' };
  const token = (await pages.getPageSecrets(deps.database, deps.secretKey, pageId))?.accessToken;
  if (!token) {
    await growth.recordProfileFailed(deps.database, { pageId, error: 'page_token_missing', now: deps.now() });
    return { status: 'failed', reason: 'page_token_missing', retryable: false };
  }
  const parsed = parseProfile(record.desired);
  const spec = parsed.ok ? parsed.profile : EMPTY_PROFILE;
  // Delete first: a menu must go before the Get Started button it depends on can.
  const unset = unsetFields(spec);
  const steps = [
    () => (unset.length > 0 ? graph.deleteMessengerProfileFields(pageId, token, unset) : null),
    () =>
      unset.length < MANAGED_FIELDS.length
        ? graph.setMessengerProfile(pageId, token, toGraphProfile(spec))
        : null,
  ];
  for (const step of steps) {
    const r = await step();
    if (r === null || r.ok) continue;
    const f = r.failure;
    const retryable = f.category === 'transient' || f.category === 'rate_limited' || r.outcome === 'unknown';
    await growth.recordProfileFailed(deps.database, {
      pageId,
      error: f.message,
      now: deps.now(),
      willRetry: retryable && attempt.number < attempt.max,
    });
    return { status: 'failed', reason: `${f.category}: ${f.message}`, retryable };
  }
  await growth.recordProfileApplied(deps.database, { pageId, version: record.version, now: deps.now() });
  await checkProfile(deps, pageId);
  return { status: 'done' };
}

/** The queue worker of apply jobs; started with the other background work. */
export function startProfileApplier(
  deps: ProfileDeps & { readonly queue: () => JobQueue | null },
): Worker | null {
  const queue = deps.queue();
  if (!queue) return null;
  return queue.work(PROFILE_APPLY_JOB, async (job) => {
    const p = job.payload as { pageId: string };
    return applyProfileNow(deps, p.pageId, { number: job.attempt, max: APPLY_ATTEMPTS });
  });
}
