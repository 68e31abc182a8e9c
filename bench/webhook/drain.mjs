// After the peer bench: how big was Ventana's processing backlog when the load stopped, and how long
// does it take to drain? For each kept data folder (one per Ventana run), restart Ventana on it with
// no load and poll its SQLite file (read-only) and its /health until no body and no event is pending
// (/health's pendingBodies also counts the bodies still in the webhook journal, not yet in the table).
// Graph calls (profile fetches, opt-out confirmations) go to the peers' graph stub, which answers
// every call with success, started here unless GRAPH_ORIGIN names one: with no Graph at all, every
// call would fail and be retried, and the drain would measure the retry path instead.
//   node bench/webhook/drain.mjs <data dir>...      env: DRAIN_MAX_S=300 PEERS_SRC GRAPH_ORIGIN
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const Sqlite = require('better-sqlite3');
const here = new URL('.', import.meta.url).pathname;
const maxS = Number(process.env.DRAIN_MAX_S ?? 300);
const peersSrc = process.env.PEERS_SRC ?? join(here, '../../../shared/bench-peers');

/** Starts the peers' graph stub on a free port; resolves with its origin and a way to stop it. */
async function startGraphStub() {
  const stub = spawn(process.execPath, [join(peersSrc, 'apps/graph-stub.js')], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const origin = await new Promise((resolve, reject) => {
    stub.stdout.on('data', (d) => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(String(d));
      if (m) resolve(m[1]);
    });
    stub.once('exit', (code) => reject(new Error(`graph stub exited ${code}`)));
  });
  return { origin, stop: () => stub.kill('SIGTERM') };
}
const stub = process.env.GRAPH_ORIGIN ? null : await startGraphStub();
const graphOrigin = process.env.GRAPH_ORIGIN ?? stub.origin;

async function counts(dir, url) {
  const { pendingBodies } = await (await fetch(`${url}/health`)).json();
  const db = new Sqlite(join(dir, 'ventana.db'), { readonly: true, fileMustExist: true });
  try {
    const one = (sql) => db.prepare(sql).get().n;
    const inTable = one('select count(*) n from webhook_bodies where processed_at is null');
    return {
      bodies: one('select count(*) n from webhook_bodies') + (pendingBodies - inTable),
      pendingBodies,
      events: one('select count(*) n from inbound_log'),
      pendingEvents: one('select count(*) n from inbound_log where processed_at is null'),
    };
  } finally {
    db.close();
  }
}

try {
  for (const dir of process.argv.slice(2)) {
    const child = spawn('bash', [join(here, 'ventana-peer.sh')], {
      env: {
        ...process.env,
        VENTANA_BENCH_DIR: dir,
        PORT: '0',
        APP_SECRET: process.env.APP_SECRET ?? 'bench-app-secret',
        VERIFY_TOKEN: process.env.VERIFY_TOKEN ?? 'bench-verify-token',
        PAGE_ID: process.env.PAGE_ID ?? '106123456789012',
        PAGE_ACCESS_TOKEN: process.env.PAGE_ACCESS_TOKEN ?? 'bench-page-access-token',
        GRAPH_ORIGIN: graphOrigin,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => {
        const m = /(?:running|en marcha)[^\n]*?(http:\/\/\S+)/.exec(String(d));
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`ventana exited ${code}`)));
    });
    // Taken at once after the start: what the load left (the processor has had a millisecond at most).
    const t0 = Date.now();
    const before = await counts(dir, url);
    let now = before;
    while ((now.pendingBodies > 0 || now.pendingEvents > 0) && Date.now() - t0 < maxS * 1000) {
      await new Promise((r) => setTimeout(r, 250));
      now = await counts(dir, url);
    }
    const seconds = (Date.now() - t0) / 1000;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    const done = now.pendingBodies === 0 && now.pendingEvents === 0;
    const applied = now.events - now.pendingEvents - (before.events - before.pendingEvents);
    console.log(
      JSON.stringify({
        dir,
        atLoadEnd: {
          bodies: before.bodies,
          pendingBodies: before.pendingBodies,
          pendingEvents: before.pendingEvents,
        },
        drained: done,
        seconds,
        eventsAppliedWhileDraining: applied,
        eventsPerS: seconds > 0 ? Math.round(applied / seconds) : null,
        left: done ? null : { pendingBodies: now.pendingBodies, pendingEvents: now.pendingEvents },
      }),
    );
  }
} finally {
  stub?.stop();
}
