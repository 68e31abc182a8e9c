/**
 * The webhook edge end to end: Meta's handshake, the signed POST on both HTTP paths (the raw
 * node:http fast path on a real socket, the Fastify route through inject()), what refused requests
 * leave behind (nothing), and what every kind of webhook event does once processed.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import { createSimulator } from '../../src/simulator/index.ts';
import { contacts, conversations, messages, pages } from '../../src/storage/index.ts';
import { journalDirOf } from '../../src/storage/sqlite-webhook-journal.ts';
import { readJournalRecords } from '../../src/storage/webhook-journal.ts';
import {
  APP_SECRET,
  BOTH_PATHS,
  countRows,
  envelope,
  type Harness,
  PAGE_ID,
  sign,
  startHarness,
  textEvent,
  VERIFY_TOKEN,
  type Via,
} from './harness.ts';

let h: Harness;
let seq = 0;
const uid = (prefix: string) => `${prefix}_${process.pid}_${++seq}_${Math.random().toString(36).slice(2)}`;
const psid = () => String(7_000_000_000_000_000 + ++seq * 7919);

beforeAll(async () => {
  h = await startHarness({ bodyLimit: 4096 });
});
afterAll(async () => {
  await h.close();
});
afterEach(() => h.use('http'));

/** The mid of the first message in a body the simulator sent. */
function firstMidOf(payload: {
  entry: readonly { messaging?: readonly Record<string, unknown>[] }[];
}): string {
  const message = payload.entry[0]?.messaging?.[0]?.message as { mid?: string } | undefined;
  if (!message?.mid) throw new Error('no message in payload');
  return message.mid;
}

async function contactOf(p: string) {
  return contacts.getContactByPsid(h.database, PAGE_ID, p);
}

async function eventRows() {
  return h.database.db.selectFrom('inbound_log').selectAll().execute();
}

describe.each(BOTH_PATHS)('Meta handshake and intake over %s', (via: Via) => {
  it('echoes the challenge when mode and verify token match', async () => {
    const res = await h.get(
      via,
      `/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(res).toEqual({ status: 200, body: '1158201444' });
  });

  it('answers 403 to a wrong verify token or a wrong mode', async () => {
    const wrongToken = await h.get(
      via,
      '/webhooks/messenger?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42',
    );
    const wrongMode = await h.get(
      via,
      `/webhooks/messenger?hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`,
    );
    const noChallenge = await h.get(
      via,
      `/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}`,
    );
    expect([wrongToken.status, wrongMode.status, noChallenge.status]).toEqual([403, 403, 403]);
    expect(wrongToken.body).not.toContain('42');
  });

  it('answers 200 to a signed body only once it is in the webhook journal, and moves it to the table once', async () => {
    const body = envelope([textEvent(psid(), uid('m'), 'hola')]);
    const res = await h.postSigned(via, body);
    expect(res).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
    // A reader of its own (not the process's journal object) finds the whole record the moment the 200 arrived.
    const journaled = readJournalRecords(journalDirOf(h.dbPath)).filter((r) => r.raw === body);
    expect(journaled).toHaveLength(1);
    await h.drain();
    const reader = new Sqlite(h.dbPath, { readonly: true });
    try {
      const rows = reader.prepare('select id, raw from webhook_bodies where raw = ?').all(body) as {
        id: string;
        raw: string;
      }[];
      expect(rows).toEqual([{ id: journaled[0]!.id, raw: body }]);
    } finally {
      reader.close();
    }
  });

  const valid = () => envelope([textEvent(psid(), uid('m'), 'hola')]);
  const refusals: readonly {
    name: string;
    status: number;
    request: () => { body: string | Buffer; headers: Record<string, string> };
  }[] = [
    { name: 'an unsigned body', status: 401, request: () => ({ body: valid(), headers: {} }) },
    {
      name: 'a body signed with another secret',
      status: 403,
      request: () => {
        const body = valid();
        return { body, headers: { 'x-hub-signature-256': sign(body, 'another-app-secret') } };
      },
    },
    {
      name: 'a signature over different bytes',
      status: 403,
      request: () => {
        const body = valid();
        return { body: `${body} `, headers: { 'x-hub-signature-256': sign(body) } };
      },
    },
    {
      name: 'a body with only the legacy SHA-1 signature',
      status: 401,
      request: () => {
        const body = valid();
        return {
          body,
          headers: { 'x-hub-signature': `sha1=${createHmac('sha1', APP_SECRET).update(body).digest('hex')}` },
        };
      },
    },
    {
      name: 'a malformed signature header',
      status: 401,
      request: () => ({ body: valid(), headers: { 'x-hub-signature-256': 'sha256=zz' } }),
    },
    {
      name: 'signed malformed JSON',
      status: 400,
      request: () => {
        const body = '{"object":"page","entry":[{"id":';
        return { body, headers: { 'x-hub-signature-256': sign(body) } };
      },
    },
    {
      name: 'a signed body that is not a webhook envelope',
      status: 400,
      request: () => {
        const body = '{"object":"page","entry":"not a list"}';
        return { body, headers: { 'x-hub-signature-256': sign(body) } };
      },
    },
    {
      name: 'a signed JSON array',
      status: 400,
      request: () => ({ body: '[1,2,3]', headers: { 'x-hub-signature-256': sign('[1,2,3]') } }),
    },
    {
      name: 'a signed body over the size limit',
      status: 413,
      request: () => {
        const filler = 'x'.repeat(5000);
        const body = envelope([textEvent(psid(), uid('m'), filler)]);
        return { body, headers: { 'x-hub-signature-256': sign(body) } };
      },
    },
  ];

  it.each(refusals)('refuses $name with $status and changes nothing', async ({ status, request }) => {
    await h.drain();
    const before = await h.counts();
    const { body, headers } = request();
    const res = await h.post(via, body, headers);
    expect(res.status).toBe(status);
    await h.drain();
    expect(await h.counts()).toEqual(before);
  });

  it('acknowledges a signed Instagram body and derives nothing from it', async () => {
    const body = JSON.stringify({
      object: 'instagram',
      entry: [{ id: '17841400000000000', time: Date.now(), messaging: [textEvent('123', uid('ig'), 'hi')] }],
    });
    await h.drain();
    const before = await h.counts();
    const res = await h.postSigned(via, body);
    expect(res.status).toBe(200);
    await h.drain();
    const after = await h.counts();
    expect(after).toEqual({ ...before, bodies: before.bodies + 1 });
    const row = await h.database.db
      .selectFrom('webhook_bodies')
      .select(['processed_at', 'error'])
      .where('raw', '=', body)
      .executeTakeFirstOrThrow();
    expect(row.processed_at).not.toBeNull();
  });

  it('processes a body Meta retried, and a mid seen in two bodies, exactly once', async () => {
    const p = psid();
    const mid = uid('m');
    const t = Date.now() - 5000;
    const body = envelope([textEvent(p, mid, 'una vez', t)]);
    const first = await h.postSigned(via, body);
    const retry = await h.postSigned(via, body);
    // Same event again, inside a differently shaped body (another entry time, another neighbour).
    const other = envelope([textEvent(p, mid, 'una vez', t), textEvent(p, uid('m'), 'otra', t + 1)], t + 999);
    const third = await h.postSigned(via, other);
    expect([first.status, retry.status, third.status]).toEqual([200, 200, 200]);
    await h.drain();
    const logged = await h.database.db
      .selectFrom('inbound_log')
      .select('id')
      .where('dedupe_key', '=', mid)
      .execute();
    const stored = await h.database.db.selectFrom('messages').select('id').where('mid', '=', mid).execute();
    expect(logged).toHaveLength(1);
    expect(stored).toHaveLength(1);
  });
});

describe('out-of-order delivery', () => {
  it('keeps the newer inbound time when an older message is processed after a newer one', async () => {
    const p = psid();
    const newer = Date.now() - 1_000;
    const older = newer - 60_000;
    expect((await h.postSigned('http', envelope([textEvent(p, uid('m'), 'segundo', newer)]))).status).toBe(
      200,
    );
    await h.drain();
    expect((await h.postSigned('http', envelope([textEvent(p, uid('m'), 'primero', older)]))).status).toBe(
      200,
    );
    await h.drain();
    const c = await contactOf(p);
    expect(c?.lastInboundAt).toBe(newer);
    expect(c?.firstSeenAt).toBe(older);
  });

  it('keeps the newer inbound time when one body lists the newer event first', async () => {
    const p = psid();
    const newer = Date.now() - 2_000;
    const older = newer - 30_000;
    const body = envelope([textEvent(p, uid('m'), 'b', newer), textEvent(p, uid('m'), 'a', older)]);
    expect((await h.postSigned('inject', body)).status).toBe(200);
    await h.drain();
    expect((await contactOf(p))?.lastInboundAt).toBe(newer);
  });
});

describe('every event kind of the webhook table', () => {
  it('applies messages, quick replies, attachments and replies to a message', async () => {
    const person = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    const first = await h.sim.people.sendText(person, 'Hola, ¿tienen envío a Lima?');
    const firstMid = firstMidOf(first.payload);
    const replies = [
      await h.sim.people.tapQuickReply(person, 'Sí', 'YES'),
      await h.sim.people.sendAttachment(person, 'image', 'https://example.test/a.jpg'),
      await h.sim.people.sendBatch([
        h.sim.people.events.text(person, 'sobre eso', { reply_to: { mid: firstMid } }),
      ]),
    ];
    expect([first, ...replies].map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await h.drain();
    const c = await contactOf(person.psid);
    expect(c).toBeDefined();
    const rows = await h.database.db
      .selectFrom('messages')
      .select(['kind', 'text', 'sender', 'direction'])
      .where('contact_id', '=', c!.id)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.kind)).toEqual(['text', 'quick_reply', 'attachment', 'text']);
    expect(rows.every((r) => r.sender === 'contact' && r.direction === 'in')).toBe(true);
    expect(rows[0]?.text).toBe('Hola, ¿tienen envío a Lima?');
    expect(c?.lastInboundKind).toBe('message');
  });

  it('opens the window and the ad window on a first message from a Click-to-Messenger ad', async () => {
    const person = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    const res = await h.sim.people.adMessage(person, 'Quiero info del anuncio', '6123456789');
    expect(res.status).toBe(200);
    await h.drain();
    const c = await contactOf(person.psid);
    expect(c?.lastInboundKind).toBe('ad_message');
    expect(c?.lastInboundAt).toBe(res.payload.entry[0]?.time);
    expect(c?.adWindowStartedAt).toBe(c?.lastInboundAt);
  });

  it('records a reply typed in the Page Inbox as a human message', async () => {
    const person = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    await h.sim.people.sendText(person, 'hola');
    const echo = await h.sim.people.echoFromPageInbox(person, 'Hola, te ayudo yo');
    expect(echo.status).toBe(200);
    await h.drain();
    const c = await contactOf(person.psid);
    const out = await h.database.db
      .selectFrom('messages')
      .select(['sender', 'direction', 'text'])
      .where('contact_id', '=', c!.id)
      .where('direction', '=', 'out')
      .execute();
    expect(out).toEqual([{ sender: 'page_inbox', direction: 'out', text: 'Hola, te ayudo yo' }]);
  });

  it('keeps the image of a Page Inbox reply, not an empty text', async () => {
    const person = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    await h.sim.people.sendText(person, 'hola');
    const url = 'https://example.com/catalogo.jpg';
    expect((await h.sim.people.echoFromPageInbox(person, null, url)).status).toBe(200);
    await h.drain();
    const c = await contactOf(person.psid);
    const out = await h.database.db
      .selectFrom('messages')
      .select('id')
      .where('contact_id', '=', c!.id)
      .where('direction', '=', 'out')
      .execute();
    expect(out).toHaveLength(1);
    const stored = await messages.getMessage(h.database, out[0]!.id);
    expect(stored).toMatchObject({ sender: 'page_inbox', kind: 'attachment', text: null });
    expect((stored?.payload as { attachments?: unknown } | null)?.attachments).toEqual([
      { type: 'image', url, title: null, stickerId: null },
    ]);
  });

  it('takes the entry point from a postback with a referral and from a referral', async () => {
    const person = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    expect((await h.sim.people.getStarted(person, 'verano2026')).status).toBe(200);
    await h.drain();
    let c = await contactOf(person.psid);
    expect(c?.firstEntryPoint).toBe('ref:verano2026');
    expect(c?.lastInboundKind).toBe('postback');
    expect((await h.sim.people.referral(person, 'qr_tienda')).status).toBe(200);
    await h.drain();
    c = await contactOf(person.psid);
    expect(c?.firstEntryPoint).toBe('ref:verano2026');
    expect(c?.lastEntryPoint).toBe('ref:qr_tienda');
    expect(c?.lastInboundKind).toBe('referral');
  });

  it('stores a marketing opt-in token encrypted, follows STOP and RESUME, and keeps a one-time token', async () => {
    const person = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    const optin = await h.sim.people.optInMarketing(person, { title: 'Ofertas', payload: 'DEALS' });
    expect(optin.status).toBe(200);
    await h.drain();
    let c = await contactOf(person.psid);
    expect(c?.hasMarketingToken).toBe(true);
    expect(c?.marketingStatus).toBe('active');
    const raw = await h.database.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', c!.id)
      .executeTakeFirstOrThrow();
    expect(raw.marketing_token_enc).toMatch(/^v1:/);
    expect(JSON.stringify(raw)).not.toContain(optin.token);
    expect((await contacts.getContactTokens(h.database, h.secretKey, c!.id))?.marketing).toBe(optin.token);

    expect((await h.sim.people.stopMarketing(person)).status).toBe(200);
    await h.drain();
    c = await contactOf(person.psid);
    expect(c?.marketingStatus).toBe('stopped');
    expect((await h.sim.people.resumeMarketing(person)).status).toBe(200);
    await h.drain();
    c = await contactOf(person.psid);
    expect(c?.marketingStatus).toBe('active');

    const otn = await h.sim.people.optInOneTime(person, { payload: 'BACK_IN_STOCK' });
    expect(otn.status).toBe(200);
    await h.drain();
    c = await contactOf(person.psid);
    expect(c?.hasOneTimeToken).toBe(true);
    const after = await h.database.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', c!.id)
      .executeTakeFirstOrThrow();
    expect(after.otn_token_enc).toMatch(/^v1:/);
    expect(JSON.stringify(after)).not.toContain(otn.token);
  });

  it('moves delivery and read watermarks onto outbound messages', async () => {
    const person = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    await h.sim.people.sendText(person, 'hola');
    await h.drain();
    const c = (await contactOf(person.psid))!;
    const conversation = await conversations.findOpenConversation(h.database, c.id);
    const sentAt = Date.now() - 10_000;
    const outMid = uid('out');
    await messages.insertMessage(h.database, {
      conversationId: conversation!.id,
      contactId: c.id,
      pageId: PAGE_ID,
      direction: 'out',
      mid: outMid,
      kind: 'text',
      text: 'Gracias por escribir',
      payload: null,
      sender: 'bot',
      createdAt: sentAt,
    });
    expect((await h.sim.people.delivery(person, [outMid], sentAt + 1)).status).toBe(200);
    await h.drain();
    let m = await messages.getMessageByMid(h.database, outMid);
    expect(m?.deliveredAt).not.toBeNull();
    expect(m?.readAt).toBeNull();
    expect((await h.sim.people.read(person, sentAt + 2)).status).toBe(200);
    await h.drain();
    m = await messages.getMessageByMid(h.database, outMid);
    expect(m?.readAt).not.toBeNull();
  });

  it('applies reactions, edits, standby, handover, policy enforcement, comments and unknown kinds', async () => {
    const person = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    const first = await h.sim.people.sendText(person, 'hola');
    const mid = firstMidOf(first.payload);
    await h.drain();
    const base = { sender: { id: person.psid }, recipient: { id: PAGE_ID } };
    const t = Date.now();
    const bodies = [
      envelope([{ ...base, timestamp: t, message_edit: { mid, text: 'hola!!', num_edit: 1 } }]),
      JSON.stringify({
        object: 'page',
        entry: [
          {
            id: PAGE_ID,
            time: t,
            standby: [{ ...base, timestamp: t + 1, message: { mid: uid('sb'), text: 'en standby' } }],
          },
        ],
      }),
      envelope([
        {
          ...base,
          timestamp: t + 2,
          pass_thread_control: { new_owner_app_id: '263902037430900', metadata: 'to inbox' },
        },
      ]),
      envelope([
        {
          recipient: { id: PAGE_ID },
          timestamp: t + 3,
          policy_enforcement: { action: 'block', reason: 'spam' },
        },
      ]),
      envelope([{ ...base, timestamp: t + 4, messaging_game_plays: { game_id: '1', score: 3 } }]),
      JSON.stringify({
        object: 'page',
        entry: [
          {
            id: PAGE_ID,
            time: Math.floor(t / 1000),
            changes: [{ field: 'messenger_template_status_update', value: { event: 'APPROVED' } }],
          },
        ],
      }),
    ];
    for (const body of bodies) expect((await h.postSigned('http', body)).status).toBe(200);
    expect((await h.sim.people.react(person, mid, '❤️')).status).toBe(200);
    const comment = await h.sim.people.comment(person, `${PAGE_ID}_998877665544332`, '¿precio?');
    expect(comment.status).toBe(200);
    await h.drain();

    const c = (await contactOf(person.psid))!;
    expect(c.lastInboundKind).toBe('reaction');
    expect((await pages.getPage(h.database, PAGE_ID))?.status).toBe('restricted');
    const conversation = await conversations.findOpenConversation(h.database, c.id);
    expect(conversation?.threadOwner).toBe('263902037430900');
    const kinds = new Set((await eventRows()).map((r) => r.kind));
    for (const kind of [
      'edit',
      'handover',
      'policy_enforcement',
      'unknown',
      'template_status',
      'reaction',
      'comment',
    ])
      expect(kinds).toContain(kind);

    const unblock = envelope([
      { recipient: { id: PAGE_ID }, timestamp: t + 10, policy_enforcement: { action: 'unblock' } },
    ]);
    expect((await h.postSigned('inject', unblock)).status).toBe(200);
    await h.drain();
    expect((await pages.getPage(h.database, PAGE_ID))?.status).toBe('active');
  });

  it('leaves every body and event processed, with no error recorded', async () => {
    await h.drain();
    const pendingBodies = await h.database.db
      .selectFrom('webhook_bodies')
      .select(['id', 'error'])
      .where((eb) => eb.or([eb('processed_at', 'is', null), eb('error', 'is not', null)]))
      .where('raw', 'not like', '%"object":"instagram"%')
      .execute();
    const badEvents = await h.database.db
      .selectFrom('inbound_log')
      .select(['kind', 'error'])
      .where((eb) => eb.or([eb('processed_at', 'is', null), eb('error', 'is not', null)]))
      .execute();
    expect(pendingBodies).toEqual([]);
    expect(badEvents).toEqual([]);
  });
});

describe('opt-out keywords and the window', () => {
  it.each([
    ['BAJA', 'ALTA'],
    ['STOP', 'START'],
  ])('opts the contact out on %s and back in on %s', async (out, back) => {
    const person = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    await h.sim.people.sendText(person, 'hola');
    await h.drain();
    expect((await contactOf(person.psid))?.optedOutAt).toBeNull();
    await h.sim.people.sendText(person, out);
    await h.drain();
    expect((await contactOf(person.psid))?.optedOutAt).not.toBeNull();
    await h.sim.people.sendText(person, back);
    await h.drain();
    expect((await contactOf(person.psid))?.optedOutAt).toBeNull();
  });

  it('does not opt out a person whose message merely contains a keyword', async () => {
    const person = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    await h.sim.people.sendText(person, 'no quiero cancelar mi pedido, solo cambiar la dirección');
    await h.drain();
    expect((await contactOf(person.psid))?.optedOutAt).toBeNull();
  });

  it('opens the window only for the kinds the rules name: a marketing opt-in alone does not', async () => {
    const person = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    await h.sim.people.optInMarketing(person, { title: 'Novedades', payload: 'NEWS' });
    await h.sim.people.comment(person, `${PAGE_ID}_112233445566778`, 'me interesa');
    await h.drain();
    let c = await contactOf(person.psid);
    expect(c).toBeDefined();
    expect(c?.lastInboundAt).toBeNull();
    const res = await h.sim.people.sendText(person, 'hola');
    await h.drain();
    c = await contactOf(person.psid);
    expect(c?.lastInboundAt).toBe(res.payload.entry[0]?.time);
    expect(c?.lastInboundKind).toBe('message');
  });

  it('creates no contact from deliveries or reads of a person never seen', async () => {
    const stranger = h.sim.people.createPerson({ pageId: PAGE_ID, psid: psid() });
    await h.sim.people.read(stranger);
    await h.sim.people.delivery(stranger, [uid('m')]);
    await h.drain();
    expect(await contactOf(stranger.psid)).toBeUndefined();
  });
});

describe('the composed runtime (startRuntime from parsed configuration)', () => {
  it('verifies, stores and processes webhooks with the configured secrets and body limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventana-runtime-'));
    // The runtime fetches new contacts' profiles: the simulator is its Graph API (loopback only).
    const sim = createSimulator({
      appSecret: APP_SECRET,
      pages: [{ id: PAGE_ID, token: 'runtime-page-token' }],
    });
    const graphUrl = await sim.listen(0);
    const parsed = parseConfig({
      VENTANA_GRAPH_URL: graphUrl,
      VENTANA_DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      VENTANA_APP_SECRET: APP_SECRET,
      VENTANA_VERIFY_TOKEN: VERIFY_TOKEN,
      VENTANA_SECRET_KEY: 'ab'.repeat(32),
      VENTANA_PAGE_ID: PAGE_ID,
      VENTANA_PAGE_ACCESS_TOKEN: 'runtime-page-token',
      VENTANA_WEBHOOK_BODY_LIMIT: '2048',
      VENTANA_LOG_LEVEL: 'silent',
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const runtime = await startRuntime(parsed.config, { demo: false });
    sim.people.webhookUrl = runtime.webhookUrl;
    try {
      expect((await sim.people.handshake(VERIFY_TOKEN)).ok).toBe(true);
      expect((await sim.people.handshake('wrong')).status).toBe(403);
      const person = sim.people.createPerson({ pageId: PAGE_ID });
      expect((await sim.people.sendText(person, 'hola desde el runtime')).status).toBe(200);
      const big = await sim.people.sendText(person, 'x'.repeat(3000));
      expect(big.status).toBe(413);
      // The runtime's own processor picks the body up; wait for it through /health.
      let pending = -1;
      for (let i = 0; i < 200 && pending !== 0; i++) {
        const health = (await (await fetch(`${runtime.url}/health`)).json()) as { pendingBodies: number };
        pending = health.pendingBodies;
        if (pending !== 0) await new Promise((r) => setTimeout(r, 25));
      }
      expect(pending).toBe(0);
      await runtime.processor.drain();
      const counts = await countRows(runtime.database);
      expect(counts).toMatchObject({ bodies: 1, events: 1, contacts: 1, messages: 1 });
    } finally {
      await sim.close();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
