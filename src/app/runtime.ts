/**
 * The composition root of a running Ventana: configuration in, a listening server out. It alone wires
 * storage, the rule book, the webhook intake, the inbound processor, the Graph client, the send
 * pipeline and (in demo mode) the simulator.
 */
import pino, { type Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { createGraphClient, createMemorySendRateLimiter, type GraphClient } from '../graph/index.ts';
import { createWebhookIntake } from '../ingest/intake.ts';
import { keywordConfirmation } from '../ingest/opt-out.ts';
import { createInboundProcessor, type InboundProcessor } from '../ingest/processor.ts';
import { createProfileFetcher } from '../ingest/profiles.ts';
import type { OutboxContent } from '../outbound/content.ts';
import { createOutboxWorker, type OutboxWorker } from '../outbound/worker.ts';
import { createRuleBook } from '../policy/index.ts';
import { buildApp } from '../server/app.ts';
import {
  contacts,
  type Database,
  inbound,
  openDatabase,
  outbox,
  pages,
  workspaces,
} from '../storage/index.ts';
import { type DemoHandle, startDemo } from './demo.ts';
import { loadOrCreateSecrets, type Secrets } from './secrets.ts';

export interface RuntimeOptions {
  readonly logger?: Logger;
  /** Answer /__bench/stats (the peer benchmark). Default false. */
  readonly benchStats?: boolean;
  /** Start the demo (simulator + fake people) when no Page is connected. Default true. */
  readonly demo?: boolean;
  /** Run the inbound processor and the send worker in this process. Default true. */
  readonly workers?: boolean;
  readonly now?: () => number;
}

export interface Runtime {
  readonly url: string;
  readonly webhookUrl: string;
  readonly database: Database;
  readonly secrets: Secrets;
  readonly processor: InboundProcessor;
  readonly sender: OutboxWorker;
  readonly graph: GraphClient;
  readonly demo: DemoHandle | null;
  /** Processes every stored webhook and sends every due message (tests, the demo banner). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_WORKSPACE = 'default';

export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger =
    options.logger ??
    pino({
      level: config.logLevel,
      // Secrets never reach the logs, whatever a handler attaches.
      redact: [
        'req.headers["x-hub-signature-256"]',
        'req.headers["x-hub-signature"]',
        'req.headers.authorization',
        '*.accessToken',
        '*.appSecret',
        '*.token',
      ],
    });
  const now = options.now ?? Date.now;
  const secrets = loadOrCreateSecrets(config);
  const database = await openDatabase(config.databaseUrl, { migrate: true });
  const rules = createRuleBook();

  const workspace =
    (await workspaces.getWorkspace(database, DEFAULT_WORKSPACE)) ??
    (await workspaces.createWorkspace(database, { id: DEFAULT_WORKSPACE, name: 'Ventana', now: now() }));
  if (config.page) {
    await pages.upsertPage(database, secrets.secretKey, {
      id: config.page.id,
      workspaceId: workspace.id,
      name: config.page.name ?? config.page.id,
      accessToken: config.page.accessToken,
      now: now(),
    });
  }

  // Signatures may come from the configured app or from any app a connected Page was set up with.
  let appSecrets: readonly string[] = [secrets.appSecret];
  const refreshAppSecrets = async () => {
    const all = new Set([secrets.appSecret]);
    for (const page of await pages.listAllPages(database)) {
      if (!page.hasAppSecret) continue;
      const s = await pages.getPageSecrets(database, secrets.secretKey, page.id);
      if (s?.appSecret) all.add(s.appSecret);
    }
    appSecrets = [...all];
  };
  await refreshAppSecrets();

  // Late-bound: the Graph URL is known only once the demo simulator (if any) listens.
  let onNewContact: (pageId: string, psid: string, contactId: string) => void = () => {};
  let onKeyword: (contactId: string, intent: 'opt_out' | 'opt_in') => void = () => {};
  const processor = createInboundProcessor({
    database,
    rules,
    secretKey: secrets.secretKey,
    now,
    logger,
    onNewContact: (...args) => onNewContact(...args),
    onKeyword: (...args) => onKeyword(...args),
  });
  const intake = createWebhookIntake({
    appSecrets: () => appSecrets,
    store: (raw, at) => inbound.storeWebhookBody(database, raw, at),
    now,
    bodyLimit: config.webhookBodyLimit,
    onStored: () => processor.wake(),
  });
  const app = buildApp({
    intake,
    verifyToken: () => secrets.verifyToken,
    bodyLimit: config.webhookBodyLimit,
    logger,
    benchStats: options.benchStats ?? false,
    health: async () => ({ pendingBodies: await inbound.countPendingBodies(database) }),
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('[::1]', '127.0.0.1');
  const webhookUrl = `${url}/webhooks/messenger`;

  const useDemo = options.demo !== false && (await pages.listAllPages(database)).length === 0;
  const demo = useDemo
    ? await startDemo({ database, secrets, workspaceId: workspace.id, webhookUrl, logger, now })
    : null;
  if (demo) await refreshAppSecrets();

  const graph = createGraphClient({
    baseUrl: demo?.graphUrl ?? config.graphUrl,
    version: config.graphVersion,
  });
  const profiles = createProfileFetcher({ database, graph, secretKey: secrets.secretKey, now, logger });
  const sender = createOutboxWorker({
    database,
    graph,
    limiter: createMemorySendRateLimiter(),
    rules,
    secretKey: secrets.secretKey,
    now,
    logger,
  });
  onNewContact = (pageId, psid, contactId) => profiles.enqueue(pageId, psid, contactId);
  onKeyword = (contactId, intent) => {
    void confirmKeyword(database, contactId, intent, now(), async (c) => {
      // The confirmation is written in the person's language: know it before writing.
      if (c.profileFetchedAt === null) await profiles.fetchNow(c.pageId, c.psid, c.id);
    }).then(
      () => sender.wake(),
      (error: unknown) => logger.warn({ err: error }, 'keyword confirmation not queued'),
    );
  };

  if (options.workers !== false) {
    processor.start();
    await sender.start();
    await profiles.sweep();
  }
  await demo?.populate();

  return {
    url,
    webhookUrl,
    database,
    secrets,
    processor,
    sender,
    graph,
    demo,
    async settle() {
      await processor.drain();
      await profiles.idle();
      await sender.idle();
    },
    async close() {
      await demo?.close();
      await app.close();
      await processor.stop();
      profiles.stop();
      await sender.stop();
      await graph.close();
      await database.close();
    },
  };
}

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
