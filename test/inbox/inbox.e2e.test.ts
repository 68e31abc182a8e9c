/**
 * The inbox end to end: a running Ventana (demo mode: the simulator and its fake people), real signed
 * webhooks, the real send pipeline, the REST API over HTTP and a live stream client.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import type { Person } from '../../src/simulator/types.ts';
import { pollUntil } from '../support/poll.ts';

const H = 3_600_000;
const D = 24 * H;
let t = Math.floor(Date.now() / 1000) * 1000;
let runtime: Runtime;
let person: Person;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-inbox-'));
  const parsed = parseConfig({ VENTANA_DATA_DIR: dir, PORT: '0', VENTANA_LOG_LEVEL: 'silent' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  runtime = await startRuntime(parsed.config, { now: () => t });
  await runtime.settle();
});

afterAll(async () => {
  await runtime?.close();
});

function at(ms: number): void {
  t = ms;
  runtime.demo!.simulator.clock.set(t);
}

async function api(method: string, path: string, body?: unknown, lang = 'en') {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${runtime.secrets.apiToken}`,
      'accept-language': lang,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? null : JSON.parse(text) };
}

/** A live stream client collecting the events it receives. */
function openStream() {
  const controller = new AbortController();
  const events: { event: string; data: Record<string, unknown> }[] = [];
  const ready = fetch(`${runtime.url}/api/v1/stream`, {
    headers: { authorization: `Bearer ${runtime.secrets.apiToken}` },
    signal: controller.signal,
  }).then(async (res) => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let cut = buffer.indexOf('\n\n');
          while (cut >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = /^event: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
            cut = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted
      }
    })();
    return res;
  });
  return { events, ready, close: () => controller.abort() };
}

const sends = (psid: string) =>
  runtime
    .demo!.simulator.state.requests.toArray()
    .filter((r) => r.endpoint === 'send' && r.psid === psid)
    .map((r) => r.body as { messaging_type?: string; tag?: string; message?: { text?: string } });

describe('the inbox on the simulator', () => {
  let conversationId: string;

  it('shows a new message live and lists the conversation as unassigned with an open window', async () => {
    const stream = openStream();
    const res = await stream.ready;
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    await new Promise((r) => setTimeout(r, 700)); // the shared poller primes itself first
    at(t);
    person = runtime.demo!.simulator.people.createPerson({
      pageId: runtime.demo!.pageId,
      firstName: 'Paula',
      lastName: 'Ruiz',
      locale: 'es_ES',
      country: 'ES',
    });
    expect((await runtime.demo!.simulator.people.sendText(person, 'Hola, ¿enviáis a Sevilla?')).status).toBe(
      200,
    );
    await runtime.settle();
    const live = await pollUntil('the message on the live stream', () =>
      stream.events.find((e) => e.event === 'message' && e.data.text === 'Hola, ¿enviáis a Sevilla?'),
    );
    expect(live.data).toMatchObject({ direction: 'in', author: 'contact' });
    await pollUntil('the conversation on the live stream', () =>
      stream.events.find((e) => e.event === 'conversation'),
    );
    stream.close();

    const list = await api('GET', '/api/v1/conversations?filter=unassigned');
    const item = list.body.items.find((c: { contact: { psid: string } }) => c.contact.psid === person.psid);
    expect(item).toMatchObject({
      status: 'open',
      assignedUserId: null,
      unreadCount: 1,
      threadOwner: 'app',
      contact: { firstName: 'Paula', window: { state: 'open' } },
    });
    // The simulator's clock runs on from `t`: the window is measured from the stored inbound.
    expect(item.contact.window.closesAt).toBe(item.contact.lastInboundAt + 24 * H);
    conversationId = item.id;
    const waiting = await api('GET', '/api/v1/conversations?filter=waiting');
    expect(waiting.body.items.map((c: { id: string }) => c.id)).toContain(conversationId);
  });

  it('previews and sends a reply inside the window through the standard route', async () => {
    at(t + 2 * 60_000);
    const preview = await api('POST', `/api/v1/conversations/${conversationId}/preview`, {
      text: 'Hola {{first_name}}, sí: enviamos a toda España.',
    });
    expect(preview.status).toBe(200);
    expect(preview.body.decision).toMatchObject({ allowed: true, route: 'standard' });
    expect(preview.body.text).toBe('Hola Paula, sí: enviamos a toda España.');
    expect(sends(person.psid)).toHaveLength(0);

    const reply = await api('POST', `/api/v1/conversations/${conversationId}/reply`, {
      text: 'Hola {{first_name}}, sí: enviamos a toda España.',
    });
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ outboxId: expect.any(String), decision: { route: 'standard' } });
    await runtime.settle();
    expect(sends(person.psid).at(-1)).toMatchObject({
      messaging_type: 'RESPONSE',
      message: { text: 'Hola Paula, sí: enviamos a toda España.' },
    });
    const messages = await api('GET', `/api/v1/conversations/${conversationId}/messages`);
    expect(
      messages.body.items.map((m: { author: string; route: string | null }) => [m.author, m.route]),
    ).toEqual([
      ['contact', null],
      ['human', 'standard'],
    ]);
    const after = await api('GET', '/api/v1/conversations?filter=waiting');
    expect(after.body.items.map((c: { id: string }) => c.id)).not.toContain(conversationId);
  });

  it('sends a human reply 30 h later with the HUMAN_AGENT tag', async () => {
    at(t + 30 * H - 2 * 60_000);
    const conv = await api('GET', `/api/v1/conversations/${conversationId}`);
    expect(conv.body.contact.window).toMatchObject({ state: 'human_agent' });
    const reply = await api('POST', `/api/v1/conversations/${conversationId}/reply`, {
      text: 'Tu pedido sale mañana por la mañana.',
    });
    expect(reply.status).toBe(202);
    expect(reply.body.decision).toMatchObject({ route: 'human_agent', send: { tag: 'HUMAN_AGENT' } });
    await runtime.settle();
    expect(sends(person.psid).at(-1)).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('refuses a reply 8 days later with 422, the reasons and the lawful alternatives, and enqueues nothing', async () => {
    at(t + 7 * D);
    const before = sends(person.psid).length;
    const reply = await api(
      'POST',
      `/api/v1/conversations/${conversationId}/reply`,
      { text: 'Hola, ¿sigues interesado?' },
      'es',
    );
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('reply_refused');
    expect(reply.body.error.reasons.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining(['outside_window', 'human_agent_window_expired']),
    );
    expect(reply.body.error.alternatives.map((a: { code: string }) => a.code)).toContain('wait_for_inbound');
    expect(reply.body.error.message).toContain('no se puede enviar');
    const conv = await api('GET', `/api/v1/conversations/${conversationId}`);
    expect(conv.body.contact.window.state).toBe('closed');
    const outbox = await runtime.database.db
      .selectFrom('outbox')
      .select('id')
      .where('origin', '=', 'agent')
      .where('origin_id', '=', conversationId)
      .execute();
    expect(outbox).toHaveLength(2);
    await runtime.settle();
    expect(sends(person.psid)).toHaveLength(before);
  });

  it('shows a reply typed in the Page Inbox as a human reply', async () => {
    expect((await runtime.demo!.simulator.people.echoFromPageInbox(person, 'Te llamamos hoy.')).status).toBe(
      200,
    );
    await runtime.settle();
    const messages = await api('GET', `/api/v1/conversations/${conversationId}/messages`);
    expect(messages.body.items.at(-1)).toMatchObject({
      text: 'Te llamamos hoy.',
      direction: 'out',
      author: 'human',
      via: 'page_inbox',
    });
  });

  it('shows the pictures and files a person sends and the Page Inbox answers with, with their links', async () => {
    const people = runtime.demo!.simulator.people;
    expect(
      (await people.sendAttachment(person, 'image', 'https://scontent.example/zapatilla.jpg')).status,
    ).toBe(200);
    expect((await people.sendAttachment(person, 'file', 'https://cdn.example/factura.pdf')).status).toBe(200);
    expect((await people.echoFromPageInbox(person, null, 'https://scontent.example/talla.png')).status).toBe(
      200,
    );
    await runtime.settle();
    const messages = await api('GET', `/api/v1/conversations/${conversationId}/messages`);
    expect(messages.body.items.slice(-3)).toMatchObject([
      {
        direction: 'in',
        text: null,
        attachments: [{ type: 'image', url: 'https://scontent.example/zapatilla.jpg' }],
      },
      { direction: 'in', attachments: [{ type: 'file', url: 'https://cdn.example/factura.pdf' }] },
      {
        direction: 'out',
        via: 'page_inbox',
        attachments: [{ type: 'image', url: 'https://scontent.example/talla.png' }],
      },
    ]);
  });

  it('hands the thread to the Page Inbox, refuses replies meanwhile, and takes it back', async () => {
    at(t + 10 * 60_000);
    await runtime.demo!.simulator.people.sendText(person, '¿Me ayudáis?');
    await runtime.settle();
    const passed = await api('POST', `/api/v1/conversations/${conversationId}/handover`, {
      to: 'page_inbox',
    });
    expect(passed.status).toBe(200);
    expect(passed.body.threadOwner).toBe('page_inbox');
    const refused = await api('POST', `/api/v1/conversations/${conversationId}/reply`, { text: 'Claro' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('thread_owned_by_page_inbox');
    const taken = await api('POST', `/api/v1/conversations/${conversationId}/handover`, { to: 'app' });
    expect(taken.body.threadOwner).toBe('app');
    const ok = await api('POST', `/api/v1/conversations/${conversationId}/reply`, { text: 'Claro, dime.' });
    expect(ok.status).toBe(202);
    await runtime.settle();
    expect(sends(person.psid).at(-1)).toMatchObject({ messaging_type: 'RESPONSE' });
    expect(runtime.demo!.simulator.state.counters.violations).toBe(0);
  });

  it("tells the contact's story in one timeline: events, messages both ways, decisions", async () => {
    at(t + 60_000);
    await runtime.demo!.simulator.people.referral(person, 'summer-qr');
    await runtime.settle();
    const conv = await api('GET', `/api/v1/conversations/${conversationId}`);
    const tl = await api('GET', `/api/v1/contacts/${conv.body.contact.id}/timeline`);
    expect(tl.status).toBe(200);
    const types = new Set(tl.body.items.map((i: { type: string }) => i.type));
    expect([...types].sort()).toEqual(['decision', 'event', 'message']);
    expect(tl.body.items[0]).toMatchObject({ type: 'event', kind: 'referral', detail: { ref: 'summer-qr' } });
    const decisions = tl.body.items.filter((i: { type: string }) => i.type === 'decision');
    expect(decisions.map((d: { allowed: boolean; route: string | null }) => [d.allowed, d.route])).toEqual([
      [true, 'standard'],
      [false, null],
      [true, 'human_agent'],
      [true, 'standard'],
    ]);
  });

  it('lets the demo panel act as a person writing to the Page', async () => {
    const people = await api('GET', '/api/v1/demo/people');
    expect(people.body.items.map((p: { firstName: string }) => p.firstName)).toContain('Lucía');
    const lucia = people.body.items.find((p: { firstName: string }) => p.firstName === 'Lucía');
    const sent = await api('POST', `/api/v1/demo/people/${lucia.psid}/messages`, {
      text: '¿Abrís el domingo?',
    });
    expect(sent.status).toBe(202);
    await runtime.settle();
    const contacts = await api('GET', `/api/v1/contacts?search=${encodeURIComponent(lucia.psid)}`);
    expect(contacts.body.items[0]).toMatchObject({ firstName: 'Lucía', window: { state: 'open' } });
    const missing = await api('POST', '/api/v1/demo/people/nobody/messages', { text: 'hola' }, 'es');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('persona de demostración');
  });

  it('sums the day in the overview: sends by route, refusals by reason', async () => {
    const o = await api('GET', `/api/v1/analytics/overview?from=${t - 10 * D}&to=${t + H}`);
    expect(o.status).toBe(200);
    expect(o.body.totals.contacts).toBeGreaterThanOrEqual(5);
    expect(o.body.byRoute.map((r: { route: string }) => r.route)).toEqual(
      expect.arrayContaining(['standard', 'human_agent']),
    );
    expect(o.body.byDay.length).toBeGreaterThanOrEqual(10);
    // The agent's refused reply 8 days later is a Page restriction avoided.
    expect(o.body.refusedByReason.map((r: { code: string }) => r.code)).toContain(
      'human_agent_window_expired',
    );
  });
});
