/**
 * The webhook journal (webhook-journal.ts) bound to the SQLite database it feeds: where moving stands
 * is a row of `ventana_webhook_journal`, written in the same transaction as the bodies it moved into
 * `webhook_bodies`, so a crash at any point moves each body exactly once.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { WebhookBodyRow } from './group-commit.ts';
import { type JournalOpenReport, type JournalPosition, WebhookJournal } from './webhook-journal.ts';

export interface SqliteWebhookJournal {
  /** Appends bodies durably (one write); resolves once the OS has them. One call at a time. */
  append(rows: readonly WebhookBodyRow[]): Promise<void>;
  /** Moves up to `limit` journaled bodies into `webhook_bodies`; returns how many. Synchronous I/O. */
  move(limit: number): number;
  /** Bodies journaled and not yet moved. */
  backlog(): number;
  readonly report: JournalOpenReport;
  close(): void;
}

/** The journal folder of the database file at `databasePath`. */
export const journalDirOf = (databasePath: string) => `${databasePath}-webhooks`;

export function openSqliteWebhookJournal(
  sqlite: BetterSqlite3.Database,
  databasePath: string,
  options: { readonly retireAfterMs?: number; readonly maxSegmentBytes?: number } = {},
): SqliteWebhookJournal {
  // Owned by the journal, not the migrations: only the embedded database has one.
  sqlite.exec(
    'create table if not exists ventana_webhook_journal (' +
      'id integer primary key check (id = 1), segment integer not null, byte_offset integer not null)',
  );
  const row = sqlite.prepare('select segment, byte_offset from ventana_webhook_journal where id = 1').get() as
    | { segment: number; byte_offset: number }
    | undefined;
  const journal = WebhookJournal.open(
    journalDirOf(databasePath),
    { segment: row?.segment ?? 0, offset: row?.byte_offset ?? 0 },
    options,
  );
  // The id is made once per body, so a row already there is this very body: moving it again must not
  // stall the journal (the position and the rows commit together, so it is not expected to happen).
  // Prepared at the first move: the journal opens before the migrations that make `webhook_bodies`.
  let insert: BetterSqlite3.Statement<[string, number, string]> | undefined;
  const save = sqlite.prepare<[number, number]>(
    'insert into ventana_webhook_journal (id, segment, byte_offset) values (1, ?, ?) ' +
      'on conflict (id) do update set segment = excluded.segment, byte_offset = excluded.byte_offset',
  );
  const commit = sqlite.transaction((rows: readonly WebhookBodyRow[], to: JournalPosition) => {
    insert ??= sqlite.prepare<[string, number, string]>(
      'insert into webhook_bodies (id, received_at, raw) values (?, ?, ?) on conflict (id) do nothing',
    );
    for (const r of rows) insert.run(r.id, r.receivedAt, r.raw);
    save.run(to.segment, to.offset);
  });

  /** Moves records until `limit` or the end of what was written; a finished segment is stepped over. */
  function moveUpTo(limit: number): number {
    let moved = 0;
    while (moved < limit) {
      const from = journal.moved();
      const { records, to } = journal.read(limit - moved);
      if (records.length === 0 && to.segment === from.segment && to.offset === from.offset) break;
      commit(records, to);
      journal.advance(to, records.length);
      moved += records.length;
    }
    return moved;
  }

  return {
    append: (rows) => journal.append(rows),
    move(limit) {
      const moved = moveUpTo(limit);
      // All moved: an old enough segment is replaced, and stepping over it deletes it.
      if (moved < limit && journal.retireIfDone()) moveUpTo(1);
      return moved;
    },
    backlog: () => journal.backlog(),
    report: journal.report,
    close: () => journal.close(),
  };
}
