/**
 * The embedded send loop: claims due outbox rows and runs each through the pipeline, a bounded number
 * at a time. Per-Page budgets are enforced inside dispatchOne by the rate limiter, so many Pages share
 * the concurrency while none exceeds its own limit.
 */
import type { Logger } from 'pino';
import { isBroadcastContentRef } from '../broadcasts/record.ts';
import { outbox } from '../storage/index.ts';
import type { OutboxItem } from '../storage/outbox.ts';
import { dispatchBatch } from './batch.ts';
import { type DispatchDeps, type DispatchResult, dispatchOne } from './dispatch.ts';

export interface OutboxWorkerOptions extends DispatchDeps {
  readonly logger?: Logger;
  /** Messages in flight at once. Default 64. */
  readonly concurrency?: number;
  /** Poll interval when idle. Default 200 ms. */
  readonly idleMs?: number;
  /**
   * Rows still 'sending' from before this process started are outcomes nobody knows: mark them
   * 'unknown' at start (only safe when no other worker shares the database). Default true.
   */
  readonly recoverSendingAtStart?: boolean;
  /**
   * With other workers sharing the database, a row 'sending' for longer than this belongs to a dead
   * worker (a Graph call times out well before): it becomes 'unknown'. Default 120 s.
   */
  readonly staleSendingMs?: number;
  /** Called before each claim; resolves later while webhooks are arriving (app/pacer.ts). */
  readonly pace?: () => Promise<void>;
  /** Called after each message, for progress reporting. */
  readonly onResult?: (result: DispatchResult) => void;
  /**
   * Dispatch claimed rows in batches with this function (e.g. `dispatchBatch` from ./batch.ts)
   * instead of one by one with `dispatchOne`. Default: one by one.
   */
  readonly dispatchBatch?: (deps: DispatchDeps, items: readonly OutboxItem[]) => Promise<DispatchResult[]>;
  /** Rows per batch when `dispatchBatch` is set (`concurrency` still caps rows in flight). Default 500. */
  readonly batchSize?: number;
}

export interface OutboxWorkerStats {
  sent: number;
  refused: number;
  failed: number;
  unknown: number;
  rescheduled: number;
  recoveredUnknown: number;
  /** Claimed before a crash but not yet decided: safely queued again. */
  recoveredRequeued: number;
  /** Left 'sending' by a crash, but Meta's echo of them was already stored: recorded 'sent'. */
  recoveredConfirmed: number;
}

export function createOutboxWorker(options: OutboxWorkerOptions) {
  const { database, now, logger, concurrency = 64, idleMs = 200 } = options;
  const stats: OutboxWorkerStats = {
    sent: 0,
    refused: 0,
    failed: 0,
    unknown: 0,
    rescheduled: 0,
    recoveredUnknown: 0,
    recoveredRequeued: 0,
    recoveredConfirmed: 0,
  };
  let running = false;
  let inFlight = 0;
  let timer: NodeJS.Timeout | null = null;
  let sweeper: NodeJS.Timeout | null = null;
  let pumping = false;
  const idleWaiters: (() => void)[] = [];
  // One lane per person: their messages leave in the order they were enqueued (a flow's greeting
  // before its question), while different people are served concurrently.
  const lanes = new Map<string, Promise<void>>();

  function start(item: OutboxItem): void {
    inFlight++;
    const run = (lanes.get(item.contactId) ?? Promise.resolve()).then(() => runOne(item));
    lanes.set(item.contactId, run);
    void run.then(() => {
      if (lanes.get(item.contactId) === run) lanes.delete(item.contactId);
    });
  }

  async function runOne(item: OutboxItem): Promise<void> {
    try {
      // A broadcast row holds a reference to its content, which only the batch dispatcher renders.
      const result = isBroadcastContentRef(item.content)
        ? (await dispatchBatch(options, [item]))[0]!
        : await dispatchOne(options, item);
      stats[result.status === 'rescheduled' ? 'rescheduled' : result.status]++;
      options.onResult?.(result);
    } catch (error) {
      // An unexpected error (database down…): the row stays 'sending' and is reported as unknown
      // on the next start, never sent twice.
      logger?.error({ err: error, outbox: item.id }, 'dispatch failed');
    } finally {
      inFlight--;
      void pump();
    }
  }

  async function runBatch(run: NonNullable<OutboxWorkerOptions['dispatchBatch']>, items: OutboxItem[]) {
    try {
      for (const result of await run(options, items)) {
        stats[result.status === 'rescheduled' ? 'rescheduled' : result.status]++;
        options.onResult?.(result);
      }
    } catch (error) {
      // As in runOne: the rows stay 'sending' and become 'unknown' on the next start.
      logger?.error({ err: error, count: items.length }, 'batch dispatch failed');
    } finally {
      inFlight -= items.length;
      void pump();
    }
  }

  /** Claims as many rows as there are free slots and starts them. */
  async function pump(): Promise<void> {
    if (!running || pumping) return;
    pumping = true;
    try {
      while (running && inFlight < concurrency) {
        if (options.pace) await options.pace();
        const batch = options.dispatchBatch;
        const limit = batch
          ? Math.min(options.batchSize ?? 500, concurrency - inFlight)
          : concurrency - inFlight;
        const items = await outbox.claimDueOutbox(database, { limit, now: now() });
        if (items.length === 0) break;
        if (batch) {
          inFlight += items.length;
          void runBatch(batch, items);
          continue;
        }
        // Broadcast rows (content by reference) go through the batch dispatcher together: one
        // decision pass and two commits for the claim, not two commits per recipient.
        const refs = items.filter((item) => isBroadcastContentRef(item.content));
        if (refs.length > 0) {
          inFlight += refs.length;
          void runBatch(dispatchBatch, refs);
        }
        for (const item of items) if (!isBroadcastContentRef(item.content)) start(item);
      }
    } catch (error) {
      logger?.error({ err: error }, 'outbox claim failed');
    } finally {
      pumping = false;
    }
    if (inFlight === 0) {
      for (const resolve of idleWaiters.splice(0)) resolve();
    }
    schedule();
  }

  function schedule(): void {
    if (!running || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void pump();
    }, idleMs);
  }

  /** Sends left 'sending' by a crash or a dead worker: see outbox.recoverStaleSending. */
  async function recover(staleBefore: number, cause: 'crash' | 'dead_worker'): Promise<void> {
    const { unknown, requeued, confirmed } = await outbox.recoverStaleSending(database, staleBefore, now());
    stats.recoveredUnknown += unknown;
    stats.recoveredRequeued += requeued;
    stats.recoveredConfirmed += confirmed;
    if (confirmed > 0) logger?.info({ count: confirmed, cause }, 'sends Meta already echoed recorded sent');
    if (unknown > 0)
      logger?.warn({ count: unknown, cause }, 'decided sends without an outcome marked unknown');
    if (requeued > 0) logger?.info({ count: requeued, cause }, 'claimed sends not yet decided queued again');
  }

  return {
    stats,
    async start(): Promise<void> {
      if (options.recoverSendingAtStart !== false) await recover(now() + 1, 'crash');
      else {
        const staleMs = options.staleSendingMs ?? 120_000;
        sweeper = setInterval(
          () => {
            recover(now() - staleMs, 'dead_worker').catch((error: unknown) =>
              logger?.error({ err: error }, 'stale sending sweep failed'),
            );
          },
          Math.min(staleMs, 30_000),
        );
      }
      running = true;
      void pump();
    },
    /** Something was enqueued: look now. */
    wake(): void {
      void pump();
    },
    /** Resolves when nothing is in flight and nothing is due. */
    async idle(): Promise<void> {
      for (;;) {
        if (inFlight === 0) {
          const due = await outbox.countDueOutbox(database, now());
          if (due === 0 && inFlight === 0 && !pumping) return;
        }
        await new Promise<void>((resolve) => {
          idleWaiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      if (sweeper) clearInterval(sweeper);
      timer = null;
      sweeper = null;
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
