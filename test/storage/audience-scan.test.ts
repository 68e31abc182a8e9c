/**
 * The lean audience read (`eachAudienceRow`: rows handed over one at a time, read as raw value
 * arrays on SQLite) against the plain one (`scanAudience`: Kysely rows) on a varied population,
 * on SQLite (file and memory) and PostgreSQL: the same rows, values and order, chunk by chunk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type AudienceRow,
  type AudienceScan,
  eachAudienceRow,
  scanAudience,
} from '../../src/storage/broadcasts.ts';
import {
  type Database,
  inTransaction,
  newId,
  openDatabase,
  pages,
  workspaces,
} from '../../src/storage/index.ts';
import { setupPostgresTestDatabase } from './pg-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'ventana-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const requireServer = setupPostgresTestDatabase();

const KEY = Buffer.alloc(32, 7);
const T0 = 1_760_000_000_000;
const HOUR = 3_600_000;
const N = 240;

/** Contacts where every column the audience reads takes nulls, values and edge cases in turn. */
async function seed(database: Database): Promise<void> {
  for (const [workspaceId, pageIds] of [
    ['w1', ['p1', 'p2', 'p3']],
    ['w2', ['p4']],
  ] as const) {
    await workspaces.createWorkspace(database, { id: workspaceId, name: workspaceId, now: T0 });
    for (const id of pageIds)
      await pages.upsertPage(database, KEY, { id, workspaceId, name: id, accessToken: `t-${id}`, now: T0 });
  }
  const rows = [];
  for (let i = 0; i < N; i++) {
    const pick = <T>(values: readonly T[], salt: number): T =>
      values[(i * 7 + salt * 13 + i * i) % values.length]!;
    rows.push({
      id: newId(T0 + i),
      workspace_id: i % 17 === 0 ? 'w2' : 'w1',
      page_id: i % 17 === 0 ? 'p4' : pick(['p1', 'p2', 'p3'], 1),
      psid: `psid-${i}`,
      user_ref: null,
      first_name: pick([null, 'Ana', 'Łukasz', 'O\'Brien, "Jo"'], 2),
      last_name: pick([null, 'García', ''], 3),
      profile_pic: null,
      locale: pick([null, 'es_ES', 'en_US'], 4),
      timezone: pick([null, 0, 5.5, -3], 5),
      country: pick([null, 'ES', 'MX', 'US'], 6),
      profile_fetched_at: null,
      labels: pick(['[]', '["vip"]', '["a","b"]'], 7),
      fields: pick(['{}', '{"plan":"gold"}', '{"n":3}'], 8),
      first_entry_point: pick([null, 'qr', 'ad'], 9),
      last_entry_point: pick([null, 'link'], 10),
      first_seen_at: T0 - 100 * HOUR,
      last_seen_at: T0 - (i % 90) * HOUR,
      last_inbound_at: pick([null, T0 - 2 * HOUR, T0 - 30 * HOUR, T0 - i * 1000], 11),
      last_inbound_kind: pick([null, 'message', 'postback', 'unknown_kind'], 12),
      ad_window_started_at: pick([null, T0 - 5 * HOUR], 13),
      window_closed_by_graph_at: pick([null, null, T0 - HOUR], 14),
      blocked: pick([0, 0, 1], 15),
      blocked_at: null,
      unreachable_at: null,
      opted_out_at: pick([null, null, T0 - 3 * HOUR], 16),
      marketing_token_enc: pick([null, 'enc-m'], 17),
      marketing_status: pick([null, 'active', 'stopped', 'expired'], 18),
      marketing_token_expires_at: pick([null, T0 + 200 * HOUR], 19),
      marketing_last_sent_at: pick([null, T0 - 50 * HOUR], 20),
      legacy_token_enc: pick([null, 'enc-l'], 21),
      legacy_token_status: pick([null, 'active', 'stopped'], 22),
      legacy_token_expires_at: pick([null, T0 + HOUR], 23),
      legacy_last_sent_at: pick([null, T0 - HOUR], 24),
      otn_token_enc: pick([null, 'enc-o'], 25),
      otn_created_at: pick([null, T0 - 4 * HOUR], 26),
      otn_used_at: pick([null, T0 - HOUR], 27),
      created_at: T0,
      updated_at: T0,
    });
  }
  for (let i = 0; i < rows.length; i += 40)
    await database.db
      .insertInto('contacts')
      .values(rows.slice(i, i + 40) as never)
      .execute();
}

/** Every row of a scan, read chunk by chunk the lean way. */
async function leanAll(database: Database, scan: Omit<AudienceScan, 'after' | 'limit'>, chunk: number) {
  const out: AudienceRow[] = [];
  let after: string | null = null;
  for (;;) {
    const done = await eachAudienceRow(database, { ...scan, after, limit: chunk }, (row) => {
      out.push(row);
    });
    if (done.last !== null) expect(done.last).toBe(out[out.length - 1]!.id);
    if (done.rows < chunk) return out;
    after = done.last;
  }
}

async function plainAll(database: Database, scan: Omit<AudienceScan, 'after' | 'limit'>) {
  return scanAudience(database, { ...scan, after: null, limit: 10_000 });
}

const SCANS: readonly Omit<AudienceScan, 'after' | 'limit'>[] = [
  { workspaceId: 'w1', columns: { extended: false } },
  { workspaceId: 'w1', columns: { extended: true } },
  { workspaceId: 'w1', columns: { extended: false }, pageIds: ['p2', 'p3'] },
  { workspaceId: 'w1', columns: { extended: true }, seenSince: T0 - 40 * HOUR, seenBefore: T0 - 5 * HOUR },
  { workspaceId: 'w1', columns: { extended: false }, pageIds: [] },
  { workspaceId: 'w2' },
];

const targets: readonly [string, () => Promise<Database>, boolean][] = [
  ['SQLite file', () => openDatabase(`sqlite:${join(dir, 'scan.db')}`, { migrate: true }), true],
  ['SQLite in memory', () => openDatabase(':memory:', { migrate: true }), true],
  ['PostgreSQL', async () => openDatabase(await requireServer().freshSchemaUrl(), { migrate: true }), false],
];

describe.each(targets)('audience scan on %s', (_name, open, streams) => {
  it('hands over exactly the rows the plain scan returns, in order, chunk by chunk', async () => {
    const database = await open();
    try {
      expect(database.eachRow !== undefined).toBe(streams);
      await seed(database);
      for (const scan of SCANS) {
        const plain = await plainAll(database, scan);
        expect(plain.length > 0).toBe(scan.pageIds?.length !== 0);
        // A chunk size that does not divide the audience, and one larger than it.
        expect(await leanAll(database, scan, 37)).toEqual(plain);
        expect(await leanAll(database, scan, 1000)).toEqual(plain);
      }
      // Inside a transaction the rows come through Kysely, identical as well.
      const scan = SCANS[1]!;
      const inTx = await inTransaction(database, async (tx) => {
        const out: AudienceRow[] = [];
        await eachAudienceRow(tx, { ...scan, after: null, limit: 10_000 }, (row) => {
          out.push(row);
        });
        return out;
      });
      expect(inTx).toEqual(await plainAll(database, scan));
    } finally {
      await database.close();
    }
  });
});
