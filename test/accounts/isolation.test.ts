import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient, type GraphClient } from '../../src/graph/index.ts';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { audit } from '../../src/storage/index.ts';
import { createTwoWorkspaces, type TwoWorkspaces } from '../support/two-workspaces.ts';

const PAGE = '400000000000001';
const PAGE_TOKEN = 'EAAB-page-token-secret-value-123';
const PROMO = {
  name: 'Promo',
  intent: 'promotional',
  content: { message: { type: 'text', text: 'Hola, 2x1 solo hoy' } },
};

let sim: Simulator;
let graph: GraphClient;
beforeAll(async () => {
  sim = createSimulator({
    appSecret: 'test-app-secret',
    pages: [{ id: PAGE, token: PAGE_TOKEN, permissions: { humanAgent: true } }],
  });
  graph = createGraphClient({ baseUrl: await sim.listen(0), version: 'v26.0', timeoutMs: 3000 });
});
afterAll(async () => {
  await graph.close();
  await sim.close();
});

let t: TwoWorkspaces;
beforeEach(async () => {
  t = await createTwoWorkspaces({ graph: () => graph });
});
afterEach(async () => {
  await t.close();
});

describe('one workspace can never read or change another workspace’s data', () => {
  it('keeps broadcasts apart: the other workspace sees 404 for every route and cannot send it', async () => {
    const created = await t.a.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: PROMO });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    for (const url of [
      `/api/v1/broadcasts/${id}`,
      `/api/v1/broadcasts/${id}/preflight`,
      `/api/v1/broadcasts/${id}/report`,
      `/api/v1/broadcasts/${id}/preflight/all.csv`,
    ]) {
      expect((await t.b.inject({ method: 'GET', url })).statusCode, url).toBe(404);
      expect((await t.a.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
    for (const action of ['send', 'pause', 'resume', 'cancel']) {
      const res = await t.b.inject({ method: 'POST', url: `/api/v1/broadcasts/${id}/${action}` });
      expect(res.statusCode, action).toBe(404);
    }
    expect((await t.a.inject({ method: 'GET', url: `/api/v1/broadcasts/${id}` })).json().status).toBe(
      'draft',
    );
  });

  it('refuses a session that names a workspace it is not a member of', async () => {
    const res = await t.b.inject({
      method: 'GET',
      url: '/api/v1/broadcasts/x',
      headers: { 'x-workspace-id': 'ws-a' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('not_a_member');
  });

  it('keeps the audit log apart, in JSON and CSV, even when filtering by the other workspace’s Page', async () => {
    const entry = { ruleSet: 'r', route: 'standard', allowed: true, reasons: [], at: t.clock.t };
    await audit.appendAudit(t.database, {
      ...entry,
      workspaceId: 'ws-a',
      pageId: PAGE,
      messageRef: 'secret-a',
    });
    await audit.appendAudit(t.database, { ...entry, workspaceId: 'ws-b', messageRef: 'mine-b' });
    const b = await t.b.inject({ method: 'GET', url: `/api/v1/audit?page=${PAGE}` });
    expect(b.json().items).toEqual([]);
    const all = await t.b.inject({ method: 'GET', url: '/api/v1/audit' });
    expect(all.json().items.map((i: { messageRef: string }) => i.messageRef)).toEqual(['mine-b']);
    const csv = await t.b.inject({ method: 'GET', url: '/api/v1/audit.csv' });
    expect(csv.body).toContain('mine-b');
    expect(csv.body).not.toContain('secret-a');
    const a = await t.a.inject({ method: 'GET', url: '/api/v1/audit' });
    expect(a.json().items.map((i: { messageRef: string }) => i.messageRef)).toEqual(['secret-a']);
  });

  it('keeps Pages apart: listing, health, disconnecting and reconnecting into another workspace', async () => {
    const connected = await t.a.inject({
      method: 'POST',
      url: '/api/v1/pages',
      payload: { id: PAGE, name: 'Tienda', accessToken: PAGE_TOKEN },
    });
    expect(connected.statusCode).toBe(201);
    expect((await t.b.inject({ method: 'GET', url: '/api/v1/pages' })).json().items).toEqual([]);
    expect((await t.b.inject({ method: 'GET', url: `/api/v1/pages/${PAGE}/health` })).statusCode).toBe(404);
    expect((await t.b.inject({ method: 'DELETE', url: `/api/v1/pages/${PAGE}` })).statusCode).toBe(404);
    const steal = await t.b.inject({
      method: 'POST',
      url: '/api/v1/pages',
      payload: { id: PAGE, name: 'Mine', accessToken: 'EAAB-other' },
    });
    expect(steal.statusCode).toBe(409);
    expect(steal.json().error.code).toBe('page_in_other_workspace');
    const list = (await t.a.inject({ method: 'GET', url: '/api/v1/pages' })).json().items;
    expect(list).toMatchObject([{ id: PAGE, name: 'Tienda', hasToken: true }]);
  });

  it('keeps members, invitations and API keys apart', async () => {
    const members = (await t.b.inject({ method: 'GET', url: '/api/v1/members' })).json().items;
    expect(members.map((m: { email: string }) => m.email)).toEqual(['owner@b.test']);
    const demote = await t.b.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: { userId: t.a.userId, role: 'viewer' },
    });
    expect(demote.statusCode).toBe(404);
    expect((await t.b.inject({ method: 'DELETE', url: `/api/v1/members/${t.a.userId}` })).statusCode).toBe(
      404,
    );

    const inv = await t.a.inject({
      method: 'POST',
      url: '/api/v1/invitations',
      payload: { email: 'x@a.test', role: 'agent' },
    });
    expect((await t.b.inject({ method: 'GET', url: '/api/v1/invitations' })).json().items).toEqual([]);
    expect(
      (await t.b.inject({ method: 'DELETE', url: `/api/v1/invitations/${inv.json().id}` })).statusCode,
    ).toBe(404);

    const keyA = await t.apiKeyActor(t.a, 'admin');
    const keys = (await t.a.inject({ method: 'GET', url: '/api/v1/api-keys' })).json().items;
    expect((await t.b.inject({ method: 'GET', url: '/api/v1/api-keys' })).json().items).toEqual([]);
    expect((await t.b.inject({ method: 'DELETE', url: `/api/v1/api-keys/${keys[0].id}` })).statusCode).toBe(
      404,
    );
    // A's key works in A only, whatever workspace header it sends.
    const created = await t.b.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: PROMO });
    const viaKey = await keyA.inject({
      method: 'GET',
      url: `/api/v1/broadcasts/${created.json().id}`,
      headers: { 'x-workspace-id': 'ws-b' },
    });
    expect(viaKey.statusCode).toBe(404);
    expect(
      (await keyA.inject({ method: 'GET', url: '/api/v1/members' }))
        .json()
        .items.map((m: { email: string }) => m.email),
    ).toEqual(['owner@a.test']);
  });
});

describe('roles', () => {
  it('lets a viewer read but not create, change or connect anything', async () => {
    const viewer = await t.member('ws-a', 'viewer');
    const created = await t.a.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: PROMO });
    expect(
      (await viewer.inject({ method: 'GET', url: `/api/v1/broadcasts/${created.json().id}` })).statusCode,
    ).toBe(200);
    expect((await viewer.inject({ method: 'GET', url: '/api/v1/pages' })).statusCode).toBe(200);
    expect((await viewer.inject({ method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(200);
    const refused = [
      await viewer.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: PROMO }),
      await viewer.inject({ method: 'POST', url: `/api/v1/broadcasts/${created.json().id}/send` }),
      await viewer.inject({
        method: 'POST',
        url: '/api/v1/pages',
        payload: { id: PAGE, name: 'x', accessToken: 'y' },
      }),
      await viewer.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        payload: { name: 'k', role: 'viewer' },
      }),
    ];
    for (const r of refused) {
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('forbidden');
    }
    const es = await viewer.inject({
      method: 'POST',
      url: '/api/v1/broadcasts',
      payload: PROMO,
      headers: { 'accept-language': 'es' },
    });
    expect(es.json().error.message).toContain('Hace falta el rol admin');
  });

  it('does not let an agent manage members, invitations or API keys', async () => {
    const agent = await t.member('ws-a', 'agent');
    expect((await agent.inject({ method: 'GET', url: '/api/v1/members' })).statusCode).toBe(200);
    for (const [method, url, payload] of [
      ['POST', '/api/v1/members', { userId: t.a.userId, role: 'viewer' }],
      ['DELETE', `/api/v1/members/${t.a.userId}`, undefined],
      ['POST', '/api/v1/invitations', { email: 'n@a.test', role: 'viewer' }],
      ['GET', '/api/v1/invitations', undefined],
      ['GET', '/api/v1/api-keys', undefined],
    ] as const) {
      const r = await agent.inject({ method, url, ...(payload ? { payload } : {}) });
      expect(r.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it('lets an admin manage members below owner but never grant or touch an owner, and keeps the last owner', async () => {
    const admin = await t.member('ws-a', 'admin');
    const viewer = await t.member('ws-a', 'viewer');
    const up = await admin.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: { userId: viewer.userId, role: 'agent' },
    });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ userId: viewer.userId, role: 'agent' });
    const owner = await admin.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: { userId: viewer.userId, role: 'owner' },
    });
    expect(owner.json().error.code).toBe('role_too_high');
    expect((await admin.inject({ method: 'DELETE', url: `/api/v1/members/${t.a.userId}` })).statusCode).toBe(
      403,
    );
    const ownerKey = await admin.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      payload: { name: 'k', role: 'owner' },
    });
    expect(ownerKey.statusCode).toBe(403);
    const last = await t.a.inject({
      method: 'POST',
      url: '/api/v1/members',
      payload: { userId: t.a.userId, role: 'admin' },
    });
    expect(last.statusCode).toBe(409);
    expect(last.json().error.code).toBe('last_owner');
  });

  it('gives an API key exactly its role', async () => {
    const key = await t.apiKeyActor(t.a, 'viewer');
    expect((await key.inject({ method: 'GET', url: '/api/v1/pages' })).statusCode).toBe(200);
    expect((await key.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: PROMO })).statusCode).toBe(
      403,
    );
  });
});
