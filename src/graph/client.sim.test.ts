// The Graph client against the Messenger Platform simulator over real loopback HTTP: success
// shapes, each injected fault mapped to its category, action and outcome, and no token in any
// failure text.
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildMarketingMessageRequest, buildSendRequest } from '../messenger/send-request.ts';
import { createSimulator, type FaultKind, type Simulator } from '../simulator/index.ts';
import { createGraphClient, type GraphClient } from './client.ts';
import type { GraphResult } from './result.ts';

const PAGE = '1001';
const TOKEN = 'EAAG-page-token-1001-sup3r-s3cret';
const SYSTEM_TOKEN = 'EAAG-system-user-token-s3cret';
const PSID = '8001';
const OTHER_PSID = '8002';
const APP_ID = '100000000000001';

let sim: Simulator;
let url: string;
let graph: GraphClient;
const sleeps: number[] = [];

function text(psid = PSID, t = 'Hola') {
  return buildSendRequest({
    recipient: { id: psid },
    messaging_type: 'RESPONSE',
    message: { type: 'text', text: t },
  });
}

function client(options: { timeoutMs?: number; baseUrl?: string } = {}): GraphClient {
  return createGraphClient({
    baseUrl: options.baseUrl ?? url,
    version: 'v26.0',
    timeoutMs: options.timeoutMs ?? 5000,
    retry: { sleep: async (ms) => void sleeps.push(ms) },
  });
}

function failed<T>(r: GraphResult<T>) {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r.data)}`);
  return r;
}

beforeAll(async () => {
  sim = createSimulator({
    pages: [{ id: PAGE, token: TOKEN, name: 'Ventana Test', permissions: { utilityMessaging: true } }],
    systemUserTokens: [SYSTEM_TOKEN],
    appId: APP_ID,
  });
  for (const psid of [PSID, OTHER_PSID])
    sim.people.touch(sim.people.createPerson({ pageId: PAGE, psid, firstName: 'Ana' }));
  url = await sim.listen(0);
  graph = client();
});

afterEach(() => {
  sim.faults.clear();
  sleeps.length = 0;
});

afterAll(async () => {
  await graph?.close();
  await sim?.close();
});

describe('Graph client on the simulator: successes', () => {
  it('sends a message and returns the recipient and message ids with the usage header', async () => {
    const r = await graph.sendMessage(PAGE, TOKEN, text());
    expect(r).toMatchObject({ ok: true, status: 200, attempts: 1 });
    if (!r.ok) return;
    expect(r.data.recipient_id).toBe(PSID);
    expect(r.data.message_id).toMatch(/^m_/);
    expect(r.usage?.entries[0]?.type).toBe('messenger');
    expect(r.usage?.maxUsagePercent).toBeGreaterThanOrEqual(0);
  });

  it('sends the token in the Authorization header, never in the URL', async () => {
    await graph.sendMessage(PAGE, TOKEN, text());
    const rec = sim.state.requests.toArray().at(-1);
    expect(rec?.path).toBe(`/v26.0/${PAGE}/messages`);
    expect(rec?.query).not.toHaveProperty('access_token');
    expect(rec?.outcome).toBe('ok');
  });

  it('sends a sender action as its own request, answered without a message id', async () => {
    const r = await graph.senderAction(PAGE, TOKEN, { id: PSID }, 'typing_on');
    expect(r.ok && r.data).toEqual({ recipient_id: PSID });
  });

  it('sends a marketing message through the ad account with a system-user token', async () => {
    const person = sim.people.createPerson({ pageId: PAGE, country: 'MX' });
    const { token } = await sim.people.optInMarketing(person, { title: 'Novedades', payload: 'NEWS' });
    // A campaign created long ago: past Meta's one-hour warm-up.
    sim.state.campaigns.set('campaign-1', {
      id: 'campaign-1',
      adAccountId: '42',
      pageId: PAGE,
      name: 'Novedades',
      createdAt: 0,
    });
    const body = buildMarketingMessageRequest({
      campaignMessageId: 'campaign-1',
      subscriptionToken: token,
      message: { type: 'text', text: 'Hola' },
    });
    const r = await graph.sendMarketingMessage('42', SYSTEM_TOKEN, body);
    expect(r.ok && r.data).toEqual({ success: true, marketing_message_tracking_id: expect.any(String) });
    expect(sim.state.requests.toArray().at(-1)?.path).toBe('/v26.0/act_42/messages');
  });

  it('reads a user profile and the Page itself', async () => {
    const profile = await graph.getUserProfile(PSID, TOKEN, ['first_name', 'locale']);
    expect(profile.ok && profile.data).toEqual({ id: PSID, first_name: 'Ana', locale: 'en_US' });
    const page = await graph.debugPage(PAGE, TOKEN);
    expect(page.ok && page.data).toEqual({ id: PAGE, name: 'Ventana Test' });
  });

  it('sets, reads and deletes Messenger Profile fields', async () => {
    const set = await graph.setMessengerProfile(PAGE, TOKEN, {
      get_started: { payload: 'GET_STARTED' },
      greeting: [{ locale: 'default', text: 'Hola {{user_first_name}}' }],
    });
    expect(set.ok && set.data).toEqual({ result: 'success' });
    const got = await graph.getMessengerProfile(PAGE, TOKEN, ['get_started', 'greeting', 'ice_breakers']);
    expect(got.ok && got.data).toEqual({
      get_started: { payload: 'GET_STARTED' },
      greeting: [{ locale: 'default', text: 'Hola {{user_first_name}}' }],
    });
    const del = await graph.deleteMessengerProfileFields(PAGE, TOKEN, ['greeting']);
    expect(del.ok).toBe(true);
    const after = await graph.getMessengerProfile(PAGE, TOKEN, ['get_started', 'greeting']);
    expect(after.ok && after.data).toEqual({ get_started: { payload: 'GET_STARTED' } });
  });

  it('refuses a persistent menu without a Get Started button as a request to fix', async () => {
    await graph.deleteMessengerProfileFields(PAGE, TOKEN, ['get_started']);
    const r = failed(await graph.setMessengerProfile(PAGE, TOKEN, { persistent_menu: [] }));
    expect(r.failure).toMatchObject({ category: 'invalid_request', action: 'fix_request', code: 100 });
    expect(r.outcome).toBe('refused');
  });

  it('subscribes the app to the Page webhook fields', async () => {
    const r = await graph.subscribeApp(PAGE, TOKEN, ['messages', 'messaging_postbacks']);
    expect(r.ok && r.data).toEqual({ success: true });
    expect(sim.state.pages.get(PAGE)?.subscribedFields).toEqual(['messages', 'messaging_postbacks']);
  });

  it('passes, reads, takes and releases thread control', async () => {
    const inbox = '263902037430900';
    expect((await graph.passThreadControl(PAGE, TOKEN, PSID, inbox, 'to agents')).ok).toBe(true);
    const owner = await graph.getThreadOwner(PAGE, TOKEN, PSID);
    expect(owner.ok && owner.data).toEqual({ appId: inbox });
    expect((await graph.takeThreadControl(PAGE, TOKEN, PSID)).ok).toBe(true);
    const back = await graph.getThreadOwner(PAGE, TOKEN, PSID);
    expect(back.ok && back.data).toEqual({ appId: APP_ID });
    expect((await graph.releaseThreadControl(PAGE, TOKEN, PSID)).ok).toBe(true);
  });

  it('creates a utility template and lists it', async () => {
    const created = await graph.createMessageTemplate(PAGE, TOKEN, {
      name: 'order_shipped',
      category: 'UTILITY',
      language: 'es',
      components: [{ type: 'BODY', text: 'Tu pedido {{1}} ha sido enviado.' }],
    });
    expect(created.ok && created.data).toMatchObject({ id: expect.any(String), status: 'APPROVED' });
    const list = await graph.listMessageTemplates(PAGE, TOKEN, { name: 'order_shipped' });
    expect(list.ok && list.data.map((t) => [t.name, t.status])).toEqual([['order_shipped', 'APPROVED']]);
  });
});

describe('Graph client on the simulator: faults', () => {
  const cases: Array<[FaultKind, string, string]> = [
    ['token_expired_190', 'token_invalid', 'pause_page'],
    ['window_closed_10', 'window_closed', 'close_window'],
    ['page_restricted', 'page_restricted', 'stop_page'],
    // The simulator answers a block with 551/1545041 ("This person isn't available right now"),
    // which the taxonomy (reference §8) files as unreachable; a bare 551 is tested with MockAgent.
    ['blocked_551', 'contact_unreachable', 'mark_unreachable'],
  ];
  for (const [kind, category, action] of cases) {
    it(`maps the ${kind} fault to ${category} / ${action}, refused, with the fbtrace id, without retrying`, async () => {
      sim.faults.add({ kind, pageId: PAGE });
      const r = failed(await graph.sendMessage(PAGE, TOKEN, text()));
      expect(r.failure).toMatchObject({ category, action });
      expect(r.failure.fbtraceId).toEqual(expect.any(String));
      expect(r).toMatchObject({ outcome: 'refused', status: 400, attempts: 1 });
      expect(JSON.stringify(r)).not.toContain(TOKEN);
    });
  }

  it('maps a 613 burst to rate_limited / retry_later with a wait, and leaves the retry to the queue', async () => {
    sim.faults.add({ kind: 'rate_limit_613', count: 3 });
    const r = failed(await graph.sendMessage(PAGE, TOKEN, text()));
    expect(r.failure).toMatchObject({ category: 'rate_limited', action: 'retry_later', code: 613 });
    expect(r.failure.retryAfterMs).toBeGreaterThan(0);
    expect(r).toMatchObject({ outcome: 'refused', attempts: 1 });
    expect(r.usage?.entries.length).toBe(1);
  });

  it('retries a 5xx at most twice inside the call, then reports it as transient and refused', async () => {
    sim.faults.add({ kind: 'http_500', count: 5 });
    const before = sim.state.requests.toArray().length;
    const r = failed(await graph.sendMessage(PAGE, TOKEN, text()));
    expect(r.failure).toMatchObject({ category: 'transient', action: 'retry', httpStatus: 500 });
    expect(r).toMatchObject({ outcome: 'refused', status: 500, attempts: 3 });
    expect(sim.state.requests.toArray().length - before).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('recovers from a single 503 with one in-call retry', async () => {
    sim.faults.add({ kind: 'http_503', count: 1 });
    const r = await graph.sendMessage(PAGE, TOKEN, text());
    expect(r).toMatchObject({ ok: true, attempts: 2 });
  });

  it('reports a send that timed out as an unknown outcome and never retries it', async () => {
    const quick = client({ timeoutMs: 200 });
    try {
      sim.faults.add({ kind: 'timeout', holdMs: 1500, delivered: true });
      const before = sim.state.requests.toArray().length;
      const r = failed(await quick.sendMessage(PAGE, TOKEN, text(OTHER_PSID)));
      expect(r).toMatchObject({ outcome: 'unknown', attempts: 1 });
      expect(r.status).toBeUndefined();
      expect(r.failure.category).toBe('transient');
      expect(r.failure.message).toMatch(/timed out after 200 ms/);
      expect(sim.state.requests.toArray().length - before).toBe(1);
      // The simulator did deliver it: this is why the outcome must not be guessed.
      expect(sim.people.get(PAGE, OTHER_PSID)?.messagesReceived).toBeGreaterThan(0);
    } finally {
      await quick.close();
    }
  });

  it('reports a connection dropped mid-request as an unknown outcome', async () => {
    sim.faults.add({ kind: 'timeout', holdMs: 20 });
    const r = failed(await graph.sendMessage(PAGE, TOKEN, text()));
    expect(r).toMatchObject({ outcome: 'unknown', attempts: 1 });
    expect(r.failure.category).toBe('transient');
  });

  it('retries a read whose connection dropped, since a read has no effect to duplicate', async () => {
    sim.faults.add({ kind: 'timeout', holdMs: 20, count: 1 });
    const r = await graph.debugPage(PAGE, TOKEN);
    expect(r).toMatchObject({ ok: true, attempts: 2 });
  });

  it('reports a refused connection as refused and transient, after two in-call retries', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
      });
    });
    const dead = client({ baseUrl: `http://127.0.0.1:${port}` });
    try {
      const r = failed(await dead.sendMessage(PAGE, TOKEN, text()));
      expect(r).toMatchObject({ outcome: 'refused', attempts: 3 });
      expect(r.failure).toMatchObject({ category: 'transient', action: 'retry' });
      expect(r.failure.message).toContain('ECONNREFUSED');
      expect(JSON.stringify(r)).not.toContain(TOKEN);
    } finally {
      await dead.close();
    }
  });

  it('keeps the token out of every failure, including an invalid-token answer', async () => {
    const wrong = `${TOKEN}-revoked`;
    const results: GraphResult<unknown>[] = [
      await graph.sendMessage(PAGE, wrong, text()),
      await graph.getUserProfile(PSID, wrong),
      await graph.debugPage(PAGE, wrong),
    ];
    for (const r of results) {
      const f = failed(r);
      expect(f.failure.category).toBe('token_invalid');
      expect(JSON.stringify(f)).not.toContain(TOKEN);
    }
  });
});
