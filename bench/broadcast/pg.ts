/**
 * `npm run bench:broadcast:pg -- --contacts 100000 --pages 50 --workers 2`
 *
 * The broadcast bench on PostgreSQL with several worker processes: a throwaway database
 * (`ventana_bench_<random>`, dropped at the end), the same synthetic people as the SQLite bench,
 * the simulator in its own process, then N worker processes that claim outbox rows concurrently
 * (row locking) and share each Page's send budget through Redis, as `ventana worker` processes do.
 * Prints preflight, fan-out, dispatch throughput, the most sends any Page got in any 1 s window,
 * the simulator's violations and each worker's peak RSS.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { runFanOut } from '../../src/broadcasts/fanout.ts';
import { preflight } from '../../src/broadcasts/preflight.ts';
import { broadcastProgress, controlBroadcast } from '../../src/broadcasts/service.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { newId, openDatabase } from '../../src/storage/index.ts';
import { benchPerson } from './population.ts';
import { createBenchBroadcast, createBenchPages, loadAverage, startBenchSimulator } from './setup.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    pages: { type: 'string', default: '50' },
    inside: { type: 'string', default: '0.9' },
    workers: { type: 'string', default: '2' },
    admin: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
    'batch-sends': { type: 'string', default: '0' },
  },
});
const N = Number(values.contacts);
const P = Number(values.pages);
const inside = Number(values.inside);
const W = Number(values.workers);
const now = Date.now();
const log = (s: string) => process.stdout.write(`${s}\n`);
const secs = (ms: number) => (ms / 1000).toFixed(2);

const name = `ventana_bench_${randomBytes(5).toString('hex')}`;
const admin = new pg.Client({ connectionString: values.admin });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(values.admin);
url.pathname = `/${name}`;
const dbUrl = url.toString();
log(
  `broadcast bench on PostgreSQL: ${N.toLocaleString('en')} contacts, ${P} Pages, ${W} worker processes; load average ${loadAverage()}`,
);

const { process: sim, url: simUrl } = await startBenchSimulator({ contacts: N, pages: P, inside, now });

const key = Buffer.alloc(32, 3);
const database = await openDatabase(dbUrl, { migrate: true });
const workerProcs: ReturnType<typeof spawn>[] = [];
try {
  await createBenchPages(database, key, P, now);
  let t0 = performance.now();
  for (let from = 0; from < N; from += 2000) {
    const rows = [];
    for (let i = from; i < Math.min(N, from + 2000); i++) {
      const p = benchPerson(i, P, now, inside);
      rows.push({
        id: newId(now - N + i),
        workspace_id: 'w1',
        page_id: p.pageId,
        psid: p.psid,
        first_name: p.firstName,
        locale: p.locale,
        country: 'ES',
        labels: '[]',
        fields: '{}',
        first_seen_at: p.lastInboundAt,
        last_seen_at: p.lastInboundAt,
        last_inbound_at: p.lastInboundAt,
        last_inbound_kind: 'message',
        blocked: 0 as const,
        created_at: now,
        updated_at: now,
      });
    }
    await database.db.insertInto('contacts').values(rows).execute();
  }
  await sql`analyze`.execute(database.db);
  log(`seeded ${N.toLocaleString('en')} contacts in ${secs(performance.now() - t0)} s`);

  const rules = createRuleBook();
  const broadcast = await createBenchBroadcast(database, now);
  const id = broadcast.id;
  t0 = performance.now();
  const report = await preflight(database, broadcast, Date.now(), { rules });
  log(`preflight: ${secs(performance.now() - t0)} s for ${report.total.toLocaleString('en')} recipients`);
  await controlBroadcast(database, id, 'send', Date.now());
  t0 = performance.now();
  await runFanOut(database, id, { now: Date.now, rules });
  log(`fan-out: ${secs(performance.now() - t0)} s`);

  // The workers: separate processes, sharing the database (row locking) and the Redis budgets.
  const redisPrefix = `bench-${randomBytes(4).toString('hex')}`;
  const peaks: number[] = [];
  t0 = performance.now();
  for (let w = 0; w < W; w++) {
    const child = spawn(
      process.execPath,
      [
        // Compiled like `ventana worker` in production (scripts/run-built.mjs), not through tsx.
        'scripts/run-built.mjs',
        'bench/broadcast/pg-worker.ts',
        dbUrl,
        simUrl,
        values.redis,
        redisPrefix,
        values['batch-sends'],
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^peak (\d+)$/.exec(line);
      if (m) peaks.push(Number(m[1]));
    });
    workerProcs.push(child);
  }
  let last: Awaited<ReturnType<typeof broadcastProgress>>;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    last = await broadcastProgress(database, id, Date.now());
    if (!last) break;
    process.stderr.write(`\r  ${last.finished}/${last.enqueued} (sent ${last.counts.sent})   `);
    if (last.status === 'done') break;
  }
  const dispatchMs = performance.now() - t0;
  process.stderr.write('\n');
  await Promise.all(
    workerProcs.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
  const rates = (await (await fetch(`${simUrl}/__bench/rates`)).json()) as Record<string, unknown>;
  const sent = last?.counts.sent ?? 0;
  log(
    `dispatch (${W} workers): ${secs(dispatchMs)} s; sent ${sent.toLocaleString('en')} (${Math.round(sent / (dispatchMs / 1000)).toLocaleString('en')} msgs/s, from the workers' start to the last row); ${JSON.stringify(last?.counts)}`,
  );
  log(
    `simulator: accepted ${rates.acceptedSends}; max per Page in any 1 s window ${rates.maxPerPageAnySecond}; violations ${rates.violations}; rate-limit hits ${rates.rateLimitHits}; people with >1 message ${JSON.stringify((rates.messages as { max: number }).max > 1)}`,
  );
  log(`workers' peak RSS: ${peaks.map((p) => `${p} MB`).join(', ')}`);
} finally {
  for (const c of workerProcs) c.kill('SIGKILL');
  await database.close();
  sim.kill('SIGTERM');
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
