/**
 * Medium tests through the simulator: a tracked link's click shows in the broadcast report, robots
 * and prefetches do not count, the policy still judges the original destination, and a window-aware
 * broadcast reaches each person before their window closes (fake clock).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFanOut } from '../../src/broadcasts/fanout.ts';
import { broadcastReport, controlBroadcast, createBroadcast } from '../../src/broadcasts/service.ts';
import { trackLinks } from '../../src/links/track.ts';
import { dispatchBatch } from '../../src/outbound/batch.ts';
import type { OutboxContent } from '../../src/outbound/content.ts';
import { dispatchOne } from '../../src/outbound/dispatch.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { registerBroadcastRoutes } from '../../src/server/broadcast-routes.ts';
import { registerLinkRoutes } from '../../src/server/link-routes.ts';
import { links, messages, migrateTo, openDatabase, outbox } from '../../src/storage/index.ts';
import { createHarness, H, type Harness } from '../broadcasts/harness.ts';

const PUBLIC = 'https://go.example.com';
const SHOP = 'https://tienda.example.com/ofertas/navidad';
const BLOG = 'https://blog.example.com/guia-regalos';
const TRACKED = /https:\/\/go\.example\.com\/r\/([0-9A-Za-z]{12})/g;

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

async function create(body: Record<string, unknown>) {
  const r = await createBroadcast(h.database, { workspaceId: 'w1', body, lang: 'en', now: h.clock.t });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.broadcast;
}

function pageOf(psid: string): string {
  for (const p of h.sim.state.allPeople()) if (p.psid === psid) return p.pageId;
  throw new Error(`no person ${psid}`);
}

function received(psid: string) {
  return h.sim.state.person(pageOf(psid), psid)!;
}

/** Claims and dispatches everything due at the current fake time. */
async function dispatchDue(publicUrl?: string): Promise<number> {
  let n = 0;
  for (;;) {
    const items = await outbox.claimDueOutbox(h.database, { limit: 100, now: h.clock.t });
    if (items.length === 0) return n;
    n += items.length;
    await dispatchBatch({ ...h.deps, ...(publicUrl ? { publicUrl } : {}) }, items);
  }
}

async function api() {
  const app = Fastify();
  app.addHook('onRequest', async (req) => {
    if (req.url.startsWith('/api/v1/'))
      req.auth = { workspaceId: 'w1', role: 'owner', userId: null, via: 'install_token' };
  });
  registerBroadcastRoutes(app, { database: h.database, rules: createRuleBook(), now: () => h.clock.t });
  registerLinkRoutes(app, { database: h.database, now: () => h.clock.t });
  await app.ready();
  return app;
}

describe('tracked links in a broadcast', () => {
  it("counts a person's clicks in the report (people once, every click), ignoring robots, HEAD and prefetches", async () => {
    const ana = await h.person({ hoursAgo: 1, firstName: 'Ana' });
    const bea = await h.person({ hoursAgo: 2, firstName: 'Bea' });
    const b = await create({
      name: 'Navidad',
      intent: 'promotional',
      content: {
        message: {
          type: 'button_template',
          text: 'Hola {{first_name|amigo}}, ideas en https://blog.example.com/guia-regalos.',
          buttons: [{ type: 'web_url', title: 'Ver ofertas', url: SHOP }],
        },
      },
    });
    await controlBroadcast(h.database, b.id, 'send', h.clock.t);
    await runFanOut(h.database, b.id, { now: () => h.clock.t });
    expect(await dispatchDue(PUBLIC)).toBe(2);
    expect(h.sim.state.counters.violations).toBe(0);

    const sent = JSON.stringify(received(ana.psid).inbox[0]?.message);
    const codes = [...sent.matchAll(TRACKED)].map((m) => m[1]!);
    expect(codes).toHaveLength(2);
    expect(sent).not.toContain('tienda.example.com');
    expect(sent).not.toContain('blog.example.com');
    expect(sent).toContain('Hola Ana');
    // Each person gets their own codes.
    const beaCodes = [...JSON.stringify(received(bea.psid).inbox[0]?.message).matchAll(TRACKED)].map(
      (m) => m[1],
    );
    expect(beaCodes.filter((c) => codes.includes(c!))).toEqual([]);
    // The conversation keeps the text as written.
    const logged = await h.database.db
      .selectFrom('messages')
      .select('text')
      .where('contact_id', '=', ana.contactId)
      .executeTakeFirstOrThrow();
    expect(logged.text).toContain(BLOG);

    const app = await api();
    const shopCode = (await links.linksOfContact(h.database, ana.contactId)).find(
      (l) => l.url === SHOP,
    )!.code;
    const click = await app.inject({ method: 'GET', url: `/r/${shopCode}` });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe(SHOP);
    expect(click.headers['referrer-policy']).toBe('no-referrer');
    expect((await app.inject({ method: 'GET', url: `/r/${shopCode}` })).statusCode).toBe(302);
    // Not clicks: a HEAD, a browser prefetch, Messenger's link-preview robot.
    expect((await app.inject({ method: 'HEAD', url: `/r/${shopCode}` })).statusCode).toBe(302);
    expect(
      (await app.inject({ method: 'GET', url: `/r/${shopCode}`, headers: { purpose: 'prefetch' } }))
        .statusCode,
    ).toBe(302);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/r/${shopCode}`,
          headers: { 'sec-purpose': 'prefetch;prerender' },
        })
      ).statusCode,
    ).toBe(302);
    const robot = await app.inject({
      method: 'GET',
      url: `/r/${shopCode}`,
      headers: { 'user-agent': 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)' },
    });
    expect(robot.statusCode).toBe(302);
    const beaShop = (await links.linksOfContact(h.database, bea.contactId)).find((l) => l.url === SHOP)!.code;
    await app.inject({ method: 'GET', url: `/r/${beaShop}` });

    const report = await app.inject({ method: 'GET', url: `/api/v1/broadcasts/${b.id}/report` });
    expect(report.json()).toMatchObject({
      sent: 2,
      clicked: { people: 2, total: 3, byUrl: [{ url: SHOP, people: 2, total: 3 }] },
    });
    const clickers = (
      await app.inject({ method: 'GET', url: `/api/v1/broadcasts/${b.id}/clicks?limit=1` })
    ).json();
    expect(clickers.items).toHaveLength(1);
    const rest = (
      await app.inject({
        method: 'GET',
        url: `/api/v1/broadcasts/${b.id}/clicks?cursor=${clickers.nextCursor}`,
      })
    ).json();
    const all = [...clickers.items, ...rest.items];
    expect(all.map((c: { psid: string; clicks: number }) => [c.psid, c.clicks]).sort()).toEqual(
      [
        [ana.psid, 2],
        [bea.psid, 1],
      ].sort(),
    );
    expect(rest.nextCursor).toBeNull();
    const list = (await app.inject({ method: 'GET', url: '/api/v1/broadcasts' })).json();
    expect(list.items.map((x: { id: string }) => x.id)).toEqual([b.id]);
    await app.close();
  });

  it('reports sent, delivered and read (watermarks), clicked, refused with why and failed with why', async () => {
    const ana = await h.person({ hoursAgo: 1 });
    const bea = await h.person({ hoursAgo: 1 });
    const blocked = await h.person({ hoursAgo: 1 });
    await h.person({ hoursAgo: 30 });
    const b = await create({
      name: 'Informe',
      intent: 'promotional',
      content: { message: { type: 'text', text: `Rebajas: ${SHOP}` } },
    });
    h.sim.faults.add({ kind: 'blocked_551', pageId: received(blocked.psid).pageId, psid: blocked.psid });
    await controlBroadcast(h.database, b.id, 'send', h.clock.t);
    await runFanOut(h.database, b.id, { now: () => h.clock.t });
    await dispatchDue(PUBLIC);
    const sentAt = h.clock.t;
    h.clock.t += 60_000;
    // What the webhook processor does with Meta's delivery and read watermarks.
    await messages.applyWatermark(h.database, {
      contactId: ana.contactId,
      kind: 'read',
      watermark: sentAt,
      at: h.clock.t,
    });
    await messages.applyWatermark(h.database, {
      contactId: bea.contactId,
      kind: 'delivered',
      watermark: sentAt,
      at: h.clock.t,
    });
    const code = (await links.linksOfContact(h.database, bea.contactId))[0]!.code;
    const app = await api();
    await app.inject({ method: 'GET', url: `/r/${code}` });
    const report = (await app.inject({ method: 'GET', url: `/api/v1/broadcasts/${b.id}/report` })).json();
    expect(report).toMatchObject({
      status: 'done',
      sent: 2,
      delivered: 2,
      read: 1,
      clicked: { people: 1, total: 1 },
      refusedByReason: { outside_window: 1 },
      failedByReason: { contact_unreachable: 1 },
      skipped: 0,
      nextDueAt: null,
    });
    await app.close();
  });

  it('sends a retried message with the code minted on the first attempt', async () => {
    const ana = await h.person({ hoursAgo: 1 });
    const b = await create({
      name: 'Reintento',
      intent: 'promotional',
      content: { message: { type: 'text', text: `Ofertas: ${SHOP}` } },
    });
    await controlBroadcast(h.database, b.id, 'send', h.clock.t);
    await runFanOut(h.database, b.id, { now: () => h.clock.t });
    // Fails this attempt (the client's own quick retry included); the row is rescheduled.
    h.sim.faults.add({ kind: 'http_500', pageId: received(ana.psid).pageId, count: 5 });
    await dispatchDue(PUBLIC);
    expect(received(ana.psid).messagesReceived).toBe(0);
    h.sim.faults.clear();
    const minted = await links.linksOfContact(h.database, ana.contactId);
    expect(minted).toHaveLength(1);
    h.clock.t += 10 * 60_000;
    await dispatchDue(PUBLIC);
    expect(received(ana.psid).messagesReceived).toBe(1);
    expect(JSON.stringify(received(ana.psid).inbox[0]?.message)).toContain(`${PUBLIC}/r/${minted[0]!.code}`);
    expect(await links.linksOfContact(h.database, ana.contactId)).toHaveLength(1);
  });

  it('answers an unknown or malformed code with a 404 page in Spanish or English', async () => {
    const app = await api();
    const es = await app.inject({
      method: 'GET',
      url: '/r/ZZZZZZZZZZZZ',
      headers: { 'accept-language': 'es-ES' },
    });
    expect(es.statusCode).toBe(404);
    expect(es.headers['content-type']).toContain('text/html');
    expect(es.body).toContain('Enlace no encontrado');
    const en = await app.inject({ method: 'GET', url: '/r/ZZZZZZZZZZZZ' });
    expect(en.statusCode).toBe(404);
    expect(en.body).toContain('Link not found');
    expect((await app.inject({ method: 'GET', url: '/r/short' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: "/r/'%20or%201=1" })).statusCode).toBe(404);
    await app.close();
  });

  it('sends links as written when the broadcast opts out of tracking', async () => {
    const ana = await h.person({ hoursAgo: 1 });
    const b = await create({
      name: 'Sin seguimiento',
      intent: 'promotional',
      trackLinks: false,
      content: { message: { type: 'text', text: `Ofertas: ${SHOP}` } },
    });
    await controlBroadcast(h.database, b.id, 'send', h.clock.t);
    await runFanOut(h.database, b.id, { now: () => h.clock.t });
    await dispatchDue(PUBLIC);
    expect(JSON.stringify(received(ana.psid).inbox[0]?.message)).toContain(SHOP);
    expect(await links.linksOfContact(h.database, ana.contactId)).toEqual([]);
  });

  it('judges the original destination at dispatch for content tracked before enqueueing (sequences, flows)', async () => {
    const ana = await h.person({ hoursAgo: 1 });
    const content: OutboxContent = {
      message: {
        type: 'button_template',
        text: 'Novedades',
        buttons: [{ type: 'web_url', title: 'Ver', url: SHOP }],
      },
    };
    const input = {
      workspaceId: 'w1',
      content,
      origin: { kind: 'sequence' as const, id: 's1' },
      contactId: ana.contactId,
      baseUrl: PUBLIC,
    };
    const tracked = await trackLinks(h.database, input, { now: h.clock.t });
    // Idempotent: the same person, origin and URL get the same code again.
    expect(await trackLinks(h.database, input, { now: h.clock.t + 1 })).toEqual(tracked);
    expect(JSON.stringify(tracked.message)).toMatch(TRACKED);
    await outbox.enqueueOutbox(h.database, [
      {
        workspaceId: 'w1',
        pageId: received(ana.psid).pageId,
        contactId: ana.contactId,
        origin: 'api',
        idempotencyKey: 'seq-1',
        content: tracked as never,
        now: h.clock.t,
      },
    ]);
    const [item] = await outbox.claimDueOutbox(h.database, { limit: 1, now: h.clock.t });
    const result = await dispatchOne(h.deps, item!);
    expect(result.status).toBe('sent');
    if (result.status !== 'sent') return;
    expect(result.decision.promotional.signals.map((s) => [s.kind, s.text])).toContainEqual([
      'shop_link',
      SHOP,
    ]);
    expect(JSON.stringify(received(ana.psid).inbox[0]?.message)).not.toContain('tienda.example.com');
  });
});

describe('a window-aware broadcast', () => {
  it('reaches each person before their window closes, the rest at the scheduled time (fake clock)', async () => {
    const start = h.clock.t;
    const margin = 60;
    // Windows close 22 h, 4 h, 3 h and 30 min from now; one closed 6 h ago.
    const people = [
      { p: await h.person({ hoursAgo: 2, firstName: 'Open' }), closes: start + 22 * H },
      { p: await h.person({ hoursAgo: 20, firstName: 'Four' }), closes: start + 4 * H },
      { p: await h.person({ hoursAgo: 21, firstName: 'Three' }), closes: start + 3 * H },
      { p: await h.person({ hoursAgo: 23.5, firstName: 'Half' }), closes: start + 0.5 * H },
    ];
    const closed = await h.person({ hoursAgo: 30, firstName: 'Closed' });
    const at = new Date(start + 10 * H).toISOString();
    const b = await create({
      name: 'Aviso',
      intent: 'promotional',
      schedule: { at, beforeWindowCloses: true, windowMarginMinutes: margin },
      content: { message: { type: 'text', text: 'Hola {{first_name}}, 20% hoy' } },
    });

    const app = await api();
    const pf = (await app.inject({ method: 'GET', url: `/api/v1/broadcasts/${b.id}/preflight` })).json();
    const groups = Object.fromEntries(pf.groups.map((g: { key: string; count: number }) => [g.key, g.count]));
    // Standard for everyone with a window (three of them only because they go before it closes);
    // the closed one would be refused at the scheduled time.
    expect(groups).toEqual({ standard_now: 1, standard_before_close: 3, 'refused:outside_window': 1 });
    const early = pf.groups.find((g: { key: string }) => g.key === 'standard_before_close');
    expect(early.label).toContain('before their window closes');
    expect(early.dueEarliest).toBe(new Date(start).toISOString());
    expect(early.dueLatest).toBe(new Date(start + 3 * H).toISOString());

    await app.inject({ method: 'POST', url: `/api/v1/broadcasts/${b.id}/send` });
    // The fan-out runs in the background; wait for it to finish.
    for (let i = 0; i < 100 && !(await broadcastReport(h.database, b.id, h.clock.t))?.fanOutDone; i++)
      await new Promise((r) => setTimeout(r, 10));
    const arrived = new Map<string, number>();
    for (let step = 0; step <= 24; step++) {
      await dispatchDue();
      for (const { p } of people)
        if (!arrived.has(p.psid) && received(p.psid).messagesReceived > 0) arrived.set(p.psid, h.clock.t);
      h.clock.t += 30 * 60_000;
    }
    for (const { p, closes } of people) {
      expect(received(p.psid).messagesReceived).toBe(1);
      expect(arrived.get(p.psid)!).toBeLessThan(closes);
    }
    // The person whose window stays open past the scheduled time got it at that time, not earlier.
    expect(arrived.get(people[0]!.p.psid)).toBe(start + 10 * H);
    expect(arrived.get(people[1]!.p.psid)).toBe(start + 3 * H);
    expect(arrived.get(people[3]!.p.psid)).toBe(start);
    expect(received(closed.psid).messagesReceived).toBe(0);
    expect(h.sim.state.counters.violations).toBe(0);
    const report = (await app.inject({ method: 'GET', url: `/api/v1/broadcasts/${b.id}/report` })).json();
    expect(report).toMatchObject({ status: 'done', sent: 4, refusedByReason: { outside_window: 1 } });
    await app.close();
  });

  it('skips people whose window is already closed when asked, and counts them', async () => {
    await h.person({ hoursAgo: 2 });
    await h.person({ hoursAgo: 30 });
    await h.person({ hoursAgo: 40 });
    const b = await create({
      name: 'Solo ventana',
      intent: 'promotional',
      schedule: {
        at: new Date(h.clock.t + 5 * H).toISOString(),
        beforeWindowCloses: true,
        closedWindow: 'skip',
      },
      content: { message: { type: 'text', text: '2x1 hoy' } },
    });
    const app = await api();
    const pf = (
      await app.inject({ method: 'GET', url: `/api/v1/broadcasts/${b.id}/preflight?lang=es` })
    ).json();
    expect(pf).toMatchObject({ total: 3, allowed: 1, skipped: 2, refused: 0 });
    expect(pf.groups.find((g: { key: string }) => g.key === 'skipped:window_closed').label).toContain(
      'omitidos',
    );
    await controlBroadcast(h.database, b.id, 'send', h.clock.t);
    await runFanOut(h.database, b.id, { now: () => h.clock.t });
    const report = await broadcastReport(h.database, b.id, h.clock.t);
    expect(report).toMatchObject({ enqueued: 1, skipped: 2, nextDueAt: h.clock.t + 5 * H });
    await app.close();
  });
});

describe('a scheduled broadcast across a restart', () => {
  it('waits in the outbox, and a new process sends it at the time, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventana-restart-'));
    const file = `sqlite:${join(dir, 'v.db')}`;
    const first = await createHarness({ databaseUrl: file });
    try {
      const p = await first.person({ hoursAgo: 1 });
      const at = first.clock.t + 2 * H;
      const r = await createBroadcast(first.database, {
        workspaceId: 'w1',
        body: {
          name: 'Luego',
          intent: 'promotional',
          schedule: { at: new Date(at).toISOString() },
          content: { message: { type: 'text', text: `Hoy: ${SHOP}` } },
        },
        lang: 'en',
        now: first.clock.t,
      });
      if (!r.ok) throw new Error('not created');
      await controlBroadcast(first.database, r.broadcast.id, 'send', first.clock.t);
      await runFanOut(first.database, r.broadcast.id, { now: () => first.clock.t });
      expect(await outbox.claimDueOutbox(first.database, { limit: 10, now: first.clock.t })).toEqual([]);

      // "Restart": a new connection to the same file, with its own caches, two hours later.
      const reopened = await openDatabase(file, { migrate: true });
      try {
        first.clock.t = at;
        const deps = { ...first.deps, database: reopened, publicUrl: PUBLIC };
        const due = await outbox.claimDueOutbox(reopened, { limit: 10, now: first.clock.t });
        expect(due).toHaveLength(1);
        expect((await dispatchBatch(deps, due))[0]?.status).toBe('sent');
        expect(await outbox.claimDueOutbox(reopened, { limit: 10, now: first.clock.t + 24 * H })).toEqual([]);
        const person = [...first.sim.state.allPeople()].find((x) => x.psid === p.psid)!;
        expect(person.messagesReceived).toBe(1);
        expect(JSON.stringify(person.inbox[0]?.message)).toMatch(TRACKED);
        expect(await broadcastReport(reopened, r.broadcast.id, first.clock.t)).toMatchObject({
          status: 'done',
          sent: 1,
        });
        // The migration (and every later one) also goes back down cleanly.
        await migrateTo(reopened, '0005_sequences');
        const cols = await reopened.db.introspection.getTables();
        expect(cols.map((t) => t.name)).not.toContain('tracked_links');
      } finally {
        await reopened.close();
      }
    } finally {
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
