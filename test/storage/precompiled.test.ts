/**
 * Statements compiled once per dialect (`storage/precompiled.ts`) on SQLite and PostgreSQL: each
 * call runs with its own values (a value used twice goes to both places), literals stay as written,
 * and a statement that leaves a value out or puts it inside a sql fragment is refused when compiled.
 */
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/storage/index.ts';
import { precompiled } from '../../src/storage/precompiled.ts';
import { setupPostgresTestDatabase } from './pg-fixture.ts';

const requireServer = setupPostgresTestDatabase();
const opened: Database[] = [];
afterAll(async () => {
  for (const d of opened) await d.close();
});

const targets: readonly [string, () => Promise<Database>][] = [
  ['SQLite', () => openDatabase(':memory:', { migrate: true })],
  ['PostgreSQL', async () => openDatabase(await requireServer().freshSchemaUrl(), { migrate: true })],
];

// Module-level, as the repositories declare them: one compilation per dialect for every database.
const valuesBetween = precompiled(['from', 'to'], (db, v) =>
  db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', '>=', v.from)
    .where('key', '<=', v.to)
    .where('key', '!=', 'b:skipped')
    .orderBy('key'),
);

describe.each(targets)('precompiled statements on %s', (_name, open) => {
  it('runs with each call its own values, keeping the literal written in the statement', async () => {
    const database = await open();
    opened.push(database);
    await database.db
      .insertInto('settings')
      .values(['a:1', 'b:1', 'b:2', 'b:skipped', 'c:1'].map((key) => ({ key, value: `v-${key}` })))
      .execute();
    expect(await valuesBetween(database, { from: 'b:', to: 'b:~' })).toEqual([
      { key: 'b:1', value: 'v-b:1' },
      { key: 'b:2', value: 'v-b:2' },
    ]);
    expect((await valuesBetween(database, { from: 'a:', to: 'c:~' })).map((r) => r.key)).toEqual([
      'a:1',
      'b:1',
      'b:2',
      'c:1',
    ]);
    expect(await valuesBetween(database, { from: 'd:', to: 'z:' })).toEqual([]);
  });

  it('puts a value used twice in both places', async () => {
    const database = await open();
    opened.push(database);
    await database.db
      .insertInto('settings')
      .values([
        { key: 'same', value: 'same' },
        { key: 'k', value: 'other' },
      ])
      .execute();
    const keyIsValue = precompiled(['text'], (db, v) =>
      db.selectFrom('settings').select('key').where('key', '=', v.text).where('value', '=', v.text),
    );
    expect(await keyIsValue(database, { text: 'same' })).toEqual([{ key: 'same' }]);
    expect(await keyIsValue(database, { text: 'k' })).toEqual([]);
  });

  it('refuses a statement that leaves a value out or puts it inside a sql fragment', async () => {
    const database = await open();
    opened.push(database);
    const unused = precompiled(['key', 'other'], (db, v) =>
      db.selectFrom('settings').select('value').where('key', '=', v.key),
    );
    await expect(unused(database, { key: 'x', other: 'y' })).rejects.toThrow(/must use other as values only/);
    const inlined = precompiled(['key'], (db, v) =>
      db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', v.key)
        .where(sql.raw(`value = '${v.key as string}'`) as never),
    );
    await expect(inlined(database, { key: 'x' })).rejects.toThrow(/as values only/);
  });
});
