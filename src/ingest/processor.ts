/**
 * Turns stored webhook bodies into applied events, asynchronously (the webhook has already said 200).
 * Two steps, each a claim with a lease so a crash resumes where it stopped:
 *   bodies -> normalised events in inbound_log (deduplicated by mid or hash) -> applied in timestamp order.
 * Works in small batches and yields between them, so ingest keeps answering while it catches up.
 */
import type { Logger } from 'pino';
import type { InboundEvent as WireEvent } from '../messenger/events.ts';
import { parseWebhookBody } from '../messenger/normalize.ts';
import { type Database, inbound, inTransaction, pages, type Queryable } from '../storage/index.ts';
import { type ApplyDeps, applyEvent } from './apply-event.ts';
import { maskEventTokens, maskTokensInRaw, mayCarryToken } from './redact.ts';

export interface ProcessorOptions extends ApplyDeps {
  readonly logger?: Logger;
  /** Bodies or events per claim. Default 200. */
  readonly batch?: number;
  /** How often to look for work when nobody woke the processor. Default 250 ms. */
  readonly idleMs?: number;
  /** How long a claim holds before another worker may retry it. Default 60 s. */
  readonly leaseMs?: number;
  /** Longest transaction of a processing slice, in ms (webhooks wait behind it). Default 3. */
  readonly sliceMs?: number;
  /** Called between slices; resolves later while webhooks are arriving (app/pacer.ts). */
  readonly pace?: () => Promise<void>;
  /** A failing event is retried this many times, then kept with its error. Default 5. */
  readonly maxAttempts?: number;
  /**
   * Automation that reacts to an applied event (entry points, flows, sequences, comments). Runs in
   * the same transaction as the event, so its writes commit with the event's "processed" mark: a
   * crash replays both or neither. It must do database work only (enqueue jobs for anything slow).
   */
  readonly automation?: (db: Queryable, event: WireEvent) => Promise<void>;
}

export interface ProcessorStats {
  bodies: number;
  events: number;
  duplicates: number;
  applied: number;
  failed: number;
}

export function createInboundProcessor(options: ProcessorOptions) {
  const {
    database,
    now,
    logger,
    batch = 200,
    idleMs = 250,
    leaseMs = 60_000,
    maxAttempts = 5,
    sliceMs = 3,
  } = options;
  const stats: ProcessorStats = { bodies: 0, events: 0, duplicates: 0, applied: 0, failed: 0 };
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let timerDue = 0;
  let busy: Promise<void> | null = null;
  let wakeRequested = false;

  /**
   * Runs `fn` over the items in short transactions (a few ms each): one commit per slice instead of
   * one per statement, and the event loop (webhook requests) gets a turn between slices. A slice that
   * fails is replayed item by item without a transaction, so one bad item cannot hold back the rest.
   */
  async function inSlices<T>(
    items: readonly T[],
    fn: (db: Queryable, item: T) => Promise<void>,
    onError: (item: T, error: unknown) => Promise<void>,
  ): Promise<void> {
    let i = 0;
    while (i < items.length) {
      const from = i;
      const started = performance.now();
      try {
        await inTransaction(database, async (tx) => {
          for (i = from; i < items.length && (i === from || performance.now() - started < sliceMs); i++)
            await fn(tx, items[i]!);
        });
      } catch {
        const to = Math.max(i, from + 1);
        for (let k = from; k < to; k++) {
          try {
            await fn(database, items[k]!);
          } catch (error) {
            await onError(items[k]!, error);
          }
        }
        i = to;
      }
      await pause();
    }
  }

  // Webhooks come first (see app/pacer.ts): between slices the processor rests while a burst lasts.
  const pause = () => (options.pace ? options.pace() : new Promise((r) => setImmediate(r)));

  // Pages change rarely (status, permissions); a second-old copy is fine for applying events, while a
  // policy block arriving in the same second still lands in the database.
  const pageCache = new Map<string, { at: number; page: Promise<pages.Page | undefined> }>();
  const pageOf = (db: Queryable, pageId: string) => {
    const hit = pageCache.get(pageId);
    if (hit && performance.now() - hit.at < 1000) return hit.page;
    // Read through the caller's connection: inside a slice's transaction another one would wait forever.
    const page = pages.getPage(db, pageId);
    pageCache.set(pageId, { at: performance.now(), page });
    return page;
  };

  /** One pass: split pending bodies, then apply pending events. Returns how much it did. */
  async function step(): Promise<number> {
    const bodies = await inbound.claimUnprocessedBodies(database, { limit: batch, now: now(), leaseMs });
    await inSlices(
      bodies,
      async (db, body) => {
        const parsed = parseWebhookBody(body.raw);
        if (!parsed.ok) {
          await inbound.markBodyProcessed(db, body.id, now(), `${parsed.code}: ${parsed.message}`);
          return;
        }
        const result = await inbound.splitBody(
          db,
          body.id,
          parsed.events.map((e) => ({
            pageId: e.pageId,
            dedupeKey: e.dedupeKey,
            receivedAt: body.receivedAt,
            eventTs: e.timestamp || body.receivedAt,
            kind: e.kind,
            psid: e.contactId,
            payload: e as never,
          })),
          now(),
        );
        // The body's job is done: its tokens are masked once the events are applied (see below).
        if (mayCarryToken(body.raw)) await inbound.replaceBodyRaw(db, body.id, maskTokensInRaw(body.raw));
        stats.bodies++;
        stats.events += result.inserted.length;
        stats.duplicates += result.duplicates.length;
      },
      async (body, error) => {
        logger?.warn(
          { body: body.id, err: error instanceof Error ? error.message : String(error) },
          'webhook body not split',
        );
      },
    );
    const events = await inbound.claimUnprocessedEvents(database, { limit: batch, now: now(), leaseMs });
    await inSlices(
      events,
      async (db, row) => {
        const event = row.payload as unknown as WireEvent;
        const outcome = await applyEvent({ ...options, database: db, pageOf: (id) => pageOf(db, id) }, event);
        if (outcome.ok && options.automation) await options.automation(db, event);
        const masked = maskEventTokens(event);
        if (masked !== event) await inbound.replaceEventPayload(db, row.id, masked as never);
        await inbound.markEventProcessed(
          db,
          row.id,
          now(),
          outcome.ok ? (outcome.note ?? null) : outcome.error,
        );
        if (outcome.ok) stats.applied++;
        else stats.failed++;
      },
      async (row, error) => {
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
      },
    );
    return bodies.length + events.length;
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
