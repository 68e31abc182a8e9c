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
import { prepareSlice } from './apply-slice.ts';
import { maskEventTokens, maskTokensInRaw, mayCarryToken } from './redact.ts';

export interface ProcessorOptions extends ApplyDeps {
  /** The database itself, not a transaction: its webhook journal, if any, is moved from here. */
  readonly database: Database;
  readonly logger?: Logger;
  /** Bodies or events per claim. Default 200. */
  readonly batch?: number;
  /** Bodies or events per claim while `busy()` says webhooks arrive. Default 20. */
  readonly busyBatch?: number;
  /** How often to look for work when nobody woke the processor. Default 250 ms. */
  readonly idleMs?: number;
  /** How long a claim holds before another worker may retry it. Default 60 s. */
  readonly leaseMs?: number;
  /** Target length of a processing slice while webhooks arrive, in ms (they wait behind it). Default 3. */
  readonly sliceMs?: number;
  /** Target length of a slice when no webhook is arriving (fewer, larger commits). Default 25. */
  readonly idleSliceMs?: number;
  /** Whether webhooks are arriving now (app/pacer.ts); absent: always treated as busy. */
  readonly busy?: () => boolean;
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
    busyBatch = 20,
    idleMs = 250,
    leaseMs = 60_000,
    maxAttempts = 5,
    sliceMs = 3,
    idleSliceMs = 25,
  } = options;
  const stats: ProcessorStats = { bodies: 0, events: 0, duplicates: 0, applied: 0, failed: 0 };
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let timerDue = 0;
  let busy: Promise<void> | null = null;
  let wakeRequested = false;

  /**
   * Runs the items in short transactions: one commit per slice instead of one per statement, and
   * the event loop (webhook requests) gets a turn between slices. A slice is a count of items sized
   * from the measured cost per item so that it lasts about `sliceMs` while webhooks arrive (better-
   * sqlite3 is synchronous: a slice holds the event loop), `idleSliceMs` otherwise. `prepare`
   * resolves what the whole slice needs in a few statements, `finish` writes what it collected.
   * A slice that fails is replayed item by item without a transaction, so one bad item cannot hold
   * back the rest.
   */
  function slicer<T, C>(hooks: {
    prepare: (db: Queryable, items: readonly T[]) => Promise<C>;
    each: (db: Queryable, item: T, context: C) => Promise<void>;
    finish?: (db: Queryable, context: C) => Promise<void>;
    onError: (item: T, error: unknown) => Promise<void>;
  }) {
    let perItemMs = 0.2;
    return async (items: readonly T[]): Promise<void> => {
      let i = 0;
      while (i < items.length) {
        const budget = options.busy?.() === false ? idleSliceMs : sliceMs;
        const size = Math.max(1, Math.min(items.length - i, Math.floor(budget / perItemMs)));
        const slice = items.slice(i, i + size);
        const started = performance.now();
        try {
          await inTransaction(database, async (tx) => {
            const context = await hooks.prepare(tx, slice);
            for (const item of slice) await hooks.each(tx, item, context);
            await hooks.finish?.(tx, context);
          });
          // Smoothed, so one slow slice (a checkpoint, a GC) does not halve the next ones.
          perItemMs = Math.max(0.005, 0.7 * perItemMs + (0.3 * (performance.now() - started)) / slice.length);
        } catch {
          for (const item of slice) {
            try {
              const context = await hooks.prepare(database, [item]);
              await hooks.each(database, item, context);
              await hooks.finish?.(database, context);
            } catch (error) {
              await hooks.onError(item, error);
            }
          }
        }
        i += slice.length;
        await pause();
      }
    };
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
    // A claim is one statement (it reads the bodies' raw JSON): kept small while webhooks arrive.
    const limit = options.busy?.() ? busyBatch : batch;
    // Bodies in the webhook journal (embedded setup) reach `webhook_bodies` first.
    await database.webhookJournal?.move(limit);
    const bodies = await inbound.claimUnprocessedBodies(database, { limit, now: now(), leaseMs });
    await splitBodies(bodies);
    const events = await inbound.claimUnprocessedEvents(database, { limit, now: now(), leaseMs });
    await applyEvents(events);
    return bodies.length + events.length;
  }

  // A slice of bodies is split with one insert of all their events (bodies that do not parse are
  // marked with their error one by one).
  const splitBodies = slicer<inbound.WebhookBody, null>({
    prepare: async (db, bodies) => {
      const parsedBodies: { bodyId: string; events: inbound.NewInboundEvent[] }[] = [];
      for (const body of bodies) {
        const parsed = parseWebhookBody(body.raw);
        if (!parsed.ok) {
          await inbound.markBodyProcessed(db, body.id, now(), `${parsed.code}: ${parsed.message}`);
          continue;
        }
        parsedBodies.push({
          bodyId: body.id,
          events: parsed.events.map((e) => ({
            pageId: e.pageId,
            dedupeKey: e.dedupeKey,
            receivedAt: body.receivedAt,
            eventTs: e.timestamp || body.receivedAt,
            kind: e.kind,
            psid: e.contactId,
            payload: e as never,
          })),
        });
      }
      const result = await inbound.splitBodies(db, parsedBodies, now());
      // The bodies' job is done: their tokens are masked once the events are applied (see below).
      for (const body of bodies)
        if (mayCarryToken(body.raw)) await inbound.replaceBodyRaw(db, body.id, maskTokensInRaw(body.raw));
      stats.bodies += parsedBodies.length;
      stats.events += result.inserted.length;
      stats.duplicates += result.duplicates.length;
      return null;
    },
    each: async () => {},
    onError: async (body, error) => {
      logger?.warn(
        { body: body.id, err: error instanceof Error ? error.message : String(error) },
        'webhook body not split',
      );
    },
  });

  interface EventSlice {
    readonly deps: ApplyDeps;
    /** Events applied without a note: marked processed together at the end of the slice. */
    readonly done: string[];
  }

  const applyEvents = slicer<inbound.InboundEvent, EventSlice>({
    prepare: async (db, rows) => {
      const deps: ApplyDeps = { ...options, database: db, pageOf: (id) => pageOf(db, id) };
      const slice = await prepareSlice(
        deps,
        rows.map((row) => row.payload as unknown as WireEvent),
      );
      return { deps: { ...deps, slice }, done: [] };
    },
    each: async (db, row, context) => {
      // The same object prepareSlice saw (the slice context knows events by identity).
      const event = row.payload as unknown as WireEvent;
      const outcome = await applyEvent(context.deps, event);
      // Per event, in the event's transaction (the slice's): automation commits with its event.
      if (outcome.ok && options.automation) await options.automation(db, event);
      const masked = maskEventTokens(event);
      if (masked !== event) await inbound.replaceEventPayload(db, row.id, masked as never);
      if (outcome.ok && outcome.note === undefined) context.done.push(row.id);
      else
        await inbound.markEventProcessed(
          db,
          row.id,
          now(),
          outcome.ok ? (outcome.note ?? null) : outcome.error,
        );
      if (outcome.ok) stats.applied++;
      else stats.failed++;
    },
    finish: (db, context) => inbound.markEventsProcessed(db, context.done, now()),
    onError: async (row, error) => {
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
  });

  /** Runs steps until there is nothing left, yielding to I/O between batches. */
  async function drain(): Promise<void> {
    for (;;) {
      while ((await step()) > 0) await new Promise((r) => setImmediate(r));
      // A background pass may hold claims this drain could not take: wait for it, then look again.
      if (busy === null) return;
      await busy;
    }
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
        // Claims are work too (a claim of bodies reads their raw JSON): paced like the slices.
        while (running && (await step()) > 0) await pause();
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
