/**
 * The composition root of a running Ventana: configuration in, a listening server out. It alone wires
 * storage, the rule book, the webhook intake, the inbound processor, the Graph client, the send
 * pipeline and (in demo mode) the simulator.
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { issueSetupToken } from '../accounts/service.ts';
import { type Config, publicUrlOf } from '../config/config.ts';
import { createGraphClient, type GraphClient } from '../graph/index.ts';
import { createWebhookIntake } from '../ingest/intake.ts';
import type { InboundProcessor } from '../ingest/processor.ts';
import { createRuleBook } from '../policy/index.ts';
import { enrollByLabels } from '../sequences/enroll.ts';
import { registerAccountRoutes } from '../server/account-routes.ts';
import { buildApp } from '../server/app.ts';
import { registerAuditRoutes } from '../server/audit-routes.ts';
import { registerBroadcastRoutes } from '../server/broadcast-routes.ts';
import { registerEntryPointRoutes } from '../server/entry-point-routes.ts';
import { registerFlowRoutes } from '../server/flow-routes.ts';
import { registerGrowthRoutes } from '../server/growth-routes.ts';
import { registerInboxRoutes } from '../server/inbox-routes.ts';
import { registerLinkRoutes } from '../server/link-routes.ts';
import { registerPageRoutes } from '../server/page-routes.ts';
import { registerSequenceRoutes } from '../server/sequence-routes.ts';
import { type Database, inbound, openDatabase, pages, workspaces } from '../storage/index.ts';
import { type DemoHandle, startDemo } from './demo.ts';
import { createPacer } from './pacer.ts';
import { loadOrCreateSecrets, type Secrets } from './secrets.ts';
import { createWorkers, type Workers } from './workers.ts';

export interface RuntimeOptions {
  readonly logger?: Logger;
  /** Where the built-in logger writes (default stdout); tests capture it to prove nothing secret is logged. */
  readonly logDestination?: DestinationStream;
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
  /** One-time token for `/setup?token=…` while no user exists (null once there is an owner). */
  readonly setupToken: string | null;
  /** Processes every stored webhook and sends every due message (tests, the demo banner). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_WORKSPACE = 'default';

export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger =
    options.logger ??
    pino(
      {
        level: config.logLevel,
        // Secrets never reach the logs, whatever a handler attaches.
        redact: [
          'req.headers["x-hub-signature-256"]',
          'req.headers["x-hub-signature"]',
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-csrf-token"]',
          'res.headers["set-cookie"]',
          '*.accessToken',
          '*.appSecret',
          '*.verifyToken',
          '*.token',
          '*.password',
          '*.key',
          '*.csrfToken',
        ],
      },
      options.logDestination ?? pino.destination(1),
    );
  const now = options.now ?? Date.now;
  const secrets = loadOrCreateSecrets(config);
  const database = await openDatabase(config.databaseUrl, { migrate: true, webhookJournal: true });
  const journal = database.webhookJournal?.report;
  if (journal && (journal.recovered > 0 || journal.tornBytes > 0)) {
    logger.info(journal, 'webhook journal recovered: these bodies are processed now');
  }
  const rules = createRuleBook();
  const setupToken = await issueSetupToken(database);

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
  // Likewise the webhook handshake accepts the verify token any connected Page was given.
  let appSecrets: readonly string[] = [secrets.appSecret];
  let pageVerifyTokens: readonly string[] = [];
  const refreshAppSecrets = async () => {
    const all = new Set([secrets.appSecret]);
    const verify = new Set<string>();
    for (const page of await pages.listAllPages(database)) {
      if (!page.hasAppSecret && !page.hasVerifyToken) continue;
      const s = await pages.getPageSecrets(database, secrets.secretKey, page.id);
      if (s?.appSecret) all.add(s.appSecret);
      if (s?.verifyToken) verify.add(s.verifyToken);
    }
    appSecrets = [...all];
    pageVerifyTokens = [...verify];
  };
  await refreshAppSecrets();

  // Late-bound: workers need the Graph URL, known only once the demo simulator (if any) listens.
  let wake: () => void = () => {};
  const pacer = createPacer();
  const intake = createWebhookIntake({
    appSecrets: () => appSecrets,
    store: (raw, at) => {
      // Background loops give way while a webhook waits for its commit (app/pacer.ts).
      const end = pacer.begin();
      return inbound.storeWebhookBody(database, raw, at).finally(end);
    },
    now,
    bodyLimit: config.webhookBodyLimit,
    onStored: () => wake(),
  });
  const app = buildApp({
    intake,
    verifyToken: () => secrets.verifyToken,
    pageVerifyTokens: () => pageVerifyTokens,
    apiToken: () => secrets.apiToken,
    workspaceId: workspace.id,
    accounts: { database, now },
    bodyLimit: config.webhookBodyLimit,
    logger,
    benchStats: options.benchStats ?? false,
    health: async () => ({
      pendingBodies: (await inbound.countPendingBodies(database)) + (database.webhookJournal?.backlog() ?? 0),
    }),
  });
  registerBroadcastRoutes(app, { database, rules, now, logger });
  registerAuditRoutes(app, { database });
  // Late-bound: the address is known once listening, the Graph URL once the demo (if any) runs.
  let url = '';
  let webhookUrl = '';
  let pageGraph: GraphClient | null = null;
  registerAccountRoutes(app, {
    database,
    now,
    defaultWorkspaceId: workspace.id,
    publicUrl: () => url,
    logger,
  });
  registerPageRoutes(app, {
    database,
    secretKey: secrets.secretKey,
    graph: () => {
      pageGraph ??= createGraphClient({
        baseUrl: demo?.graphUrl ?? config.graphUrl,
        version: config.graphVersion,
      });
      return pageGraph;
    },
    webhookUrl: () => webhookUrl,
    now,
    onPagesChanged: refreshAppSecrets,
    logger,
  });
  registerSequenceRoutes(app, { database, now });
  // Graph, the queue and the demo exist once the workers start (after the demo simulator listens):
  // the routes read them late.
  const late: { workers: Workers | null; demo: DemoHandle | null } = { workers: null, demo: null };
  registerGrowthRoutes(app, {
    database,
    secretKey: secrets.secretKey,
    now,
    graph: () => late.workers?.graph ?? null,
    queue: () => late.workers?.queue ?? null,
    wake: () => late.workers?.sender.wake(),
  });
  registerFlowRoutes(app, { database, rules, now, secretKey: secrets.secretKey });
  registerLinkRoutes(app, { database, now });
  registerEntryPointRoutes(app, { database, now });
  // Late-bound like `wake`: the workers (sender, Graph client) and the demo exist only after listen.
  registerInboxRoutes(app, {
    database,
    rules,
    now,
    secretKey: secrets.secretKey,
    wake: () => late.workers?.sender.wake(),
    graph: () => late.workers?.graph ?? null,
    demo: () => late.demo,
    enrollByLabels,
  });
  const address = await app.listen({ port: config.port, host: config.host });
  url = address.replace('[::1]', '127.0.0.1');
  webhookUrl = `${url}/webhooks/messenger`;

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
    publicUrl: publicUrlOf(config, url),
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
    setupToken,
    settle: () => workers.settle(),
    async close() {
      await demo?.close();
      await app.close();
      await pageGraph?.close();
      await workers.stop();
      await database.close();
    },
  };
}
