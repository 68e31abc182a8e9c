/**
 * The background work of Ventana: the inbound processor, the send worker and the queue jobs. The
 * server runs them in-process by default; `ventana worker` runs them in separate processes, which
 * cooperate through the database (row leases, SKIP LOCKED on PostgreSQL) and the queue engine.
 */

import { Redis } from 'ioredis';
import pg from 'pg';
import type { Logger } from 'pino';
import { createAutomation } from '../automation/index.ts';
import { type Config, publicUrlOf } from '../config/config.ts';
import { SEQUENCE_PORTS } from '../flows/ports.ts';
import { createFlowWorker } from '../flows/resume.ts';
import {
  createGraphClient,
  createMemorySendRateLimiter,
  createPostgresSendRateLimiter,
  createRedisSendRateLimiter,
  type GraphClient,
} from '../graph/index.ts';
import { startProfileApplier } from '../growth/profile-service.ts';
import { keywordConfirmation } from '../ingest/opt-out.ts';
import { createInboundProcessor } from '../ingest/processor.ts';
import { createProfileFetcher } from '../ingest/profiles.ts';
import { trackLinks } from '../links/track.ts';
import type { OutboxContent } from '../outbound/content.ts';
import { createOutboxWorker } from '../outbound/worker.ts';
import type { RuleBook } from '../policy/index.ts';
import { createQueue, type JobQueue } from '../queue/index.ts';
import { createSequenceRunner } from '../sequences/runner.ts';
import { contacts, type Database, outbox } from '../storage/index.ts';
import { NO_PACER, type Pacer } from './pacer.ts';

export interface WorkerDeps {
  readonly config: Config;
  readonly database: Database;
  readonly secretKey: Buffer;
  readonly rules: RuleBook;
  readonly graphUrl: string;
  readonly logger: Logger;
  readonly now: () => number;
  /** Other processes may share the database: recover crashed sends by lease age, not at start. */
  readonly shared: boolean;
  /** Webhooks first: background loops rest while a burst of webhooks lasts. Default: never rest. */
  readonly pacer?: Pacer;
  /** Base of tracked links (`/r/<code>`). Default: `publicUrlOf(config)`. */
  readonly publicUrl?: string;
}

/** Opens the configured queue engine (the embedded one lives in the app database). */
export function openQueue(config: Config, database: Database): Promise<JobQueue> {
  const q = config.queue;
  if (q.engine === 'embedded') return createQueue({ engine: 'embedded', database, pollIntervalMs: 250 });
  const prefix = q.prefix === null ? {} : { prefix: q.prefix };
  return q.redisUrl !== null
    ? createQueue({ engine: 'bullmq', redisUrl: q.redisUrl, ...prefix })
    : createQueue({ engine: 'bullmq', postgresUrl: q.postgresUrl ?? '', ...prefix });
}

export async function createWorkers(deps: WorkerDeps) {
  const { database, secretKey, rules, logger, now } = deps;
  const pace = (deps.pacer ?? NO_PACER).pace;
  const queue = await openQueue(deps.config, database);
  const graph: GraphClient = createGraphClient({
    baseUrl: deps.graphUrl,
    version: deps.config.graphVersion,
    batchSends: deps.config.graphBatchSends,
  });
  const profiles = createProfileFetcher({ database, graph, queue, secretKey, now, logger, pace });
  // Per-Page budgets must be shared when several processes send: through Redis when there is one,
  // through PostgreSQL when BullMQ runs on its PostgreSQL backend alone.
  const q = deps.config.queue;
  const keyPrefix = `${q.engine === 'bullmq' ? (q.prefix ?? 'ventana') : 'ventana'}:send`;
  const redis =
    q.engine === 'bullmq' && q.redisUrl ? new Redis(q.redisUrl, { maxRetriesPerRequest: 2 }) : null;
  const budgetPool =
    q.engine === 'bullmq' && !q.redisUrl && q.postgresUrl
      ? new pg.Pool({ connectionString: q.postgresUrl, max: 4 })
      : null;
  budgetPool?.on('error', () => {});
  const limiter = redis
    ? createRedisSendRateLimiter(redis, { keyPrefix })
    : budgetPool
      ? await createPostgresSendRateLimiter(budgetPool, { keyPrefix })
      : createMemorySendRateLimiter();
  const publicUrl = deps.publicUrl ?? publicUrlOf(deps.config);
  const sender = createOutboxWorker({
    database,
    graph,
    limiter,
    rules,
    secretKey,
    now,
    logger,
    recoverSendingAtStart: !deps.shared,
    // Messages rendered at dispatch greet a brand-new person by name: fetch the profile first.
    fetchProfile: (c) => profiles.fetchNow(c.pageId, c.psid, c.id),
    pace,
    publicUrl,
  });
  // Automation enqueues inside the event's transaction: wake the sender a moment later (once per
  // burst, not once per event), by which time the slice has committed.
  let wakeSoon: NodeJS.Timeout | null = null;
  const outboxTouched = () => {
    if (wakeSoon) return;
    wakeSoon = setTimeout(() => {
      wakeSoon = null;
      sender.wake();
    }, 10);
  };
  const sequences = createSequenceRunner({
    database,
    links: { track: trackLinks, baseUrl: publicUrl },
    rules,
    now,
    logger,
    pace,
    onEnqueued: () => sender.wake(),
  });
  const automation = createAutomation({ rules, now, logger, queue, outboxTouched });
  const flowWorker = createFlowWorker({
    database,
    queue,
    engine: { rules, sequences: SEQUENCE_PORTS, outboxTouched },
    secretKey,
    now,
    logger,
  });
  // New contacts arrive by the slice: queue their profile fetches together once the slice has run
  // (one insert instead of one commit per contact; the job key makes a replayed slice harmless).
  // Settling waits for these inserts, which ingest itself never does.
  const profileEnqueues = new Set<Promise<void>>();
  let newContacts: { pageId: string; psid: string; contactId: string }[] = [];
  const queueProfiles = () => {
    if (newContacts.length === 0) return;
    const list = newContacts;
    newContacts = [];
    const queued = profiles
      .enqueueMany(list)
      .catch((error: unknown) => logger.warn({ err: error }, 'profile jobs not queued'))
      .finally(() => profileEnqueues.delete(queued));
    profileEnqueues.add(queued);
  };
  const processor = createInboundProcessor({
    database,
    automation,
    rules,
    secretKey,
    now,
    logger,
    pace,
    busy: (deps.pacer ?? NO_PACER).busy,
    onNewContact: (pageId, psid, contactId) => {
      if (newContacts.push({ pageId, psid, contactId }) === 1) setImmediate(queueProfiles);
    },
    onKeyword: (contactId, intent) => {
      confirmKeyword(database, contactId, intent, now(), async (c) => {
        // The confirmation is written in the person's language: know it before writing.
        if (c.profileFetchedAt === null) await profiles.fetchNow(c.pageId, c.psid, c.id);
      }).then(
        () => sender.wake(),
        (error: unknown) => logger.warn({ err: error }, 'keyword confirmation not queued'),
      );
    },
  });

  // Messenger profile apply jobs (growth): retried with backoff by the queue.
  const profileApplier = () =>
    startProfileApplier({ database, secretKey, now, graph: () => graph, queue: () => queue });
  let profileApplierWorker: ReturnType<typeof profileApplier> = null;

  return {
    processor,
    sender,
    graph,
    queue,
    async start(): Promise<void> {
      processor.start();
      await sender.start();
      profiles.start();
      sequences.start();
      profileApplierWorker = profileApplier();
      flowWorker.start();
      await profiles.sweep();
    },
    /** Processes every stored webhook and sends every due message (tests, the demo banner). */
    async settle(): Promise<void> {
      await processor.drain();
      queueProfiles();
      await Promise.all(profileEnqueues);
      await profiles.idle();
      await sequences.tick();
      await sender.idle();
    },
    async stop(): Promise<void> {
      await processor.stop();
      await profiles.stop();
      await sequences.stop();
      await profileApplierWorker?.close();
      await flowWorker.stop();
      await sender.stop();
      await queue.close();
      await graph.close();
      redis?.disconnect();
      await budgetPool?.end();
    },
  };
}

export type Workers = Awaited<ReturnType<typeof createWorkers>>;

/** The answer to BAJA/STOP or ALTA/START goes through the same pipeline as every other message. */
async function confirmKeyword(
  database: Database,
  contactId: string,
  intent: 'opt_out' | 'opt_in',
  at: number,
  beforeWriting: (contact: contacts.Contact) => Promise<void>,
): Promise<void> {
  const known = await contacts.getContact(database, contactId);
  if (!known) return;
  await beforeWriting(known);
  const contact = (await contacts.getContact(database, contactId)) ?? known;
  const content: OutboxContent = {
    message: { type: 'text', text: keywordConfirmation(intent, contact.locale) },
    purpose: 'response',
  };
  await outbox.enqueueOutbox(database, [
    {
      workspaceId: contact.workspaceId,
      pageId: contact.pageId,
      contactId,
      origin: 'flow',
      originId: `keyword:${intent}`,
      idempotencyKey: `keyword-${contactId}-${intent}-${at}`,
      content: content as never,
      now: at,
    },
  ]);
}
