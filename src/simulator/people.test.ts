import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from './simulator.ts';
import { frozenSimulator, PAGE, send, T0, text } from './test-support.ts';

const SECRET = 'test-app-secret';

/** The parts of a webhook event these tests read (present or the assertion fails). */
interface Ev {
  message: { text: string; quick_reply: unknown; referral: unknown };
  postback: unknown;
  referral: unknown;
  reaction: unknown;
  read: unknown;
  delivery: unknown;
  optin: unknown;
}

interface Received {
  raw: string;
  signature: string | undefined;
  body: { object: string; entry: Array<{ id: string; time: number; messaging?: Ev[]; changes?: unknown[] }> };
}

function event(r: Received | undefined, entry = 0, item = 0): Ev {
  const e = r?.body.entry[entry]?.messaging?.[item];
  if (!e) throw new Error(`no messaging event at entry ${entry}, item ${item}`);
  return e;
}

/** A tiny app under test: keeps the raw body and checks the signature on its own. */
async function receiver(): Promise<{ app: FastifyInstance; url: string; got: Received[] }> {
  const got: Received[] = [];
  const app = Fastify();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.get('/webhook', async (req, reply) => {
    const q = req.query as Record<string, string>;
    if (q['hub.mode'] === 'subscribe' && q['hub.verify_token'] === 'verify-me') return q['hub.challenge'];
    return reply.code(403).send('forbidden');
  });
  app.post('/webhook', async (req, reply) => {
    const raw = req.body as string;
    const signature = req.headers['x-hub-signature-256'] as string | undefined;
    const expected = `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
    if (
      !signature ||
      signature.length !== expected.length ||
      !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
    ) {
      return reply.code(401).send('bad signature');
    }
    got.push({ raw, signature, body: JSON.parse(raw) });
    return 'EVENT_RECEIVED';
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `${base}/webhook`, got };
}

let sim: Simulator;
let rx: Awaited<ReturnType<typeof receiver>>;
beforeEach(async () => {
  rx = await receiver();
  sim = frozenSimulator({ appSecret: SECRET, webhookUrl: rx.url });
});
afterEach(async () => {
  await sim.close();
  await rx.app.close();
});

describe('fake people', () => {
  it('posts a Meta-shaped message webhook whose signature an independent HMAC check accepts', async () => {
    const p = sim.people.createPerson({ pageId: PAGE, psid: '9001' });
    const r = await sim.people.sendText(p, 'Hola, ¿precio? https://x.y/z');
    expect(r.status).toBe(200);
    expect(rx.got).toHaveLength(1);
    const body = rx.got[0]!.body;
    expect(body).toEqual({
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: T0,
          messaging: [
            {
              sender: { id: '9001' },
              recipient: { id: PAGE },
              timestamp: T0,
              message: { mid: expect.stringMatching(/^m_/), text: 'Hola, ¿precio? https://x.y/z' },
            },
          ],
        },
      ],
    });
    // Meta escapes non-ASCII and "/" in the signed bytes.
    expect(rx.got[0]!.raw).toContain('\\u00bfprecio');
    expect(rx.got[0]!.raw).toContain('https:\\/\\/x.y\\/z');
  });

  it('gets a 401 from the app when the secret is wrong', async () => {
    sim.people.appSecret = 'another-secret';
    const p = sim.people.createPerson({ pageId: PAGE });
    expect((await sim.people.sendText(p, 'hi')).status).toBe(401);
    expect(sim.state.counters.webhookFailures).toBe(1);
  });

  it('batches several events into one POST with one entry each', async () => {
    const a = sim.people.createPerson({ pageId: PAGE, psid: 'a' });
    const b = sim.people.createPerson({ pageId: PAGE, psid: 'b' });
    const r = await sim.people.sendBatch([
      sim.people.events.text(a, 'uno'),
      sim.people.events.quickReply(b, 'Sí', 'YES'),
      sim.people.events.postback(a, 'MENU'),
    ]);
    expect(r.status).toBe(200);
    expect(rx.got).toHaveLength(1);
    const entries = rx.got[0]!.body.entry;
    expect(entries).toHaveLength(3);
    expect(event(rx.got[0], 1).message.quick_reply).toEqual({ payload: 'YES' });
    expect(event(rx.got[0], 2).postback).toMatchObject({ title: 'MENU', payload: 'MENU' });
    expect(a.lastInboundAt).toBe(T0);
    expect(b.lastInboundAt).toBe(T0);
  });

  it('groups a batch by Page when asked', async () => {
    const a = sim.people.createPerson({ pageId: PAGE });
    await sim.people.sendBatch([sim.people.events.text(a, '1'), sim.people.events.text(a, '2')], {
      groupByPage: true,
    });
    expect(rx.got[0]!.body.entry).toHaveLength(1);
    expect(rx.got[0]!.body.entry[0]!.messaging).toHaveLength(2);
  });

  it('sends Get Started with the m.me referral and the configured payload', async () => {
    await sim.app.inject({
      method: 'POST',
      url: '/v26.0/me/messenger_profile?access_token=page-token-1001',
      payload: { get_started: { payload: 'START' } },
    });
    const p = sim.people.createPerson({ pageId: PAGE });
    await sim.people.getStarted(p, 'summer-qr');
    expect(event(rx.got[0]).postback).toMatchObject({
      title: 'Get Started',
      payload: 'START',
      referral: { ref: 'summer-qr', source: 'SHORTLINK', type: 'OPEN_THREAD' },
    });
  });

  it('sends referrals, ad messages, reactions, reads and Page Inbox echoes', async () => {
    const p = sim.people.createPerson({ pageId: PAGE });
    await sim.people.referral(p, 'promo', 'ADS', 'ad-9');
    await sim.people.adMessage(p, 'Info', 'ad-9');
    await sim.people.react(p, 'm_abc', '❤️');
    await sim.people.read(p, T0);
    await sim.people.echoFromPageInbox(p, 'Hola, soy Ana');
    const events = rx.got.map((g) => event(g));
    expect(events[0]!.referral).toMatchObject({ ref: 'promo', source: 'ADS', ad_id: 'ad-9' });
    expect(events[1]!.message.referral).toMatchObject({ source: 'ADS', ad_id: 'ad-9' });
    expect(events[2]!.reaction).toEqual({ mid: 'm_abc', action: 'react', emoji: '❤️', reaction: 'love' });
    expect(events[3]!.read).toEqual({ watermark: T0 });
    expect(events[4]).toMatchObject({
      sender: { id: PAGE },
      recipient: { id: p.psid },
      message: { is_echo: true, app_id: 263902037430900, text: 'Hola, soy Ana' },
    });
  });

  it('sends a feed change for a comment, keyed by comment_id', async () => {
    const p = sim.people.createPerson({ pageId: PAGE, firstName: 'Ana', lastName: 'Ruiz' });
    const r = await sim.people.comment(p, `${PAGE}_555`, '¿Cuánto cuesta?');
    const entry = rx.got[0]!.body.entry[0]!;
    expect(entry.time).toBe(Math.floor(T0 / 1000));
    expect(entry.changes![0]).toEqual({
      field: 'feed',
      value: expect.objectContaining({
        item: 'comment',
        verb: 'add',
        comment_id: r.commentId,
        post_id: `${PAGE}_555`,
        message: '¿Cuánto cuesta?',
        from: { id: p.userId, name: 'Ana Ruiz' },
      }),
    });
  });

  it('sends a one-time notification opt-in with its token', async () => {
    const p = sim.people.createPerson({ pageId: PAGE });
    const r = await sim.people.optInOneTime(p, { payload: 'RESTOCK' });
    expect(event(rx.got[0]).optin).toEqual({
      type: 'one_time_notif_req',
      payload: 'RESTOCK',
      one_time_notif_token: r.token,
    });
  });

  it('performs the verification handshake and checks the echoed challenge', async () => {
    expect((await sim.people.handshake('verify-me')).ok).toBe(true);
    const wrong = await sim.people.handshake('wrong');
    expect(wrong).toMatchObject({ ok: false, status: 403 });
  });

  it('reports status 0 when the app is unreachable', async () => {
    sim.people.webhookUrl = 'http://127.0.0.1:9/webhook';
    const p = sim.people.createPerson({ pageId: PAGE });
    const r = await sim.people.sendText(p, 'hi');
    expect(r.status).toBe(0);
    expect(r.error).toBeTruthy();
  });
});

describe('automatic receipts', () => {
  it('sends delivery then read webhooks for each accepted message when autoDeliver is on', async () => {
    await sim.close();
    sim = frozenSimulator({ appSecret: SECRET, webhookUrl: rx.url, autoDeliver: true });
    const p = sim.people.createPerson({ pageId: PAGE, psid: '9100' });
    sim.people.touch(p);
    const res = await send(sim, text('9100'));
    await sim.people.flush();
    const mid = res.json().message_id;
    const events = rx.got.map((g) => event(g));
    expect(events[0]!.delivery).toEqual({ mids: [mid], watermark: T0 });
    expect(events[1]!.read).toEqual({ watermark: T0 });
    expect(p.inbox.map((m) => m.mid)).toEqual([mid]);
  });
});

describe("echoes of the Page's sends", () => {
  it('sends message_echoes with the app id and the metadata, also for a send whose answer timed out', async () => {
    await sim.close();
    sim = frozenSimulator({
      appSecret: SECRET,
      webhookUrl: rx.url,
      echoSends: true,
      appId: '777000000000001',
    });
    const p = sim.people.createPerson({ pageId: PAGE, psid: '9150' });
    sim.people.touch(p);
    const withMeta = (t: string) => ({
      ...text('9150', t),
      message: { text: t, metadata: `ventana:${t}` },
    });
    const answered = await send(sim, withMeta('one'));
    // The connection dies after Meta accepted the message: the caller never learns the mid.
    sim.faults.add({ kind: 'timeout', delivered: true, holdMs: 0 });
    await expect(send(sim, withMeta('two'))).rejects.toThrow();
    sim.faults.add({ kind: 'timeout', delivered: false, holdMs: 0 });
    await expect(send(sim, withMeta('three'))).rejects.toThrow();
    await sim.people.flush();

    expect(answered.statusCode).toBe(200);
    const echoes = rx.got.map((g) => g.body.entry[0]!.messaging![0] as unknown as Record<string, unknown>);
    expect(echoes.map((e) => e.message)).toEqual([
      {
        is_echo: true,
        app_id: 777000000000001,
        metadata: 'ventana:one',
        mid: answered.json().message_id,
        text: 'one',
      },
      { is_echo: true, app_id: 777000000000001, metadata: 'ventana:two', mid: p.inbox[1]!.mid, text: 'two' },
    ]);
    expect(echoes[0]).toMatchObject({ sender: { id: PAGE }, recipient: { id: '9150' }, timestamp: T0 });
    expect(p.inbox.map((m) => m.mid)).toHaveLength(2);
  });
});

describe('acting as a person over HTTP', () => {
  it('creates people and makes them write through /__sim', async () => {
    const created = await sim.app.inject({
      method: 'POST',
      url: '/__sim/people',
      payload: { people: [{ pageId: PAGE, psid: '9200', firstName: 'Luis' }] },
    });
    expect(created.json().data).toEqual([{ pageId: PAGE, psid: '9200' }]);
    const acted = await sim.app.inject({
      method: 'POST',
      url: `/__sim/people/${PAGE}/9200/actions`,
      payload: { action: 'text', text: 'hola' },
    });
    expect(acted.json().status).toBe(200);
    expect(event(rx.got[0]).message.text).toBe('hola');
    expect((await send(sim, text('9200'))).statusCode).toBe(200);
  });
});
