/**
 * End to end through the real runtime in demo mode: the built-in simulator plays Meta and the
 * person, webhooks are signed, the REST API is called over HTTP with the installation token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import { contacts, flows } from '../../src/storage/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers whose shape the assertions check
type Json = any;

let runtime: Runtime;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ventana-flows-e2e-'));
  const parsed = parseConfig({ VENTANA_DATA_DIR: dir, PORT: '0', VENTANA_LOG_LEVEL: 'silent' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  runtime = await startRuntime(parsed.config);
  await runtime.settle();
});

afterAll(async () => {
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown, lang = 'es') {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${runtime.secrets.apiToken}`,
      'accept-language': lang,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, Json> };
}

/** Waits until the processor and the sender have nothing left (twice: automation enqueues during the first). */
async function settle() {
  await runtime.settle();
  await runtime.settle();
}

const ENVIOS = {
  name: 'Envíos',
  triggers: [{ type: 'keyword', match: 'exact', value: 'envío' }],
  steps: [
    {
      id: 'hola',
      type: 'send',
      message: { type: 'text', text: '¡Hola {{first_name|amigo}}! Te ayudo con tu envío.' },
      next: 'email',
    },
    {
      id: 'email',
      type: 'ask',
      text: '¿Cuál es tu correo electrónico?',
      field: 'email',
      validate: 'email',
      next: 'etiqueta',
    },
    { id: 'etiqueta', type: 'add_label', labels: ['envios'], next: 'meta' },
    { id: 'meta', type: 'goal', name: 'email_capturado', next: 'optin' },
    {
      id: 'optin',
      type: 'optin_request',
      title: '¿Quieres recibir ofertas de envío gratis?',
      payload: 'OFERTAS_ENVIO',
    },
  ],
};

describe('flows end to end through the simulator', () => {
  it('refuses at save time a flow that would send a promotion after the 24-hour window', async () => {
    const r = await api('POST', '/api/v1/flows', {
      name: 'Recuperación',
      triggers: [{ type: 'keyword', match: 'exact', value: 'carrito' }],
      steps: [
        { id: 'espera', type: 'delay', hours: 25, next: 'promo' },
        {
          id: 'promo',
          type: 'send',
          message: { type: 'text', text: '¡Solo hoy 30% de descuento con el código VUELVE30!' },
        },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('invalid_flow');
    const codes = r.json.error.problems.map((p: { code: string; stepId: string }) => `${p.stepId}:${p.code}`);
    expect(codes).toEqual(expect.arrayContaining(['promo:no_lawful_route', 'espera:delay_outlives_window']));
    expect(r.json.error.message).toContain('Paso «');
    expect((await api('GET', '/api/v1/flows')).json.items).toEqual([]);
  });

  it('runs a Spanish keyword flow: question with a re-prompt, label, goal, marketing opt-in request; a replay changes nothing', async () => {
    const created = await api('POST', '/api/v1/flows', ENVIOS);
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const published = await api('POST', `/api/v1/flows/${id}/publish`);
    expect(published.json).toMatchObject({ version: 1, publishedVersion: 1 });

    const sim = runtime.demo!.simulator;
    const person = sim.people.createPerson({
      pageId: runtime.demo!.pageId,
      firstName: 'Carmen',
      locale: 'es_ES',
      country: 'ES',
    });
    const sentTo = () =>
      sim.state.requests
        .toArray()
        .filter((r) => r.endpoint === 'send' && r.psid === person.psid && r.status === 200)
        .map((r) => r.body as { messaging_type: string; message: Record<string, Json> });

    expect((await sim.people.sendText(person, 'ENVIO')).status).toBe(200);
    await settle();
    expect(sentTo().map((b) => b.message.text)).toEqual([
      expect.stringContaining('Te ayudo con tu envío'),
      '¿Cuál es tu correo electrónico?',
    ]);
    expect(sentTo()[0]?.messaging_type).toBe('RESPONSE');

    await sim.people.sendText(person, 'no me acuerdo');
    await settle();
    expect(sentTo().at(-1)?.message.text).toContain('no parece un correo');

    const answer = await sim.people.sendText(person, 'Carmen@Ejemplo.es');
    await settle();
    const contact = await contacts.getContactByPsid(runtime.database, runtime.demo!.pageId, person.psid);
    expect(contact?.fields).toMatchObject({ email: 'carmen@ejemplo.es' });
    expect(contact?.labels).toEqual(['envios']);
    const optin = sentTo().at(-1)!;
    expect(optin.message.attachment).toMatchObject({
      type: 'template',
      payload: {
        template_type: 'notification_messages',
        title: '¿Quieres recibir ofertas de envío gratis?',
        payload: 'OFERTAS_ENVIO',
      },
    });
    const sendsBefore = sentTo().length;

    // Meta redelivers the very same webhook: nothing moves twice.
    expect((await sim.people.post(answer.payload)).status).toBe(200);
    await settle();
    expect(sentTo()).toHaveLength(sendsBefore);

    const stats = await api('GET', `/api/v1/flows/${id}/stats`);
    expect(stats.json).toMatchObject({ runsStarted: 1, runsCompleted: 1, goalReached: 1, runsActive: 0 });
    expect(stats.json.bySteps.map((s: { stepId: string }) => s.stepId)).toEqual([
      'hola',
      'email',
      'etiqueta',
      'meta',
      'optin',
    ]);
    expect(stats.json.bySteps[1]).toMatchObject({ stepId: 'email', rejected: 1, runs: 1 });

    // The person accepts the opt-in: the subscription is stored (the flow's request worked).
    await sim.people.optInMarketing(person, { title: 'Ofertas', payload: 'OFERTAS_ENVIO' });
    await settle();
    const subscribed = await contacts.getContact(runtime.database, contact!.id);
    expect(subscribed?.marketingStatus).toBe('active');
    expect(sim.state.counters.violations).toBe(0);
    const runs = await runtime.database.db.selectFrom('flow_runs').select(['status', 'outcome']).execute();
    expect(runs).toEqual([{ status: 'completed', outcome: 'completed' }]);
    expect(
      await flows.eventSeen(
        runtime.database,
        contact!.id,
        (answer.payload.entry[0]!.messaging![0] as { message: { mid: string } }).message.mid,
      ),
    ).toBe(true);
  });
});
