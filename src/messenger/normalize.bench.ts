// Throughput check for webhook ingest parsing (not a test: no timing assertions in the suite).
// Run: npx tsx src/messenger/normalize.bench.ts

import { parseWebhookBody } from './normalize.ts';
import { signBody, verifySignature } from './signature.ts';

const PAGE = '1234567890';
const messaging = Array.from({ length: 10 }, (_, i) => {
  const common = { sender: { id: `68000000${i}` }, recipient: { id: PAGE }, timestamp: 1700000000000 + i };
  if (i % 5 === 3) return { ...common, delivery: { mids: [`m_${i}a`, `m_${i}b`], watermark: 1700000000000 } };
  if (i % 5 === 4) return { ...common, read: { watermark: 1700000000000 } };
  return {
    ...common,
    message: { mid: `m_${i}_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789`, text: `Hola, ¿tienen talla ${i}?` },
  };
});
const raw = Buffer.from(
  JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: 1700000000000, messaging }] }),
);
const secret = 'bench-secret';
const headers = { 'x-hub-signature-256': signBody(raw, secret) };

function measure(name: string, events: number, fn: () => void): void {
  for (let i = 0; i < 20_000; i++) fn();
  const rounds = 100_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${name}: ${Math.round(rounds / seconds).toLocaleString()} bodies/s, ${Math.round((rounds * events) / seconds).toLocaleString()} events/s`,
  );
}

measure('parse+normalize 10-event body', 10, () => {
  const r = parseWebhookBody(raw);
  if (!r.ok || r.events.length !== 10) throw new Error('bad');
});
measure('verify signature + parse+normalize 10-event body', 10, () => {
  if (!verifySignature(raw, headers, secret).ok) throw new Error('bad sig');
  parseWebhookBody(raw);
});
const single = Buffer.from(
  JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: 1, messaging: [messaging[0]] }] }),
);
const singleHeaders = { 'x-hub-signature-256': signBody(single, secret) };
measure('verify signature only, 1-event body', 1, () => {
  if (!verifySignature(single, singleHeaders, secret).ok) throw new Error('bad sig');
});
