/** `/api/v1/sequences` through Fastify's inject, with the auth context set as the real hook does. */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../src/server/auth-context.ts';
import { registerSequenceRoutes } from '../../src/server/sequence-routes.ts';
import { workspaces } from '../../src/storage/index.ts';
import { createHarness, type Harness } from '../broadcasts/harness.ts';

const BODY = {
  name: 'Bienvenida',
  exitOnReply: true,
  steps: [
    {
      id: 'hola',
      delay: { amount: 0, unit: 'minutes' },
      content: { message: { type: 'text', text: 'Hola {{first_name|amigo}}' } },
      intent: 'non_promotional',
    },
    {
      id: 'oferta',
      delay: { amount: 2, unit: 'days' },
      content: { message: { type: 'text', text: 'Solo hoy: 20% de descuento con el código HOLA20' } },
      intent: 'promotional',
    },
  ],
};

describe('the sequences REST API', () => {
  let h: Harness;
  let app: FastifyInstance;
  let enrolledNudges = 0;

  beforeEach(async () => {
    h = await createHarness();
    await workspaces.createWorkspace(h.database, { id: 'w2', name: 'Other', now: h.clock.t });
    app = Fastify();
    app.addHook('onRequest', async (req) => {
      req.auth = {
        workspaceId: (req.headers['x-test-workspace'] as string | undefined) ?? 'w1',
        role: ((req.headers['x-test-role'] as string | undefined) ?? 'admin') as Role,
        userId: null,
        via: 'install_token',
      };
    });
    enrolledNudges = 0;
    registerSequenceRoutes(app, {
      database: h.database,
      now: () => h.clock.t,
      onEnrolled: () => enrolledNudges++,
    });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await h.close();
  });

  it('creates a sequence with its warnings, lists, reads and updates it', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/sequences', payload: BODY });
    expect(created.statusCode).toBe(201);
    const s = created.json();
    expect(s).toMatchObject({ name: 'Bienvenida', status: 'draft', exitOnReply: true });
    expect(s.warnings).toEqual([expect.objectContaining({ step: 2, code: 'promotional_late_skip' })]);

    const es = await app.inject({
      method: 'GET',
      url: `/api/v1/sequences/${s.id}`,
      headers: { 'accept-language': 'es' },
    });
    expect(es.json().warnings[0].message).toContain('no lo recibirá');
    expect((await app.inject({ method: 'GET', url: '/api/v1/sequences' })).json().items).toHaveLength(1);

    const updated = await app.inject({
      method: 'PUT',
      url: `/api/v1/sequences/${s.id}`,
      payload: { ...BODY, name: 'Bienvenida 2', steps: [BODY.steps[0]] },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ name: 'Bienvenida 2', warnings: [] });
    expect(updated.json().steps).toHaveLength(1);
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/sequences/${s.id}`,
      payload: { name: 'Hola' },
    });
    expect(patched.json()).toMatchObject({ name: 'Hola', exitOnReply: true });
    expect(patched.json().steps).toHaveLength(1);
    const badPatch = await app.inject({
      method: 'PATCH',
      url: `/api/v1/sequences/${s.id}`,
      payload: { steps: [] },
    });
    expect(badPatch.statusCode).toBe(400);
    expect(badPatch.json().error.problems[0].field).toBe('steps');
  });

  it('refuses a bad sequence naming the field, in the request language, and saves nothing', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/sequences',
      headers: { 'accept-language': 'es' },
      payload: { ...BODY, steps: [{ ...BODY.steps[1], intent: 'non_promotional' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'promotional_not_allowed' });
    expect(bad.json().error.message).toMatch(/^steps\[0\]\.intent: el contenido es promocional/);
    expect((await app.inject({ method: 'GET', url: '/api/v1/sequences' })).json().items).toEqual([]);
  });

  it('lets a viewer read but not change, and keeps workspaces apart', async () => {
    const s = (await app.inject({ method: 'POST', url: '/api/v1/sequences', payload: BODY })).json();
    const viewer = { 'x-test-role': 'viewer', 'accept-language': 'es' };
    expect(
      (await app.inject({ method: 'GET', url: `/api/v1/sequences/${s.id}/stats`, headers: viewer }))
        .statusCode,
    ).toBe(200);
    const denied = await app.inject({
      method: 'POST',
      url: `/api/v1/sequences/${s.id}/activate`,
      headers: viewer,
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.message).toContain('rol admin');
    const other = await app.inject({
      method: 'GET',
      url: `/api/v1/sequences/${s.id}`,
      headers: { 'x-test-workspace': 'w2' },
    });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('sequence_not_found');
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: `/api/v1/sequences/${s.id}`,
          headers: { 'x-test-workspace': 'w2' },
        })
      ).statusCode,
    ).toBe(404);
  });

  it('activates, enrolls people with a result each, removes them, pauses, reports stats and deletes', async () => {
    const ana = await h.person({ hoursAgo: 1 });
    const s = (await app.inject({ method: 'POST', url: '/api/v1/sequences', payload: BODY })).json();
    const early = await app.inject({
      method: 'POST',
      url: `/api/v1/sequences/${s.id}/enroll`,
      headers: { 'accept-language': 'es' },
      payload: { contactIds: [ana.contactId] },
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.message).toContain('borrador');

    expect(
      (await app.inject({ method: 'POST', url: `/api/v1/sequences/${s.id}/activate` })).json().status,
    ).toBe('active');
    const twice = await app.inject({ method: 'POST', url: `/api/v1/sequences/${s.id}/activate` });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('invalid_state');

    const badIds = await app.inject({
      method: 'POST',
      url: `/api/v1/sequences/${s.id}/enroll`,
      payload: { contactIds: [] },
    });
    expect(badIds.json().error.code).toBe('invalid_contact_ids');
    const enrolled = await app.inject({
      method: 'POST',
      url: `/api/v1/sequences/${s.id}/enroll`,
      payload: { contactIds: [ana.contactId, 'nobody', ana.contactId] },
    });
    expect(enrolled.json()).toMatchObject({
      enrolled: 1,
      items: [
        { contactId: ana.contactId, ok: true },
        { contactId: 'nobody', ok: false, code: 'contact_not_found', message: 'no contact with id nobody' },
      ],
    });
    expect(enrolledNudges).toBe(1);
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/sequences/${s.id}/enroll`,
      payload: { contactIds: [ana.contactId] },
    });
    expect(again.json().items[0]).toMatchObject({ ok: false, code: 'already_enrolled' });

    let stats = (await app.inject({ method: 'GET', url: `/api/v1/sequences/${s.id}/stats` })).json();
    expect(stats.steps[0]).toMatchObject({ stepId: 'hola', scheduled: 1 });
    expect(stats.enrollments).toMatchObject({ active: 1 });

    const left = await app.inject({
      method: 'POST',
      url: `/api/v1/sequences/${s.id}/leave`,
      payload: { contactIds: [ana.contactId] },
    });
    expect(left.json()).toEqual({ left: 1 });
    stats = (await app.inject({ method: 'GET', url: `/api/v1/sequences/${s.id}/stats` })).json();
    expect(stats.steps[0]).toMatchObject({ scheduled: 0, cancelled: 1 });
    expect(stats.enrollments).toMatchObject({ active: 0, left: 1, leftByReason: { manual: 1 } });
    const history = (
      await app.inject({ method: 'GET', url: `/api/v1/sequences/${s.id}/enrollments` })
    ).json();
    expect(history.items[0]).toMatchObject({
      status: 'left',
      leftReason: 'manual',
      steps: [{ note: 'left_manual' }],
    });

    expect((await app.inject({ method: 'POST', url: `/api/v1/sequences/${s.id}/pause` })).json().status).toBe(
      'paused',
    );
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/sequences/${s.id}` })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/api/v1/sequences/${s.id}` })).statusCode).toBe(404);
  });
});
