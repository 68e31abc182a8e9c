// Diagnostic: where does the webhook's tail latency come from? Loaded into the Ventana process
// (VENTANA_NODE_OPTIONS="--import ./bench/webhook/probe.mjs" with ventana-peer.sh), it writes one
// JSON line per second to $PROBE_OUT: event-loop delay (p50/p99/max), GC pauses, and every SQLite
// statement or transaction that held the (synchronous) connection, and so the event loop, > 2 ms.
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const require = createRequire(`${process.cwd()}/package.json`);
const Sqlite = require('better-sqlite3');
const out = process.env.PROBE_OUT ?? '/tmp/ventana-probe.jsonl';
const SLOW_MS = Number(process.env.PROBE_SLOW_MS ?? 2);

let slow = [];
const note = (what, ms) => {
  if (ms >= SLOW_MS) slow.push(`${ms.toFixed(1)} ${what}`);
};
const origPrepare = Sqlite.prototype.prepare;
Sqlite.prototype.prepare = function prepare(sql) {
  const statement = origPrepare.call(this, sql);
  const label = sql.replace(/\s+/g, ' ').slice(0, 70);
  for (const m of ['run', 'all', 'get']) {
    const f = statement[m].bind(statement);
    statement[m] = (...a) => {
      const t = performance.now();
      try {
        return f(...a);
      } finally {
        note(label, performance.now() - t);
      }
    };
  }
  return statement;
};
const origTransaction = Sqlite.prototype.transaction;
Sqlite.prototype.transaction = function transaction(fn) {
  const tx = origTransaction.call(this, fn);
  const timed = (...a) => {
    const t = performance.now();
    try {
      return tx(...a);
    } finally {
      note(`transaction(${a[0]?.length ?? '?'} rows)`, performance.now() - t);
    }
  };
  return timed;
};

const eld = monitorEventLoopDelay({ resolution: 1 });
eld.enable();
let gc = { n: 0, ms: 0, max: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.n++;
    gc.ms += e.duration;
    gc.max = Math.max(gc.max, e.duration);
    note(`gc kind ${e.detail?.kind}`, e.duration);
  }
}).observe({ entryTypes: ['gc'] });

const timer = setInterval(() => {
  const line = {
    at: new Date().toISOString(),
    eldP50: +(eld.percentile(50) / 1e6).toFixed(1),
    eldP99: +(eld.percentile(99) / 1e6).toFixed(1),
    eldMax: +(eld.max / 1e6).toFixed(1),
    gc: { n: gc.n, ms: +gc.ms.toFixed(1), max: +gc.max.toFixed(1) },
    slow: slow.slice(0, 40),
    slowCount: slow.length,
  };
  appendFileSync(out, `${JSON.stringify(line)}\n`);
  eld.reset();
  gc = { n: 0, ms: 0, max: 0 };
  slow = [];
}, 1000);
timer.unref();
