/**
 * Applies the migrations listed in migrations/index.ts with Kysely's Migrator.
 * The same set runs on SQLite and PostgreSQL.
 */
import { type MigrationProvider, type MigrationResultSet, Migrator, sql } from 'kysely';
import type { Queryable } from './db.ts';
import { migrations } from './migrations/index.ts';

const provider: MigrationProvider = {
  getMigrations: async () => ({ ...migrations }),
};

export interface MigrationReport {
  /** Names of the migrations applied by this call, in order. */
  readonly applied: readonly string[];
}

/** Brings the schema to the latest version; throws with the failing migration's name on error. */
export async function migrateToLatest(database: Queryable): Promise<MigrationReport> {
  return report(await (await migratorFor(database)).migrateToLatest());
}

/** Undoes the most recent migration (development and tests). */
export async function migrateDown(database: Queryable): Promise<MigrationReport> {
  return report(await (await migratorFor(database)).migrateDown());
}

/** Runs migrations up or down until `name` is the last one applied. */
export async function migrateTo(database: Queryable, name: string): Promise<MigrationReport> {
  return report(await (await migratorFor(database)).migrateTo(name));
}

async function migratorFor(database: Queryable): Promise<Migrator> {
  if (database.dialect === 'sqlite') return new Migrator({ db: database.db, provider });
  // Kysely looks for its bookkeeping tables in every schema; when another schema of the same
  // database already has them (several installs or test runs side by side), it would skip creating
  // them here. Naming the current schema (first on search_path) keeps each install self-contained.
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db);
  const schema = rows[0]?.schema ?? 'public';
  return new Migrator({ db: database.db, provider, migrationTableSchema: schema });
}

function report(result: MigrationResultSet): MigrationReport {
  const failed = result.results?.find((r) => r.status === 'Error');
  if (result.error !== undefined) {
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, {
      cause: result.error,
    });
  }
  return {
    applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}
