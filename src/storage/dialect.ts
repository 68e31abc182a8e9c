/**
 * The few helpers where SQLite and PostgreSQL differ, keyed on capability flags. Repositories
 * call these instead of branching on the dialect; nothing outside src/storage needs them.
 */
import type { SelectQueryBuilder } from 'kysely';
import type { Queryable } from './db.ts';
import type { IntBool } from './schema.ts';

/**
 * Adds `FOR UPDATE SKIP LOCKED` where row locks exist, so concurrent claimers on PostgreSQL
 * never take the same rows; SQLite's single writer already serialises claims.
 */
export function lockForClaim<DB, TB extends keyof DB, O>(
  database: Queryable,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return database.capabilities.rowLocking ? query.forUpdate().skipLocked() : query;
}

/** Adds `FOR UPDATE` where row locks exist: read-modify-write of one row inside a transaction. */
export function lockForUpdate<DB, TB extends keyof DB, O>(
  database: Queryable,
  query: SelectQueryBuilder<DB, TB, O>,
): SelectQueryBuilder<DB, TB, O> {
  return database.capabilities.rowLocking ? query.forUpdate() : query;
}

/** Splits rows into batches whose bind parameters fit in one statement. */
export function chunkForParameters<T>(database: Queryable, rows: readonly T[], columnsPerRow: number): T[][] {
  // Stay well under the limit: huge statements parse slowly and hold the SQLite writer longer.
  const size = Math.max(1, Math.min(1000, Math.floor(database.capabilities.maxParameters / columnsPerRow)));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

export function toIntBool(value: boolean): IntBool {
  return value ? 1 : 0;
}

export function fromIntBool(value: number | null | undefined): boolean {
  return value === 1;
}

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** Parses stored JSON text; a corrupt value yields `fallback` instead of failing a whole listing. */
export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
