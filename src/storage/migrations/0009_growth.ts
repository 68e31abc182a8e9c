/**
 * Growth (issue 5): a Page's Messenger profile as desired state (and what Meta last showed),
 * a Page's Marketing Message API setup (ad account, message campaign), per-contact marketing holds
 * after a frequency cap, and utility message templates with their review status.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('messenger_profiles')
    .addColumn('page_id', 'text', (c) => c.primaryKey().references('pages.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('desired', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('applied_version', 'integer')
    .addColumn('apply_status', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('applied_at', 'bigint')
    .addColumn('observed', 'text')
    .addColumn('drift', 'text')
    .addColumn('checked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('marketing_configs')
    .addColumn('page_id', 'text', (c) => c.primaryKey().references('pages.id').onDelete('cascade'))
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('ad_account_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text')
    .addColumn('campaign_name', 'text', (c) => c.notNull())
    .addColumn('campaign_created_at', 'bigint')
    .addColumn('daily_budget_cents', 'bigint')
    .addColumn('min_gap_seconds', 'integer')
    .addColumn('system_token_enc', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('marketing_holds')
    .addColumn('contact_id', 'text', (c) => c.primaryKey().references('contacts.id').onDelete('cascade'))
    .addColumn('until', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('message_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('page_id', 'text', (c) => c.notNull().references('pages.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('meta_id', 'text')
    .addColumn('rejected_reason', 'text')
    .addColumn('submitted_at', 'bigint')
    .addColumn('status_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('message_templates_page_name_lang_uq')
    .on('message_templates')
    .columns(['page_id', 'name', 'language'])
    .unique()
    .execute();
  await db.schema
    .createIndex('message_templates_workspace_idx')
    .on('message_templates')
    .columns(['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('message_templates_meta_idx')
    .on('message_templates')
    .columns(['meta_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('message_templates').ifExists().execute();
  await db.schema.dropTable('marketing_holds').ifExists().execute();
  await db.schema.dropTable('marketing_configs').ifExists().execute();
  await db.schema.dropTable('messenger_profiles').ifExists().execute();
}
