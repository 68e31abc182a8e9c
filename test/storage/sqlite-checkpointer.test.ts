/**
 * The WAL checkpointer thread (`storage/sqlite-checkpointer.ts`): it copies the log back into the
 * database while another connection keeps writing, takes the short busy pause while the log grows
 * and the long one once it is quiet, and stops cleanly. Each look is reported with the pause it
 * chose, so the pacing is checked as data, never by timing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type CheckpointLook, startCheckpointer } from '../../src/storage/sqlite-checkpointer.ts';
import { pollUntil } from '../support/poll.ts';

const dir = mkdtempSync(join(tmpdir(), 'ventana-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the SQLite checkpointer thread', () => {
  it('copies a growing log at the busy pace, then looks at a quiet one at the slow pace', async () => {
    const path = join(dir, 'pace.db');
    const writer = new BetterSqlite3(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('synchronous = NORMAL');
    // Only the thread checkpoints, as in openDatabase.
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('create table t (id integer primary key, body text not null)');
    const looks: CheckpointLook[] = [];
    const checkpointer = startCheckpointer(path, {
      everyMs: 50,
      busyMs: 5,
      busyFrames: 8,
      onLook: (look) => looks.push(look),
    });
    try {
      // ~2 MB in commits of 16 KB: more than `busyFrames` pages between two looks, several times.
      const insert = writer.prepare('insert into t (body) values (?)');
      const body = 'x'.repeat(4000);
      for (let i = 0; i < 128; i++) {
        writer.transaction(() => {
          for (let j = 0; j < 4; j++) insert.run(body);
        })();
        if (i % 16 === 15) {
          // A pause after each burst, so that several looks see a log that grew since the last.
          await pollUntil('a first look', () => looks.length > 0);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      await pollUntil('a quiet look with the whole log copied', () => {
        const last = looks.at(-1);
        return last !== undefined && last.pauseMs === 50 && last.checkpointed === last.log && last.log > 0;
      });
    } finally {
      await checkpointer.stop();
    }
    // Frames were copied while the writer was writing: the busy pace was taken for growing logs...
    const busy = looks.filter((l) => l.pauseMs === 5);
    expect(busy.length).toBeGreaterThan(0);
    for (const l of busy) expect(l.log).toBeGreaterThanOrEqual(8);
    expect(looks.some((l) => l.checkpointed > 0)).toBe(true);
    // ...and a look at an unchanged log is quiet.
    for (let i = 1; i < looks.length; i++) {
      const [a, b] = [looks[i - 1]!, looks[i]!];
      if (a.log === b.log && a.checkpointed === b.checkpointed) expect(b.pauseMs).toBe(50);
    }
    // The rows are all there, read by a fresh connection after the log was copied back.
    writer.close();
    const reader = new BetterSqlite3(path, { readonly: true });
    expect(reader.prepare('select count(*) as n from t').get()).toEqual({ n: 512 });
    reader.close();
  });

  it('stops even when its database is gone, and stopping twice is harmless', async () => {
    const path = join(dir, 'gone.db');
    const writer = new BetterSqlite3(path);
    writer.pragma('journal_mode = WAL');
    writer.exec('create table t (id integer primary key)');
    const looks: CheckpointLook[] = [];
    const checkpointer = startCheckpointer(path, { everyMs: 10, onLook: (l) => looks.push(l) });
    await pollUntil('a first look', () => looks.length > 0);
    writer.close();
    rmSync(path, { force: true });
    await checkpointer.stop();
    await checkpointer.stop();
    expect(looks[0]).toMatchObject({ pauseMs: 10 });
  });
});
