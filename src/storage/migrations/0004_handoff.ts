/**
 * A conversation can wait for a person: `handoff_at` is when automation (a flow's "hand over to a
 * human" step) or the contact asked for one; the inbox lists these as "waiting" until an agent answers.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('handoff_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('handoff_at').execute();
}
