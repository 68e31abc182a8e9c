/**
 * `npx tsx bench/webhook/intake.bench.ts`: the webhook intake without HTTP, per 10-event POST body
 * (the peer bench's own generator): what the bare node:http peer does (HMAC, JSON.parse, walk), then
 * Ventana's intake with the store stubbed out, then with the real SQLite group commit (30 bodies in
 * flight), then with the webhook journal the server uses on SQLite (one writev per group). Separates the cost of persisting before the 200 from the rest. PEERS_SRC overrides where
 * ../shared/bench-peers is.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebhookIntake } from '../../src/ingest/intake.ts';
import { inbound, openDatabase } from '../../src/storage/index.ts';

const require = createRequire(import.meta.url);
const peers = process.env.PEERS_SRC ?? new URL('../../../shared/bench-peers', import.meta.url).pathname;
const { createGenerator } = require(`${peers}/lib/webhook.js`);
const secret = 's3cret';
const gen = createGenerator({ secret, events: 10 });
const bodies = Array.from({ length: 2000 }, () => {
  const b = gen.next();
  return { raw: Buffer.from(b.body), headers: b.headers };
});
console.log('body bytes', bodies[0]!.raw.length);
const dir = mkdtempSync(join(tmpdir(), 'im-'));
const database = await openDatabase(`sqlite:${join(dir, 'x.db')}`, { migrate: true });
const intake = createWebhookIntake({
  appSecrets: () => [secret],
  store: (raw, at) => inbound.storeWebhookBody(database, raw, at),
  now: Date.now,
  bodyLimit: 1 << 20,
});
const journaled = await openDatabase(`sqlite:${join(dir, 'journaled.db')}`, {
  migrate: true,
  webhookJournal: true,
});
const intakeJournal = createWebhookIntake({
  appSecrets: () => [secret],
  store: (raw, at) => inbound.storeWebhookBody(journaled, raw, at),
  now: Date.now,
  bodyLimit: 1 << 20,
});
const intakeNoStore = createWebhookIntake({
  appSecrets: () => [secret],
  store: async () => {},
  now: Date.now,
  bodyLimit: 1 << 20,
});
function bare(raw: Buffer, h: Record<string, string>) {
  const sig = h['x-hub-signature-256']!;
  const mac = createHmac('sha256', secret).update(raw).digest();
  const ok = timingSafeEqual(Buffer.from(sig.slice(7), 'hex'), mac);
  const body = JSON.parse(raw as unknown as string);
  let n = 0;
  for (const e of body.entry) for (const m of e.messaging) if (typeof m.message?.text === 'string') n++;
  return ok && n;
}
async function time(name: string, fn: (i: number) => unknown, conc = 30) {
  const N = 60000;
  const t0 = performance.now();
  for (let i = 0; i < N; i += conc) {
    const ps = [];
    for (let j = 0; j < conc; j++) ps.push(fn(i + j));
    await Promise.all(ps);
  }
  console.log(name.padEnd(24), (((performance.now() - t0) * 1000) / N).toFixed(1), 'µs/POST');
}
for (let r = 0; r < 3; r++) {
  await time('bare', (i) => bare(bodies[i % 2000]!.raw, bodies[i % 2000]!.headers as never));
  await time('intake, no store', (i) =>
    intakeNoStore.handle(bodies[i % 2000]!.raw, bodies[i % 2000]!.headers),
  );
  await time('intake + sqlite', (i) => intake.handle(bodies[i % 2000]!.raw, bodies[i % 2000]!.headers));
  await time('intake + journal', (i) =>
    intakeJournal.handle(bodies[i % 2000]!.raw, bodies[i % 2000]!.headers),
  );
}
await journaled.close();
await database.close();
rmSync(dir, { recursive: true, force: true });
