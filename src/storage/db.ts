/**
 * Opening the database: SQLite (embedded default, better-sqlite3) or PostgreSQL (scale, pg Pool),
 * behind one Kysely<Schema>. Everything that differs between the two lives in this folder, as
 * capability flags and small helpers (dialect.ts); business code never asks which one it got.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type CompiledQuery, Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect } from 'kysely';
import pg from 'pg';
import { GroupCommit, type WebhookBodyRow } from './group-commit.ts';
import { newId } from './ids.ts';
import { migrateToLatest } from './migrate.ts';
import type { Schema } from './schema.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';
import { openSqliteWebhookJournal, type SqliteWebhookJournal } from './sqlite-webhook-journal.ts';
import type { JournalOpenReport } from './webhook-journal.ts';

export type DialectName = 'sqlite' | 'postgres';

/** What the open database can do; repositories branch on these, never on the dialect name. */
export interface Capabilities {
  /** `SELECT … FOR UPDATE SKIP LOCKED` exists, so several processes can claim work rows concurrently. */
  readonly rowLocking: boolean;
  /** Several processes may write at once (PostgreSQL); SQLite has a single writer. */
  readonly concurrentWriters: boolean;
  /** Most bind parameters one statement may carry; batched writes are chunked under it. */
  readonly maxParameters: number;
  /** The data disappears when the database is closed (SQLite `:memory:`). */
  readonly inMemory: boolean;
}

/** What repositories need: a Kysely instance (possibly a transaction) and the capabilities. */
export interface Queryable {
  readonly db: Kysely<Schema>;
  readonly dialect: DialectName;
  readonly capabilities: Capabilities;
  /**
   * Runs a compiled SELECT and hands each row to `visit` as an array of column values (in the
   * select's order) without building the whole result: the rows die young instead of living
   * through collections. Resolves with the number of rows. Offered where the driver reads rows one
   * at a time (SQLite, outside a transaction); absent elsewhere, and repositories then execute the
   * query through Kysely. `visit` must not run queries (the connection is held while it runs).
   */
  readonly eachRow?: (query: CompiledQuery, visit: (values: readonly unknown[]) => void) => Promise<number>;
}

export interface Database extends Queryable {
  /**
   * Persists one raw webhook body (the hot path that runs before the webhook answers 200).
   * Resolves with the new body id once the row is committed, or written to the webhook journal where
   * there is one. Concurrent calls are group-committed: bodies arriving in the same event-loop turn
   * share one prepared-statement transaction (one journal write).
   * Do not await it inside an `inTransaction` callback on SQLite: it waits for that transaction.
   */
  fastInsertWebhookBody(raw: string, receivedAt: number): Promise<string>;
  /**
   * Present when bodies are made durable in the webhook journal (SQLite file, `webhookJournal`):
   * they reach `webhook_bodies` only when moved, the first step of processing.
   */
  readonly webhookJournal?: WebhookJournalPort;
  /** Closes the connection or pool; the object must not be used afterwards. */
  close(): Promise<void>;
}

/** The webhook journal as the rest of Ventana sees it (storage/webhook-journal.ts). */
export interface WebhookJournalPort {
  /** What opening the journal found: bodies a stop or a crash left unmoved, a torn last write. */
  readonly report: JournalOpenReport;
  /** Moves up to `limit` journaled bodies into `webhook_bodies`; resolves with how many. */
  move(limit: number): Promise<number>;
  /** Bodies journaled and not yet moved. */
  backlog(): number;
}

export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly path: string; readonly memory: boolean }
  | { readonly kind: 'postgres'; readonly connectionString: string };

export type DatabaseUrlResult =
  | { readonly ok: true; readonly target: DatabaseTarget }
  | {
      readonly ok: false;
      readonly code: 'database_url_empty' | 'database_url_unsupported';
      readonly message: string;
    };

/**
 * Reads a database URL: `postgres://…` / `postgresql://…`, `sqlite:<path>`, `sqlite::memory:`,
 * `:memory:`, or a plain file path (SQLite).
 * @example parseDatabaseUrl('sqlite:./data/ventana.db')
 */
export function parseDatabaseUrl(url: string): DatabaseUrlResult {
  const text = url.trim();
  if (text === '') return { ok: false, code: 'database_url_empty', message: 'database URL is empty' };
  if (/^postgres(ql)?:\/\//i.test(text))
    return { ok: true, target: { kind: 'postgres', connectionString: text } };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !/^sqlite:/i.test(text) && !/^file:/i.test(text)) {
    return {
      ok: false,
      code: 'database_url_unsupported',
      message: `unsupported database URL scheme in "${redactUrl(text)}": use postgres://…, sqlite:<path> or a file path`,
    };
  }
  let path = text.replace(/^sqlite:(\/\/)?/i, '').replace(/^file:(\/\/)?/i, '');
  if (path === '') path = ':memory:';
  const memory = path === ':memory:';
  return { ok: true, target: { kind: 'sqlite', path: memory ? path : resolve(path), memory } };
}

export interface OpenOptions {
  /** SQLite: how long a writer waits for another process's lock before failing. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** PostgreSQL: pool size. Default 10. */
  readonly poolMax?: number;
  /** Run every pending migration before returning. Default false. */
  readonly migrate?: boolean;
  /**
   * SQLite file: make webhook bodies durable in an append-only journal beside the database
   * (`<file>-webhooks/`) instead of inserting them on the hot path. For the one process that serves
   * the webhook (`ventana start`): opening recovers the journal and takes its lock, and fails if
   * another process holds it. Default false.
   */
  readonly webhookJournal?: boolean;
}

/**
 * Opens the database named by `url` (see {@link parseDatabaseUrl}).
 * Throws when the URL is invalid or PostgreSQL cannot be reached (checked with `SELECT 1`).
 * @example const database = await openDatabase(':memory:', { migrate: true });
 */
export async function openDatabase(url: string, opts: OpenOptions = {}): Promise<Database> {
  const parsed = parseDatabaseUrl(url);
  if (!parsed.ok) throw new Error(parsed.message);
  const database =
    parsed.target.kind === 'sqlite'
      ? openSqlite(parsed.target, opts)
      : await openPostgres(parsed.target, opts);
  if (opts.migrate === true) {
    try {
      await migrateToLatest(database);
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}

function openSqlite(target: { path: string; memory: boolean }, opts: OpenOptions): Database {
  const { busyTimeoutMs = 5000 } = opts;
  if (!target.memory) mkdirSync(dirname(target.path), { recursive: true });
  const sqlite = new BetterSqlite3(target.path);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives an application crash; only an OS crash or power loss
  // can undo the last commits. The trade that makes a persisted webhook cost microseconds.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('temp_store = MEMORY');
  // Opened with the database, not on the first webhook: another process holding the journal stops
  // the start instead of failing webhook requests.
  const journal =
    opts.webhookJournal === true && !target.memory ? openJournalOrClose(sqlite, target.path) : null;
  // Checkpoints run in a worker thread (sqlite-checkpointer.ts); this connection checkpoints by itself
  // only if the log ever reaches ~40 MB.
  const checkpointer = target.memory ? null : startCheckpointer(target.path);
  if (checkpointer) sqlite.pragma('wal_autocheckpoint = 10000');

  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  let insertBodies: ((rows: readonly WebhookBodyRow[]) => void) | undefined;
  const bodies = new GroupCommit(
    (rows) => {
      if (journal) return journal.append(rows);
      // Kysely shares this one connection. While it holds an open transaction (across awaits), a
      // direct insert would join that transaction and vanish on rollback: queue behind it instead.
      if (sqlite.inTransaction) {
        return db
          .insertInto('webhook_bodies')
          .values(rows.map((r) => ({ id: r.id, received_at: r.receivedAt, raw: r.raw, attempts: 0 })))
          .execute()
          .then(() => undefined);
      }
      if (insertBodies === undefined) {
        const statement = sqlite.prepare<[string, number, string]>(
          'insert into webhook_bodies (id, received_at, raw) values (?, ?, ?)',
        );
        insertBodies = sqlite.transaction((batch: readonly WebhookBodyRow[]) => {
          for (const r of batch) statement.run(r.id, r.receivedAt, r.raw);
        });
      }
      insertBodies(rows);
      return Promise.resolve();
    },
    { maxInFlight: 1 },
  );
  let closed = false;
  // Raw-mode statements of eachRow, apart from Kysely's (which read rows as objects).
  const rawStatements = new Map<string, BetterSqlite3.Statement>();

  return {
    db,
    dialect: 'sqlite',
    capabilities: {
      rowLocking: false,
      concurrentWriters: false,
      maxParameters: 32766,
      inMemory: target.memory,
    },
    fastInsertWebhookBody(raw, receivedAt) {
      return bodies.add({ id: newId(receivedAt), receivedAt, raw });
    },
    ...(journal && {
      webhookJournal: {
        report: journal.report,
        backlog: () => journal.backlog(),
        // Kysely's connection mutex: the move's own transaction must not start inside one of Kysely's.
        move: (limit) => db.connection().execute(async () => journal.move(limit)),
      },
    }),
    eachRow(query, visit) {
      // Kysely's connection mutex: no Kysely transaction is open on the connection while rows are
      // read (they would otherwise see its uncommitted writes), and none starts until they are.
      return db.connection().execute(async () => {
        let statement = rawStatements.get(query.sql);
        if (statement === undefined) {
          if (rawStatements.size >= 32) rawStatements.clear();
          statement = sqlite.prepare(query.sql).raw(true);
          rawStatements.set(query.sql, statement);
        }
        let n = 0;
        for (const values of statement.iterate(...(query.parameters as unknown[]))) {
          visit(values as unknown[]);
          n++;
        }
        return n;
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await bodies.drained();
      journal?.close();
      await checkpointer?.stop();
      if (!target.memory) {
        try {
          sqlite.pragma('optimize');
        } catch {
          // Best effort: the database is closing anyway.
        }
      }
      await db.destroy();
    },
  };
}

/** The database's webhook journal; if it cannot be opened, the connection is closed with it. */
function openJournalOrClose(sqlite: BetterSqlite3.Database, path: string): SqliteWebhookJournal {
  try {
    return openSqliteWebhookJournal(sqlite, path);
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/**
 * Kysely's SQLite driver prepares every statement anew; repositories issue the same few shapes
 * over and over, so a small cache of prepared statements (keyed by SQL text) saves the parse.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, max = 256): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      const cached = cache.get(sqlText);
      if (cached !== undefined && !cached.busy) return cached;
      const statement = sqlite.prepare(sqlText);
      if (cached === undefined) {
        if (cache.size >= max) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(sqlText, statement);
      }
      return statement;
    },
  };
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

async function openPostgres(target: { connectionString: string }, opts: OpenOptions): Promise<Database> {
  const { poolMax = 10 } = opts;
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: poolMax,
    application_name: 'ventana',
    // Per-pool parsers (not the global pg.types): bigint epoch-ms columns and count(*) come back
    // as numbers, exactly as on SQLite. Values stay far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(target.connectionString)}: ${reason}`);
  }
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const bodies = new GroupCommit(
    async (rows) => {
      // One named statement whatever the batch size: the rows travel as three arrays.
      await pool.query({
        name: 'ventana_webhook_bodies_insert',
        text:
          'insert into webhook_bodies (id, received_at, raw) ' +
          'select * from unnest($1::text[], $2::bigint[], $3::text[])',
        values: [rows.map((r) => r.id), rows.map((r) => r.receivedAt), rows.map((r) => r.raw)],
      });
    },
    { maxInFlight: Math.max(1, Math.floor(poolMax / 2)) },
  );
  let closed = false;
  return {
    db,
    dialect: 'postgres',
    capabilities: { rowLocking: true, concurrentWriters: true, maxParameters: 65535, inMemory: false },
    fastInsertWebhookBody(raw, receivedAt) {
      return bodies.add({ id: newId(receivedAt), receivedAt, raw });
    },
    async close() {
      if (closed) return;
      closed = true;
      await bodies.drained();
      await db.destroy();
    },
  };
}

/** The URL without its password, fit for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/**
 * Runs `fn` in one transaction and hands it a Queryable bound to that transaction.
 * Inside an existing transaction it simply runs `fn` there (no nesting).
 */
export async function inTransaction<T>(database: Queryable, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  if (database.db.isTransaction) return fn(database);
  return database.db
    .transaction()
    .execute((trx) => fn({ db: trx, dialect: database.dialect, capabilities: database.capabilities }));
}
