import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './db.ts';
import { claimUnprocessedBodies } from './inbound.ts';

const dirs: string[] = [];
const open: Database[] = [];
afterEach(async () => {
  for (const database of open.splice(0)) await database.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openJournaled(path: string): Promise<Database> {
  const database = await openDatabase(`sqlite:${path}`, { migrate: true, webhookJournal: true });
  open.push(database);
  return database;
}

async function close(database: Database): Promise<void> {
  open.splice(open.indexOf(database), 1);
  await database.close();
}

function newPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-journal-db-'));
  dirs.push(dir);
  return join(dir, 'ventana.db');
}

const tableRaws = async (database: Database) =>
  (await database.db.selectFrom('webhook_bodies').select('raw').orderBy('id').execute()).map((r) => r.raw);

describe('webhook bodies through the journal (SQLite file)', () => {
  it('are moved into webhook_bodies when processing asks, with the id the 200 was given for', async () => {
    const database = await openJournaled(newPath());
    const id = await database.fastInsertWebhookBody('{"n":1}', 1_000);
    expect(await tableRaws(database)).toEqual([]);
    expect(database.webhookJournal?.backlog()).toBe(1);

    expect(await database.webhookJournal?.move(10)).toBe(1);
    expect(database.webhookJournal?.backlog()).toBe(0);
    const claimed = await claimUnprocessedBodies(database, { limit: 10, now: 2_000 });
    expect(claimed).toEqual([{ id, receivedAt: 1_000, raw: '{"n":1}', attempts: 1 }]);
  });

  it('left in the journal by a stop are recovered on the next open and moved exactly once', async () => {
    const path = newPath();
    const first = await openJournaled(path);
    for (let n = 1; n <= 5; n++) await first.fastInsertWebhookBody(`{"n":${n}}`, n);
    expect(await first.webhookJournal?.move(2)).toBe(2);
    await close(first);

    const second = await openJournaled(path);
    expect(second.webhookJournal?.report).toEqual({ recovered: 3, tornBytes: 0 });
    expect(await second.webhookJournal?.move(100)).toBe(3);
    await close(second);

    const third = await openJournaled(path);
    expect(third.webhookJournal?.report).toEqual({ recovered: 0, tornBytes: 0 });
    expect(await third.webhookJournal?.move(100)).toBe(0);
    expect(await tableRaws(third)).toEqual([1, 2, 3, 4, 5].map((n) => `{"n":${n}}`));
  });

  it('are not moved, nor is the position, when the move fails half-way; a later move takes them all', async () => {
    const database = await openJournaled(newPath());
    for (const raw of ['{"a":1}', '{"boom":1}', '{"c":1}']) await database.fastInsertWebhookBody(raw, 1);
    await sql`create trigger refuse_boom before insert on webhook_bodies when new.raw like '%boom%'
      begin select raise(abort, 'boom'); end`.execute(database.db);
    await expect(database.webhookJournal?.move(10)).rejects.toThrow(/boom/);
    expect(await tableRaws(database)).toEqual([]);
    expect(database.webhookJournal?.backlog()).toBe(3);

    await sql`drop trigger refuse_boom`.execute(database.db);
    expect(await database.webhookJournal?.move(10)).toBe(3);
    expect(await tableRaws(database)).toEqual(['{"a":1}', '{"boom":1}', '{"c":1}']);
  });

  it('belong to one process: a second journaled open of the same file is refused', async () => {
    const path = newPath();
    await openJournaled(path);
    await expect(openJournaled(path)).rejects.toThrow(/already open/);
  });

  it('go straight to the table where there is no journal: in memory, or when not asked for', async () => {
    const memory = await openDatabase(':memory:', { migrate: true, webhookJournal: true });
    open.push(memory);
    expect(memory.webhookJournal).toBeUndefined();
    const plain = await openDatabase(`sqlite:${newPath()}`, { migrate: true });
    open.push(plain);
    expect(plain.webhookJournal).toBeUndefined();
    await plain.fastInsertWebhookBody('{"plain":1}', 1);
    expect(await tableRaws(plain)).toEqual(['{"plain":1}']);
  });
});
