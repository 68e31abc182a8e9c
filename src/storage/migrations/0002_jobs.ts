/**
 * The embedded job queue's table (src/queue/embedded.ts), one DDL for SQLite and PostgreSQL.
 * Partial indexes keep each access path small: due jobs per queue, leases to reap, and finished
 * jobs to count and prune. `(queue, key)` is unique: the idempotent-enqueue dedupe (NULL keys are
 * distinct on both databases, so unkeyed jobs never collide).
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('key', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('waiting'))
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts_made', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('backoff_type', 'text', (c) => c.notNull())
    .addColumn('backoff_ms', 'bigint', (c) => c.notNull())
    .addColumn('stalls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lock_token', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addUniqueConstraint('jobs_queue_key_uq', ['queue', 'key'])
    .execute();
  await db.schema
    .createIndex('jobs_due_idx')
    .on('jobs')
    .columns(['queue', 'run_at'])
    .where(sql.ref('state'), '=', 'waiting')
    .execute();
  await db.schema
    .createIndex('jobs_active_idx')
    .on('jobs')
    .columns(['queue', 'locked_until'])
    .where(sql.ref('state'), '=', 'active')
    .execute();
  await db.schema
    .createIndex('jobs_completed_idx')
    .on('jobs')
    .columns(['queue', 'finished_at'])
    .where(sql.ref('state'), '=', 'completed')
    .execute();
  await db.schema
    .createIndex('jobs_failed_idx')
    .on('jobs')
    .columns(['queue', 'finished_at'])
    .where(sql.ref('state'), '=', 'failed')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('jobs').ifExists().execute();
}
