/**
 * The job queue: one port (port.ts), two engines chosen by configuration at the composition root.
 * @example
 *   const queue = await createQueue({ engine: 'embedded', database });
 *   const queue = await createQueue({ engine: 'bullmq', redisUrl: 'redis://127.0.0.1:6379' });
 *   const queue = await createQueue({ engine: 'bullmq', postgresUrl: 'postgres://…/ventana' });
 */
import type { Queryable } from '../storage/index.ts';
import { type BullQueueOptions, createBullPostgresQueue, createBullRedisQueue } from './bullmq.ts';
import { createEmbeddedQueue, type EmbeddedQueueOptions } from './embedded.ts';
import type { JobQueue } from './port.ts';

export { type BullQueueOptions, jobIdToKey, keyToJobId } from './bullmq.ts';
export { createEmbeddedQueue, type EmbeddedQueueOptions } from './embedded.ts';
export type * from './port.ts';
export { backoffDelay, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF } from './port.ts';

export type QueueConfig =
  | ({ readonly engine: 'embedded'; readonly database: Queryable } & EmbeddedQueueOptions)
  | ({
      readonly engine: 'bullmq';
      /** `redis://…`: BullMQ on Redis. Exactly one of `redisUrl` and `postgresUrl`. */
      readonly redisUrl?: string;
      /** `postgres://…`: BullMQ's PostgreSQL backend (no Redis needed). */
      readonly postgresUrl?: string;
      /** Redis key prefix (default `bull`), or the PostgreSQL schema (default `bullmq`). */
      readonly prefix?: string;
    } & BullQueueOptions);

/**
 * Opens the configured queue engine. BullMQ engines connect (and, on PostgreSQL, migrate) first,
 * so an unreachable server fails here with a message naming it.
 */
export async function createQueue(config: QueueConfig): Promise<JobQueue> {
  switch (config.engine) {
    case 'embedded': {
      const { engine: _engine, database, ...opts } = config;
      return createEmbeddedQueue(database, opts);
    }
    case 'bullmq': {
      const { engine: _engine, redisUrl, postgresUrl, prefix, ...opts } = config;
      if ((redisUrl === undefined) === (postgresUrl === undefined)) {
        throw new Error('the bullmq queue engine needs exactly one of redisUrl and postgresUrl');
      }
      if (redisUrl !== undefined) {
        return createBullRedisQueue(redisUrl, prefix === undefined ? opts : { ...opts, prefix });
      }
      return createBullPostgresQueue(
        postgresUrl ?? '',
        prefix === undefined ? opts : { ...opts, schema: prefix },
      );
    }
    default: {
      const never: never = config;
      throw new Error(`unknown queue engine ${JSON.stringify(never)}`);
    }
  }
}
