/**
 * Turns stored webhook bodies into applied events, asynchronously (the webhook has already said 200).
 * Two steps, each a claim with a lease so a crash resumes where it stopped:
 *   bodies -> normalised events in inbound_log (deduplicated by mid or hash) -> applied in timestamp order.
 * Works in small batches and yields between them, so ingest keeps answering while it catches up.
 */
import type { Logger } from 'pino';
import type { InboundEvent as WireEvent } from '../messenger/events.ts';
import { parseWebhookBody } from '../messenger/normalize.ts';
import { type Database, inbound } from '../storage/index.ts';
import { type ApplyDeps, applyEvent } from './apply-event.ts';

export interface ProcessorOptions extends ApplyDeps {
  readonly logger?: Logger;
  /** Bodies or events per claim. Default 200. */
  readonly batch?: number;
  /** How often to look for work when nobody woke the processor. Default 250 ms. */
  readonly idleMs?: number;
  /** How long a claim holds before another worker may retry it. Default 60 s. */
  readonly leaseMs?: number;
  /** A failing event is retried this many times, then kept with its error. Default 5. */
  readonly maxAttempts?: number;
}

export interface ProcessorStats {
  bodies: number;
  events: number;
  duplicates: number;
  applied: number;
  failed: number;
}

export function createInboundProcessor(options: ProcessorOptions) {
  const { database, now, logger, batch = 200, idleMs = 250, leaseMs = 60_000, maxAttempts = 5 } = options;
  const stats: ProcessorStats = { bodies: 0, events: 0, duplicates: 0, applied: 0, failed: 0 };
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let timerDue = 0;
  let busy: Promise<void> | null = null;
  let wakeRequested = false;

  // better-sqlite3 is synchronous and awaited Kysely calls resolve as microtasks, so without this a
  // batch holds the event loop for its whole length (hundreds of ms under load) and webhook requests
  // wait behind it. Give the loop a turn every couple of milliseconds of work.
  let sliceStart = performance.now();
  async function yieldIfDue(): Promise<void> {
    if (performance.now() - sliceStart < 2) return;
    await new Promise((r) => setImmediate(r));
    sliceStart = performance.now();
  }

  /** One pass: split pending bodies, then apply pending events. Returns how much it did. */
  async function step(): Promise<number> {
    let work = 0;
    const bodies = await inbound.claimUnprocessedBodies(database, { limit: batch, now: now(), leaseMs });
    for (const body of bodies) {
      const parsed = parseWebhookBody(body.raw);
      if (!parsed.ok) {
        await inbound.markBodyProcessed(database, body.id, now(), `${parsed.code}: ${parsed.message}`);
        continue;
      }
      const result = await inbound.splitBody(
        database,
        body.id,
        parsed.events.map((e) => ({
          pageId: e.pageId,
          dedupeKey: e.dedupeKey,
          receivedAt: body.receivedAt,
          eventTs: e.timestamp || body.receivedAt,
          kind: e.kind,
          psid: e.contactId,
          payload: { ...e, raw: e.raw } as never,
        })),
        now(),
      );
      stats.bodies++;
      stats.events += result.inserted.length;
      stats.duplicates += result.duplicates.length;
      work++;
      await yieldIfDue();
    }
    const events = await inbound.claimUnprocessedEvents(database, { limit: batch, now: now(), leaseMs });
    for (const row of events) {
      const event = row.payload as unknown as WireEvent;
      try {
        const outcome = await applyEvent(options, event);
        await inbound.markEventProcessed(
          database,
          row.id,
          now(),
          outcome.ok ? (outcome.note ?? null) : outcome.error,
        );
        if (outcome.ok) stats.applied++;
        else stats.failed++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger?.warn({ event: row.id, attempts: row.attempts, err: message }, 'inbound event failed');
        if (row.attempts >= maxAttempts) {
          await inbound.markEventProcessed(
            database,
            row.id,
            now(),
            `failed after ${row.attempts} attempts: ${message}`,
          );
          stats.failed++;
        } else {
          await inbound.releaseEvent(database, row.id, now() + 1000 * 2 ** row.attempts, message);
        }
      }
      work++;
      await yieldIfDue();
    }
    return work;
  }

  /** Runs steps until there is nothing left, yielding to I/O between batches. */
  async function drain(): Promise<void> {
    while ((await step()) > 0) await new Promise((r) => setImmediate(r));
  }

  function schedule(delay: number): void {
    if (!running) return;
    if (timer) {
      // An earlier pass is already due soon enough; never push it back (a steady stream of wakes
      // would otherwise postpone processing forever).
      if (timerDue <= Date.now() + delay) return;
      clearTimeout(timer);
    }
    timerDue = Date.now() + delay;
    timer = setTimeout(() => {
      timer = null;
      wakeRequested = false;
      // Checks `running` between batches: stop() waits for the current batch, not the whole backlog
      // (which under load can take minutes; what is left stays pending and is resumed on restart).
      busy = (async () => {
        while (running && (await step()) > 0) await new Promise((r) => setImmediate(r));
      })()
        .catch((error: unknown) => logger?.error({ err: error }, 'inbound processor pass failed'))
        .finally(() => {
          busy = null;
          schedule(wakeRequested ? 0 : idleMs);
        });
    }, delay);
  }

  return {
    stats,
    /** Processes everything pending now (tests, CLI). */
    drain,
    start(): void {
      running = true;
      schedule(0);
    },
    /** A body was stored: look soon, without piling up timers. */
    wake(): void {
      if (busy) wakeRequested = true;
      else schedule(5);
    },
    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      await busy;
    },
  };
}

export type InboundProcessor = ReturnType<typeof createInboundProcessor>;
export type { Database };
