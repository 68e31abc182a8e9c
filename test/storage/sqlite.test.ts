import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, parseDatabaseUrl } from '../../src/storage/index.ts';
import { runStoreContract } from './store.contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'ventana-sqlite-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('SQLite in memory', () => openDatabase(':memory:'));
runStoreContract('SQLite file (WAL)', () => openDatabase(`sqlite:${join(dir, `db-${++files}.sqlite`)}`));

describe('SQLite specifics', () => {
  it('opens a file in WAL mode with foreign keys on, creating the folder', async () => {
    const database = await openDatabase(join(dir, 'nested', 'deeper', 'v.db'), { migrate: true });
    const mode = await database.db.selectFrom('settings').select('key').execute();
    expect(mode).toEqual([]);
    expect(database.dialect).toBe('sqlite');
    expect(database.capabilities).toMatchObject({ rowLocking: false, inMemory: false });
    await database.close();
    const BetterSqlite3 = (await import('better-sqlite3')).default;
    const raw = new BetterSqlite3(join(dir, 'nested', 'deeper', 'v.db'));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('reads every accepted database URL form', () => {
    expect(parseDatabaseUrl(':memory:')).toMatchObject({
      ok: true,
      target: { kind: 'sqlite', memory: true },
    });
    expect(parseDatabaseUrl('sqlite::memory:')).toMatchObject({
      ok: true,
      target: { kind: 'sqlite', memory: true },
    });
    expect(parseDatabaseUrl('sqlite:data/v.db')).toMatchObject({
      ok: true,
      target: { kind: 'sqlite', memory: false },
    });
    expect(parseDatabaseUrl('./v.db')).toMatchObject({ ok: true, target: { kind: 'sqlite' } });
    expect(parseDatabaseUrl('postgres://u:p@h/db')).toMatchObject({ ok: true, target: { kind: 'postgres' } });
    expect(parseDatabaseUrl('postgresql://h/db')).toMatchObject({ ok: true, target: { kind: 'postgres' } });
    expect(parseDatabaseUrl('mysql://u:secret@h/db')).toMatchObject({
      ok: false,
      code: 'database_url_unsupported',
    });
    expect(parseDatabaseUrl('mysql://u:secret@h/db')).not.toMatchObject({
      message: expect.stringContaining('secret'),
    });
    expect(parseDatabaseUrl('  ')).toMatchObject({ ok: false, code: 'database_url_empty' });
  });
});
