/**
 * The initial schema, one DDL for SQLite and PostgreSQL: only portable column types
 * (text, integer, bigint, double precision), app-generated text ids, partial indexes
 * (supported by both) for the "work still to do" queues.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('pages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('access_token_enc', 'text')
    .addColumn('app_secret_enc', 'text')
    .addColumn('verify_token_enc', 'text')
    .addColumn('permissions', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('status_reason', 'text')
    .addColumn('business_country', 'text')
    .addColumn('ad_account_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pages_workspace_idx').on('pages').column('workspace_id').execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('page_id', 'text', (c) => c.notNull().references('pages.id').onDelete('cascade'))
    .addColumn('psid', 'text', (c) => c.notNull())
    .addColumn('user_ref', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('profile_pic', 'text')
    .addColumn('locale', 'text')
    .addColumn('timezone', 'double precision')
    .addColumn('country', 'text')
    .addColumn('profile_fetched_at', 'bigint')
    .addColumn('labels', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('first_entry_point', 'text')
    .addColumn('last_entry_point', 'text')
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_inbound_at', 'bigint')
    .addColumn('last_inbound_kind', 'text')
    .addColumn('ad_window_started_at', 'bigint')
    .addColumn('window_closed_by_graph_at', 'bigint')
    .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('blocked_at', 'bigint')
    .addColumn('unreachable_at', 'bigint')
    .addColumn('opted_out_at', 'bigint')
    .addColumn('marketing_token_enc', 'text')
    .addColumn('marketing_status', 'text')
    .addColumn('marketing_token_expires_at', 'bigint')
    .addColumn('marketing_last_sent_at', 'bigint')
    .addColumn('legacy_token_enc', 'text')
    .addColumn('legacy_token_status', 'text')
    .addColumn('legacy_token_expires_at', 'bigint')
    .addColumn('legacy_last_sent_at', 'bigint')
    .addColumn('otn_token_enc', 'text')
    .addColumn('otn_created_at', 'bigint')
    .addColumn('otn_used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('contacts_page_psid_uq', ['page_id', 'psid'])
    .execute();
  // Broadcast fan-out walks one Page's contacts by id (keyset); audiences filter on the window.
  await db.schema.createIndex('contacts_page_id_idx').on('contacts').columns(['page_id', 'id']).execute();
  await db.schema
    .createIndex('contacts_page_inbound_idx')
    .on('contacts')
    .columns(['page_id', 'last_inbound_at'])
    .execute();
  await db.schema
    .createIndex('contacts_workspace_seen_idx')
    .on('contacts')
    .columns(['workspace_id', 'last_seen_at'])
    .execute();
  await db.schema
    .createIndex('contacts_workspace_id_idx')
    .on('contacts')
    .columns(['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('contacts_user_ref_idx')
    .on('contacts')
    .columns(['page_id', 'user_ref'])
    .where(sql.ref('user_ref'), 'is not', null)
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('page_id', 'text', (c) => c.notNull().references('pages.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('assigned_user_id', 'text')
    .addColumn('thread_owner', 'text')
    .addColumn('last_message_at', 'bigint')
    .addColumn('last_inbound_at', 'bigint')
    .addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .execute();
  // At most one open conversation per contact: concurrent "get or open" calls converge on it.
  await db.schema
    .createIndex('conversations_one_open_uq')
    .on('conversations')
    .column('contact_id')
    .unique()
    .where(sql.ref('status'), '=', 'open')
    .execute();
  await db.schema
    .createIndex('conversations_contact_idx')
    .on('conversations')
    .columns(['contact_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('conversations_inbox_idx')
    .on('conversations')
    .columns(['workspace_id', 'status', 'last_message_at', 'id'])
    .execute();
  await db.schema
    .createIndex('conversations_assignee_idx')
    .on('conversations')
    .columns(['assigned_user_id', 'status', 'last_message_at'])
    .where(sql.ref('assigned_user_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('mid', 'text', (c) => c.unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text')
    .addColumn('payload', 'text')
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .addColumn('read_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('messages_conversation_idx')
    .on('messages')
    .columns(['conversation_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('messages_contact_idx')
    .on('messages')
    .columns(['contact_id', 'direction', 'created_at'])
    .execute();
  await db.schema
    .createIndex('messages_outbox_idx')
    .on('messages')
    .column('outbox_id')
    .where(sql.ref('outbox_id'), 'is not', null)
    .execute();

  await db.schema
    .createTable('webhook_bodies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .addColumn('claimed_until', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_bodies_pending_idx')
    .on('webhook_bodies')
    .column('id')
    .where(sql.ref('processed_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('inbound_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addColumn('body_id', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('event_ts', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('psid', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .addColumn('claimed_until', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('inbound_log_pending_idx')
    .on('inbound_log')
    .columns(['event_ts', 'id'])
    .where(sql.ref('processed_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('inbound_log_page_idx')
    .on('inbound_log')
    .columns(['page_id', 'event_ts'])
    .execute();

  // The audit log has no foreign keys on purpose: proof of a decision outlives the rows it names.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text')
    .addColumn('page_id', 'text')
    .addColumn('contact_id', 'text')
    .addColumn('message_ref', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('rule_set', 'text', (c) => c.notNull())
    .addColumn('route', 'text')
    .addColumn('allowed', 'integer', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('evidence', 'text')
    .addColumn('decision', 'text')
    .addColumn('graph_status', 'text')
    .addColumn('graph_response', 'text')
    .addColumn('fbtrace_id', 'text')
    .execute();
  await db.schema
    .createIndex('audit_contact_idx')
    .on('audit_log')
    .columns(['contact_id', 'at', 'id'])
    .execute();
  await db.schema
    .createIndex('audit_message_ref_idx')
    .on('audit_log')
    .columns(['message_ref', 'at'])
    .execute();
  await db.schema.createIndex('audit_page_at_idx').on('audit_log').columns(['page_id', 'at']).execute();
  await db.schema
    .createIndex('audit_workspace_at_idx')
    .on('audit_log')
    .columns(['workspace_id', 'at', 'id'])
    .execute();

  await db.schema
    .createTable('audit_reasons')
    .addColumn('audit_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_reasons_pk', ['audit_id', 'code'])
    .execute();
  await db.schema
    .createIndex('audit_reasons_code_idx')
    .on('audit_reasons')
    .columns(['code', 'at', 'audit_id'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('origin_id', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('result', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('outbox_due_idx')
    .on('outbox')
    .columns(['next_attempt_at', 'id'])
    .where(sql.ref('status'), '=', 'queued')
    .execute();
  await db.schema
    .createIndex('outbox_origin_idx')
    .on('outbox')
    .columns(['origin', 'origin_id', 'status'])
    .execute();
  await db.schema
    .createIndex('outbox_contact_idx')
    .on('outbox')
    .columns(['contact_id', 'created_at'])
    .execute();
  await db.schema.createIndex('outbox_page_status_idx').on('outbox').columns(['page_id', 'status']).execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'settings',
    'outbox',
    'audit_reasons',
    'audit_log',
    'inbound_log',
    'webhook_bodies',
    'messages',
    'conversations',
    'contacts',
    'pages',
    'workspaces',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
