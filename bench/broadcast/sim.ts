/**
 * The benchmark's simulator, in its own process (so Ventana and the fake Graph API do not share one
 * event loop). It creates the same people the benchmark seeds (psid = `<page index>-<i>` scheme
 * below) and measures, for each Page, the most Send API calls it accepted in ANY 1-second window.
 *
 *   node scripts/run-built.mjs bench/broadcast/sim.ts --contacts 100000 --pages 50 --inside 0.9 --now <ms>
 * prints one JSON line `{ "url": ... }` when ready; GET /__bench/rates returns the figures.
 */
import { parseArgs } from 'node:util';
import { createSimulator } from '../../src/simulator/index.ts';
import { benchPageId, benchPerson } from './population.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    pages: { type: 'string', default: '50' },
    inside: { type: 'string', default: '0.9' },
    now: { type: 'string' },
  },
});
const contacts = Number(values.contacts);
const pageCount = Number(values.pages);
const now = Number(values.now ?? Date.now());

const pageList = Array.from({ length: pageCount }, (_, i) => ({
  id: benchPageId(i),
  token: `bench-token-${i}`,
}));
const sim = createSimulator({ pages: pageList, inboxCap: 0, requestLogCap: 1000 });
for (let i = 0; i < contacts; i++) {
  const p = benchPerson(i, pageCount, now, Number(values.inside));
  const person = sim.state.addPerson({
    pageId: p.pageId,
    psid: p.psid,
    firstName: p.firstName ?? undefined,
    locale: p.locale,
    country: 'ES',
  });
  person.lastInboundAt = p.lastInboundAt;
}

// Accepted send times per Page token (the token identifies the Page on /me/messages).
const times = new Map<string, number[]>();
sim.app.addHook('onResponse', async (req, reply) => {
  if (req.method !== 'POST' || !req.url.includes('/messages') || reply.statusCode !== 200) return;
  const auth = req.headers.authorization ?? '';
  const token = auth.startsWith('Bearer ')
    ? auth.slice(7)
    : String((req.query as { access_token?: string }).access_token ?? '');
  let list = times.get(token);
  if (!list) {
    list = [];
    times.set(token, list);
  }
  list.push(performance.timeOrigin + performance.now());
});
sim.app.get('/__bench/rates', async () => {
  let maxPerPage = 0;
  let maxAligned = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let total = 0;
  for (const list of times.values()) {
    total += list.length;
    first = Math.min(first, list[0] ?? first);
    last = Math.max(last, list[list.length - 1] ?? 0);
    // Sliding window: most calls within any 1000 ms (two pointers over sorted times).
    let lo = 0;
    for (let hi = 0; hi < list.length; hi++) {
      while (list[hi]! - list[lo]! >= 1000) lo++;
      maxPerPage = Math.max(maxPerPage, hi - lo + 1);
    }
    const aligned = new Map<number, number>();
    for (const t of list) {
      const k = Math.floor(t / 1000);
      const n = (aligned.get(k) ?? 0) + 1;
      aligned.set(k, n);
      if (n > maxAligned) maxAligned = n;
    }
  }
  return {
    acceptedSends: total,
    maxPerPageAnySecond: maxPerPage,
    maxPerPageAlignedSecond: maxAligned,
    firstToLastMs: total > 0 ? last - first : 0,
    violations: sim.state.counters.violations,
    violationsByRule: sim.state.counters.violationsByRule,
    rateLimitHits: sim.state.counters.rateLimitHits,
    sendsOk: sim.state.counters.sendsOk,
    messages: sim.state.messagesHistogram(),
  };
});
const url = await sim.listen(0);
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => void sim.close().then(() => process.exit(0)));
