/**
 * Entry points (m.me links with their QR, button and landing page; comment-to-Messenger; Click-to-
 * Messenger ads) and their attribution events: one row per touch, opt-in or opt-out attributed to an
 * entry point, from which first/last touch and the per-day statistics are computed.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('entry_points')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('page_id', 'text', (c) => c.notNull().references('pages.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ref', 'text')
    .addColumn('slug', 'text')
    .addColumn('language', 'text')
    .addColumn('prefill_text', 'text')
    .addColumn('labels', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('flow_id', 'text')
    .addColumn('sequence_id', 'text')
    .addColumn('config', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // NULL refs (comment entry points) never collide: both dialects treat NULLs as distinct.
  await db.schema
    .createIndex('entry_points_page_ref_uq')
    .on('entry_points')
    .columns(['page_id', 'ref'])
    .unique()
    .execute();
  await db.schema.createIndex('entry_points_slug_uq').on('entry_points').column('slug').unique().execute();
  await db.schema
    .createIndex('entry_points_workspace_idx')
    .on('entry_points')
    .columns(['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('entry_points_page_kind_idx')
    .on('entry_points')
    .columns(['page_id', 'kind'])
    .execute();

  await db.schema
    .createTable('entry_point_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('entry_point_id', 'text', (c) => c.notNull().references('entry_points.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('event_key', 'text', (c) => c.notNull().unique())
    .addColumn('new_contact', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('conversation_opened', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_opened', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('entry_point_events_stats_idx')
    .on('entry_point_events')
    .columns(['entry_point_id', 'day'])
    .execute();
  await db.schema
    .createIndex('entry_point_events_contact_idx')
    .on('entry_point_events')
    // Not partial: queries bind the kind as a parameter, which a partial index cannot be proven to cover.
    .columns(['contact_id', 'kind', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('entry_point_events').ifExists().execute();
  await db.schema.dropTable('entry_points').ifExists().execute();
}
