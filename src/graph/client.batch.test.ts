// The Graph client with batched sends (`batchSends`) against the simulator over loopback: sends of
// one turn travel as Graph batch requests of at most 50, and every inner call keeps its own
// outcome, its own rules and its own place in the Page's rate limit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSendRequest } from '../messenger/send-request.ts';
import { createSimulator, type Simulator } from '../simulator/index.ts';
import { createGraphClient, type GraphClient } from './client.ts';

const PAGE = '1001';
const TOKEN = 'EAAG-page-token-1001-batch';
const HOUR = 3_600_000;

let sim: Simulator;
let graph: GraphClient;
let batchPosts = 0;
let singlePosts = 0;

function text(psid: string, t = 'Hola') {
  return buildSendRequest({
    recipient: { id: psid },
    messaging_type: 'RESPONSE',
    message: { type: 'text', text: t },
  });
}

const psids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(9000 + from + i));

beforeAll(async () => {
  sim = createSimulator({ pages: [{ id: PAGE, token: TOKEN, name: 'Batch Test' }] });
  for (const psid of psids(400)) sim.people.touch(sim.people.createPerson({ pageId: PAGE, psid }));
  // Outside the window: a RESPONSE to them breaks the 24-hour rule.
  sim.people.touch(sim.people.createPerson({ pageId: PAGE, psid: '7000' }), Date.now() - 48 * HOUR);
  sim.app.addHook('onRequest', async (req) => {
    if (req.method !== 'POST') return;
    if (req.url.split('?')[0] === '/v26.0/') batchPosts++;
    else if (req.url.endsWith('/messages') && req.headers['user-agent'] !== 'lightMyRequest') singlePosts++;
  });
  const url = await sim.listen(0);
  graph = createGraphClient({ baseUrl: url, version: 'v26.0', timeoutMs: 3000, batchSends: 50 });
});

beforeEach(() => {
  sim.faults.clear();
  batchPosts = 0;
  singlePosts = 0;
});

afterAll(async () => {
  await graph?.close();
  await sim?.close();
});

describe('Graph client with batched sends', () => {
  it('sends 120 messages of one turn as three batch requests, each with its own message id', async () => {
    const before = sim.state.counters.sendsOk;
    const results = await Promise.all(psids(120).map((p) => graph.sendMessage(PAGE, TOKEN, text(p))));
    expect(batchPosts).toBe(3);
    expect(singlePosts).toBe(0);
    expect(results.every((r) => r.ok)).toBe(true);
    const ids = results.map((r, i) => {
      if (!r.ok) throw new Error('expected ok');
      expect(r.data.recipient_id).toBe(psids(120)[i]);
      expect(r.usage?.entries[0]?.type).toBe('messenger');
      return r.data.message_id;
    });
    expect(new Set(ids).size).toBe(120);
    expect(sim.state.counters.sendsOk - before).toBe(120);
  });

  it('maps each inner answer through the error taxonomy: a closed window, an unavailable person (551), the rest sent', async () => {
    sim.faults.add({ kind: 'blocked_551', psid: '9001' });
    const violations = sim.state.counters.violations;
    const [a, blocked, closed, c] = await Promise.all(
      ['9000', '9001', '7000', '9002'].map((p) => graph.sendMessage(PAGE, TOKEN, text(p))),
    );
    expect(batchPosts).toBe(1);
    expect(a?.ok && c?.ok).toBe(true);
    expect(blocked).toMatchObject({ ok: false, outcome: 'refused', status: 400 });
    if (blocked?.ok === false) expect(blocked.failure.action).toBe('mark_unreachable');
    expect(closed).toMatchObject({ ok: false, outcome: 'refused' });
    if (closed?.ok === false) expect(closed.failure.action).toBe('close_window');
    // The simulator judged the inner call on its own and counted the broken rule.
    expect(sim.state.counters.violations).toBe(violations + 1);
  });

  it('reports an inner call whose connection was dropped as unknown, and the others of its batch as sent', async () => {
    sim.faults.add({ kind: 'timeout', psid: '9011', holdMs: 20, delivered: true });
    const results = await Promise.all(psids(3, 10).map((p) => graph.sendMessage(PAGE, TOKEN, text(p))));
    expect(batchPosts).toBe(1);
    expect(results[0]?.ok).toBe(true);
    expect(results[1]).toMatchObject({ ok: false, outcome: 'unknown', attempts: 1 });
    expect(results[2]?.ok).toBe(true);
  });

  it("counts every inner call against its Page's 300 calls per second", async () => {
    // A fresh Page, so this second's budget is whole.
    const other = createSimulator({ pages: [{ id: '2002', token: 'EAAG-2002', name: 'Rate' }] });
    for (const psid of psids(320)) other.people.touch(other.people.createPerson({ pageId: '2002', psid }));
    const url = await other.listen(0);
    const client = createGraphClient({ baseUrl: url, version: 'v26.0', batchSends: 50 });
    try {
      const results = await Promise.all(
        psids(320).map((p) => client.sendMessage('2002', 'EAAG-2002', text(p))),
      );
      const ok = results.filter((r) => r.ok).length;
      const limited = results.filter((r) => !r.ok && r.failure.category === 'rate_limited');
      // Unless the 320 calls straddled a second, exactly 300 fit.
      expect(ok).toBeGreaterThanOrEqual(300);
      expect(ok + limited.length).toBe(320);
      expect(other.state.counters.rateLimitHits).toBe(limited.length);
    } finally {
      await client.close();
      await other.close();
    }
  });

  it('refuses a whole batch with an invalid token, every entry refused and none sent', async () => {
    const before = sim.state.counters.sendsOk;
    const results = await Promise.all(psids(2).map((p) => graph.sendMessage(PAGE, 'EAAG-wrong', text(p))));
    for (const r of results) {
      expect(r).toMatchObject({ ok: false, outcome: 'refused' });
      if (!r.ok) expect(r.failure.action).toBe('pause_page');
    }
    expect(sim.state.counters.sendsOk).toBe(before);
  });
});
