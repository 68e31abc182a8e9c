/**
 * Sequences: the definition (ordered steps as JSON, settings), one enrollment per (sequence, person),
 * and one row per (enrollment, step): the step's schedule, its claim lease and what happened to it.
 * That unique row is what makes "a step is never sent twice" a database fact; the outbox row it
 * produces carries the idempotency key `sequence-<enrollment>-<step>` as a second guard.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sequences')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('exit_on_reply', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sequences_workspace_idx')
    .on('sequences')
    .columns(['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('sequence_enrollments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('sequence_id', 'text', (c) => c.notNull().references('sequences.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('left_reason', 'text')
    .addColumn('enrolled_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('sequence_enrollments_person_uq', ['sequence_id', 'contact_id'])
    .execute();
  await db.schema
    .createIndex('sequence_enrollments_contact_idx')
    .on('sequence_enrollments')
    .columns(['contact_id', 'status'])
    .execute();

  await db.schema
    .createTable('sequence_steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enrollment_id', 'text', (c) =>
      c.notNull().references('sequence_enrollments.id').onDelete('cascade'),
    )
    .addColumn('sequence_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text', (c) => c.notNull())
    .addColumn('step_index', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('claim_token', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('variant', 'text')
    .addColumn('outbox_id', 'text')
    .addColumn('note', 'text')
    .addColumn('decision', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('sequence_steps_once_uq', ['enrollment_id', 'step_id'])
    .execute();
  // The runner's scan: scheduled rows by due time.
  await db.schema
    .createIndex('sequence_steps_due_idx')
    .on('sequence_steps')
    .columns(['due_at'])
    .where(sql.ref('status'), '=', 'scheduled')
    .execute();
  await db.schema
    .createIndex('sequence_steps_contact_idx')
    .on('sequence_steps')
    .columns(['contact_id', 'status'])
    .execute();
  await db.schema
    .createIndex('sequence_steps_sequence_idx')
    .on('sequence_steps')
    .columns(['sequence_id', 'step_id'])
    .execute();
  // Sequence messages the pipeline refused: the runner looks for those refused because the window had
  // closed between its decision and the dispatch, to apply the step's fallback. Partial, so broadcast
  // rows never enter it.
  await db.schema
    .createIndex('outbox_sequence_refused_idx')
    .on('outbox')
    .columns(['updated_at'])
    .where(sql.ref('origin'), '=', 'sequence')
    .where(sql.ref('status'), '=', 'refused')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_sequence_refused_idx').ifExists().execute();
  await db.schema.dropTable('sequence_steps').ifExists().execute();
  await db.schema.dropTable('sequence_enrollments').ifExists().execute();
  await db.schema.dropTable('sequences').ifExists().execute();
}
