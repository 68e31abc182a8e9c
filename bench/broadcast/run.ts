/**
 * `npm run bench:broadcast -- --contacts 1000000 --pages 50`
 *
 * A broadcast on the embedded default (SQLite file, batch outbox worker) to a simulator running in
 * its own process. Prints: seeding time, preflight seconds and groups, fan-out time, dispatch
 * throughput (sent/s and rows/s), the most sends any Page got in any 1-second window, the
 * simulator's violation count, and this process' peak RSS (VmHWM).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import BetterSqlite3 from 'better-sqlite3';
import { limitHeapGrowth } from '../../src/app/heap.ts';
import { runFanOut } from '../../src/broadcasts/fanout.ts';
import { preflight } from '../../src/broadcasts/preflight.ts';
import { DEFAULT_DISPATCH_CONCURRENCY, runBroadcast } from '../../src/broadcasts/runner.ts';
import { controlBroadcast, findBroadcast } from '../../src/broadcasts/service.ts';
import { DEFAULT_HEAP_GROWING_PERCENT } from '../../src/config/config.ts';
import { createGraphClient, createMemorySendRateLimiter } from '../../src/graph/index.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { newId, openDatabase } from '../../src/storage/index.ts';
import { benchPerson } from './population.ts';
import {
  createBenchBroadcast,
  createBenchPages,
  loadAverage,
  measureSendCeiling,
  type SendCeiling,
  startBenchSimulator,
} from './setup.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000000' },
    pages: { type: 'string', default: '50' },
    inside: { type: 'string', default: '0.9' },
    batch: { type: 'string', default: '500' },
    // Rows in flight (default: the runner's own).
    concurrency: { type: 'string' },
    connections: { type: 'string', default: '128' },
    // Send API calls per Graph batch request (0: one request per message; see src/graph/batch-sends.ts).
    'batch-sends': { type: 'string', default: '0' },
    // Sends of the bare client loop that measures this machine's ceiling first (0: skip it).
    ceiling: { type: 'string', default: '50000' },
    dir: { type: 'string' },
    'preflight-only': { type: 'boolean', default: false },
    // Contacts per keyset chunk of the preflight (default: preflight's own).
    chunk: { type: 'string' },
    // As VENTANA_HEAP_GROWING_PERCENT for `ventana start` (0: V8's own choice).
    'heap-growing-percent': { type: 'string', default: String(DEFAULT_HEAP_GROWING_PERCENT) },
  },
});
// Set first, as the CLI does for the commands that run for long (src/app/heap.ts).
limitHeapGrowth(Number(values['heap-growing-percent']));
const N = Number(values.contacts);
const P = Number(values.pages);
const inside = Number(values.inside);
const now = Date.now();
const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'ventana-bench-'));
const dbPath = join(dir, 'bench.db');
const secs = (ms: number) => (ms / 1000).toFixed(2);
const peakRss = () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : -1;
};
const log = (s: string) => process.stdout.write(`${s}\n`);
const memory = () => {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  return `rss ${mb(m.rss)} MB (heap ${mb(m.heapUsed)}/${mb(m.heapTotal)}, external ${mb(m.external)}), peak ${peakRss()} MB`;
};

log(
  `broadcast bench: ${N.toLocaleString('en')} contacts, ${P} Pages, ${Math.round(inside * 100)}% inside the window; Graph batch sends ${values['batch-sends']}; load average ${loadAverage()}; heap limit ${Math.round(getHeapStatistics().heap_size_limit / 1048576)} MB, growing ${values['heap-growing-percent']} %; db ${dbPath}`,
);

// 0. This machine's send ceiling, with the same connections and sends in flight as the dispatch below.
let ceiling: SendCeiling | undefined;
if (Number(values.ceiling) > 0) {
  ceiling = await measureSendCeiling({
    sends: Number(values.ceiling),
    connections: Number(values.connections),
    inFlight: Number(values.concurrency ?? DEFAULT_DISPATCH_CONCURRENCY),
  });
  log(
    `send ceiling (a bare undici loop and its own simulator, no database, policy or limiter): ${ceiling.perSecond.toLocaleString('en')} sends/s over ${ceiling.sends.toLocaleString('en')} sends (${ceiling.accepted.toLocaleString('en')} accepted); CPU per send ${ceiling.clientCpuUsPerSend} µs in the client, ${ceiling.simulatorCpuUsPerSend} µs in the simulator`,
  );
}

// 1. The simulator, in its own process.
const { process: sim, url: simUrl } = await startBenchSimulator({ contacts: N, pages: P, inside, now });

// 2. Ventana's database: schema, workspace, Pages, then contacts seeded in batched transactions.
const key = Buffer.alloc(32, 3);
const database = await openDatabase(`sqlite:${dbPath}`, { migrate: true });
await createBenchPages(database, key, P, now);
log(`before seeding: ${memory()}`);
let t0 = performance.now();
{
  const raw = new BetterSqlite3(dbPath);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  const insert = raw.prepare(
    `insert into contacts (id, workspace_id, page_id, psid, first_name, locale, country, labels, fields,
      first_seen_at, last_seen_at, last_inbound_at, last_inbound_kind, created_at, updated_at)
     values (?, 'w1', ?, ?, ?, ?, 'ES', '[]', '{}', ?, ?, ?, 'message', ?, ?)`,
  );
  const batch = raw.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const p = benchPerson(i, P, now, inside);
      insert.run(
        newId(now - N + i),
        p.pageId,
        p.psid,
        p.firstName,
        p.locale,
        p.lastInboundAt,
        p.lastInboundAt,
        p.lastInboundAt,
        now,
        now,
      );
    }
  });
  for (let i = 0; i < N; i += 50_000) batch(i, Math.min(N, i + 50_000));
  raw.close();
}
log(`seeded ${N.toLocaleString('en')} contacts in ${secs(performance.now() - t0)} s; ${memory()}`);

// 3. The broadcast: a personalised promotion (classified once per distinct rendered text).
const rules = createRuleBook();
const broadcast = await createBenchBroadcast(database, now);
const id = broadcast.id;

t0 = performance.now();
const report = await preflight(database, broadcast, Date.now(), {
  rules,
  ...(values.chunk ? { chunk: Number(values.chunk) } : {}),
});
const preflightMs = performance.now() - t0;
log(`preflight: ${secs(preflightMs)} s for ${report.total.toLocaleString('en')} recipients`);
for (const g of report.groups) log(`  ${g.key.padEnd(28)} ${String(g.count).padStart(9)}`);

log(`  ${memory()}`);
if (values['preflight-only']) {
  await database.close();
  sim.kill('SIGTERM');
  if (!values.dir) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
await controlBroadcast(database, id, 'send', Date.now());
t0 = performance.now();
await runFanOut(database, id, { now: Date.now, rules });
const fanOutMs = performance.now() - t0;
log(
  `fan-out: ${secs(fanOutMs)} s (${Math.round(N / (fanOutMs / 1000)).toLocaleString('en')} rows/s), ${(await findBroadcast(database, id))?.enqueued} rows`,
);

log(`  ${memory()}`);
const graph = createGraphClient({
  baseUrl: simUrl,
  version: 'v26.0',
  connections: Number(values.connections),
  timeoutMs: 10_000,
  batchSends: Number(values['batch-sends']),
});
t0 = performance.now();
const end = await runBroadcast(
  { database, graph, limiter: createMemorySendRateLimiter(), rules, secretKey: key, now: Date.now },
  id,
  {
    batchSize: Number(values.batch),
    ...(values.concurrency === undefined ? {} : { concurrency: Number(values.concurrency) }),
    pollMs: 1000,
    // MEM=1: memory on every progress line (one line each), to see where a peak is reached.
    onProgress: (p) =>
      process.stderr.write(
        `\r  ${p.finished}/${p.enqueued} (sent ${p.counts.sent})   ${process.env.MEM ? `${memory()}\n` : ''}`,
      ),
  },
);
const dispatchMs = performance.now() - t0;
process.stderr.write('\n');
const rates = (await (await fetch(`${simUrl}/__bench/rates`)).json()) as Record<string, unknown>;
const sent = end?.counts.sent ?? 0;
const sentPerSecond = sent / (dispatchMs / 1000);
log(
  `dispatch: ${secs(dispatchMs)} s; sent ${sent.toLocaleString('en')} (${Math.round(sentPerSecond).toLocaleString('en')} msgs/s), refused ${end?.counts.refused}, failed ${end?.counts.failed}, unknown ${end?.counts.unknown}; rows ${Math.round((end?.finished ?? 0) / (dispatchMs / 1000)).toLocaleString('en')}/s`,
);
log(
  `simulator: accepted ${rates.acceptedSends} over ${secs(Number(rates.firstToLastMs))} s = ${Math.round(Number(rates.acceptedSends) / (Number(rates.firstToLastMs) / 1000)).toLocaleString('en')} msgs/s; max per Page in any 1 s window ${rates.maxPerPageAnySecond} (aligned seconds ${rates.maxPerPageAlignedSecond}); violations ${rates.violations}; rate-limit hits ${rates.rateLimitHits}; people with >1 message ${JSON.stringify((rates.messages as { max: number }).max > 1)}`,
);
if (ceiling)
  log(
    `dispatch against the send ceiling: ${Math.round((100 * sentPerSecond) / ceiling.perSecond)} % (${Math.round(sentPerSecond).toLocaleString('en')} of ${ceiling.perSecond.toLocaleString('en')} sends/s)`,
  );
log(`peak RSS (VmHWM) of the Ventana process: ${peakRss()} MB`);
log(`status ${end?.status}; status ${JSON.stringify(end?.counts)}`);
await graph.close();
await database.close();
sim.kill('SIGTERM');
if (!values.dir) rmSync(dir, { recursive: true, force: true });
