/** The inbox REST API through Fastify's inject: shapes, roles, validation in es/en, workspace walls. */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboxStream } from '../../src/inbox/stream.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import type { Role } from '../../src/server/auth-context.ts';
import { registerInboxRoutes } from '../../src/server/inbox-routes.ts';
import {
  accounts,
  audit,
  contacts,
  conversations,
  type Database,
  messages,
  openDatabase,
  pages,
  workspaces,
} from '../../src/storage/index.ts';

const H = 3_600_000;
const NOW = Date.parse('2026-11-25T12:00:00Z');
const PAGE = '500000000000001';
const OTHER = '500000000000002';
const KEY = Buffer.alloc(32, 5);

let db: Database;
let app: FastifyInstance;
let stream: InboxStream;
let wakes = 0;
let enrolled: { contactId: string; labels: readonly string[] }[] = [];
/** An agent of workspace w1 (assignment checks membership). */
let u1: string;

beforeEach(async () => {
  wakes = 0;
  enrolled = [];
  db = await openDatabase(':memory:', { migrate: true });
  await workspaces.createWorkspace(db, { id: 'w1', name: 'One', now: NOW });
  await workspaces.createWorkspace(db, { id: 'w2', name: 'Two', now: NOW });
  const agent = await accounts.users.createUser(db, {
    email: 'ana@example.com',
    name: 'Ana',
    lang: 'es',
    passwordHash: null,
    now: NOW,
  });
  if (!agent.ok) throw new Error('user not created');
  u1 = agent.user.id;
  await accounts.users.setMembership(db, { workspaceId: 'w1', userId: u1, role: 'agent', now: NOW });
  await pages.upsertPage(db, KEY, {
    id: PAGE,
    workspaceId: 'w1',
    name: 'P',
    accessToken: 't',
    permissions: { humanAgent: true },
    now: NOW,
  });
  await pages.upsertPage(db, KEY, { id: OTHER, workspaceId: 'w2', name: 'O', accessToken: 't', now: NOW });
  app = Fastify();
  // Stands in for the authentication hook: the tests say who is calling.
  app.addHook('onRequest', async (req) => {
    req.auth = {
      workspaceId: (req.headers['x-ws'] as string) ?? 'w1',
      role: ((req.headers['x-role'] as string) ?? 'owner') as Role,
      userId: (req.headers['x-user'] as string) || null,
      via: 'session',
    };
  });
  ({ stream } = registerInboxRoutes(app, {
    database: db,
    rules: createRuleBook(),
    now: () => NOW,
    secretKey: KEY,
    graph: () => null,
    wake: () => {
      wakes++;
    },
    enrollByLabels: async (_db, input) => {
      enrolled.push({ contactId: input.contactId, labels: input.labels });
      return 1;
    },
  }));
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await db.close();
});

async function person(psid: string, hoursAgo: number, opts: { page?: string; first?: string } = {}) {
  const pageId = opts.page ?? PAGE;
  const r = await contacts.recordInbound(db, {
    pageId,
    psid,
    at: NOW - hoursAgo * H,
    kind: 'message',
    opensWindow: true,
    now: NOW - hoursAgo * H,
  });
  if (!r.ok) throw new Error('not recorded');
  await contacts.updateContactProfile(
    db,
    r.contactId,
    { firstName: opts.first ?? 'Ana', lastName: 'Test' },
    NOW - hoursAgo * H,
  );
  const conv = await conversations.openConversation(db, {
    workspaceId: pageId === PAGE ? 'w1' : 'w2',
    contactId: r.contactId,
    pageId,
    now: NOW - hoursAgo * H,
  });
  await messages.insertMessage(db, {
    conversationId: conv.id,
    contactId: r.contactId,
    pageId,
    direction: 'in',
    kind: 'text',
    text: 'hola',
    sender: 'contact',
    createdAt: NOW - hoursAgo * H,
  });
  return { contactId: r.contactId, conversationId: conv.id };
}

type Who = { role?: Role; user?: string; ws?: string; lang?: string };
async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  who: Who = {},
) {
  const res = await app.inject({
    method,
    url,
    headers: {
      'x-role': who.role ?? 'owner',
      'x-user': who.user ?? '',
      'x-ws': who.ws ?? 'w1',
      'accept-language': who.lang ?? 'en',
    },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  return {
    status: res.statusCode,
    body: res.body === '' || !String(res.headers['content-type']).includes('json') ? null : res.json(),
    raw: res.body,
    headers: res.headers,
  };
}

describe('contacts', () => {
  it('lists contacts with their window at a glance, filtered and paginated, with the total', async () => {
    const a = await person('1', 2, { first: 'Ana' });
    await person('2', 30, { first: 'Bea' });
    await person('3', 9 * 24, { first: 'Carla' });
    await person('9', 1, { page: OTHER, first: 'Other' });
    const all = await call('GET', '/api/v1/contacts?limit=2');
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(all.body.items.map((c: { firstName: string }) => c.firstName)).toEqual(['Ana', 'Bea']);
    const next = await call('GET', `/api/v1/contacts?limit=2&cursor=${all.body.nextCursor}`);
    expect(next.body.items.map((c: { firstName: string }) => c.firstName)).toEqual(['Carla']);
    expect(next.body.nextCursor).toBeNull();
    const open = await call('GET', '/api/v1/contacts?window=open');
    expect(open.body).toMatchObject({
      total: 1,
      items: [{ id: a.contactId, window: { state: 'open', closesAt: NOW + 22 * H } }],
    });
    expect(open.body.items[0]).toMatchObject({
      pageId: PAGE,
      psid: '1',
      name: 'Ana Test',
      labels: [],
      fields: {},
      optedOut: false,
      blocked: false,
      marketingStatus: null,
    });
    expect(open.body.items[0].window.canDo[0]).toMatchObject({
      code: 'reply',
      message: expect.stringContaining('Reply freely'),
    });
    const ha = await call('GET', '/api/v1/contacts?window=human_agent');
    expect(ha.body.items.map((c: { firstName: string }) => c.firstName)).toEqual(['Bea']);
    const bad = await call('GET', '/api/v1/contacts?window=maybe', undefined, { lang: 'es' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({
      code: 'invalid_field',
      message: 'window: se esperaba uno de: open, human_agent, closed',
    });
    expect((await call('GET', '/api/v1/contacts?cursor=zzz')).body.error.message).toMatch(/^cursor:/);
  });

  it("writes what can still be done in the reader's language and time zone", async () => {
    await person('1', 2);
    const utc = await call('GET', '/api/v1/contacts?lang=es');
    const madrid = await call('GET', '/api/v1/contacts?lang=es&tz=Europe/Madrid');
    expect(utc.body.items[0].window.canDo[0].message).toMatch(/^Responde libremente .*10:00/);
    expect(madrid.body.items[0].window.canDo[0].message).toContain('11:00');
    const unknown = await call('GET', '/api/v1/contacts?tz=Mars/Olympus');
    expect(unknown.status).toBe(200);
  });

  it('never shows another workspace its contacts', async () => {
    const other = await person('9', 1, { page: OTHER });
    expect((await call('GET', `/api/v1/contacts/${other.contactId}`)).status).toBe(404);
    expect((await call('GET', `/api/v1/contacts/${other.contactId}`, undefined, { ws: 'w2' })).status).toBe(
      200,
    );
    expect((await call('PATCH', `/api/v1/contacts/${other.contactId}`, { addLabels: ['x'] })).status).toBe(
      404,
    );
    expect((await call('GET', `/api/v1/conversations/${other.conversationId}/messages`)).status).toBe(404);
  });

  it('lets an admin edit labels and fields, journals the edit, and refuses bad input naming the field', async () => {
    const a = await person('1', 2);
    const viewer = await call(
      'PATCH',
      `/api/v1/contacts/${a.contactId}`,
      { addLabels: ['vip'] },
      { role: 'agent', lang: 'es' },
    );
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.message).toContain('rol admin');
    const bad = await call('PATCH', `/api/v1/contacts/${a.contactId}`, {
      addLabels: ['ok'],
      fields: { 'talla!': 'M' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^fields\.talla!:/);
    expect((await call('GET', `/api/v1/contacts/${a.contactId}`)).body.labels).toEqual([]);
    expect((await call('PATCH', `/api/v1/contacts/${a.contactId}`, {})).body.error.message).toContain(
      'addLabels',
    );
    const ok = await call(
      'PATCH',
      `/api/v1/contacts/${a.contactId}`,
      { addLabels: ['vip', 'madrid'], fields: { size: 'M', orders: 3 } },
      { user: u1 },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ labels: ['madrid', 'vip'], fields: { size: 'M', orders: 3 } });
    const removed = await call('PATCH', `/api/v1/contacts/${a.contactId}`, {
      removeLabels: ['madrid'],
      fields: { size: null },
    });
    expect(removed.body).toMatchObject({ labels: ['vip'], fields: { orders: 3 } });
    expect((await call('GET', '/api/v1/contacts?label=vip')).body.total).toBe(1);
    // Only labels that were really added may start sequences.
    expect(enrolled).toEqual([{ contactId: a.contactId, labels: ['vip', 'madrid'] }]);
  });

  it('merges messages, decisions, notes and edits into one timeline, newest first', async () => {
    const a = await person('1', 2);
    await audit.appendAudit(db, {
      workspaceId: 'w1',
      pageId: PAGE,
      contactId: a.contactId,
      at: NOW - H,
      ruleSet: 'messenger-x',
      route: null,
      allowed: false,
      reasons: [{ code: 'outside_window' }],
    });
    await call('POST', `/api/v1/conversations/${a.conversationId}/notes`, { text: 'Llamar mañana' });
    await call('PATCH', `/api/v1/contacts/${a.contactId}`, { addLabels: ['vip'] });
    const tl = await call('GET', `/api/v1/contacts/${a.contactId}/timeline`);
    expect(tl.status).toBe(200);
    expect(tl.body.items.map((i: { type: string }) => i.type).sort()).toEqual([
      'contact_change',
      'decision',
      'message',
      'note',
    ]);
    const times = tl.body.items.map((i: { at: number }) => i.at);
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    expect(tl.body.items.find((i: { type: string }) => i.type === 'decision')).toMatchObject({
      allowed: false,
      reasons: ['outside_window'],
    });
  });

  it('exports the filtered contacts as CSV', async () => {
    await person('1', 2, { first: 'Ana' });
    await person('2', 9 * 24, { first: 'Bea, "la jefa"' });
    const csv = await call('GET', '/api/v1/contacts.csv?window=closed');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.raw.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,page_id,psid,first_name,last_name/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"Bea, ""la jefa"""');
    expect(lines[1]).toContain(',closed,');
  });
});

describe('conversations', () => {
  it('assigns to "me" only for a person; the installation token has no "mine"', async () => {
    const a = await person('1', 2);
    const token = await call(
      'POST',
      `/api/v1/conversations/${a.conversationId}/assign`,
      { userId: 'me' },
      { lang: 'es' },
    );
    expect(token.status).toBe(400);
    expect(token.body.error).toMatchObject({
      code: 'no_user_for_self',
      message: expect.stringContaining('no puede ser "yo"'),
    });
    expect((await call('GET', '/api/v1/conversations?filter=mine')).body.items).toEqual([]);
    const viewer = await call(
      'POST',
      `/api/v1/conversations/${a.conversationId}/assign`,
      { userId: 'me' },
      { role: 'viewer', user: u1 },
    );
    expect(viewer.status).toBe(403);
    const me = await call(
      'POST',
      `/api/v1/conversations/${a.conversationId}/assign`,
      { userId: 'me' },
      { role: 'agent', user: u1 },
    );
    expect(me.body).toMatchObject({ assignedUserId: u1 });
    expect(
      (await call('GET', '/api/v1/conversations?filter=mine', undefined, { user: u1 })).body.items,
    ).toHaveLength(1);
    expect((await call('GET', '/api/v1/conversations?filter=unassigned')).body.items).toHaveLength(0);
    const stranger = await call(
      'POST',
      `/api/v1/conversations/${a.conversationId}/assign`,
      { userId: 'someone-else' },
      { lang: 'es' },
    );
    expect(stranger.status).toBe(400);
    expect(stranger.body.error).toMatchObject({
      code: 'assignee_not_member',
      message: 'El usuario someone-else no es miembro de este espacio de trabajo',
    });
    const nobody = await call('POST', `/api/v1/conversations/${a.conversationId}/assign`, { userId: null });
    expect(nobody.body.assignedUserId).toBeNull();
    expect((await call('POST', `/api/v1/conversations/${a.conversationId}/assign`, {})).status).toBe(400);
    expect((await call('GET', '/api/v1/conversations?filter=everything')).status).toBe(400);
  });

  it('keeps internal notes out of the outbox and shows them among the messages', async () => {
    const a = await person('1', 2);
    const note = await call(
      'POST',
      `/api/v1/conversations/${a.conversationId}/notes`,
      { text: 'Cliente VIP' },
      { user: u1 },
    );
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ type: 'note', authorUserId: u1, text: 'Cliente VIP' });
    const list = await call('GET', `/api/v1/conversations/${a.conversationId}/messages`);
    expect(list.body.items.map((i: { type: string }) => i.type)).toEqual(['message', 'note']);
    expect(await db.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
    expect(
      (await call('POST', `/api/v1/conversations/${a.conversationId}/notes`, { text: ' ' })).status,
    ).toBe(400);
  });

  it('clears the unread count when an agent reads, not when a viewer looks', async () => {
    const a = await person('1', 2);
    const listed = (await call('GET', '/api/v1/conversations')).body.items[0];
    expect(listed.lastMessage).toMatchObject({ text: 'hola', author: 'contact' });
    const unread = async () => (await call('GET', '/api/v1/conversations')).body.items[0].unreadCount;
    expect(await unread()).toBe(1);
    await call('GET', `/api/v1/conversations/${a.conversationId}/messages`, undefined, { role: 'viewer' });
    expect(await unread()).toBe(1);
    await call('GET', `/api/v1/conversations/${a.conversationId}/messages`, undefined, { role: 'agent' });
    expect(await unread()).toBe(0);
  });

  it('closes and reopens a conversation', async () => {
    const a = await person('1', 2);
    expect((await call('POST', `/api/v1/conversations/${a.conversationId}/close`)).body.status).toBe(
      'closed',
    );
    expect((await call('GET', '/api/v1/conversations?filter=closed')).body.items).toHaveLength(1);
    expect((await call('POST', `/api/v1/conversations/${a.conversationId}/reopen`)).body.status).toBe('open');
  });

  it('enqueues an allowed reply once per client id and wakes the sender; refuses a late one with nothing enqueued', async () => {
    const a = await person('1', 2);
    const first = await call(
      'POST',
      `/api/v1/conversations/${a.conversationId}/reply`,
      { text: 'Hola', clientId: 'c1' },
      { user: u1 },
    );
    const again = await call('POST', `/api/v1/conversations/${a.conversationId}/reply`, {
      text: 'Hola',
      clientId: 'c1',
    });
    expect(first.status).toBe(202);
    expect(again.body.outboxId).toBe(first.body.outboxId);
    expect(wakes).toBe(2);
    const row = await db.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ origin: 'agent', origin_id: a.conversationId });
    expect(JSON.parse(row.content)).toMatchObject({
      sender: 'human',
      purpose: 'response',
      message: { text: 'Hola' },
    });
    // Until the sender sends it, the reply shows in the conversation as queued, with its author.
    const shown = await call('GET', `/api/v1/conversations/${a.conversationId}/messages`);
    expect(shown.body.items.at(-1)).toMatchObject({
      type: 'reply',
      status: 'queued',
      text: 'Hola',
      authorUserId: u1,
    });
    // Replying took the unassigned conversation.
    expect((await call('GET', `/api/v1/conversations/${a.conversationId}`)).body.assignedUserId).toBe(u1);

    const late = await person('2', 8 * 24);
    const refused = await call('POST', `/api/v1/conversations/${late.conversationId}/reply`, {
      text: 'Hola',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.alternatives.length).toBeGreaterThan(0);
    expect(await db.db.selectFrom('outbox').selectAll().execute()).toHaveLength(1);
    expect(
      (await call('POST', `/api/v1/conversations/${late.conversationId}/reply`, { text: '' })).status,
    ).toBe(400);
  });

  it('answers handover with a clear error while no Graph client runs', async () => {
    const a = await person('1', 2);
    const r = await call('POST', `/api/v1/conversations/${a.conversationId}/handover`, { to: 'page_inbox' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('page_not_connected');
    expect(
      (await call('POST', `/api/v1/conversations/${a.conversationId}/handover`, { to: 'bot' })).status,
    ).toBe(400);
  });
});

describe('canned replies', () => {
  it('keeps them per workspace and fills in the first name for a contact', async () => {
    const a = await person('1', 2, { first: 'Lucía' });
    const created = await call('POST', '/api/v1/canned-replies', {
      title: 'Saludo',
      text: 'Hola {{first_name|amiga}}, ¿en qué te ayudo?',
      shortcut: 'hola',
    });
    expect(created.status).toBe(201);
    const list = await call('GET', `/api/v1/canned-replies?contactId=${a.contactId}`);
    expect(list.body.items).toEqual([
      expect.objectContaining({ title: 'Saludo', rendered: 'Hola Lucía, ¿en qué te ayudo?' }),
    ]);
    expect((await call('GET', '/api/v1/canned-replies', undefined, { ws: 'w2' })).body.items).toEqual([]);
    expect(
      (await call('DELETE', `/api/v1/canned-replies/${created.body.id}`, undefined, { ws: 'w2' })).status,
    ).toBe(404);
    expect((await call('POST', '/api/v1/canned-replies', { title: 'x' })).body.error.message).toMatch(
      /^text:/,
    );
    expect(
      (await call('PUT', `/api/v1/canned-replies/${created.body.id}`, { title: 'Saludo', text: 'Buenas' }))
        .body.text,
    ).toBe('Buenas');
    expect((await call('DELETE', `/api/v1/canned-replies/${created.body.id}`)).status).toBe(204);
  });
});

describe('overview', () => {
  it('answers the contract shape and refuses a backwards range', async () => {
    await person('1', 2);
    const o = await call('GET', `/api/v1/analytics/overview?from=2026-11-20&to=2026-11-26`);
    expect(o.status).toBe(200);
    expect(o.body.totals).toEqual({
      contacts: 1,
      windowsOpen: 1,
      optIns: 0,
      optOuts: 0,
      refused: 0,
      sent: 0,
    });
    expect(o.body.byDay).toHaveLength(6);
    expect(o.body.byDay.at(-1)).toMatchObject({ day: '2026-11-25', inbound: 1 });
    const bad = await call('GET', '/api/v1/analytics/overview?from=2026-11-26&to=2026-11-20', undefined, {
      lang: 'es',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^from: "from" debe ser anterior/);
  });
});

describe('the live stream', () => {
  it('stops listening when the client goes away', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const res = await fetch(`${address}/api/v1/stream`, { signal: controller.signal });
    await res.body!.getReader().read();
    expect(stream.listenerCount()).toBe(1);
    controller.abort();
    for (let i = 0; i < 50 && stream.listenerCount() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(stream.listenerCount()).toBe(0);
  });

  it('ends open streams when the server closes', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/api/v1/stream`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(': connected');
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await reader.read()).done).toBe(true);
  });
});
