/**
 * Statements that run once per applied event or per sent message, compiled by Kysely once per
 * dialect and then executed with each call's values. Building and compiling a query costs more than
 * SQLite needs to run a one-row indexed read (a CPU profile of applying events put ~15 % of it in
 * Kysely's builders and compiler), and the text of these statements never changes.
 *
 *   const byPsid = precompiled(['pageId', 'psid'], (db, p) =>
 *     db.selectFrom('contacts').selectAll().where('page_id', '=', p.pageId).where('psid', '=', p.psid));
 *   const rows = await byPsid(database, { pageId, psid });
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { DialectName, Queryable } from './db.ts';
import type { Schema } from './schema.ts';

/** Stands in for each value while the statement is compiled; recognised in its parameters after. */
const PLACEHOLDER = '\u0000precompiled:';

/**
 * A statement with named values, compiled on first use per dialect. `build` gets a placeholder per
 * name, typed `never` so that it fits any column, and must use each one at least once, and only as a
 * value (never inside a `sql` fragment): compiling checks both, so a statement whose shape would
 * depend on the values fails loudly instead of running with values in the wrong places. Literal
 * values written in `build` (a status, say) stay as they were compiled.
 * @returns a function that runs it and resolves with the rows
 */
export function precompiled<K extends string, R>(
  names: readonly K[],
  build: (db: Kysely<Schema>, values: Readonly<Record<K, never>>) => Compilable<R>,
): (database: Queryable, values: Readonly<Record<K, unknown>>) => Promise<R[]> {
  // Per dialect: the compiled statement, and for each parameter the name it takes its value from
  // (undefined: a literal, kept as compiled).
  const compiled = new Map<DialectName, { query: CompiledQuery<R>; from: readonly (K | undefined)[] }>();
  const compile = (database: Queryable) => {
    const holders = Object.fromEntries(names.map((n) => [n, `${PLACEHOLDER}${n}`]));
    const query = build(database.db, holders as Record<K, never>).compile();
    const from = query.parameters.map((p) => names.find((n) => holders[n] === p));
    const unused = names.filter((n) => !from.includes(n));
    if (unused.length > 0 || query.sql.includes(PLACEHOLDER))
      throw new Error(
        `precompiled statement must use ${unused.length > 0 ? unused.join(', ') : 'its values'} as values only: ${query.sql}`,
      );
    const entry = { query, from };
    compiled.set(database.dialect, entry);
    return entry;
  };
  return async (database, values) => {
    const { query, from } = compiled.get(database.dialect) ?? compile(database);
    const parameters = from.map((n, i) => (n === undefined ? query.parameters[i] : values[n]));
    return (await database.db.executeQuery<R>({ ...query, parameters })).rows;
  };
}
