/**
 * The Marketing Message API leg of the send pipeline against the simulator: no setup → refused as
 * not configured; a new campaign warms up for an hour; Meta's frequency caps and STOP mark the
 * person instead of being retried blindly.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient, createMemorySendRateLimiter, type GraphClient } from '../../src/graph/index.ts';
import { configureMarketing } from '../../src/growth/marketing-service.ts';
import type { OutboxContent } from '../../src/outbound/content.ts';
import { type DispatchDeps, dispatchOne } from '../../src/outbound/dispatch.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import {
  contacts,
  type Database,
  growth,
  openDatabase,
  outbox,
  pages,
  workspaces,
} from '../../src/storage/index.ts';

const H = 3_600_000;
const PAGE = '200000000000009';
const TOKEN = 'page-token-marketing';
const KEY = Buffer.alloc(32, 3);
const PROMO: OutboxContent = {
  message: { type: 'text', text: 'Black Friday: 30% de descuento en todo, solo hoy' },
};

let t: number;
let sim: Simulator;
let graph: GraphClient;
let database: Database;
let deps: DispatchDeps;
let seq = 0;

beforeEach(async () => {
  t = Date.parse('2026-11-25T12:00:00Z');
  sim = createSimulator({ appSecret: 's', now: () => t, pages: [{ id: PAGE, token: TOKEN }] });
  graph = createGraphClient({ baseUrl: await sim.listen(0), version: 'v26.0', timeoutMs: 2000 });
  database = await openDatabase(':memory:', { migrate: true });
  await workspaces.createWorkspace(database, { id: 'w1', name: 'Test', now: t });
  await pages.upsertPage(database, KEY, {
    id: PAGE,
    workspaceId: 'w1',
    name: 'Tienda',
    accessToken: TOKEN,
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

/** A subscriber whose window closed two days ago, known to Ventana and to the simulator. */
async function subscriber(country = 'MX') {
  const person = sim.people.createPerson({ pageId: PAGE, country });
  sim.people.touch(person, t - 48 * H);
  const { token } = await sim.people.optInMarketing(person, { title: 'Ofertas', payload: 'OFERTAS' });
  const r = await contacts.recordInbound(database, {
    pageId: PAGE,
    psid: person.psid,
    at: t - 48 * H,
    kind: 'message',
    opensWindow: true,
    now: t,
  });
  if (!r.ok) throw new Error('contact');
  await contacts.updateContactProfile(database, r.contactId, { country }, t);
  await contacts.setMarketingToken(database, KEY, r.contactId, {
    token,
    expiresAt: t + 100 * 24 * H,
    now: t,
  });
  return { person, contactId: r.contactId };
}

async function dispatch(contactId: string) {
  const key = `m-${++seq}`;
  await outbox.enqueueOutbox(database, [
    {
      workspaceId: 'w1',
      pageId: PAGE,
      contactId,
      origin: 'api',
      idempotencyKey: key,
      content: PROMO as never,
      now: t,
    },
  ]);
  const [item] = await outbox.claimDueOutbox(database, { limit: 1, now: t });
  if (!item) throw new Error('nothing claimed');
  return { result: await dispatchOne(deps, item), key };
}

const setup = () =>
  configureMarketing({ database, graph: () => graph, secretKey: KEY, now: () => t }, 'w1', PAGE, {
    adAccountId: '4242',
    businessCountry: 'MX',
  });

describe('marketing messages at dispatch', () => {
  it('fails as not configured without a campaign, then waits for the campaign warm-up, then sends', async () => {
    const { contactId } = await subscriber();
    await pages.setPagePermissions(database, PAGE, { marketingMessages: true }, t);
    expect((await dispatch(contactId)).result).toMatchObject({
      status: 'failed',
      reason: 'marketing_campaign_not_configured',
    });

    const configured = await setup();
    expect(configured).toMatchObject({ ok: true, campaignCreated: true });
    expect(await pages.pageFacts(database, PAGE)).toMatchObject({
      marketingMessages: true,
      businessCountry: 'MX',
    });
    const warming = await dispatch(contactId);
    expect(warming.result).toMatchObject({
      status: 'rescheduled',
      at: t + H,
      reason: 'marketing_campaign_warming_up',
    });
    expect(sim.state.requests.toArray().filter((r) => r.endpoint === 'marketing')).toHaveLength(0);

    t += H;
    const [again] = await outbox.claimDueOutbox(database, { limit: 1, now: t });
    const sent = await dispatchOne(deps, again!);
    expect(sent).toMatchObject({ status: 'sent', mid: expect.stringMatching(/^mmt_/) });
    expect((await contacts.getContact(database, contactId))?.marketingLastSentAt).toBe(t);
  });

  it('holds a person Meta capped, and the next message is refused by the policy, not sent', async () => {
    const { contactId } = await subscriber();
    await setup();
    t += H;
    // Meta's weekly marketing-to-organic cap, as the (simulated) Marketing Message API answers it.
    const capFault = sim.faults.add({ kind: 'marketing_weekly_cap', pageId: PAGE });
    const first = await dispatch(contactId);
    expect(first.result).toMatchObject({ status: 'failed', reason: 'marketing_frequency_capped' });
    expect(await growth.getMarketingHold(database, contactId)).toEqual({
      until: t + 24 * H,
      reason: 'mm/weekly-cap',
    });

    sim.faults.remove(capFault);
    const second = await dispatch(contactId);
    expect(second.result.status).toBe('refused');
    const item = await outbox.getOutboxItemByKey(database, second.key);
    expect(JSON.stringify(item?.decision)).toContain('marketing_paused');
    expect(sim.state.requests.toArray().filter((r) => r.endpoint === 'marketing')).toHaveLength(1);

    t += 24 * H;
    expect((await dispatch(contactId)).result.status).toBe('sent');
  });

  it('stops the subscription, not the contact, when Meta says the person stopped notifications', async () => {
    const { person, contactId } = await subscriber();
    await setup();
    t += H;
    // The STOP webhook has not reached Ventana yet; Meta refuses the send (10/1893015).
    await sim.people.stopMarketing(person);
    const r = await dispatch(contactId);
    expect(r.result).toMatchObject({ status: 'failed', reason: 'marketing_stopped_by_person' });
    const c = await contacts.getContact(database, contactId);
    expect(c?.marketingStatus).toBe('stopped');
    expect(c?.unreachableAt ?? null).toBeNull();
  });

  it('refuses recipients in regions the Marketing Message API excludes, before calling Meta', async () => {
    const { contactId } = await subscriber('ES');
    await setup();
    t += H;
    const r = await dispatch(contactId);
    expect(r.result.status).toBe('refused');
    const item = await outbox.getOutboxItemByKey(database, r.key);
    expect(JSON.stringify(item?.decision)).toContain('marketing_region_ineligible');
    expect(sim.state.requests.toArray().filter((x) => x.endpoint === 'marketing')).toHaveLength(0);
  });
});
