// Diagnostic: does Ventana keep pace with an ordinary, steady stream of webhooks (not a saturating
// burst)? Starts the real server (ventana-peer.sh environment, fresh SQLite folder), POSTs signed
// bodies at a fixed rate for a while, and prints once a second: requests answered, their p99, and
// how many bodies and events are still waiting to be applied (read from the database). Then it
// stops the stream and prints how long the rest took to drain.
//
//   node bench/webhook/steady.mjs [--rate 300] [--events 1] [--seconds 20]
//
// Loopback only; bounded by --seconds and a 60 s drain limit.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const Sqlite = require('better-sqlite3');
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '300' },
    events: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '20' },
    peers: { type: 'string', default: join(ROOT, '../shared/bench-peers') },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const { createGenerator } = require(join(values.peers, 'lib/webhook.js'));

const port = 29400 + Math.floor(Math.random() * 500);
const dir = mkdtempSync(join(tmpdir(), 'ventana-steady-'));
const secret = 'steady-secret';
const server = spawn('bash', [join(ROOT, 'bench/webhook/ventana-peer.sh')], {
  env: {
    ...process.env,
    PORT: String(port),
    APP_SECRET: secret,
    VERIFY_TOKEN: 'v',
    PAGE_ID: '106123456789012',
    PAGE_ACCESS_TOKEN: 'token',
    GRAPH_ORIGIN: 'http://127.0.0.1:9', // unreachable: profile fetches fail fast and retry later
    VENTANA_BENCH_DIR: dir,
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const post = (body, headers) =>
  new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(
      { host: '127.0.0.1', port, path: '/webhooks/messenger', method: 'POST', agent, headers },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ ok: res.statusCode === 200, status: res.statusCode, ms: performance.now() - started }),
        );
      },
    );
    req.on('error', () => resolve({ ok: false, status: 0, ms: performance.now() - started }));
    req.end(body);
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Up once it answers anything (an unsigned body gets 401).
for (let i = 0; i < 300 && (await post('{}', {})).status === 0; i++) await sleep(100);
const db = new Sqlite(join(dir, 'ventana.db'), { readonly: true, fileMustExist: true });
// /health's pendingBodies counts the bodies still in the webhook journal too.
const pending = async () => ({
  bodies: (await (await fetch(`http://127.0.0.1:${port}/health`)).json()).pendingBodies,
  events: db.prepare('select count(*) n from inbound_log where processed_at is null').get().n,
});

const gen = createGenerator({ secret, events: Number(values.events) });
console.log(
  `steady stream: ${rate} POST/s × ${values.events} event(s) for ${seconds} s; Ventana on :${port}`,
);
const t0 = performance.now();
let sent = 0;
let window = [];
const inflight = new Set();
let nextReport = t0 + 1000;
while (performance.now() - t0 < seconds * 1000) {
  const due = Math.floor(((performance.now() - t0) / 1000) * rate);
  while (sent < due) {
    sent++;
    const { body, headers } = gen.next();
    const p = post(body, headers).then((r) => {
      window.push(r);
      inflight.delete(p);
    });
    inflight.add(p);
  }
  if (performance.now() >= nextReport) {
    nextReport += 1000;
    const ms = window.map((r) => r.ms).sort((a, b) => a - b);
    const p99 = ms.length ? ms[Math.floor(ms.length * 0.99)].toFixed(1) : '-';
    const bad = window.filter((r) => !r.ok).length;
    const left = await pending();
    console.log(
      `${Math.round((performance.now() - t0) / 1000)} s: answered ${ms.length}, not 200 ${bad}, p99 ${p99} ms; waiting: ${left.bodies} bodies, ${left.events} events`,
    );
    window = [];
  }
  await sleep(2);
}
await Promise.all(inflight);
const stop = performance.now();
let left = await pending();
while ((left.bodies > 0 || left.events > 0) && performance.now() - stop < 60_000) {
  await sleep(200);
  left = await pending();
}
console.log(
  left.bodies + left.events === 0
    ? `drained ${((performance.now() - stop) / 1000).toFixed(1)} s after the stream stopped`
    : `still waiting after 60 s: ${left.bodies} bodies, ${left.events} events`,
);
db.close();
server.kill('SIGTERM');
agent.destroy();
