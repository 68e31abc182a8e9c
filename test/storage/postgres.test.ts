import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/storage/index.ts';
import { setupPostgresTestDatabase } from './pg-fixture.ts';
import { runStoreContract } from './store.contract.ts';

// An unreachable PostgreSQL must FAIL these tests (CI starts the server), never skip them:
// the setup error is kept and rethrown by every test that needs the server.
const requireServer = setupPostgresTestDatabase();

it('connects to the PostgreSQL test server', () => {
  expect(requireServer().url).toMatch(/ventana_test_/);
});

runStoreContract('PostgreSQL', async () =>
  openDatabase(await requireServer().freshSchemaUrl(), { poolMax: 5 }),
);

describe('PostgreSQL specifics', () => {
  it('reports its capabilities and refuses an unreachable server with a clear message', async () => {
    const database = await openDatabase(requireServer().url);
    expect(database.dialect).toBe('postgres');
    expect(database.capabilities).toMatchObject({ rowLocking: true, concurrentWriters: true });
    await database.close();
    await expect(openDatabase('postgres://postgres:hunter2@127.0.0.1:1/nowhere')).rejects.toThrow(
      /cannot connect to PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere/,
    );
  });

  it('keeps each install in its own schema, migration bookkeeping included', async () => {
    const a = await openDatabase(await requireServer().freshSchemaUrl(), { migrate: true });
    const b = await openDatabase(await requireServer().freshSchemaUrl(), { migrate: true });
    await a.db.insertInto('settings').values({ key: 'k', value: 'a' }).execute();
    expect(await b.db.selectFrom('settings').selectAll().execute()).toEqual([]);
    await a.close();
    await b.close();
  });
});
