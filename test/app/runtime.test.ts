import { mkdtempSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE, type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import { KEEP_ALIVE_MS } from '../../src/server/app.ts';
import { contacts } from '../../src/storage/index.ts';

let runtime: Runtime;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-runtime-'));
  const parsed = parseConfig({ VENTANA_DATA_DIR: dir, PORT: '0', VENTANA_LOG_LEVEL: 'silent' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  runtime = await startRuntime(parsed.config);
  await runtime.settle();
});

afterAll(async () => {
  await runtime?.close();
});

describe('ventana start with no Page connected (demo mode)', () => {
  it('connects a demo Page on the simulator and records the demo people with their windows and profiles', async () => {
    expect(runtime.demo).not.toBeNull();
    const list = await contacts.listContacts(runtime.database, { workspaceId: DEFAULT_WORKSPACE });
    expect(list.map((c) => c.firstName).sort()).toEqual(['Emma', 'João', 'Lucía', 'Mateo']);
    const lucia = list.find((c) => c.firstName === 'Lucía')!;
    expect(lucia).toMatchObject({ locale: 'es_ES', country: 'ES', lastInboundKind: 'message' });
    expect(lucia.lastInboundAt).not.toBeNull();
  });

  it('unsubscribes a person who writes BAJA and confirms it in Spanish through the pipeline', async () => {
    const sim = runtime.demo!.simulator;
    const person = sim.people.createPerson({
      pageId: runtime.demo!.pageId,
      firstName: 'Carmen',
      locale: 'es_ES',
      country: 'ES',
    });
    const sent = await sim.people.sendText(person, 'BAJA');
    expect(sent.status).toBe(200);
    await runtime.settle();
    await runtime.settle();
    const contact = await contacts.getContactByPsid(runtime.database, runtime.demo!.pageId, person.psid);
    expect(contact?.optedOutAt).not.toBeNull();
    const replies = sim.state.requests
      .toArray()
      .filter((r) => r.endpoint === 'send' && r.psid === person.psid);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toMatchObject({
      messaging_type: 'RESPONSE',
      message: { text: expect.stringContaining('ya no recibirás mensajes de marketing') },
    });
    expect(sim.state.counters.violations).toBe(0);
  });

  it('answers the webhook handshake with the verify token it generated', async () => {
    const res = await fetch(
      `${runtime.webhookUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(runtime.secrets.verifyToken)}&hub.challenge=4242`,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('4242');
  });
});

describe('the REST API', () => {
  it('refuses requests without the installation token and accepts them with it', async () => {
    const anonymous = await fetch(`${runtime.url}/api/v1/anything`, { headers: { 'accept-language': 'es' } });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: { code: 'unauthorized', message: expect.stringContaining('token de la API') },
    });
    const wrong = await fetch(`${runtime.url}/api/v1/anything`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    const authorized = await fetch(`${runtime.url}/api/v1/anything`, {
      headers: { authorization: `Bearer ${runtime.secrets.apiToken}` },
    });
    expect(authorized.status).toBe(404);
  });

  it('keeps idle connections open 72 s as Fastify would, not the 5 s of node:http, on API and webhook routes alike', async () => {
    const agent = new Agent({ keepAlive: true });
    const answerOf = (method: string, path: string) =>
      new Promise<{ status?: number; keepAlive: string }>((resolve, reject) => {
        request(`${runtime.url}${path}`, { agent, method }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode, keepAlive: String(res.headers['keep-alive']) }),
          );
        })
          .on('error', reject)
          .end(method === 'POST' ? '{}' : undefined);
      });
    const expected = `timeout=${KEEP_ALIVE_MS / 1000}`;
    expect(await answerOf('GET', '/health')).toEqual({ status: 200, keepAlive: expected });
    // An unsigned webhook is answered by the fast path, without Fastify: the same timeout holds there.
    expect(await answerOf('POST', '/webhooks/messenger')).toEqual({ status: 401, keepAlive: expected });
    agent.destroy();
  });

  it('decides through the open policy endpoint, in the requested language', async () => {
    const res = await fetch(`${runtime.url}/api/v1/policy/check?lang=es`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        now: '2026-11-25T12:00:00Z',
        contact: { lastInboundAt: '2026-11-23T12:00:00Z' },
        message: { text: '¡50% de descuento solo hoy!' },
      }),
    });
    expect(res.status).toBe(200);
    const decision = (await res.json()) as { allowed: boolean; reasons: { code: string; message: string }[] };
    expect(decision.allowed).toBe(false);
    expect(decision.reasons[0]).toMatchObject({
      code: 'outside_window',
      message: expect.stringContaining('ventana de 24 horas'),
    });
    const bad = await fetch(`${runtime.url}/api/v1/policy/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"message":{}}',
    });
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as { error: { problems: { field: string }[] } };
    expect(error.error.problems[0]?.field).toBe('now');
  });
});

describe('the audit log', () => {
  it('holds the decision behind the keyword confirmation, queryable and exportable as CSV', async () => {
    const auth = { authorization: `Bearer ${runtime.secrets.apiToken}` };
    const page = (await (
      await fetch(`${runtime.url}/api/v1/audit?allowed=true&limit=10`, { headers: auth })
    ).json()) as { items: unknown[] };
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items[0]).toMatchObject({
      allowed: true,
      route: 'standard',
      ruleSet: expect.stringMatching(/^messenger-/),
      graphStatus: 'sent',
    });
    const csv = await fetch(`${runtime.url}/api/v1/audit.csv?allowed=true`, { headers: auth });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,at,workspace_id,page_id,contact_id,message_ref,rule_set,route,allowed/);
    expect(lines.length).toBe(page.items.length + 1);
    const bad = await fetch(`${runtime.url}/api/v1/audit?from=yesterday`, {
      headers: { ...auth, 'accept-language': 'es' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('«from»');
  });
});
