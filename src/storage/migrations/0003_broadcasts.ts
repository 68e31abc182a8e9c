/**
 * Broadcasts: one row per campaign (audience filter, content, intent, the classifier's verdict,
 * status) plus the fan-out cursor that makes a crash resume the fan-out without loss or duplicate.
 * The recipients themselves are outbox rows (`origin = 'broadcast'`, `origin_id` = broadcast id).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('broadcasts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('intent', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('fanout_cursor', 'text')
    .addColumn('fanout_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enqueued', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('broadcasts_workspace_idx')
    .on('broadcasts')
    .columns(['workspace_id', 'id'])
    .execute();
  // Resuming after a restart looks for broadcasts whose fan-out is unfinished.
  await db.schema.createIndex('broadcasts_status_idx').on('broadcasts').columns(['status']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('broadcasts').ifExists().execute();
}
