/**
 * `ventana worker`: the background work without the HTTP server, for scale-out. Several such processes
 * share a PostgreSQL database (claims use SKIP LOCKED leases) and the configured queue engine.
 */
import pino from 'pino';
import type { Config } from '../config/config.ts';
import { createRuleBook } from '../policy/index.ts';
import { openDatabase } from '../storage/index.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { createWorkers } from './workers.ts';

export async function runWorkerProcess(config: Config): Promise<() => Promise<void>> {
  const logger = pino({ level: config.logLevel });
  const secrets = loadOrCreateSecrets(config);
  const database = await openDatabase(config.databaseUrl, { migrate: true });
  const workers = await createWorkers({
    config,
    database,
    secretKey: secrets.secretKey,
    rules: createRuleBook(),
    graphUrl: config.graphUrl,
    logger,
    now: Date.now,
    shared: true,
  });
  await workers.start();
  return async () => {
    await workers.stop();
    await database.close();
  };
}
