/**
 * Multi-row INSERTs for the hot batch paths (audit entries, outbound messages, outbox rows), on
 * SQLite and PostgreSQL alike, without building each statement through Kysely's query compiler.
 *
 * Why: a dispatch batch inserts hundreds of rows per statement, and compiling such a statement
 * allocated about 4 KB per row (one string piece and one parameter node per value); and since the
 * row count differed from batch to batch, every statement was a new text that SQLite parsed again
 * and the statement cache kept. Here a batch is cut into chunks whose sizes are powers of two, so
 * a table has at most ten statement texts, each built once and reused as a prepared statement.
 */
import { CompiledQuery, type Insertable } from 'kysely';
import type { Queryable } from './db.ts';
import type { Schema } from './schema.ts';

/** What to do when a row collides with a unique index: a raw `on conflict …` clause (same on both). */
export interface InsertRowsOptions {
  readonly onConflict?: string;
}

const MAX_ROWS_PER_STATEMENT = 512;
const texts = new Map<string, string>();

/** The chunk sizes for `n` rows: the largest power of two that fits, again and again. */
export function powerOfTwoChunks(n: number, maxRows: number): number[] {
  const sizes: number[] = [];
  let cap = 1;
  while (cap * 2 <= Math.max(1, maxRows)) cap *= 2;
  for (let left = n; left > 0; ) {
    let size = cap;
    while (size > left) size /= 2;
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

function statementText(
  database: Queryable,
  table: string,
  columns: readonly string[],
  rows: number,
  onConflict: string,
): string {
  const key = `${database.dialect}|${table}|${columns.join(',')}|${rows}|${onConflict}`;
  let text = texts.get(key);
  if (text === undefined) {
    const width = columns.length;
    const tuples: string[] = new Array(rows);
    for (let r = 0; r < rows; r++) {
      const marks: string[] = new Array(width);
      for (let c = 0; c < width; c++)
        marks[c] = database.dialect === 'postgres' ? `$${r * width + c + 1}` : '?';
      tuples[r] = `(${marks.join(', ')})`;
    }
    const names = columns.map((c) => `"${c}"`).join(', ');
    text = `insert into "${table}" (${names}) values ${tuples.join(', ')}${onConflict ? ` ${onConflict}` : ''}`;
    texts.set(key, text);
  }
  return text;
}

/**
 * Inserts `rows` (objects with the same keys, in the same order) into `table`. Resolves with the
 * number of rows inserted (rows skipped by `onConflict … do nothing` are not counted).
 */
export async function insertRows<T extends keyof Schema & string>(
  database: Queryable,
  table: T,
  rows: readonly Insertable<Schema[T]>[],
  options: InsertRowsOptions = {},
): Promise<number> {
  const first = rows[0];
  if (first === undefined) return 0;
  const columns = Object.keys(first) as (keyof typeof first & string)[];
  const maxRows = Math.min(
    MAX_ROWS_PER_STATEMENT,
    Math.floor(database.capabilities.maxParameters / columns.length),
  );
  let inserted = 0;
  let at = 0;
  for (const size of powerOfTwoChunks(rows.length, maxRows)) {
    const params: unknown[] = new Array(size * columns.length);
    let p = 0;
    for (let r = at; r < at + size; r++) {
      const row = rows[r]!;
      for (const column of columns) params[p++] = row[column];
    }
    const text = statementText(database, table, columns, size, options.onConflict ?? '');
    const result = await database.db.executeQuery(CompiledQuery.raw(text, params));
    inserted += Number(result.numAffectedRows ?? 0);
    at += size;
  }
  return inserted;
}
