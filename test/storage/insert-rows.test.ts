/**
 * The batch INSERT used by dispatch (`insertRows`: power-of-two chunks, statement texts built once)
 * on SQLite (file and memory) and PostgreSQL: every row and value lands as given, a conflict clause
 * skips duplicates and is not counted, a failing chunk rolls back with its transaction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, inTransaction, openDatabase } from '../../src/storage/index.ts';
import { insertRows, powerOfTwoChunks } from '../../src/storage/insert-rows.ts';
import { setupPostgresTestDatabase } from './pg-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'ventana-insert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const requireServer = setupPostgresTestDatabase();

describe('powerOfTwoChunks', () => {
  it('cuts a count into the largest powers of two under the cap, summing to it', () => {
    expect(powerOfTwoChunks(0, 512)).toEqual([]);
    expect(powerOfTwoChunks(1, 512)).toEqual([1]);
    expect(powerOfTwoChunks(437, 512)).toEqual([256, 128, 32, 16, 4, 1]);
    expect(powerOfTwoChunks(1300, 512)).toEqual([512, 512, 256, 16, 4]);
    // A cap that is not a power of two rounds down to one.
    expect(powerOfTwoChunks(700, 300)).toEqual([256, 256, 128, 32, 16, 8, 4]);
    for (let n = 0; n < 3000; n += 7) {
      const sizes = powerOfTwoChunks(n, 512);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      expect(sizes.every((s) => s <= 512 && (s & (s - 1)) === 0)).toBe(true);
    }
  });
});

let files = 0;
const targets: readonly [string, () => Promise<Database>][] = [
  ['SQLite file', () => openDatabase(`sqlite:${join(dir, `insert-${++files}.db`)}`, { migrate: true })],
  ['SQLite in memory', () => openDatabase(':memory:', { migrate: true })],
  ['PostgreSQL', async () => openDatabase(await requireServer().freshSchemaUrl(), { migrate: true })],
];

const reason = (i: number) => ({
  audit_id: `a-${String(i).padStart(5, '0')}`,
  code: i % 3 === 0 ? 'outside_window' : `code'"${i % 5}`,
  at: 1_796_000_000_000 + i,
});

describe.each(targets)('insertRows on %s', (_name, open) => {
  it('inserts every row with its values, in chunks, and skips conflicts without counting them', async () => {
    const database = await open();
    try {
      const rows = Array.from({ length: 1337 }, (_, i) => reason(i));
      expect(await insertRows(database, 'audit_reasons', rows)).toBe(1337);
      const stored = await database.db.selectFrom('audit_reasons').selectAll().orderBy('audit_id').execute();
      expect(stored.map((r) => ({ ...r, at: Number(r.at) }))).toEqual(rows);

      // 300 already there, 5 new: only the new ones are inserted and counted.
      const again = [...rows.slice(1000, 1300), ...Array.from({ length: 5 }, (_, i) => reason(5000 + i))];
      const options = { onConflict: 'on conflict ("audit_id", "code") do nothing' };
      expect(await insertRows(database, 'audit_reasons', again, options)).toBe(5);
      const count = await database.db
        .selectFrom('audit_reasons')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(1342);
      expect(await insertRows(database, 'audit_reasons', [])).toBe(0);
    } finally {
      await database.close();
    }
  });

  it('fails on a duplicate without a conflict clause, and the transaction keeps none of the rows', async () => {
    const database = await open();
    try {
      const rows = Array.from({ length: 100 }, (_, i) => reason(i));
      await expect(
        inTransaction(database, (tx) => insertRows(tx, 'audit_reasons', [...rows, rows[42]!])),
      ).rejects.toThrow();
      const count = await database.db
        .selectFrom('audit_reasons')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(0);
    } finally {
      await database.close();
    }
  });
});
