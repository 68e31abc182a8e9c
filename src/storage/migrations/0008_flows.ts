/**
 * Flows (the automation engine): the flow with its editable draft, the frozen published versions,
 * the runs (one contact going through one version) and one row per step a run entered (stats).
 * `flow_runs.active_key` (flow + contact while the run is unfinished, null after) makes "at most one
 * active run per flow and contact" a database fact; `resume_at` makes delays survive restarts.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('flows')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('draft', 'text', (c) => c.notNull())
    .addColumn('published_version', 'integer')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('published_at', 'bigint')
    .addColumn('archived_at', 'bigint')
    .execute();
  await db.schema.createIndex('flows_workspace_idx').on('flows').columns(['workspace_id', 'id']).execute();

  await db.schema
    .createTable('flow_versions')
    .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('flow_versions_pk', ['flow_id', 'version'])
    .execute();

  await db.schema
    .createTable('flow_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('page_id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text')
    .addColumn('wait_kind', 'text')
    .addColumn('resume_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('outcome', 'text')
    .addColumn('active_key', 'text', (c) => c.unique())
    .addColumn('last_event_key', 'text')
    .addColumn('goal_reached_at', 'bigint')
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  // The resume scan: waiting runs whose delay ended or whose webhook job is still to be queued.
  await db.schema
    .createIndex('flow_runs_resume_idx')
    .on('flow_runs')
    .columns(['wait_kind', 'resume_at'])
    .execute();
  await db.schema
    .createIndex('flow_runs_contact_idx')
    .on('flow_runs')
    .columns(['contact_id', 'status'])
    .execute();
  await db.schema.createIndex('flow_runs_flow_idx').on('flow_runs').columns(['flow_id', 'status']).execute();

  await db.schema
    .createTable('flow_step_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text', (c) => c.notNull())
    /** enter, goal, rejected (a wrong answer) */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('flow_step_events_flow_idx')
    .on('flow_step_events')
    .columns(['flow_id', 'step_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('flow_step_events').ifExists().execute();
  await db.schema.dropTable('flow_runs').ifExists().execute();
  await db.schema.dropTable('flow_versions').ifExists().execute();
  await db.schema.dropTable('flows').ifExists().execute();
}
