/**
 * `ventana start` on BullMQ's PostgreSQL backend without Redis: the per-Page send budgets are
 * counted in PostgreSQL, so several sending processes share them (graph/rate-limiter.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import { POSTGRES_SEND_BUDGETS_TABLE } from '../../src/graph/index.ts';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';
import { repliesToKeyword } from '../support/keyword-reply.ts';

const server = setupPostgresTestDatabase();
let runtime: Runtime;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-scale-pg-'));
  const parsed = parseConfig({
    VENTANA_DATA_DIR: dir,
    PORT: '0',
    VENTANA_LOG_LEVEL: 'silent',
    VENTANA_QUEUE: 'bullmq',
    VENTANA_QUEUE_POSTGRES_URL: server().url,
    VENTANA_QUEUE_PREFIX: `bullmq_${randomBytes(4).toString('hex')}`,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  runtime = await startRuntime(parsed.config);
  await runtime.settle();
}, 60_000);

afterAll(async () => {
  await runtime?.close();
});

describe('ventana start on BullMQ (PostgreSQL, no Redis)', () => {
  it('sends the opt-out confirmation through the PostgreSQL-backed per-Page limiter', async () => {
    const replies = await repliesToKeyword(runtime, 'BAJA', { locale: 'es_ES', country: 'ES' });
    expect(replies).toHaveLength(1);
    // The budget that let it out is a row of the shared table, keyed by the Page.
    const client = new pg.Client({ connectionString: server().url });
    await client.connect();
    try {
      const rows = await client.query(
        `select count(*)::int as n from ${POSTGRES_SEND_BUDGETS_TABLE} where key like $1`,
        [`%:send:text:${runtime.demo!.pageId}:%`],
      );
      expect(rows.rows[0].n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });
});
