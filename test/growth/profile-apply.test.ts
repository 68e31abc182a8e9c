/**
 * The Messenger profile apply job on the embedded queue against the simulator: Meta's transient
 * failures are retried by the queue until the profile is applied; a dead token fails it for good.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProfile } from '../../src/growth/profile-model.ts';
import {
  type ProfileDeps,
  queueProfileApply,
  startProfileApplier,
} from '../../src/growth/profile-service.ts';
import { createQueue, type JobQueue, type Worker } from '../../src/queue/index.ts';
import { growth } from '../../src/storage/index.ts';
import { createHarness, type Harness, KEY, PAGE_A } from '../broadcasts/harness.ts';

let h: Harness;
let queue: JobQueue;
let worker: Worker | null;
let deps: ProfileDeps;

beforeEach(async () => {
  h = await createHarness();
  queue = await createQueue({ engine: 'embedded', database: h.database, pollIntervalMs: 20 });
  // The queue runs on real time (backoff); the rest of Ventana on the harness clock.
  deps = {
    database: h.database,
    graph: () => h.graph,
    queue: () => queue,
    secretKey: KEY,
    now: () => h.clock.t,
  };
  worker = startProfileApplier(deps);
  const parsed = parseProfile({
    getStarted: { payload: 'GO' },
    greeting: [{ locale: 'default', text: 'Hola' }],
  });
  if (!parsed.ok) throw new Error('invalid');
  await growth.saveDesiredProfile(h.database, {
    pageId: PAGE_A,
    workspaceId: 'w1',
    desired: parsed.profile,
    now: h.clock.t,
  });
});

afterEach(async () => {
  await worker?.close();
  await queue.close();
  await h.close();
});

async function settled(): Promise<growth.ProfileRecord> {
  const end = Date.now() + 15_000;
  for (;;) {
    const r = (await growth.getProfile(h.database, PAGE_A))!;
    const c = await queue.counts('growth.profile.apply');
    if ((c.waiting + c.delayed + c.active === 0 && r.applyStatus !== 'queued') || Date.now() > end) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
}

describe('the profile apply job', () => {
  it('retries after Meta fails transiently and ends applied, in sync', async () => {
    // Three 500s: more than the client's in-call retries, so the queue must run the job again.
    h.sim.faults.add({ kind: 'http_500', pageId: PAGE_A, count: 3 });
    expect(await queueProfileApply(deps, PAGE_A)).toMatchObject({ ok: true });
    const r = await settled();
    expect(r).toMatchObject({ applyStatus: 'applied', appliedVersion: 1, lastError: null, drift: [] });
    expect(h.sim.state.pages.get(PAGE_A)!.messengerProfile.greeting).toEqual([
      { locale: 'default', text: 'Hola' },
    ]);
    const calls = h.sim.state.requests
      .toArray()
      .filter((x) => x.endpoint === 'messenger_profile' && x.method !== 'GET');
    expect(calls.filter((x) => x.outcome === 'fault').length).toBe(3);
  }, 20_000);

  it('fails for good, with Meta’s message, when the Page token is dead', async () => {
    h.sim.faults.add({ kind: 'token_expired_190', pageId: PAGE_A });
    await queueProfileApply(deps, PAGE_A);
    const r = await settled();
    expect(r.applyStatus).toBe('failed');
    expect(r.lastError).toMatch(/token|session/i);
    expect(r.appliedVersion).toBeNull();
  }, 20_000);
});
