/**
 * The flows' background work in the worker process: a periodic scan resumes runs whose delay ended
 * (each in its own transaction, guarded by the run's `seq`, so a crash or a second worker never
 * resumes one twice) and queues the jobs of runs waiting at a webhook step; a queue worker runs them.
 */
import type { Logger } from 'pino';
import type { JobQueue, Worker } from '../queue/index.ts';
import { flows, type Queryable } from '../storage/index.ts';
import { type EngineDeps, stepRun } from './engine.ts';
import { createWebhookJobHandler, FLOW_WEBHOOK_QUEUE, queuePendingWebhooks } from './webhook.ts';

export interface FlowWorkerDeps {
  readonly database: Queryable;
  readonly queue: JobQueue;
  readonly engine: EngineDeps;
  readonly secretKey: Buffer;
  readonly now: () => number;
  readonly logger?: Logger;
  /** How often to scan. Default 1000 ms. */
  readonly intervalMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * Resumes every run whose delay has ended; returns how many moved. Each run moves in its own
 * transaction: one that fails (a crash, a bug in a step) is rolled back whole and stays due, so the
 * next scan tries it again, and the others still move.
 */
export async function resumeDueDelays(
  db: Queryable,
  engine: EngineDeps,
  now: number,
  opts: { readonly limit?: number; readonly logger?: Logger } = {},
): Promise<number> {
  let moved = 0;
  for (const run of await flows.listDueDelays(db, now, opts.limit ?? 200)) {
    try {
      const r = await stepRun(db, engine, run, { kind: 'delay_done' }, { now, inResponse: false });
      if (r.ok) moved++;
    } catch (err) {
      opts.logger?.warn({ err, run: run.id }, 'flow run not resumed; retried on the next scan');
    }
  }
  return moved;
}

export function createFlowWorker(deps: FlowWorkerDeps) {
  const { database, queue, engine, now, logger } = deps;
  let timer: NodeJS.Timeout | null = null;
  let worker: Worker | null = null;
  let busy: Promise<void> | null = null;

  async function tick(): Promise<number> {
    const moved = await resumeDueDelays(database, engine, now(), logger ? { logger } : {});
    const queued = await queuePendingWebhooks(database, queue);
    return moved + queued;
  }

  function schedule(): void {
    timer = setTimeout(() => {
      busy = tick()
        .then(() => undefined)
        .catch((err: unknown) => logger?.warn({ err }, 'flow resume scan failed'))
        .finally(() => {
          busy = null;
          if (timer !== null) schedule();
        });
    }, deps.intervalMs ?? 1000);
  }

  return {
    tick,
    start(): void {
      if (timer !== null) return;
      worker = queue.work(
        FLOW_WEBHOOK_QUEUE,
        createWebhookJobHandler({
          database,
          engine,
          secretKey: deps.secretKey,
          now,
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        }),
        { concurrency: 4 },
      );
      schedule();
    },
    async stop(): Promise<void> {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await busy;
      await worker?.close();
      worker = null;
    },
  };
}

export type FlowWorker = ReturnType<typeof createFlowWorker>;
