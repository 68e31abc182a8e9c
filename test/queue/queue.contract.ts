/**
 * The JobQueue contract: every engine (embedded on SQLite and PostgreSQL, BullMQ on Redis and
 * PostgreSQL) must pass the same suite. Each test gets a fresh, empty queue store from `make()`;
 * `open()` returns another client of that store, as another process would hold.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job, JobOutcome, JobQueue } from '../../src/queue/index.ts';
import { pollUntil } from '../support/poll.ts';

export interface QueueTarget {
  /** A new client on the same store (like another process). `leaseMs` shortens the job lease. */
  open(opts?: { readonly leaseMs?: number }): Promise<JobQueue>;
  /** Closes every client opened and deletes the store's data. */
  dispose(): Promise<void>;
}

const DONE: JobOutcome = { status: 'done' };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function never(): Promise<JobOutcome> {
  return new Promise(() => {});
}

export function runQueueContract(name: string, make: () => Promise<QueueTarget>): void {
  describe(`JobQueue contract: ${name}`, () => {
    let target: QueueTarget;
    let queue: JobQueue;
    beforeEach(async () => {
      target = await make();
      queue = await target.open();
    });
    afterEach(async () => {
      await target?.dispose();
    });

    it('runs an enqueued job with its payload, name and first attempt', async () => {
      const seen: Job[] = [];
      const { id, created } = await queue.enqueue('greet', { to: 'ana', n: [1, 2] });
      expect(created).toBe(true);
      queue.work('greet', async (job) => {
        seen.push(job);
        return DONE;
      });
      await pollUntil('the job to run', () => seen.length === 1);
      expect(seen[0]).toMatchObject({ id, name: 'greet', payload: { to: 'ana', n: [1, 2] }, attempt: 1 });
      expect(seen[0]?.key).toBeUndefined();
      await pollUntil('the job to be completed', async () => (await queue.counts('greet')).completed === 1);
    });

    it('creates a keyed job once and answers the existing id for the same key', async () => {
      const first = await queue.enqueue('send', { v: 1 }, { key: 'broadcast:42:contact:7' });
      const again = await queue.enqueue('send', { v: 2 }, { key: 'broadcast:42:contact:7' });
      expect(first.created).toBe(true);
      expect(again).toEqual({ id: first.id, created: false });
      const many = await queue.enqueueMany('send', [
        { payload: { v: 3 }, opts: { key: 'broadcast:42:contact:7' } },
        { payload: { v: 4 }, opts: { key: 'broadcast:42:contact:8' } },
        { payload: { v: 5 } },
      ]);
      expect(many.created).toBe(2);
      // The same key in another queue is another job.
      expect((await queue.enqueue('other', {}, { key: 'broadcast:42:contact:7' })).created).toBe(true);

      const seen: Job[] = [];
      queue.work(
        'send',
        async (job) => {
          seen.push(job);
          return DONE;
        },
        { concurrency: 2 },
      );
      await pollUntil('three jobs to complete', async () => (await queue.counts('send')).completed === 3);
      const byKey = seen.find((j) => j.key === 'broadcast:42:contact:7');
      expect(byKey?.payload).toEqual({ v: 1 });
      expect(
        seen.map((j) => j.payload).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      ).toEqual([{ v: 1 }, { v: 4 }, { v: 5 }]);
    });

    it('does not run a job before its runAt', async () => {
      const runAt = Date.now() + 1500;
      await queue.enqueue('later', { which: 'later' }, { runAt });
      await queue.enqueue('later', { which: 'now' });
      const ran: { which: string; at: number }[] = [];
      queue.work('later', async (job) => {
        ran.push({ which: (job.payload as { which: string }).which, at: Date.now() });
        return DONE;
      });
      await pollUntil('the due job to run', () => ran.length >= 1);
      expect(ran.map((r) => r.which)).toEqual(['now']);
      expect(await queue.counts('later')).toMatchObject({ delayed: 1, waiting: 0 });
      await pollUntil('the delayed job to run', () => ran.length === 2);
      expect(ran[1]?.which).toBe('later');
      expect(ran[1]?.at).toBeGreaterThanOrEqual(runAt);
    });

    it('retries a throwing job with backoff and then succeeds', async () => {
      const runs: { attempt: number; at: number }[] = [];
      await queue.enqueue('flaky', {}, { attempts: 3, backoff: { type: 'fixed', delayMs: 100 } });
      queue.work('flaky', async (job) => {
        runs.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 3) throw new Error(`graph 5xx on attempt ${job.attempt}`);
        return DONE;
      });
      await pollUntil('the job to complete', async () => (await queue.counts('flaky')).completed === 1);
      expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
      // Backoff is a lower bound: a retry never comes before its delay.
      expect((runs[1]?.at ?? 0) - (runs[0]?.at ?? 0)).toBeGreaterThanOrEqual(90);
      expect(await queue.counts('flaky')).toMatchObject({ failed: 0, waiting: 0, delayed: 0, active: 0 });
    });

    it('keeps a job as failed with its reason once its attempts are exhausted', async () => {
      let runs = 0;
      const { id } = await queue.enqueue(
        'doomed',
        { x: 1 },
        { key: 'doomed-1', attempts: 2, backoff: { type: 'exponential', delayMs: 20 } },
      );
      queue.work('doomed', async (job) => {
        runs++;
        throw new Error(`token expired (run ${job.attempt})`);
      });
      await pollUntil('the job to fail', async () => (await queue.counts('doomed')).failed === 1);
      expect(runs).toBe(2);
      const failed = await queue.listFailed('doomed');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        id,
        key: 'doomed-1',
        payload: { x: 1 },
        attemptsMade: 2,
        reason: 'token expired (run 2)',
      });
      // A failed job is kept, so its key still dedupes.
      expect((await queue.enqueue('doomed', {}, { key: 'doomed-1' })).created).toBe(false);
    });

    it('fails a job at once when the handler says the failure is not retryable', async () => {
      let runs = 0;
      await queue.enqueue('blocked', {}, { attempts: 5, backoff: { type: 'fixed', delayMs: 10 } });
      queue.work('blocked', async () => {
        runs++;
        return { status: 'failed', reason: 'person blocked the Page (551)', retryable: false };
      });
      await pollUntil('the job to fail', async () => (await queue.counts('blocked')).failed === 1);
      expect(runs).toBe(1);
      expect((await queue.listFailed('blocked'))[0]?.reason).toBe('person blocked the Page (551)');
    });

    it('reschedules with retry_at without consuming an attempt', async () => {
      const attempts: number[] = [];
      await queue.enqueue('limited', {}, { attempts: 1 });
      queue.work('limited', async (job) => {
        attempts.push(job.attempt);
        if (attempts.length <= 3)
          return { status: 'retry_at', at: Date.now() + 50, reason: 'page over 300/s' };
        return DONE;
      });
      await pollUntil('the job to complete', async () => (await queue.counts('limited')).completed === 1);
      // With attempts: 1, a single consumed attempt would have failed the job.
      expect(attempts).toEqual([1, 1, 1, 1]);
      expect((await queue.counts('limited')).failed).toBe(0);
    });

    it('never runs more handlers at once than the concurrency', async () => {
      await queue.enqueueMany(
        'busy',
        Array.from({ length: 30 }, (_, n) => ({ payload: { n } })),
      );
      let inFlight = 0;
      let most = 0;
      let done = 0;
      queue.work(
        'busy',
        async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await sleep(15);
          inFlight--;
          done++;
          return DONE;
        },
        { concurrency: 3 },
      );
      await pollUntil('all jobs to run', () => done === 30);
      expect(most).toBe(3);
    });

    it('cancels a waiting or delayed job by key, and only once', async () => {
      await queue.enqueue('cancel', { which: 'delayed' }, { key: 'c:delayed', runAt: Date.now() + 60_000 });
      await queue.enqueue('cancel', { which: 'waiting' }, { key: 'c:waiting' });
      expect(await queue.counts('cancel')).toMatchObject({ waiting: 1, delayed: 1 });
      expect(await queue.cancel('cancel', 'c:delayed')).toBe(true);
      expect(await queue.cancel('cancel', 'c:waiting')).toBe(true);
      expect(await queue.cancel('cancel', 'c:waiting')).toBe(false);
      expect(await queue.cancel('cancel', 'never-enqueued')).toBe(false);
      expect(await queue.counts('cancel')).toMatchObject({ waiting: 0, delayed: 0 });

      const ran: string[] = [];
      // A cancelled key is free again.
      expect((await queue.enqueue('cancel', { which: 'again' }, { key: 'c:waiting' })).created).toBe(true);
      queue.work('cancel', async (job) => {
        ran.push((job.payload as { which: string }).which);
        return DONE;
      });
      await pollUntil('the new job to run', () => ran.length === 1);
      await sleep(200);
      expect(ran).toEqual(['again']);
    });

    it('does not cancel a job that is already running', async () => {
      let release: (() => void) | undefined;
      await queue.enqueue('running', {}, { key: 'r1' });
      queue.work('running', async () => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return DONE;
      });
      await pollUntil('the job to start', () => release !== undefined);
      expect(await queue.cancel('running', 'r1')).toBe(false);
      release?.();
      await pollUntil('the job to complete', async () => (await queue.counts('running')).completed === 1);
    });

    it('counts jobs by state', async () => {
      expect(await queue.counts('tally')).toEqual({
        waiting: 0,
        delayed: 0,
        active: 0,
        completed: 0,
        failed: 0,
      });
      await queue.enqueueMany('tally', [
        { payload: { n: 1 } },
        { payload: { n: 2 } },
        { payload: { n: 3 }, opts: { runAt: Date.now() + 60_000 } },
        { payload: { n: 4 }, opts: { attempts: 1 } },
      ]);
      expect(await queue.counts('tally')).toEqual({
        waiting: 3,
        delayed: 1,
        active: 0,
        completed: 0,
        failed: 0,
      });
      let release: (() => void) | undefined;
      const hold = new Promise<void>((resolve) => {
        release = resolve;
      });
      queue.work(
        'tally',
        async (job) => {
          const n = (job.payload as { n: number }).n;
          if (n === 4) throw new Error('no');
          if (n === 2) await hold;
          return DONE;
        },
        { concurrency: 3 },
      );
      await pollUntil('one done, one failed, one active', async () => {
        const c = await queue.counts('tally');
        return c.completed === 1 && c.failed === 1 && c.active === 1;
      });
      expect(await queue.counts('tally')).toEqual({
        waiting: 0,
        delayed: 1,
        active: 1,
        completed: 1,
        failed: 1,
      });
      release?.();
      await pollUntil('the held job to complete', async () => (await queue.counts('tally')).completed === 2);
      expect(await queue.counts('tally')).toEqual({
        waiting: 0,
        delayed: 1,
        active: 0,
        completed: 2,
        failed: 1,
      });
    });

    it('runs a job again on another worker when its worker dies mid-job', async () => {
      const a = await target.open({ leaseMs: 1000 });
      const b = await target.open({ leaseMs: 1000 });
      const runs: { by: string; attempt: number }[] = [];
      await a.enqueue('crashy', { n: 1 });
      const workerA = a.work('crashy', async (job) => {
        runs.push({ by: 'a', attempt: job.attempt });
        return never();
      });
      await pollUntil('worker a to start the job', () => runs.length === 1);
      // A crash: the handler never finishes and nothing renews the lease any more.
      await workerA.close({ force: true });
      b.work('crashy', async (job) => {
        runs.push({ by: 'b', attempt: job.attempt });
        return DONE;
      });
      await pollUntil('worker b to take the job over', () => runs.length === 2);
      expect(runs.map((r) => r.by)).toEqual(['a', 'b']);
      await pollUntil('the job to complete', async () => (await b.counts('crashy')).completed === 1);
      expect(await b.counts('crashy')).toMatchObject({ waiting: 0, active: 0, failed: 0 });
    });

    it('never hands one job to two workers at the same time', async () => {
      const a = await target.open();
      const b = await target.open();
      const total = 300;
      await queue.enqueueMany(
        'shared',
        Array.from({ length: total }, (_, n) => ({ payload: { n } })),
      );
      const running = new Set<string>();
      const runsById = new Map<string, number>();
      let overlaps = 0;
      const handler = async (job: Job): Promise<JobOutcome> => {
        if (running.has(job.id)) overlaps++;
        running.add(job.id);
        runsById.set(job.id, (runsById.get(job.id) ?? 0) + 1);
        await sleep(Math.floor(Math.random() * 4));
        running.delete(job.id);
        return DONE;
      };
      a.work('shared', handler, { concurrency: 4 });
      b.work('shared', handler, { concurrency: 4 });
      await pollUntil('every job to run', () => runsById.size === total);
      await pollUntil('the queue to drain', async () => {
        const c = await queue.counts('shared');
        return c.waiting + c.active + c.delayed === 0;
      });
      expect(overlaps).toBe(0);
      expect([...runsById.values()].every((n) => n === 1)).toBe(true);
    });

    it('processes 2,000 jobs exactly once each when nothing crashes', async () => {
      const a = await target.open();
      const b = await target.open();
      const total = 2000;
      const result = await queue.enqueueMany(
        'bulk',
        Array.from({ length: total }, (_, n) => ({ payload: { n } })),
      );
      expect(result.created).toBe(total);
      const runs = new Array<number>(total).fill(0);
      const handler = async (job: Job): Promise<JobOutcome> => {
        const n = (job.payload as { n: number }).n;
        runs[n] = (runs[n] ?? 0) + 1;
        return DONE;
      };
      a.work('bulk', handler, { concurrency: 10 });
      b.work('bulk', handler, { concurrency: 10 });
      await pollUntil('every job to run', () => runs.every((n) => n >= 1), { timeoutMs: 60_000 });
      await pollUntil('the queue to drain', async () => {
        const c = await queue.counts('bulk');
        return c.waiting + c.active + c.delayed === 0;
      });
      expect(runs.filter((n) => n !== 1)).toEqual([]);
      expect((await queue.counts('bulk')).failed).toBe(0);
    });

    it('waits for running handlers when a worker closes gracefully', async () => {
      let finished = false;
      let started = false;
      await queue.enqueue('graceful', {});
      const worker = queue.work('graceful', async () => {
        started = true;
        await sleep(200);
        finished = true;
        return DONE;
      });
      await pollUntil('the job to start', () => started);
      await worker.close();
      expect(finished).toBe(true);
      await pollUntil(
        'the job to be completed',
        async () => (await queue.counts('graceful')).completed === 1,
      );
    });
  });
}
