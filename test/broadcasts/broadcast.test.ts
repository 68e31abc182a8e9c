import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFanOut } from '../../src/broadcasts/fanout.ts';
import { runBroadcast } from '../../src/broadcasts/runner.ts';
import {
  broadcastProgress,
  broadcastReport,
  controlBroadcast,
  createBroadcast,
} from '../../src/broadcasts/service.ts';
import { dispatchBatch } from '../../src/outbound/batch.ts';
import { createOutboxWorker } from '../../src/outbound/worker.ts';
import { contacts, growth, outbox } from '../../src/storage/index.ts';
import { createHarness, H, type Harness, PAGE_A, PAGE_B } from './harness.ts';

const PROMO = {
  name: 'Black Friday',
  intent: 'promotional',
  audience: {},
  content: {
    message: {
      type: 'text',
      text: 'Hola {{first_name|amigo}}: 30% de descuento con el código FRIDAY30, solo hoy',
    },
  },
};

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

async function countBroadcasts(): Promise<number> {
  const row = await h.database.db
    .selectFrom('broadcasts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function create(body: unknown) {
  const r = await createBroadcast(h.database, { workspaceId: 'w1', body, lang: 'en', now: h.clock.t });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.broadcast;
}

describe('creating a broadcast', () => {
  it('refuses invalid input naming the field, in Spanish and English, and stores nothing', async () => {
    const bad = { ...PROMO, content: { message: { type: 'text' } }, intent: 'maybe' };
    const en = await createBroadcast(h.database, {
      workspaceId: 'w1',
      body: bad,
      lang: 'en',
      now: h.clock.t,
    });
    const es = await createBroadcast(h.database, {
      workspaceId: 'w1',
      body: bad,
      lang: 'es',
      now: h.clock.t,
    });
    expect(en.ok).toBe(false);
    expect(es.ok).toBe(false);
    if (en.ok || es.ok) return;
    expect(en.problems.map((p) => p.field).sort()).toEqual(['content.message.text', 'intent']);
    expect(en.problems.find((p) => p.field === 'intent')?.message).toContain('invalid value');
    expect(es.problems.find((p) => p.field === 'intent')?.message).toContain('valor no válido');
    const tooLong = await createBroadcast(h.database, {
      workspaceId: 'w1',
      body: { ...PROMO, content: { message: { type: 'text', text: 'x'.repeat(2100) } } },
      lang: 'es',
      now: h.clock.t,
    });
    expect(tooLong.ok ? [] : tooLong.problems.map((p) => p.field)).toEqual(['content.message.text']);
    expect(await countBroadcasts()).toBe(0);
  });

  it('refuses promotional content declared non-promotional, with the signals', async () => {
    const r = await createBroadcast(h.database, {
      workspaceId: 'w1',
      body: { ...PROMO, intent: 'non_promotional' },
      lang: 'en',
      now: h.clock.t,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ field: 'intent', code: 'promotional_not_allowed' });
    expect(r.problems[0]?.message).toMatch(/coupon|discount/);
    expect(await countBroadcasts()).toBe(0);
  });

  it('stores the classifier verdict with its signals', async () => {
    const b = await create(PROMO);
    expect(b.verdict.promotional).toBe(true);
    expect(b.verdict.signals.length).toBeGreaterThan(0);
    expect(b.status).toBe('draft');
  });
});

describe('sending a broadcast', () => {
  it('sends each person in the window exactly once, refuses the others with the reason, breaks no rule', async () => {
    const inside = [];
    for (let i = 0; i < 30; i++)
      inside.push(await h.person({ hoursAgo: 2, firstName: `P${i}`, page: i % 2 ? PAGE_B : undefined }));
    const outside = [];
    for (let i = 0; i < 10; i++) outside.push(await h.person({ hoursAgo: 30 }));
    const b = await create(PROMO);
    expect((await controlBroadcast(h.database, b.id, 'send', h.clock.t)).ok).toBe(true);
    const end = await runBroadcast(h.deps, b.id, { pollMs: 20 });
    expect(end?.status).toBe('done');
    // Resuming a finished fan-out enqueues nobody twice.
    expect(await runFanOut(h.database, b.id, { now: () => h.clock.t })).toBe('done');

    for (const p of inside) expect(h.sim.state.person(personPage(p.psid), p.psid)?.messagesReceived).toBe(1);
    for (const p of outside) expect(h.sim.state.person(personPage(p.psid), p.psid)?.messagesReceived).toBe(0);
    expect(h.sim.state.counters.violations).toBe(0);
    const inbox = h.sim.state.person(personPage(inside[0]!.psid), inside[0]!.psid)?.inbox[0]?.message as {
      text?: string;
    };
    expect(inbox.text).toContain('Hola P0');

    const report = await broadcastReport(h.database, b.id, h.clock.t);
    expect(report).toMatchObject({ status: 'done', sent: 30, unknown: 0 });
    expect(report?.counts.refused).toBe(10);
    expect(report?.refusedByReason.outside_window).toBe(10);
  });

  it('sends a utility template broadcast only while Ventana knows the template as APPROVED', async () => {
    await h.close();
    h = await createHarness({ permissions: { utilityMessaging: true } });
    const people = [];
    for (let i = 0; i < 4; i++) people.push(await h.person({ hoursAgo: 30 }));
    const created = await h.sim.app.inject({
      method: 'POST',
      url: `/v26.0/${PAGE_A}/message_templates?access_token=token-a`,
      payload: {
        name: 'order_update',
        category: 'UTILITY',
        language: 'es',
        components: [{ type: 'BODY', text: 'Hola {{1}}, hay novedades sobre tu pedido.' }],
      },
    });
    expect(created.json()).toMatchObject({ status: 'APPROVED' });
    const known = await growth.insertTemplate(h.database, {
      workspaceId: 'w1',
      pageId: PAGE_A,
      name: 'order_update',
      language: 'es',
      category: 'UTILITY',
      definition: {},
      now: h.clock.t,
    });
    expect(known.ok).toBe(true);
    const body = {
      name: 'Pedidos',
      intent: 'transactional',
      audience: { pageIds: [PAGE_A] },
      content: {
        message: { type: 'utility_template', name: 'order_update', language: 'es', bodyParameters: ['Ana'] },
      },
    };
    const send = async () => {
      const b = await create(body);
      expect((await controlBroadcast(h.database, b.id, 'send', h.clock.t)).ok).toBe(true);
      expect((await runBroadcast(h.deps, b.id, { pollMs: 20 }))?.status).toBe('done');
      return broadcastReport(h.database, b.id, h.clock.t);
    };
    const pageAPeople = people.filter((p) => personPage(p.psid) === PAGE_A).length;
    expect(pageAPeople).toBeGreaterThan(0);

    // Still a draft in Ventana: nobody gets it, whatever Meta says.
    const draft = await send();
    expect(draft).toMatchObject({ sent: 0 });
    expect(draft?.refusedByReason.template_not_approved).toBe(pageAPeople);

    await growth.applyTemplateStatus(h.database, {
      pageId: PAGE_A,
      metaId: null,
      name: 'order_update',
      language: 'es',
      status: 'APPROVED',
      reason: null,
      at: h.clock.t,
    });
    expect(await send()).toMatchObject({ sent: pageAPeople, unknown: 0 });
    expect(h.sim.state.counters.violations).toBe(0);
  });

  it("goes through the server's outbox worker too: the rows of a claim dispatched together, each person once", async () => {
    const inside = [];
    for (let i = 0; i < 25; i++)
      inside.push(await h.person({ hoursAgo: 2, firstName: `W${i}`, page: i % 2 ? PAGE_B : undefined }));
    for (let i = 0; i < 5; i++) await h.person({ hoursAgo: 30 });
    const b = await create(PROMO);
    await controlBroadcast(h.database, b.id, 'send', h.clock.t);
    expect(await runFanOut(h.database, b.id, { now: () => h.clock.t })).toBe('done');
    // As `ventana start` and `ventana worker` build it: no batch option, 64 in flight.
    const results: string[] = [];
    // A clock that moves on every reading: rows decided one at a time would get distinct moments.
    const worker = createOutboxWorker({
      ...h.deps,
      now: () => ++h.clock.t,
      idleMs: 10,
      onResult: (r) => results.push(r.status),
    });
    await worker.start();
    await worker.idle();
    await worker.stop();
    expect(results.filter((s) => s === 'sent')).toHaveLength(25);
    expect(results.filter((s) => s === 'refused')).toHaveLength(5);
    for (const p of inside) expect(h.sim.state.person(personPage(p.psid), p.psid)?.messagesReceived).toBe(1);
    expect(h.sim.state.counters.violations).toBe(0);
    // One decision moment for the claim: the 30 rows were decided in one batch, not one at a time.
    const moments = await h.database.db.selectFrom('audit_log').select('at').distinct().execute();
    expect(moments).toHaveLength(1);
  });

  it('re-decides at dispatch: a person who writes after the fan-out gets the message as standard', async () => {
    const late = await h.person({ hoursAgo: 30 });
    const early = await h.person({ hoursAgo: 30 });
    const b = await create(PROMO);
    await controlBroadcast(h.database, b.id, 'send', h.clock.t);
    expect(await runFanOut(h.database, b.id, { now: () => h.clock.t })).toBe('done');
    // `early` is dispatched now: outside the window, refused.
    const first = await outbox.claimDueOutbox(h.database, { limit: 1, now: h.clock.t });
    expect(first[0]?.contactId).toBe(early.contactId < late.contactId ? early.contactId : late.contactId);
    const writer = first[0]?.contactId === early.contactId ? late : early;
    const refused = first[0]?.contactId === early.contactId ? early : late;
    expect((await dispatchBatch(h.deps, first))[0]?.status).toBe('refused');
    // The other one writes before their row is dispatched.
    h.clock.t += 60_000;
    h.sim.people.touch(h.sim.state.person(personPage(writer.psid), writer.psid)!, h.clock.t);
    await contacts.recordInbound(h.database, {
      pageId: personPage(writer.psid),
      psid: writer.psid,
      at: h.clock.t,
      kind: 'message',
      opensWindow: true,
    });
    const second = await outbox.claimDueOutbox(h.database, { limit: 1, now: h.clock.t });
    const [result] = await dispatchBatch(h.deps, second);
    expect(result?.status).toBe('sent');
    expect(result && 'decision' in result ? result.decision.route : null).toBe('standard');
    expect(h.sim.state.person(personPage(writer.psid), writer.psid)?.messagesReceived).toBe(1);
    expect(h.sim.state.person(personPage(refused.psid), refused.psid)?.messagesReceived).toBe(0);
    expect(h.sim.state.counters.violations).toBe(0);
  });

  it('holds queued messages while paused, sends them after resume, and fails them on cancel', async () => {
    for (let i = 0; i < 6; i++) await h.person({ hoursAgo: 1 });
    const b = await create(PROMO);
    await controlBroadcast(h.database, b.id, 'send', h.clock.t);
    await runFanOut(h.database, b.id, { now: () => h.clock.t });
    const paused = await controlBroadcast(h.database, b.id, 'pause', h.clock.t);
    expect(paused).toMatchObject({ ok: true, affected: 6 });
    expect(await outbox.claimDueOutbox(h.database, { limit: 10, now: h.clock.t + 24 * H })).toHaveLength(0);
    expect((await controlBroadcast(h.database, b.id, 'pause', h.clock.t)).ok).toBe(false);

    await controlBroadcast(h.database, b.id, 'resume', h.clock.t);
    const two = await outbox.claimDueOutbox(h.database, { limit: 2, now: h.clock.t });
    expect((await dispatchBatch(h.deps, two)).map((r) => r.status)).toEqual(['sent', 'sent']);

    const cancelled = await controlBroadcast(h.database, b.id, 'cancel', h.clock.t);
    expect(cancelled).toMatchObject({ ok: true, affected: 4 });
    const report = await broadcastReport(h.database, b.id, h.clock.t);
    expect(report).toMatchObject({ status: 'cancelled', sent: 2, failedByReason: { cancelled: 4 } });
    expect(h.sim.state.counters.sendsOk).toBe(2);
    expect((await broadcastProgress(h.database, b.id, h.clock.t))?.counts.queued).toBe(0);
  });
});

function personPage(psid: string): string {
  for (const p of h.sim.state.allPeople()) if (p.psid === psid) return p.pageId;
  throw new Error(`no person ${psid}`);
}
