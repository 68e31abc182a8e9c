/**
 * The inbox (issue 6): internal notes on conversations, canned replies per workspace, a journal of
 * label and field edits (for a contact's timeline), and the indexes the inbox, its live stream and
 * the overview analytics read through.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inbox_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('inbox_notes_conversation_idx')
    .on('inbox_notes')
    .columns(['conversation_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('inbox_notes_contact_idx')
    .on('inbox_notes')
    .columns(['contact_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('canned_replies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('shortcut', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('canned_replies_workspace_idx')
    .on('canned_replies')
    .columns(['workspace_id', 'title'])
    .execute();

  await db.schema
    .createTable('contact_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('change', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contact_changes_contact_idx')
    .on('contact_changes')
    .columns(['contact_id', 'at', 'id'])
    .execute();

  // The live stream polls "what changed lately": conversations by update time, messages by id (time-ordered).
  await db.schema
    .createIndex('conversations_updated_idx')
    .on('conversations')
    .columns(['updated_at', 'id'])
    .execute();
  // Overview analytics: messages and opt-outs per Page (and so per workspace) and day.
  await db.schema
    .createIndex('messages_page_created_idx')
    .on('messages')
    .columns(['page_id', 'created_at'])
    .execute();
  // A contact's timeline shows their inbound events (postbacks, referrals, opt-ins, reactions, …).
  await db.schema
    .createIndex('inbound_log_contact_idx')
    .on('inbound_log')
    .columns(['page_id', 'psid', 'event_ts'])
    .execute();
  await db.schema
    .createIndex('contacts_workspace_opted_out_idx')
    .on('contacts')
    .columns(['workspace_id', 'opted_out_at'])
    .where(sql.ref('opted_out_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('contacts_workspace_opted_out_idx').ifExists().execute();
  await db.schema.dropIndex('inbound_log_contact_idx').ifExists().execute();
  await db.schema.dropIndex('messages_page_created_idx').ifExists().execute();
  await db.schema.dropIndex('conversations_updated_idx').ifExists().execute();
  for (const table of ['contact_changes', 'canned_replies', 'inbox_notes']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
