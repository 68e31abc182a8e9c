/**
 * The composition root of a running Ventana: configuration in, a listening server out. It alone wires
 * storage, the rule book, the webhook intake, the inbound processor, the Graph client, the send
 * pipeline and (in demo mode) the simulator.
 */
import pino, { type Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { createWebhookIntake } from '../ingest/intake.ts';
import type { InboundProcessor } from '../ingest/processor.ts';
import { createRuleBook } from '../policy/index.ts';
import { buildApp } from '../server/app.ts';
import { registerAuditRoutes } from '../server/audit-routes.ts';
import { registerBroadcastRoutes } from '../server/broadcast-routes.ts';
import { registerInboxRoutes } from '../server/inbox-routes.ts';
import { type Database, inbound, openDatabase, pages, workspaces } from '../storage/index.ts';
import { type DemoHandle, startDemo } from './demo.ts';
import { createPacer } from './pacer.ts';
import { loadOrCreateSecrets, type Secrets } from './secrets.ts';
import { createWorkers, type Workers } from './workers.ts';

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
  readonly workers: Workers;
  readonly processor: InboundProcessor;
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

  // Late-bound: workers need the Graph URL, known only once the demo simulator (if any) listens.
  let wake: () => void = () => {};
  const pacer = createPacer();
  const intake = createWebhookIntake({
    appSecrets: () => appSecrets,
    store: (raw, at) => inbound.storeWebhookBody(database, raw, at),
    now,
    bodyLimit: config.webhookBodyLimit,
    onStored: () => {
      pacer.touch();
      wake();
    },
  });
  const app = buildApp({
    intake,
    verifyToken: () => secrets.verifyToken,
    apiToken: () => secrets.apiToken,
    bodyLimit: config.webhookBodyLimit,
    logger,
    benchStats: options.benchStats ?? false,
    health: async () => ({ pendingBodies: await inbound.countPendingBodies(database) }),
  });
  registerBroadcastRoutes(app, { database, rules, now, workspaceId: workspace.id, logger });
  registerAuditRoutes(app, { database, workspaceId: workspace.id });
  // Late-bound like `wake`: the workers (sender, Graph client) and the demo exist only after listen.
  const late: { workers: Workers | null; demo: DemoHandle | null } = { workers: null, demo: null };
  registerInboxRoutes(app, {
    database,
    rules,
    now,
    secretKey: secrets.secretKey,
    wake: () => late.workers?.sender.wake(),
    graph: () => late.workers?.graph ?? null,
    demo: () => late.demo,
    // WIRE(sequences): enrollByLabels from src/sequences/enroll.ts (labels added in the inbox start sequences).
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const url = address.replace('[::1]', '127.0.0.1');
  const webhookUrl = `${url}/webhooks/messenger`;

  const useDemo = options.demo !== false && (await pages.listAllPages(database)).length === 0;
  const demo = useDemo
    ? await startDemo({ database, secrets, workspaceId: workspace.id, webhookUrl, logger, now })
    : null;
  if (demo) await refreshAppSecrets();

  const workers = await createWorkers({
    config,
    database,
    secretKey: secrets.secretKey,
    rules,
    graphUrl: demo?.graphUrl ?? config.graphUrl,
    logger,
    now,
    shared: config.queue.engine !== 'embedded',
    pacer,
  });
  wake = () => workers.processor.wake();
  late.workers = workers;
  late.demo = demo;
  if (options.workers !== false) await workers.start();
  await demo?.populate();

  return {
    url,
    webhookUrl,
    database,
    secrets,
    workers,
    processor: workers.processor,
    demo,
    settle: () => workers.settle(),
    async close() {
      await demo?.close();
      await app.close();
      await workers.stop();
      await database.close();
    },
  };
}
