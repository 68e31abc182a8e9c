import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient, createMemorySendRateLimiter, type GraphClient } from '../../src/graph/index.ts';
import { createInboundProcessor } from '../../src/ingest/processor.ts';
import { dispatchBatch } from '../../src/outbound/batch.ts';
import type { OutboxContent } from '../../src/outbound/content.ts';
import { type DispatchDeps, dispatchOne } from '../../src/outbound/dispatch.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import {
  audit,
  contacts,
  type Database,
  inbound,
  openDatabase,
  outbox,
  pages,
  workspaces,
} from '../../src/storage/index.ts';
import type { OutboxItem } from '../../src/storage/outbox.ts';
import { pollUntil } from '../support/poll.ts';

const H = 3_600_000;
const PAGE = '200000000000001';
const TOKEN = 'page-token-for-tests';
const KEY = Buffer.alloc(32, 7);
const PROMO: OutboxContent = {
  message: { type: 'text', text: 'Black Friday: 30% off with code FRIDAY30, today only!' },
};
const ANSWER: OutboxContent = {
  message: { type: 'text', text: 'Hola Ana, ya revisamos tu caso y te escribimos con novedades.' },
  sender: 'human',
};

let t = Date.parse('2026-11-25T12:00:00Z');
let sim: Simulator;
let graph: GraphClient;
let database: Database;
let deps: DispatchDeps;
let seq = 0;
let echoes: string[] = [];

beforeEach(async () => {
  t = Date.parse('2026-11-25T12:00:00Z');
  echoes = [];
  sim = createSimulator({
    appSecret: 'test-app-secret',
    now: () => t,
    pages: [{ id: PAGE, token: TOKEN, permissions: { humanAgent: true } }],
    // Meta's message_echoes, kept to be fed to the inbound processor by the tests that need them.
    echoSends: true,
    webhookUrl: 'http://ventana.test/webhooks/messenger',
    webhookTransport: async (req) => {
      if (req.body !== undefined) echoes.push(req.body);
      return { status: 200, body: 'EVENT_RECEIVED' };
    },
  });
  const url = await sim.listen(0);
  graph = createGraphClient({ baseUrl: url, version: 'v26.0', timeoutMs: 1500 });
  database = await openDatabase(':memory:', { migrate: true });
  await workspaces.createWorkspace(database, { id: 'w1', name: 'Test', now: t });
  await pages.upsertPage(database, KEY, {
    id: PAGE,
    workspaceId: 'w1',
    name: 'Test Page',
    accessToken: TOKEN,
    permissions: { humanAgent: true },
    now: t,
  });
  deps = {
    database,
    graph,
    limiter: createMemorySendRateLimiter(),
    rules: createRuleBook(),
    secretKey: KEY,
    now: () => t,
  };
});

afterEach(async () => {
  await graph.close();
  await sim.close();
  await database.close();
});

/** A person who last wrote `hoursAgo` hours ago, known to both Ventana and the simulator. */
async function personWhoWrote(hoursAgo: number) {
  const person = sim.people.createPerson({ pageId: PAGE, firstName: 'Ana', locale: 'es_ES', country: 'ES' });
  sim.people.touch(person, t - hoursAgo * H);
  const r = await contacts.recordInbound(database, {
    pageId: PAGE,
    psid: person.psid,
    at: t - hoursAgo * H,
    kind: 'message',
    opensWindow: true,
    now: t,
  });
  if (!r.ok) throw new Error('contact');
  return { person, contactId: r.contactId };
}

async function enqueue(contactId: string, content: OutboxContent): Promise<OutboxItem> {
  await outbox.enqueueOutbox(database, [
    {
      workspaceId: 'w1',
      pageId: PAGE,
      contactId,
      origin: 'api',
      idempotencyKey: `t-${++seq}`,
      content: content as never,
      now: t,
    },
  ]);
  const [item] = await outbox.claimDueOutbox(database, { limit: 1, now: t });
  if (!item) throw new Error('nothing claimed');
  return item;
}

async function claimAgain(): Promise<OutboxItem> {
  const [item] = await outbox.claimDueOutbox(database, { limit: 1, now: t });
  if (!item) throw new Error('nothing due');
  return item;
}

describe('the send pipeline', () => {
  it('sends inside the window, stores the message with its mid and audits decision and outcome', async () => {
    const { contactId } = await personWhoWrote(1);
    const item = await enqueue(contactId, PROMO);
    const result = await dispatchOne(deps, item);
    expect(result.status).toBe('sent');
    expect((await outbox.getOutboxItem(database, item.id))?.status).toBe('sent');
    const entries = await audit.queryAudit(database, { workspaceId: 'w1', messageRef: item.id });
    expect(entries.items[0]).toMatchObject({ allowed: true, route: 'standard', graphStatus: 'sent' });
    expect(sim.state.counters.sendsOk).toBe(1);
    expect(sim.state.counters.violations).toBe(0);
  });

  it('refuses a promotion outside the window without calling Meta, and says why', async () => {
    const { contactId } = await personWhoWrote(30);
    const item = await enqueue(contactId, PROMO);
    const result = await dispatchOne(deps, item);
    expect(result.status).toBe('refused');
    expect(sim.state.counters.requests).toBe(0);
    const entries = await audit.queryAudit(database, { workspaceId: 'w1', reasonCode: 'outside_window' });
    expect(entries.items).toHaveLength(1);
  });

  it('re-checks the window at dispatch, not at enqueue', async () => {
    const { contactId } = await personWhoWrote(23);
    await outbox.enqueueOutbox(database, [
      {
        workspaceId: 'w1',
        pageId: PAGE,
        contactId,
        origin: 'broadcast',
        idempotencyKey: 'late',
        content: PROMO as never,
        now: t,
      },
    ]);
    t += 2 * H; // the queue was slow: the window closed in the meantime
    const result = await dispatchOne(deps, await claimAgain());
    expect(result.status).toBe('refused');
    expect(sim.state.counters.requests).toBe(0);
  });

  it('lets a human agent answer after three days with HUMAN_AGENT, and Meta accepts it', async () => {
    const { contactId } = await personWhoWrote(72);
    const result = await dispatchOne(deps, await enqueue(contactId, ANSWER));
    expect(result.status).toBe('sent');
    const [request] = sim.state.requests.toArray().filter((r) => r.endpoint === 'send');
    expect(request?.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(sim.state.counters.violations).toBe(0);
  });
});

describe('Graph faults', () => {
  it('retries a 5xx later and then sends once', async () => {
    const { contactId } = await personWhoWrote(1);
    sim.faults.add({ kind: 'http_500', pageId: PAGE, count: 3 });
    const first = await dispatchOne(deps, await enqueue(contactId, PROMO));
    expect(first.status).toBe('rescheduled');
    t += 60_000;
    const second = await dispatchOne(deps, await claimAgain());
    expect(second.status).toBe('sent');
    expect(sim.state.counters.sendsOk).toBe(1);
  });

  it('reports a timeout after the request left as unknown and never retries it', async () => {
    const { contactId } = await personWhoWrote(1);
    sim.faults.add({ kind: 'timeout', pageId: PAGE, holdMs: 3000, delivered: true });
    const item = await enqueue(contactId, PROMO);
    const result = await dispatchOne(deps, item);
    expect(result.status).toBe('unknown');
    expect((await outbox.getOutboxItem(database, item.id))?.status).toBe('unknown');
    expect(await outbox.claimDueOutbox(database, { limit: 10, now: t + 24 * H })).toHaveLength(0);
  });

  it("records that unknown 'sent' once Meta's echo of it arrives, and sends nothing again", async () => {
    const { person, contactId } = await personWhoWrote(1);
    sim.faults.add({ kind: 'timeout', pageId: PAGE, holdMs: 3000, delivered: true });
    const item = await enqueue(contactId, PROMO);
    expect((await dispatchOne(deps, item)).status).toBe('unknown');
    await sim.people.flush();
    expect(echoes).toHaveLength(1);

    // The echo goes the way of every webhook: stored, split, applied.
    await inbound.storeWebhookBody(database, echoes[0]!, t);
    await createInboundProcessor({ database, rules: createRuleBook(), secretKey: KEY, now: () => t }).drain();

    const mid = person.inbox[0]!.mid;
    expect(await outbox.getOutboxItem(database, item.id)).toMatchObject({
      status: 'sent',
      result: { mid, confirmedBy: 'echo', before: { reason: 'transient' } },
    });
    const stored = await database.db
      .selectFrom('messages')
      .select(['mid', 'outbox_id', 'direction', 'sender'])
      .where('contact_id', '=', contactId)
      .execute();
    expect(stored).toEqual([{ mid, outbox_id: item.id, direction: 'out', sender: 'bot' }]);
    expect(person.inbox).toHaveLength(1);
    expect(await outbox.claimDueOutbox(database, { limit: 10, now: t + 24 * H })).toHaveLength(0);
  });

  it('records it sent when the echo came before the answer timed out (one send and a batch)', async () => {
    const applyEchoes = async () => {
      await pollUntil('the echo of the accepted send', () => echoes.length > 0);
      for (const raw of echoes.splice(0)) await inbound.storeWebhookBody(database, raw, t);
      await createInboundProcessor({
        database,
        rules: createRuleBook(),
        secretKey: KEY,
        now: () => t,
      }).drain();
    };
    for (const via of ['one', 'batch'] as const) {
      const { person, contactId } = await personWhoWrote(1);
      sim.faults.add({ kind: 'timeout', pageId: PAGE, holdMs: 3000, delivered: true });
      const item = await enqueue(contactId, PROMO);
      const dispatched =
        via === 'one' ? dispatchOne(deps, item) : dispatchBatch(deps, [item]).then((r) => r[0]!);
      // Meta echoes at once; the client gives up on the answer 1.5 s later.
      await applyEchoes();
      expect((await outbox.getOutboxItem(database, item.id))?.status).toBe('sending');
      const mid = person.inbox[0]!.mid;
      expect(await dispatched).toMatchObject({ status: 'sent', mid });
      expect(await outbox.getOutboxItem(database, item.id)).toMatchObject({
        status: 'sent',
        result: { mid, confirmedBy: 'echo' },
      });
    }
  });

  it('backs off on a 613 burst and keeps the message', async () => {
    const { contactId } = await personWhoWrote(1);
    sim.faults.add({ kind: 'rate_limit_613', pageId: PAGE, count: 1 });
    const result = await dispatchOne(deps, await enqueue(contactId, PROMO));
    expect(result.status).toBe('rescheduled');
  });

  it('pauses the Page on an expired token (190) and keeps its messages for later', async () => {
    const { contactId } = await personWhoWrote(1);
    sim.faults.add({ kind: 'token_expired_190', pageId: PAGE });
    const item = await enqueue(contactId, PROMO);
    expect((await dispatchOne(deps, item)).status).toBe('rescheduled');
    expect((await pages.getPage(database, PAGE))?.status).toBe('needs_reconnect');
    expect((await outbox.getOutboxItem(database, item.id))?.status).toBe('queued');
  });

  it('marks a person who cannot receive messages (551) and does not retry', async () => {
    const { contactId } = await personWhoWrote(1);
    sim.faults.add({ kind: 'blocked_551', pageId: PAGE });
    expect((await dispatchOne(deps, await enqueue(contactId, PROMO))).status).toBe('failed');
    const contact = await contacts.getContact(database, contactId);
    expect(contact?.unreachableAt ?? contact?.blockedAt).not.toBeNull();
  });

  it('believes Meta when it says the window is closed (10/2018278) and decides again without breaking a rule', async () => {
    const { contactId } = await personWhoWrote(1);
    sim.faults.add({ kind: 'window_closed_10', pageId: PAGE, count: 1 });
    const first = await dispatchOne(deps, await enqueue(contactId, PROMO));
    expect(first).toMatchObject({ status: 'rescheduled', reason: 'window_closed_by_graph' });
    expect((await contacts.getContact(database, contactId))?.windowClosedByGraphAt).not.toBeNull();
    const second = await dispatchOne(deps, await claimAgain());
    expect(second.status).toBe('refused');
    expect(sim.state.counters.violations).toBe(0);
  });

  it('stops the Page when Meta restricts it, and keeps the messages', async () => {
    const { contactId } = await personWhoWrote(1);
    sim.faults.add({ kind: 'page_restricted', pageId: PAGE });
    expect((await dispatchOne(deps, await enqueue(contactId, PROMO))).status).toBe('rescheduled');
    expect((await pages.getPage(database, PAGE))?.status).toBe('restricted');
  });
});
