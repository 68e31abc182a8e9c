/**
 * Tracked links and broadcast schedules.
 * - `tracked_links`: one row per (origin, person, destination): the short random code a message
 *   carries instead of the URL, and the clicks it received (total, first and last). The unique
 *   `link_key` (a hash of origin + person + URL) makes a retried or resumed send reuse its code.
 * - `broadcasts.schedule` (JSON: when each person is due), `broadcasts.track_links` (0/1) and
 *   `broadcasts.skipped` (people the schedule left out, e.g. window already closed).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tracked_links')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('link_key', 'text', (c) => c.notNull().unique())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('origin_kind', 'text', (c) => c.notNull())
    .addColumn('origin_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('clicks', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_clicked_at', 'bigint')
    .addColumn('last_clicked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // The report groups an origin's links; a person's links are found by contact.
  await db.schema
    .createIndex('tracked_links_origin_idx')
    .on('tracked_links')
    .columns(['origin_kind', 'origin_id', 'contact_id'])
    .execute();
  await db.schema.alterTable('broadcasts').addColumn('schedule', 'text').execute();
  await db.schema
    .alterTable('broadcasts')
    .addColumn('track_links', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('broadcasts')
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('broadcasts').dropColumn('skipped').execute();
  await db.schema.alterTable('broadcasts').dropColumn('track_links').execute();
  await db.schema.alterTable('broadcasts').dropColumn('schedule').execute();
  await db.schema.dropTable('tracked_links').ifExists().execute();
}
