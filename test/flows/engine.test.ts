/**
 * The engine on a real database (SQLite in memory): the automation handler, startFlowRun, delays
 * resumed by the scan, the webhook job against a local HTTP server, priorities and replays.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlowAutomation } from '../../src/flows/automation.ts';
import type { EngineDeps } from '../../src/flows/engine.ts';
import type { SequencePorts } from '../../src/flows/ports.ts';
import { resumeDueDelays } from '../../src/flows/resume.ts';
import { createFlow, publishFlow, updateFlowDraft } from '../../src/flows/service.ts';
import { startFlowRun } from '../../src/flows/start.ts';
import {
  createWebhookJobHandler,
  queuePendingWebhooks,
  signBody,
  webhookSecret,
} from '../../src/flows/webhook.ts';
import type { InboundEvent } from '../../src/messenger/events.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { createQueue, type JobQueue } from '../../src/queue/index.ts';
import { contacts, type Database, flows, openDatabase, pages, workspaces } from '../../src/storage/index.ts';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';

const KEY = Buffer.alloc(32, 5);
const H = 3_600_000;
const rules = createRuleBook();
let t: number;
let db: Database;
let contactId: string;
let queue: JobQueue;
let touched = 0;
let seqCalls: string[];
let handle: ReturnType<typeof createFlowAutomation>;
let engine: EngineDeps;
let mids = 0;

const sequences: SequencePorts = {
  enrollInSequence: async (_db, i) => {
    seqCalls.push(`enroll:${i.sequenceId}:${i.source}`);
    return { ok: true, enrollmentId: 'e1' };
  },
  leaveSequences: async (_db, i) => {
    seqCalls.push(`leave:${i.sequenceId ?? '*'}:${i.reason}`);
    return 1;
  },
  enrollByLabels: async (_db, i) => {
    seqCalls.push(`labels:${i.labels.join(',')}`);
    return 0;
  },
};

const ctx = () => ({ workspaceId: 'w1', lang: 'en' as const, now: t, rules });

async function publish(doc: unknown): Promise<string> {
  const created = await createFlow(db, ctx(), doc);
  if (!created.ok) throw new Error(JSON.stringify(created));
  const p = await publishFlow(db, ctx(), created.flow.id);
  if (!p.ok) throw new Error(JSON.stringify(p));
  return created.flow.id;
}

function message(text: string, opts: { mid?: string; quickReply?: string } = {}): InboundEvent {
  return {
    kind: 'message',
    pageId: 'p1',
    senderId: 'u1',
    senderIsUserRef: false,
    recipientId: 'p1',
    contactId: 'u1',
    timestamp: t,
    standby: false,
    dedupeKey: opts.mid ?? `m.${++mids}`,
    raw: {},
    mid: opts.mid ?? null,
    text,
    quickReplyPayload: opts.quickReply ?? null,
    attachments: [],
    replyToMid: null,
    referral: null,
    commands: [],
  };
}

async function sent(): Promise<{ text?: string; purpose?: string; type: string }[]> {
  const rows = await db.db
    .selectFrom('outbox')
    .select(['content'])
    .where('contact_id', '=', contactId)
    .orderBy('id')
    .execute();
  return rows.map((r) => {
    const c = JSON.parse(r.content) as { message: { type: string; text?: string }; purpose?: string };
    return { type: c.message.type, text: c.message.text, purpose: c.purpose };
  });
}

const text = (id: string, body: string, next?: string) => ({
  id,
  type: 'send',
  message: { type: 'text', text: body },
  ...(next ? { next } : {}),
});

const requirePostgres = setupPostgresTestDatabase();
const TARGETS: [string, () => Promise<Database>][] = [
  ['SQLite', () => openDatabase(':memory:', { migrate: true })],
  [
    'PostgreSQL',
    async () => openDatabase(await requirePostgres().freshSchemaUrl(), { migrate: true, poolMax: 4 }),
  ],
];

describe.each(TARGETS)('the flow engine on %s', (_name, make) => {
  beforeEach(async () => {
    t = Date.parse('2026-11-25T12:00:00Z');
    db = await make();
    await workspaces.createWorkspace(db, { id: 'w1', name: 'W', now: t });
    await pages.upsertPage(db, KEY, { id: 'p1', workspaceId: 'w1', name: 'P', accessToken: 'tok', now: t });
    const r = await contacts.recordInbound(db, {
      pageId: 'p1',
      psid: 'u1',
      at: t,
      kind: 'message',
      opensWindow: true,
      now: t,
    });
    if (!r.ok) throw new Error('contact');
    contactId = r.contactId;
    await contacts.updateContactProfile(db, contactId, { firstName: 'Lucía', locale: 'es_ES' }, t);
    queue = await createQueue({ engine: 'embedded', database: db, pollIntervalMs: 20 });
    touched = 0;
    seqCalls = [];
    engine = { rules, sequences, outboxTouched: () => touched++ };
    handle = createFlowAutomation({ rules, now: () => t, outboxTouched: () => touched++ }, { sequences });
  });

  afterEach(async () => {
    await queue.close();
    await db.close();
  });

  it('does not advance a run twice when the same event is handled again', async () => {
    await publish({
      name: 'Q',
      triggers: [{ type: 'keyword', match: 'exact', value: 'talla' }],
      steps: [
        {
          id: 'q',
          type: 'ask',
          text: '¿Qué talla?',
          field: 'talla',
          validate: 'choice',
          choices: ['S', 'M', 'L'],
          next: 'ok',
        },
        text('ok', 'Apuntado: {{field.talla}}', 'q2'),
        {
          id: 'q2',
          type: 'ask',
          text: '¿Color?',
          field: 'color',
          validate: 'choice',
          choices: ['Rojo', 'Azul'],
        },
      ],
    });
    await handle(db, message('TALLA'));
    const answer = message('m', { mid: 'mid.answer' });
    await handle(db, answer);
    await handle(db, answer);
    // Handled again, the answer would have been a wrong answer to the next question.
    expect((await sent()).map((s) => s.text)).toEqual(['¿Qué talla?', 'Apuntado: M', '¿Color?']);
    expect(touched).toBeGreaterThan(0);
    const runs = await db.db.selectFrom('flow_runs').select(['status', 'last_event_key']).execute();
    expect(runs).toEqual([{ status: 'waiting', last_event_key: 'mid.answer' }]);
  });

  it('resumes a delay once, after it ends, as a proactive update (crash-safe scan)', async () => {
    await publish({
      name: 'D',
      triggers: [{ type: 'keyword', match: 'contains', value: 'recuerdame' }],
      steps: [
        text('a', 'Te aviso en una hora', 'wait'),
        { id: 'wait', type: 'delay', hours: 1, next: 'b' },
        text('b', 'Ya pasó una hora'),
      ],
    });
    await handle(db, message('¿Recuérdame mañana?'));
    expect(await resumeDueDelays(db, engine, t + H - 1)).toBe(0);
    const [first, second] = await Promise.all([
      resumeDueDelays(db, engine, t + H),
      resumeDueDelays(db, engine, t + H),
    ]);
    expect(first + second).toBe(1);
    expect(await sent()).toEqual([
      { type: 'text', text: 'Te aviso en una hora', purpose: 'response' },
      { type: 'text', text: 'Ya pasó una hora', purpose: 'update' },
    ]);
  });

  it('rolls a failing resume back whole and resumes the run on the next scan, once', async () => {
    await publish({
      name: 'C',
      triggers: [{ type: 'keyword', match: 'exact', value: 'luego' }],
      steps: [
        { id: 'wait', type: 'delay', minutes: 5, next: 'a' },
        text('a', 'Hola de nuevo', 'tag'),
        { id: 'tag', type: 'add_label', labels: ['volvio'] },
      ],
    });
    await handle(db, message('luego'));
    let crash = true;
    const crashing: EngineDeps = {
      ...engine,
      sequences: {
        ...sequences,
        enrollByLabels: async (...args) => {
          if (crash) throw new Error('crash in the middle of the step');
          return sequences.enrollByLabels(...args);
        },
      },
    };
    expect(await resumeDueDelays(db, crashing, t + 5 * 60_000)).toBe(0);
    expect(await sent()).toEqual([]);
    expect((await contacts.getContact(db, contactId))?.labels).toEqual([]);
    crash = false;
    expect(await resumeDueDelays(db, crashing, t + 6 * 60_000)).toBe(1);
    expect(await resumeDueDelays(db, crashing, t + 7 * 60_000)).toBe(0);
    expect((await sent()).map((s) => s.text)).toEqual(['Hola de nuevo']);
    expect((await contacts.getContact(db, contactId))?.labels).toEqual(['volvio']);
  });

  it('calls a signed webhook as a job, sets fields from its answer, and takes onError when it keeps failing', async () => {
    const seen: { signature: string; body: string }[] = [];
    let fail = false;
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ signature: String(req.headers['x-ventana-signature']), body });
        if (fail) res.writeHead(503).end('busy');
        else
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ customer: { plan: 'oro', points: 120 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      await publish({
        name: 'W',
        triggers: [{ type: 'keyword', match: 'exact', value: 'puntos' }],
        steps: [
          {
            id: 'hook',
            type: 'webhook',
            url,
            retries: 1,
            timeoutMs: 2000,
            setFields: { plan: 'customer.plan', puntos: 'customer.points' },
            next: 'ok',
            onError: 'ko',
          },
          text('ok', 'Tu plan: {{field.plan}} ({{field.puntos}} puntos)'),
          text('ko', 'Ahora no puedo consultarlo'),
        ],
      });
      const job = createWebhookJobHandler({ database: db, engine, secretKey: KEY, now: () => t });
      await handle(db, message('puntos'));
      expect(await sent()).toEqual([]);
      const worker = queue.work('flow-webhook', async (j) => {
        const r = await job(j);
        return r;
      });
      expect(await queuePendingWebhooks(db, queue)).toBe(1);
      expect(await queuePendingWebhooks(db, queue)).toBe(0);
      for (let i = 0; i < 100 && (await sent()).length === 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect((await sent()).map((s) => s.text)).toEqual(['Tu plan: oro (120 puntos)']);
      const secret = await webhookSecret(db, KEY, 'w1');
      expect(seen[0]?.signature).toBe(signBody(secret, seen[0]!.body));
      expect(JSON.parse(seen[0]!.body)).toMatchObject({
        event: 'flow.webhook',
        stepId: 'hook',
        contact: { firstName: 'Lucía' },
      });
      expect((await contacts.getContact(db, contactId))?.fields).toMatchObject({ plan: 'oro', puntos: 120 });

      fail = true;
      await handle(db, message('puntos'));
      await queuePendingWebhooks(db, queue);
      for (let i = 0; i < 200 && (await sent()).length < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect((await sent()).at(-1)?.text).toBe('Ahora no puedo consultarlo');
      expect(seen.length).toBe(3);
      await worker.close();
    } finally {
      server.close();
    }
  }, 20_000);

  it('lets a keyword of an equal or higher priority flow interrupt a pending question, and not a lower one or the default reply', async () => {
    await publish({
      name: 'Alta',
      priority: 0,
      triggers: [{ type: 'keyword', match: 'exact', value: 'correo' }],
      steps: [{ id: 'q', type: 'ask', text: '¿Tu correo?', field: 'email', validate: 'email' }],
    });
    await publish({
      name: 'Baja',
      priority: -5,
      triggers: [{ type: 'keyword', match: 'exact', value: 'ayuda' }],
      steps: [text('h', 'Ayuda')],
    });
    await publish({
      name: 'Menu',
      priority: 0,
      triggers: [{ type: 'keyword', match: 'exact', value: 'menu' }],
      steps: [text('m', 'Menú')],
    });
    await publish({ name: 'Def', triggers: [{ type: 'default' }], steps: [text('d', 'No te entiendo')] });
    await handle(db, message('correo'));
    await handle(db, message('ayuda'));
    expect((await sent()).map((s) => s.text)).toEqual([
      '¿Tu correo?',
      expect.stringContaining('no parece un correo'),
    ]);
    await handle(db, message('MENÚ'));
    expect((await sent()).at(-1)?.text).toBe('Menú');
    const runs = await db.db.selectFrom('flow_runs').select(['outcome']).orderBy('id').execute();
    expect(runs.map((r) => r.outcome)).toEqual(['interrupted', 'completed']);
    await handle(db, message('qué tal'));
    expect((await sent()).at(-1)?.text).toBe('No te entiendo');
    const count = (await sent()).length;
    await handle(db, message('BAJA'));
    expect(await sent()).toHaveLength(count);
  });

  it('branches on labels and locale, hands over to a human and calls the sequence ports', async () => {
    await publish({
      name: 'H',
      triggers: [{ type: 'postback', payload: 'HUMANO' }],
      steps: [
        { id: 'tag', type: 'add_label', labels: ['vip'], next: 'c' },
        {
          id: 'c',
          type: 'condition',
          branches: [{ if: [{ label: 'vip', op: 'has' }, { locale: 'es' }], next: 'es' }],
          else: 'en',
        },
        text('es', 'Te paso con una persona', 'seq'),
        text('en', 'Handing you over', 'seq'),
        { id: 'seq', type: 'start_sequence', sequenceId: 'bienvenida', next: 'stop' },
        { id: 'stop', type: 'stop_sequence', next: 'human' },
        { id: 'human', type: 'handoff' },
      ],
    });
    await handle(db, {
      ...message(''),
      kind: 'postback',
      payload: 'HUMANO',
      title: 'Hablar',
      referral: null,
    } as unknown as InboundEvent);
    expect((await sent()).map((s) => s.text)).toEqual(['Te paso con una persona']);
    expect(seqCalls).toEqual([
      'labels:vip',
      'enroll:bienvenida:flow:' + (await flows.listFlows(db, 'w1'))[0]!.id,
      'leave:*:flow',
    ]);
    const conv = await db.db
      .selectFrom('conversations')
      .select(['handoff_at'])
      .where('contact_id', '=', contactId)
      .executeTakeFirst();
    expect(conv?.handoff_at).toBe(t);
    const run = await db.db.selectFrom('flow_runs').select(['status', 'outcome']).executeTakeFirst();
    expect(run).toEqual({ status: 'completed', outcome: 'handoff' });
  });

  it('starts a flow through startFlowRun and keeps a run on the version it started on', async () => {
    const id = await publish({
      name: 'R',
      triggers: [{ type: 'ref', value: 'qr_tienda' }],
      steps: [{ id: 'w', type: 'delay', minutes: 30, next: 'a' }, text('a', 'versión 1')],
    });
    expect(
      await startFlowRun(db, { workspaceId: 'w1', contactId, flowId: 'nope', trigger: 'ref:x', now: t }),
    ).toEqual({ ok: false, code: 'flow_not_found' });
    expect(
      await startFlowRun(db, { workspaceId: 'w2', contactId, flowId: id, trigger: 'ref:x', now: t }),
    ).toEqual({ ok: false, code: 'flow_not_found' });
    const started = await startFlowRun(db, {
      workspaceId: 'w1',
      contactId,
      flowId: id,
      trigger: 'ref:qr_tienda',
      now: t,
    });
    expect(started.ok).toBe(true);
    const v2 = {
      name: 'R',
      triggers: [{ type: 'ref', value: 'qr_tienda' }],
      steps: [{ id: 'w', type: 'delay', minutes: 30, next: 'a' }, text('a', 'versión 2')],
    };
    expect((await updateFlowDraft(db, ctx(), id, v2)).ok).toBe(true);
    expect(await publishFlow(db, ctx(), id)).toMatchObject({ ok: true, version: 2 });
    await resumeDueDelays(db, engine, t + 31 * 60_000);
    expect((await sent()).map((s) => s.text)).toEqual(['versión 1']);
    const draftOnly = await createFlow(db, ctx(), v2);
    if (!draftOnly.ok) throw new Error('create');
    expect(
      await startFlowRun(db, {
        workspaceId: 'w1',
        contactId,
        flowId: draftOnly.flow.id,
        trigger: 'api',
        now: t,
      }),
    ).toEqual({ ok: false, code: 'nothing_published' });
  });
});
