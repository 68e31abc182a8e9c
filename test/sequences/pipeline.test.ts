/**
 * Sequences through the real pipeline: the runner turns due steps into outbox rows, the one send
 * pipeline decides and sends them to the simulator, and people's messages arrive as webhook bodies
 * processed by the inbound processor with the automation handlers. A fake clock drives time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAutomation } from '../../src/automation/index.ts';
import { createInboundProcessor, type InboundProcessor } from '../../src/ingest/processor.ts';
import { dispatchOne } from '../../src/outbound/dispatch.ts';
import type { JobQueue } from '../../src/queue/index.ts';
import { enrollByLabels, enrollInSequence } from '../../src/sequences/enroll.ts';
import type { Sequence } from '../../src/sequences/model.ts';
import { processStep, runDueSteps, type SequenceRunnerDeps } from '../../src/sequences/runner.ts';
import {
  controlSequence,
  createSequence,
  enrollmentHistory,
  sequenceStats,
  updateSequence,
} from '../../src/sequences/service.ts';
import { audit, contacts, growth, inbound, outbox, sequences } from '../../src/storage/index.ts';
import { createHarness, H, type Harness, PAGE_A } from '../broadcasts/harness.ts';

const MIN = 60_000;
const TEMPLATE = {
  type: 'utility_template',
  name: 'order_update',
  language: 'es',
  bodyParameters: ['{{first_name|}}'],
};

let h: Harness;
let runner: SequenceRunnerDeps;
let processor: InboundProcessor;

beforeEach(async () => {
  h = await createHarness({ permissions: { utilityMessaging: true } });
  runner = { database: h.database, rules: h.deps.rules, now: () => h.clock.t };
  const automation = createAutomation({
    rules: h.deps.rules,
    now: () => h.clock.t,
    // Sequences enqueue nothing on the job queue; the handler never touches it.
    queue: {} as JobQueue,
    outboxTouched: () => {},
  });
  processor = createInboundProcessor({
    database: h.database,
    rules: h.deps.rules,
    secretKey: Buffer.alloc(32, 9),
    now: () => h.clock.t,
    automation,
  });
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
  // Ventana sends only templates it knows as APPROVED (the status webhook would say so).
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
  await growth.applyTemplateStatus(h.database, {
    pageId: PAGE_A,
    metaId: null,
    name: 'order_update',
    language: 'es',
    status: 'APPROVED',
    reason: null,
    at: h.clock.t,
  });
});

afterEach(async () => {
  await h.close();
});

async function activeSequence(body: unknown): Promise<Sequence> {
  const r = await createSequence(h.database, { workspaceId: 'w1', body, lang: 'en', now: h.clock.t });
  if (!r.ok) throw new Error(JSON.stringify(r));
  const a = await controlSequence(h.database, r.sequence.id, 'w1', 'activate', h.clock.t);
  if (!a.ok) throw new Error(a.code);
  return a.sequence;
}

async function enroll(sequence: Sequence, contactId: string): Promise<string> {
  const r = await enrollInSequence(h.database, {
    workspaceId: 'w1',
    contactId,
    sequenceId: sequence.id,
    source: 'api',
    now: h.clock.t,
  });
  if (!r.ok) throw new Error(r.code);
  return r.enrollmentId;
}

/** One scan of the runner, then every due outbox row through the pipeline. */
async function tick() {
  const outcomes = await runDueSteps(runner);
  for (;;) {
    const items = await outbox.claimDueOutbox(h.database, { limit: 50, now: h.clock.t });
    if (items.length === 0) break;
    for (const item of items) await dispatchOne(h.deps, item);
  }
  return outcomes;
}

/** The person writes: the simulator builds Meta's signed body, the processor applies it. */
async function writes(psid: string, text: string) {
  const person = h.sim.people.get(PAGE_A, psid)!;
  const r = await h.sim.people.sendText(person, text);
  await inbound.storeWebhookBody(h.database, r.rawBody, h.clock.t);
  await processor.drain();
}

async function sequenceRows(enrollmentId: string) {
  return outbox.countOutboxByStatus(h.database, 'sequence', enrollmentId);
}

const text = (t: string) => ({ message: { type: 'text', text: t } });

describe('sequences through the send pipeline', () => {
  it('runs a 3-step sequence: step 2 falls due after the window closed and its fallback applies', async () => {
    const ana = await h.person({ hoursAgo: 1, firstName: 'Ana' });
    const s = await activeSequence({
      name: 'Pedido',
      steps: [
        {
          id: 'gracias',
          delay: { amount: 0, unit: 'minutes' },
          content: text('Hola {{first_name|amigo}}, gracias por tu pedido.'),
          intent: 'non_promotional',
        },
        {
          id: 'estado',
          delay: { amount: 30, unit: 'hours' },
          content: text('¿Ya recibiste tu pedido?'),
          intent: 'non_promotional',
          fallback: { type: 'utility_template', template: TEMPLATE },
        },
        {
          id: 'opinion',
          delay: { amount: 1, unit: 'hours' },
          content: text('¿Nos cuentas qué te pareció?'),
          intent: 'non_promotional',
          fallback: { type: 'skip' },
        },
      ],
    });
    const enrollmentId = await enroll(s, ana.contactId);

    expect(await tick()).toEqual([expect.objectContaining({ kind: 'enqueued', variant: 'primary' })]);
    const first = await outbox.getOutboxItemByKey(h.database, `sequence-${enrollmentId}-gracias`);
    expect(first).toMatchObject({ status: 'sent', origin: 'sequence', originId: enrollmentId });
    expect((first!.content as { message: { text: string } }).message.text).toBe(
      'Hola Ana, gracias por tu pedido.',
    );
    expect(first!.decision).toMatchObject({ route: 'standard' });

    h.clock.t += 29 * H; // not due yet
    expect(await tick()).toEqual([]);
    h.clock.t += 1 * H + MIN;
    expect(await tick()).toEqual([
      expect.objectContaining({ kind: 'enqueued', variant: 'utility_template' }),
    ]);
    const second = await outbox.getOutboxItemByKey(h.database, `sequence-${enrollmentId}-estado`);
    expect(second).toMatchObject({ status: 'sent', decision: { route: 'utility' } });
    expect(second!.content).toMatchObject({ message: { type: 'utility_template', bodyParameters: ['Ana'] } });

    h.clock.t += H;
    expect(await tick()).toEqual([{ kind: 'skipped', note: 'window_closed' }]);

    expect(h.sim.state.counters.sendsOk).toBe(2);
    expect(h.sim.state.counters.violations).toBe(0);
    const stats = await sequenceStats(h.database, s);
    expect(stats.steps.map((x) => [x.stepId, x.sent, x.sentWithFallback, x.skipped])).toEqual([
      ['gracias', 1, 0, 0],
      ['estado', 1, 1, 0],
      ['opinion', 0, 0, 1],
    ]);
    expect(stats.steps[2]!.skippedByReason).toEqual({ window_closed: 1 });
    expect(stats.enrollments).toMatchObject({ active: 0, completed: 1, left: 0 });
    // The history says why: the decision at the due time of each step.
    const [history] = await enrollmentHistory(h.database, s.id, ana.contactId);
    expect(history!.steps.map((x) => [x.stepId, x.status, x.note])).toEqual([
      ['gracias', 'enqueued', null],
      ['estado', 'enqueued', 'window_closed'],
      ['opinion', 'skipped', 'window_closed'],
    ]);
    // The skipped step is in the audit with its reasons and evidence, like any decision.
    const audited = await audit.queryAudit(h.database, {
      contactId: ana.contactId,
      reasonCode: 'outside_window',
    });
    expect(audited.items.map((a) => a.messageRef)).toEqual([
      `sequence-step:${(await sequences.listStepRows(h.database, enrollmentId))[2]!.id}`,
    ]);
    expect(audited.items[0]).toMatchObject({
      allowed: false,
      evidence: { origin: 'sequence', originId: enrollmentId },
    });
    expect(history!.steps[1]!.decision).toMatchObject({
      allowed: false,
      reasons: expect.arrayContaining(['outside_window']),
    });
  });

  it('lets a person who replies leave a sequence that exits on reply, and nothing more is sent', async () => {
    const ana = await h.person({ hoursAgo: 1 });
    const s = await activeSequence({
      name: 'Bienvenida',
      exitOnReply: true,
      steps: [
        { delay: { amount: 0, unit: 'minutes' }, content: text('Bienvenida'), intent: 'non_promotional' },
        { delay: { amount: 2, unit: 'hours' }, content: text('¿Te ayudo?'), intent: 'non_promotional' },
      ],
    });
    const keeps = await activeSequence({
      name: 'Consejos',
      steps: [
        { delay: { amount: 2, unit: 'hours' }, content: text('Un consejo'), intent: 'non_promotional' },
      ],
    });
    const enrollmentId = await enroll(s, ana.contactId);
    await enroll(keeps, ana.contactId);
    await tick();
    expect(h.sim.state.counters.sendsOk).toBe(1);

    h.clock.t += 30 * MIN;
    await writes(ana.psid, 'Gracias, tengo una pregunta');
    expect(await sequences.getEnrollment(h.database, enrollmentId)).toMatchObject({
      status: 'left',
      leftReason: 'reply',
    });

    h.clock.t += 2 * H;
    expect(await tick()).toEqual([expect.objectContaining({ kind: 'enqueued' })]); // only "Consejos"
    expect(h.sim.state.counters.sendsOk).toBe(2);
    expect(await sequenceRows(enrollmentId)).toMatchObject({ sent: 1, queued: 0 });
    const stats = await sequenceStats(h.database, s);
    expect(stats.enrollments.leftByReason).toEqual({ reply: 1 });
    expect(stats.steps[1]).toMatchObject({ cancelled: 1, sent: 0 });
  });

  it('holds a wait_for_inbound step while the window is closed and sends it when the person writes', async () => {
    const bea = await h.person({ hoursAgo: 30, firstName: 'Bea' });
    const s = await activeSequence({
      name: 'Recuperar',
      steps: [
        {
          id: 'vuelve',
          delay: { amount: 0, unit: 'minutes' },
          content: text('Hola {{first_name}}, ¿seguimos con tu consulta?'),
          intent: 'non_promotional',
          fallback: { type: 'wait_for_inbound' },
        },
        {
          id: 'despues',
          delay: { amount: 1, unit: 'hours' },
          content: text('¿Algo más?'),
          intent: 'non_promotional',
        },
      ],
    });
    const enrollmentId = await enroll(s, bea.contactId);
    expect(await tick()).toEqual([{ kind: 'waiting', note: 'window_closed' }]);
    h.clock.t += 3 * 24 * H;
    expect(await tick()).toEqual([]);
    expect(h.sim.state.counters.sends).toBe(0);
    expect((await sequenceStats(h.database, s)).steps[0]).toMatchObject({ waiting: 1 });

    await writes(bea.psid, 'Hola, aquí estoy');
    expect(await tick()).toEqual([expect.objectContaining({ kind: 'enqueued', variant: 'primary' })]);
    const sent = await outbox.getOutboxItemByKey(h.database, `sequence-${enrollmentId}-vuelve`);
    expect(sent).toMatchObject({ status: 'sent', decision: { route: 'standard' } });
    // The next step counts from the release.
    const rows = await sequences.listStepRows(h.database, enrollmentId);
    expect(rows.find((r) => r.stepId === 'despues')).toMatchObject({
      status: 'scheduled',
      dueAt: h.clock.t + H,
    });
    expect(h.sim.state.counters.violations).toBe(0);
  });

  it('does not duplicate a step when a runner crashes between the claim and the enqueue', async () => {
    const ana = await h.person({ hoursAgo: 1 });
    const s = await activeSequence({
      name: 'Uno',
      steps: [{ delay: { amount: 0, unit: 'minutes' }, content: text('Hola'), intent: 'non_promotional' }],
    });
    const enrollmentId = await enroll(s, ana.contactId);
    // Runner A claims the step and dies before doing anything.
    const [stale] = await sequences.claimDueSteps(h.database, { now: h.clock.t, limit: 10, leaseMs: 60_000 });
    expect(stale).toBeDefined();
    expect(await tick()).toEqual([]); // runner B: the lease still holds

    // Runner C fails in the middle of its transaction: nothing of it is committed.
    h.clock.t += 61_000;
    const broken = { ...runner, rules: { at: () => ({ ok: false, code: 'broken' }) } } as never;
    const [claimed] = await sequences.claimDueSteps(h.database, {
      now: h.clock.t,
      limit: 10,
      leaseMs: 60_000,
    });
    await expect(processStep(broken, claimed!)).rejects.toThrow(/no rule set/);
    expect(await sequenceRows(enrollmentId)).toMatchObject({ queued: 0, sent: 0 });

    // After the lease, the row is taken over once; the dead claims can no longer settle it.
    h.clock.t += 61_000;
    expect(await tick()).toEqual([expect.objectContaining({ kind: 'enqueued' })]);
    expect(await processStep(runner, stale!)).toEqual({ kind: 'lost_claim' });
    expect(await processStep(runner, claimed!)).toEqual({ kind: 'lost_claim' });
    h.clock.t += 10 * 61_000;
    expect(await tick()).toEqual([]);
    expect(await sequenceRows(enrollmentId)).toMatchObject({ sent: 1, queued: 0, sending: 0 });
    expect(h.sim.state.counters.sendsOk).toBe(1);
  });

  it('sends nothing to a person who opted out, whichever way the opt-out arrives', async () => {
    const s = await activeSequence({
      name: 'Novedades',
      steps: [
        { delay: { amount: 1, unit: 'hours' }, content: text('Novedad 1'), intent: 'non_promotional' },
        { delay: { amount: 1, unit: 'hours' }, content: text('Novedad 2'), intent: 'non_promotional' },
      ],
    });
    // Writes STOP: the keyword is applied and the automation takes them out at once.
    const ana = await h.person({ hoursAgo: 0 });
    const a = await enroll(s, ana.contactId);
    await writes(ana.psid, 'BAJA');
    expect(await sequences.getEnrollment(h.database, a)).toMatchObject({
      status: 'left',
      leftReason: 'opt_out',
    });
    // Opted out by another path (an agent, an import): the runner checks at the due time.
    const bea = await h.person({ hoursAgo: 0, firstName: 'Bea' });
    const b = await enroll(s, bea.contactId);
    await contacts.setOptedOut(h.database, bea.contactId, true, h.clock.t);
    // And an opted-out person cannot enter.
    const cai = await h.person({ hoursAgo: 0, firstName: 'Cai' });
    await contacts.setOptedOut(h.database, cai.contactId, true, h.clock.t);
    expect(
      await enrollInSequence(h.database, {
        workspaceId: 'w1',
        contactId: cai.contactId,
        sequenceId: s.id,
        source: 'api',
        now: h.clock.t,
      }),
    ).toEqual({ ok: false, code: 'contact_opted_out' });

    h.clock.t += 3 * H;
    expect(await tick()).toEqual([{ kind: 'cancelled', note: 'left_opt_out' }]);
    expect(await sequences.getEnrollment(h.database, b)).toMatchObject({
      status: 'left',
      leftReason: 'opt_out',
    });
    expect(await sequenceRows(a)).toMatchObject({ queued: 0, sent: 0 });
    expect(await sequenceRows(b)).toMatchObject({ queued: 0, sent: 0 });
    // Only the keyword confirmation would ever go (not enqueued here): no sequence message at all.
    expect(h.sim.state.counters.sendsOk).toBe(0);
    expect((await sequenceStats(h.database, s)).enrollments.leftByReason).toEqual({ opt_out: 2 });
  });

  it('counts a step the pipeline refuses by rule, with the reason, and keeps going', async () => {
    const ana = await h.person({ hoursAgo: 1 });
    const s = await activeSequence({
      name: 'Bloqueada',
      steps: [
        { delay: { amount: 0, unit: 'minutes' }, content: text('Hola'), intent: 'non_promotional' },
        {
          delay: { amount: 0, unit: 'minutes' },
          content: text('Hoy 2x1 en todo con el código DOSXUNO'),
          intent: 'promotional',
          fallback: { type: 'marketing_message' },
        },
      ],
    });
    await contacts.markBlocked(h.database, ana.contactId, h.clock.t);
    await enroll(s, ana.contactId);
    await tick();
    await tick();
    const stats = await sequenceStats(h.database, s);
    expect(stats.steps[0]).toMatchObject({ refused: 1, refusedByReason: { contact_blocked: 1 } });
    expect(stats.steps[1]).toMatchObject({ refused: 1 });
    expect(h.sim.state.counters.sends).toBe(0);
  });

  it('applies the fallback when the window closes between the runner\u2019s decision and the dispatch', async () => {
    const ana = await h.person({ hoursAgo: 23.99, firstName: 'Ana' });
    const s = await activeSequence({
      name: 'Justo',
      steps: [
        {
          id: 'aviso',
          delay: { amount: 0, unit: 'minutes' },
          content: text('¿Ya recibiste tu pedido?'),
          intent: 'non_promotional',
          fallback: { type: 'utility_template', template: TEMPLATE },
        },
        {
          id: 'luego',
          delay: { amount: 2, unit: 'days' },
          content: text('¿Todo bien?'),
          intent: 'non_promotional',
        },
      ],
    });
    const enrollmentId = await enroll(s, ana.contactId);
    expect(await runDueSteps(runner)).toEqual([
      expect.objectContaining({ kind: 'enqueued', variant: 'primary' }),
    ]);
    h.clock.t += 2 * MIN; // the outbox was slow: the window closed before dispatch
    await tick();
    expect(await outbox.getOutboxItemByKey(h.database, `sequence-${enrollmentId}-aviso`)).toMatchObject({
      status: 'refused',
    });
    // The next scan sees the refusal for the window and sends the step's utility template instead.
    expect(await tick()).toEqual([
      expect.objectContaining({ kind: 'enqueued', variant: 'utility_template' }),
    ]);
    expect(await sequenceRows(enrollmentId)).toMatchObject({ refused: 1, sent: 1 });
    expect(h.sim.state.counters.sendsOk).toBe(1);
    expect(h.sim.state.counters.violations).toBe(0);
    // The sequence went on as scheduled, without a second "luego" and without running ahead.
    const rows = await sequences.listStepRows(h.database, enrollmentId);
    expect(rows.map((r) => [r.stepId, r.status, r.variant])).toEqual([
      ['aviso', 'enqueued', 'utility_template'],
      ['luego', 'scheduled', null],
    ]);
    expect(await tick()).toEqual([]);
  });

  it('skips a marketing-message fallback for someone who is not a subscriber, saying why', async () => {
    const ana = await h.person({ hoursAgo: 30 });
    const s = await activeSequence({
      name: 'Oferta',
      steps: [
        {
          delay: { amount: 0, unit: 'minutes' },
          content: text('Hoy 2x1 en todo con el código DOSXUNO'),
          intent: 'promotional',
          fallback: { type: 'marketing_message' },
        },
      ],
    });
    await enroll(s, ana.contactId);
    expect(await tick()).toEqual([{ kind: 'skipped', note: 'marketing_not_subscribed' }]);
    expect(h.sim.state.counters.sends).toBe(0);
  });

  it('sends its links through the tracked-link port, per sequence and person', async () => {
    const ana = await h.person({ hoursAgo: 1 });
    const calls: unknown[] = [];
    const tracked: SequenceRunnerDeps = {
      ...runner,
      links: {
        baseUrl: 'https://v.example',
        async track(_db, input) {
          calls.push({ origin: input.origin, contactId: input.contactId });
          const m = input.content.message;
          if (m.type !== 'button_template') return input.content;
          return {
            ...input.content,
            message: {
              ...m,
              buttons: m.buttons.map((b) =>
                b.type === 'web_url' ? { ...b, url: `${input.baseUrl}/r/abc` } : b,
              ),
            },
          };
        },
      },
    };
    const s = await activeSequence({
      name: 'Guía',
      steps: [
        {
          delay: { amount: 0, unit: 'minutes' },
          content: {
            message: {
              type: 'button_template',
              text: 'Tu guía de uso',
              buttons: [{ type: 'web_url', title: 'Abrir', url: 'https://example.com/guia' }],
            },
          },
          intent: 'promotional',
        },
      ],
    });
    const e = await enroll(s, ana.contactId);
    await runDueSteps(tracked);
    expect(calls).toEqual([{ origin: { kind: 'sequence', id: s.id }, contactId: ana.contactId }]);
    const item = await outbox.getOutboxItemByKey(h.database, `sequence-${e}-s1`);
    expect(item!.content).toMatchObject({ message: { buttons: [{ url: 'https://v.example/r/abc' }] } });
  });

  it('lets people enter through a label and an entry point, and leave when they reach the goal', async () => {
    const s = await activeSequence({
      name: 'Leads',
      entry: { labels: ['lead'], entryPoints: ['promo-nov'] },
      goal: { label: 'cliente', field: 'order_id' },
      steps: [
        {
          delay: { amount: 1, unit: 'hours' },
          content: text('¿Te ayudo a elegir?'),
          intent: 'non_promotional',
        },
      ],
    });
    const ana = await h.person({ hoursAgo: 1 });
    expect(
      await enrollByLabels(h.database, {
        workspaceId: 'w1',
        contactId: ana.contactId,
        labels: ['vip', 'lead'],
        now: h.clock.t,
      }),
    ).toBe(1);
    // An m.me link with ref=promo-nov: the referral webhook enrolls the person.
    const bea = h.sim.people.createPerson({
      pageId: PAGE_A,
      firstName: 'Bea',
      locale: 'es_ES',
      country: 'ES',
    });
    const r = await h.sim.people.referral(bea, 'promo-nov');
    await inbound.storeWebhookBody(h.database, r.rawBody, h.clock.t);
    await processor.drain();
    const beaContact = await contacts.getContactByPsid(h.database, PAGE_A, bea.psid);
    const [beaEnrollment] = await sequences.listEnrollments(h.database, { contactId: beaContact!.id });
    expect(beaEnrollment).toMatchObject({
      sequenceId: s.id,
      source: 'entry_point:promo-nov',
      status: 'active',
    });

    // Ana becomes a customer (label goal); Bea's order arrives (field goal, seen at the due time).
    expect(
      await enrollByLabels(h.database, {
        workspaceId: 'w1',
        contactId: ana.contactId,
        labels: ['cliente'],
        now: h.clock.t,
      }),
    ).toBe(0);
    await contacts.setFields(h.database, beaContact!.id, { order_id: 'A-1001' }, h.clock.t);
    h.clock.t += 2 * H;
    expect(await tick()).toEqual([{ kind: 'cancelled', note: 'left_goal' }]);
    expect((await sequenceStats(h.database, s)).enrollments).toMatchObject({
      left: 2,
      leftByReason: { goal: 2 },
    });
    expect(h.sim.state.counters.sends).toBe(0);
  });

  it('keeps people on track when a step is removed while they are in the sequence', async () => {
    const ana = await h.person({ hoursAgo: 1 });
    const steps = ['a', 'b', 'c'].map((id) => ({
      id,
      delay: { amount: 1, unit: 'minutes' },
      content: text(`Paso ${id}`),
      intent: 'non_promotional',
    }));
    const s = await activeSequence({ name: 'Editable', steps });
    const e = await enroll(s, ana.contactId);
    h.clock.t += MIN;
    await tick(); // a sent, b scheduled
    const r = await updateSequence(h.database, {
      id: s.id,
      workspaceId: 'w1',
      body: { name: 'Editable', steps: [steps[0], steps[2]] },
      lang: 'en',
      now: h.clock.t,
    });
    expect(r.ok).toBe(true);
    h.clock.t += MIN;
    expect(await tick()).toEqual([{ kind: 'skipped', note: 'step_removed' }]);
    h.clock.t += MIN;
    expect(await tick()).toEqual([expect.objectContaining({ kind: 'enqueued' })]);
    expect((await sequences.listStepRows(h.database, e)).map((x) => [x.stepId, x.status])).toEqual([
      ['a', 'enqueued'],
      ['b', 'skipped'],
      ['c', 'enqueued'],
    ]);
    expect(await sequences.getEnrollment(h.database, e)).toMatchObject({ status: 'completed' });
    expect(h.sim.state.counters.sendsOk).toBe(2);
  });

  it('sends at the person\u2019s local hour', async () => {
    const ana = await h.person({ hoursAgo: 1 });
    await contacts.updateContactProfile(h.database, ana.contactId, { timezone: -5 }, h.clock.t);
    const s = await activeSequence({
      name: 'Mañana',
      steps: [
        {
          delay: { amount: 0, unit: 'minutes', sendAt: '09:00' },
          content: text('Buenos días'),
          intent: 'non_promotional',
        },
      ],
    });
    const e = await enroll(s, ana.contactId);
    // 12:00 UTC is 07:00 in UTC-5: due at 14:00 UTC the same day.
    expect((await sequences.listStepRows(h.database, e))[0]!.dueAt).toBe(Date.parse('2026-11-25T14:00:00Z'));
  });
});
