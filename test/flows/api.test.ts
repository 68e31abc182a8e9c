/** `/api/v1/flows` through Fastify's inject, with a real SQLite database. */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRuleBook } from '../../src/policy/index.ts';
import type { Role } from '../../src/server/auth-context.ts';
import { registerFlowRoutes } from '../../src/server/flow-routes.ts';
import { type Database, openDatabase, workspaces } from '../../src/storage/index.ts';

const T = Date.parse('2026-11-25T12:00:00Z');
let db: Database;
let app: FastifyInstance;

beforeEach(async () => {
  db = await openDatabase(':memory:', { migrate: true });
  for (const id of ['w1', 'w2']) await workspaces.createWorkspace(db, { id, name: id, now: T });
  app = Fastify();
  // Stands in for the authentication hook: the tests choose the workspace and the role.
  app.addHook('onRequest', async (req) => {
    req.auth = {
      workspaceId: String(req.headers['x-test-workspace'] ?? 'w1'),
      role: String(req.headers['x-test-role'] ?? 'admin') as Role,
      userId: null,
      via: 'install_token',
    };
  });
  registerFlowRoutes(app, {
    database: db,
    rules: createRuleBook(),
    now: () => T,
    secretKey: Buffer.alloc(32, 1),
  });
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await db.close();
});

async function call(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: res.statusCode, body: res.json() };
}

const FLOW = {
  name: 'Talla',
  priority: 2,
  triggers: [{ type: 'keyword', match: 'contains', value: 'talla' }],
  steps: [
    {
      id: 'q',
      type: 'ask',
      text: '¿Tu correo, {{first_name|amigo}}?',
      field: 'email',
      validate: 'email',
      retries: 1,
      next: 'gracias',
      fallback: 'humano',
    },
    { id: 'gracias', type: 'send', message: { type: 'text', text: 'Gracias' }, next: 'espera' },
    { id: 'espera', type: 'delay', days: 2, next: 'oferta' },
    {
      id: 'oferta',
      type: 'send',
      audience: 'subscribers',
      message: { type: 'text', text: '20% de descuento con el código TALLA20' },
    },
    { id: 'humano', type: 'handoff' },
  ],
};

describe('the flows REST API', () => {
  it('answers 400 listing every problem, in the request language, and stores nothing', async () => {
    const bad = {
      ...FLOW,
      name: '',
      steps: [
        { id: 'q', type: 'ask', text: 'x', field: 'email', validate: 'mail' },
        { id: 'q', type: 'send' },
      ],
    };
    const es = await call('POST', '/api/v1/flows', bad, { 'accept-language': 'es' });
    expect(es.status).toBe(400);
    expect(es.body.error.code).toBe('invalid_flow');
    expect(es.body.error.message).toMatch(/^El flujo tiene \d problema/);
    expect(es.body.error.problems.map((p: { path: string }) => p.path)).toEqual(
      expect.arrayContaining(['name', 'steps[0].validate', 'steps[1].message']),
    );
    const en = await call('POST', '/api/v1/flows?lang=en', bad);
    expect(
      en.body.error.problems.find((p: { path: string }) => p.path === 'steps[0].validate').message,
    ).toMatch(/^Step "q", validate: must be one of/);
    expect((await call('GET', '/api/v1/flows')).body).toEqual({ items: [] });
  });

  it('creates, edits, publishes and versions a flow; runs keep their version, drafts stay editable', async () => {
    const created = await call('POST', '/api/v1/flows', FLOW);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Talla', status: 'active', publishedVersion: null });
    expect(created.body.warnings.map((w: { code: string }) => w.code)).toContain(
      'delay_outlives_window_lawful',
    );
    const id = created.body.id as string;
    expect((await call('POST', `/api/v1/flows/${id}/publish`)).body).toMatchObject({
      version: 1,
      priority: 2,
    });
    const edited = await call('PUT', `/api/v1/flows/${id}`, { ...FLOW, name: 'Talla v2' });
    expect(edited.body).toMatchObject({ name: 'Talla v2', publishedVersion: 1 });
    expect((await call('POST', `/api/v1/flows/${id}/publish`)).body.version).toBe(2);
    const versions = await call('GET', `/api/v1/flows/${id}/versions`);
    expect(
      versions.body.items.map((v: { version: number; published: boolean }) => [v.version, v.published]),
    ).toEqual([
      [2, true],
      [1, false],
    ]);
    expect((await call('GET', `/api/v1/flows/${id}/versions/1`)).body.document.name).toBe('Talla');
    expect((await call('GET', `/api/v1/flows/${id}/versions/9`)).status).toBe(404);
    expect((await call('GET', '/api/v1/flows')).body.items).toHaveLength(1);
  });

  it('refuses an edit that would break the rules and keeps the previous draft', async () => {
    const id = (await call('POST', '/api/v1/flows', FLOW)).body.id as string;
    const steps = FLOW.steps.map((s) => (s.id === 'oferta' ? { ...s, audience: 'everyone' } : s));
    const r = await call('PUT', `/api/v1/flows/${id}`, { ...FLOW, steps }, { 'accept-language': 'es' });
    expect(r.status).toBe(400);
    const refusal = r.body.error.problems.find((p: { code: string }) => p.code === 'no_lawful_route');
    expect(refusal).toMatchObject({ stepId: 'oferta', severity: 'error' });
    expect(refusal.message).toContain('ninguna vía lo permite');
    expect((await call('GET', `/api/v1/flows/${id}`)).body.draft.steps[3].audience).toBe('subscribers');
  });

  it('simulates a flow without sending: answers, re-prompts, delays and the decision each send would get', async () => {
    const id = (await call('POST', '/api/v1/flows', FLOW)).body.id as string;
    const r = await call(
      'POST',
      `/api/v1/flows/${id}/test-run`,
      {
        inputs: ['no sé', 'ana@ejemplo.es'],
        facts: { contact: { firstName: 'Ana', locale: 'es_ES', country: 'ES' } },
      },
      { 'accept-language': 'es' },
    );
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('completed');
    expect(r.body.contact.fields).toEqual({ email: 'ana@ejemplo.es' });
    const steps = r.body.steps as {
      stepId: string;
      sends: {
        content: { message: { text: string } };
        decision: { allowed: boolean; route: string; reasons: { code: string; message: string }[] };
      }[];
    }[];
    expect(steps.map((s) => s.stepId)).toEqual(['q', 'gracias', 'espera', 'oferta']);
    expect(steps[0]?.sends.map((x) => x.content.message.text)).toEqual([
      '¿Tu correo, Ana?',
      expect.stringContaining('no parece un correo'),
    ]);
    expect((steps[0] as unknown as { actions: { kind: string }[] }).actions.map((a) => a.kind)).toEqual([
      'answer_rejected',
      'set_fields',
    ]);
    expect(steps[0]?.sends[0]?.content.message.text).toBe('¿Tu correo, Ana?');
    expect(steps[0]?.sends[0]?.decision).toMatchObject({ allowed: true, route: 'standard' });
    const offer = steps.at(-1)!.sends[0]!.decision;
    expect(offer.allowed).toBe(false);
    expect(offer.reasons.map((x) => x.code)).toContain('outside_window');
    expect(offer.reasons[0]?.message.length).toBeGreaterThan(10);
    const waiting = await call('POST', `/api/v1/flows/${id}/test-run`, {});
    expect(waiting.body).toMatchObject({ status: 'waiting_input' });
    expect((await call('POST', `/api/v1/flows/${id}/test-run`, { version: 'published' })).status).toBe(404);
  });

  it('lets viewers read but not change, hides other workspaces, archives, and shows the webhook secret to admins', async () => {
    const id = (await call('POST', '/api/v1/flows', FLOW)).body.id as string;
    const viewer = { 'x-test-role': 'viewer', 'accept-language': 'es' };
    expect((await call('GET', `/api/v1/flows/${id}`, undefined, viewer)).status).toBe(200);
    expect((await call('GET', `/api/v1/flows/${id}/stats`, undefined, viewer)).body).toMatchObject({
      runsStarted: 0,
      bySteps: [],
    });
    const forbidden = await call('POST', `/api/v1/flows/${id}/publish`, undefined, viewer);
    expect(forbidden).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await call('GET', '/api/v1/flows/webhook-secret', undefined, viewer)).status).toBe(403);
    const other = await call('GET', `/api/v1/flows/${id}`, undefined, {
      'x-test-workspace': 'w2',
      'accept-language': 'es',
    });
    expect(other).toMatchObject({
      status: 404,
      body: { error: { code: 'flow_not_found', message: `No existe el flujo ${id}.` } },
    });
    const secret = await call('GET', '/api/v1/flows/webhook-secret');
    expect(secret.body).toMatchObject({ header: 'x-ventana-signature', algorithm: 'HMAC-SHA256' });
    expect(secret.body.secret).toMatch(/^[0-9a-f]{64}$/);
    expect((await call('GET', '/api/v1/flows/webhook-secret')).body.secret).toBe(secret.body.secret);
    expect((await call('POST', `/api/v1/flows/${id}/archive`)).body).toMatchObject({
      status: 'archived',
      stoppedRuns: 0,
    });
    expect((await call('POST', `/api/v1/flows/${id}/publish`)).status).toBe(409);
    expect((await call('GET', '/api/v1/flows')).body.items).toEqual([]);
    expect((await call('GET', '/api/v1/flows?archived=true')).body.items).toHaveLength(1);
  });
});
