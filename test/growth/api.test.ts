/**
 * The growth REST API through Fastify's inject: roles, workspace isolation, errors per field in the
 * request's language, and the template and marketing endpoints against the simulator.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/server/auth-context.ts';
import { registerGrowthRoutes } from '../../src/server/growth-routes.ts';
import { growth, pages, workspaces } from '../../src/storage/index.ts';
import { createHarness, type Harness, KEY, PAGE_A } from '../broadcasts/harness.ts';

const OTHER_PAGE = '399999999999999';
let h: Harness;
let app: FastifyInstance;

beforeEach(async () => {
  h = await createHarness({ permissions: { utilityMessaging: true } });
  await workspaces.createWorkspace(h.database, { id: 'w2', name: 'Other', now: h.clock.t });
  await pages.upsertPage(h.database, KEY, {
    id: OTHER_PAGE,
    workspaceId: 'w2',
    name: 'Other',
    accessToken: 'token-other',
    now: h.clock.t,
  });
  app = Fastify();
  // Stands in for the authentication hook: the role and workspace come from test headers.
  app.addHook('onRequest', async (req) => {
    req.auth = {
      workspaceId: String(req.headers['x-test-workspace'] ?? 'w1'),
      role: String(req.headers['x-test-role'] ?? 'owner') as Role,
      userId: null,
      via: 'api_key',
    };
  });
  registerGrowthRoutes(app, {
    database: h.database,
    secretKey: KEY,
    now: () => h.clock.t,
    graph: () => h.graph,
    queue: () => null,
  });
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await h.close();
});

const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers = {}) =>
  app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers });

describe('the Messenger profile API', () => {
  it('lets a viewer read but only an admin change the profile, in the request language', async () => {
    const put = await call(
      'PUT',
      `/api/v1/pages/${PAGE_A}/messenger-profile`,
      { getStarted: { payload: 'GO' } },
      { 'x-test-role': 'viewer', 'accept-language': 'es' },
    );
    expect(put.statusCode).toBe(403);
    expect(put.json().error.message).toContain('rol admin');
    expect(
      (await call('PUT', `/api/v1/pages/${PAGE_A}/messenger-profile`, { getStarted: { payload: 'GO' } }))
        .statusCode,
    ).toBe(200);
    const read = await call('GET', `/api/v1/pages/${PAGE_A}/messenger-profile`, undefined, {
      'x-test-role': 'viewer',
    });
    expect(read.json()).toMatchObject({
      desired: { getStarted: { payload: 'GO' } },
      version: 1,
      applyStatus: 'never',
    });
  });

  it('names every bad field and changes nothing', async () => {
    const res = await call('PUT', `/api/v1/pages/${PAGE_A}/messenger-profile`, {
      greeting: [{ locale: 'es_ES', text: 'Hola' }],
      persistentMenu: [{ items: [{ type: 'postback', title: 'A', payload: 'A' }] }],
    });
    expect(res.statusCode).toBe(400);
    expect(
      res.json().error.problems.map((p: { field: string; code: string }) => `${p.field}:${p.code}`),
    ).toEqual(['greeting:default_locale_missing', 'persistentMenu:menu_needs_get_started']);
    expect(await growth.getProfile(h.database, PAGE_A)).toBeUndefined();
  });

  it('never shows or changes another workspace’s Page', async () => {
    const res = await call('PUT', `/api/v1/pages/${OTHER_PAGE}/messenger-profile`, {
      getStarted: { payload: 'GO' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('page_not_found');
    expect(await growth.getProfile(h.database, OTHER_PAGE)).toBeUndefined();
  });

  it('answers 503 when asked to apply before the workers run (no queue yet)', async () => {
    await call('PUT', `/api/v1/pages/${PAGE_A}/messenger-profile`, { getStarted: { payload: 'GO' } });
    const res = await call('POST', `/api/v1/pages/${PAGE_A}/messenger-profile/apply`);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('not_ready');
    // Meta shows nothing yet: the live status reports every set field as drift; ?live=false does not call Meta.
    const live = await call('GET', `/api/v1/pages/${PAGE_A}/messenger-profile/status`);
    expect(live.json()).toMatchObject({ inSync: false, drift: ['get_started'], check: { ok: true } });
    const calls = h.sim.state.requests.toArray().length;
    const stored = await call('GET', `/api/v1/pages/${PAGE_A}/messenger-profile/status?live=false`);
    expect(stored.json()).toMatchObject({ drift: ['get_started'] });
    expect(stored.json().check).toBeUndefined();
    expect(h.sim.state.requests.toArray().length).toBe(calls);
  });
});

describe('the templates API', () => {
  const order = {
    pageId: PAGE_A,
    name: 'order_shipped',
    language: 'es',
    body: 'Tu pedido {{1}} ya salió.',
    examples: ['A-1'],
  };

  it('creates, lists, submits (Meta approves), shows the status and deletes on both sides', async () => {
    const created = await call('POST', '/api/v1/templates', order);
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect((await call('POST', '/api/v1/templates', order)).statusCode).toBe(409);
    const submitted = await call('POST', `/api/v1/templates/${id}/submit`);
    expect(submitted.json()).toMatchObject({ status: 'APPROVED', metaId: expect.any(String) });
    expect([...h.sim.state.templates.values()].map((t) => t.name)).toEqual(['order_shipped']);
    const again = await call('POST', `/api/v1/templates/${id}/submit`, undefined, {
      'accept-language': 'es',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('APPROVED');
    expect((await call('GET', `/api/v1/templates/${id}/status`)).json()).toMatchObject({
      status: 'APPROVED',
      usable: true,
    });
    expect((await call('GET', '/api/v1/templates?status=APPROVED')).json().items).toHaveLength(1);
    expect(
      (await call('GET', '/api/v1/templates', undefined, { 'x-test-workspace': 'w2' })).json().items,
    ).toEqual([]);
    expect(
      (await call('DELETE', `/api/v1/templates/${id}`, undefined, { 'x-test-role': 'agent' })).statusCode,
    ).toBe(403);
    expect((await call('DELETE', `/api/v1/templates/${id}`)).statusCode).toBe(204);
    expect(h.sim.state.templates.size).toBe(0);
    expect((await call('GET', `/api/v1/templates/${id}`)).statusCode).toBe(404);
  });

  it('clones a template from Meta’s library and refuses one the library does not have', async () => {
    const lib = await call('GET', `/api/v1/templates/library?pageId=${PAGE_A}&q=appointment&language=es`);
    expect(lib.json().items.map((t: { name: string }) => t.name)).toEqual(['appointment_reminder']);
    const cloned = await call('POST', '/api/v1/templates/clone', {
      pageId: PAGE_A,
      name: 'cita',
      language: 'es',
      libraryTemplateName: 'appointment_reminder',
    });
    expect(cloned.statusCode).toBe(201);
    expect(cloned.json()).toMatchObject({
      source: 'library',
      status: 'DRAFT',
      body: 'Recordatorio: tu cita es el {{1}} a las {{2}}.',
    });
    const submitted = await call('POST', `/api/v1/templates/${cloned.json().id}/submit`);
    expect(submitted.json().status).toBe('APPROVED');
    const missing = await call(
      'POST',
      '/api/v1/templates/clone',
      { pageId: PAGE_A, name: 'x', language: 'es', libraryTemplateName: 'no_such_template' },
      { 'accept-language': 'es' },
    );
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain('La biblioteca de Meta no tiene');
  });

  it('names bad fields in English and refuses marketing wording in English', async () => {
    const bad = await call('POST', '/api/v1/templates', {
      pageId: PAGE_A,
      name: 'Bad Name',
      language: 'es',
      body: '',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('name may only hold lowercase letters');
    const promo = await call('POST', '/api/v1/templates', {
      ...order,
      name: 'promo',
      body: 'Your order {{1}} shipped! Get 30% off your next order, shop now.',
    });
    expect(promo.statusCode).toBe(422);
    expect(promo.json().error.message).toContain('Signals: ');
  });

  it('checks the parameters of a send against the template', async () => {
    const id = (await call('POST', '/api/v1/templates', order)).json().id as string;
    const contact = await h.person({ hoursAgo: 30 });
    const wrong = await call('POST', `/api/v1/templates/${id}/send`, {
      contactId: contact.contactId,
      parameters: [],
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.problems[0]).toMatchObject({ field: 'parameters', code: 'examples_mismatch' });
    const ok = await call('POST', `/api/v1/templates/${id}/send`, {
      contactId: contact.contactId,
      parameters: ['A-9'],
      idempotencyKey: 'order-A-9',
    });
    expect(ok.json()).toMatchObject({ created: true });
    const twice = await call('POST', `/api/v1/templates/${id}/send`, {
      contactId: contact.contactId,
      parameters: ['A-9'],
      idempotencyKey: 'order-A-9',
    });
    expect(twice.json()).toMatchObject({ created: false, outboxId: ok.json().outboxId });
  });
});

describe('the marketing setup API', () => {
  it('uses a given campaign, names bad fields, and lists subscriber counts', async () => {
    const bad = await call('PUT', `/api/v1/pages/${PAGE_A}/marketing`, {
      adAccountId: 'abc',
      businessCountry: 'Mexico',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.problems.map((p: { field: string }) => p.field)).toEqual([
      'adAccountId',
      'businessCountry',
    ]);
    expect((await call('GET', `/api/v1/pages/${PAGE_A}/marketing`)).statusCode).toBe(404);
    const put = await call('PUT', `/api/v1/pages/${PAGE_A}/marketing`, {
      adAccountId: 'act_42',
      businessCountry: 'mx',
      campaignId: '123456',
      minConversationGapSeconds: 3600,
    });
    expect(put.json()).toMatchObject({ campaignCreated: false, campaignId: '123456', campaignReady: true });
    expect(h.sim.state.campaigns.size).toBe(0);
    expect((await call('GET', `/api/v1/pages/${PAGE_A}/marketing/subscribers`)).json()).toEqual({
      counts: { active: 0, stopped: 0, expired: 0, total: 0 },
      items: [],
      nextCursor: null,
    });
  });
});
