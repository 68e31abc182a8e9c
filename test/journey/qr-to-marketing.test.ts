/**
 * Issue 5's journey, end to end across every area, on a running Ventana in demo mode (its simulator
 * plays Meta and the person; webhooks are signed; the REST API is called over HTTP):
 * a person scans a QR code (Get Started with the entry point's ref) → the entry point labels them and
 * starts its flow → the flow asks for their email (a wrong answer gets the re-prompt), labels them,
 * reaches its goal and asks for a marketing opt-in → they accept → two days later, with the window
 * closed, a promotional broadcast reaches them through the Marketing Message API and nobody else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts } from '../../src/storage/index.ts';
import { type DemoRuntime, type Json, startDemoRuntime } from '../support/demo-runtime.ts';

const H = 3_600_000;
let demo: DemoRuntime;

beforeAll(async () => {
  demo = await startDemoRuntime('journey');
});

afterAll(async () => {
  await demo?.close();
});

describe('from a QR code to a marketing message', () => {
  it('captures, qualifies and subscribes a person, then reaches them lawfully after the window closed', async () => {
    const { runtime, sim, pageId, settle, advance, now } = demo;
    const api = (method: string, path: string, body?: unknown) => demo.api(method, path, body, 'es');
    // The business: a marketing setup, a flow, and a QR entry point that starts the flow.
    const setup = await api('PUT', `/api/v1/pages/${pageId}/marketing`, {
      adAccountId: 'act_5151',
      businessCountry: 'MX',
      campaignName: 'Clientes de tienda',
    });
    expect(setup.status).toBe(200);
    const flow = await api('POST', '/api/v1/flows', {
      name: 'Bienvenida tienda',
      triggers: [{ type: 'keyword', match: 'exact', value: 'tienda' }],
      steps: [
        {
          id: 'hola',
          type: 'send',
          message: { type: 'text', text: '¡Hola {{first_name|amigo}}! Gracias por visitarnos.' },
          next: 'correo',
        },
        {
          id: 'correo',
          type: 'ask',
          text: '¿Cuál es tu correo?',
          field: 'email',
          validate: 'email',
          next: 'vip',
        },
        { id: 'vip', type: 'add_label', labels: ['clientes_tienda'], next: 'meta' },
        { id: 'meta', type: 'goal', name: 'correo_capturado', next: 'optin' },
        { id: 'optin', type: 'optin_request', title: '¿Te avisamos de las ofertas?', payload: 'OFERTAS' },
      ],
    });
    expect(flow.status).toBe(201);
    expect((await api('POST', `/api/v1/flows/${flow.body.id}/publish`)).status).toBe(200);
    const qr = await api('POST', '/api/v1/entry-points', {
      pageId,
      kind: 'link',
      name: 'QR del mostrador',
      ref: 'qr_mostrador',
      labels: ['qr'],
      flowId: flow.body.id,
    });
    expect(qr.status).toBe(201);
    const png = await fetch(`${runtime.url}/api/v1/entry-points/${qr.body.id}/qr.png?size=256`, {
      headers: { authorization: `Bearer ${runtime.secrets.apiToken}` },
    });
    expect([...new Uint8Array(await png.arrayBuffer()).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    // A person scans the QR, answers badly, then well, and accepts the opt-in request.
    const person = sim.people.createPerson({ pageId, firstName: 'Lucía', locale: 'es_MX', country: 'MX' });
    const bystander = sim.people.createPerson({ pageId, firstName: 'Pablo', locale: 'es_MX', country: 'MX' });
    await sim.people.sendText(bystander, 'Hola');
    expect((await sim.people.getStarted(person, 'qr_mostrador')).status).toBe(200);
    await settle();
    const textsTo = (psid: string) =>
      sim.state.requests
        .toArray()
        .filter((r) => r.endpoint === 'send' && r.psid === psid && r.status === 200)
        .map((r) => (r.body as { message: { text?: string } }).message.text ?? '(attachment)');
    expect(textsTo(person.psid)).toEqual(['¡Hola Lucía! Gracias por visitarnos.', '¿Cuál es tu correo?']);
    await sim.people.sendText(person, 'no sé');
    await settle();
    await sim.people.sendText(person, 'lucia@ejemplo.mx');
    await settle();
    expect(textsTo(person.psid).at(-1)).toBe('(attachment)');
    await sim.people.optInMarketing(person, { title: '¿Te avisamos de las ofertas?', payload: 'OFERTAS' });
    await settle();

    const contact = (await contacts.getContactByPsid(runtime.database, pageId, person.psid))!;
    expect(contact).toMatchObject({
      labels: ['clientes_tienda', 'qr'],
      fields: { email: 'lucia@ejemplo.mx' },
      firstEntryPoint: qr.body.id,
      marketingStatus: 'active',
    });
    const today = new Date(now()).toISOString().slice(0, 10);
    const stats = await api('GET', `/api/v1/entry-points/${qr.body.id}/stats?from=${today}&to=${today}`);
    expect(stats.body.totals).toMatchObject({ reached: 1, newContacts: 1, windowsOpened: 1, flowGoals: 1 });

    // Two days later both windows are closed: a promotion to everyone who wrote to the Page.
    advance(48 * H);
    const broadcast = await api('POST', '/api/v1/broadcasts', {
      name: 'Rebajas',
      intent: 'promotional',
      audience: { pageIds: [pageId] },
      content: {
        message: {
          type: 'text',
          text: '{{first_name|Hola}}, 30% de descuento en toda la tienda este fin de semana',
        },
      },
    });
    expect(broadcast.status).toBe(201);
    const preflight = await api('GET', `/api/v1/broadcasts/${broadcast.body.id}/preflight`);
    expect(JSON.stringify(preflight.body)).toContain('marketing_message');
    expect((await api('POST', `/api/v1/broadcasts/${broadcast.body.id}/send`)).status).toBeLessThan(300);
    const end = Date.now() + 15_000;
    let report: Json;
    do {
      await settle();
      report = (await api('GET', `/api/v1/broadcasts/${broadcast.body.id}/report`)).body;
    } while (report.status !== 'done' && Date.now() < end);
    expect(report).toMatchObject({ status: 'done' });

    const marketing = sim.state.requests.toArray().filter((r) => r.endpoint === 'marketing');
    expect(marketing.map((r) => [r.psid, r.outcome])).toEqual([[person.psid, 'ok']]);
    expect(marketing[0]!.path).toBe('/v26.0/act_5151/messages');
    // The bystander, never subscribed and outside the window, got nothing after their first message.
    const afterWindow = sim.state.requests
      .toArray()
      .filter((r) => r.endpoint === 'send' && r.psid === bystander.psid && r.status === 200);
    expect(afterWindow).toEqual([]);
    expect(sim.state.counters.violations).toBe(0);
  });
});
