/**
 * Growth end to end: a running Ventana in demo mode (its own simulator as Graph, signed webhooks,
 * the processor, the outbox worker and the queue), driven through the REST API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { contacts, outbox, pages } from '../../src/storage/index.ts';
import { type DemoRuntime, startDemoRuntime } from '../support/demo-runtime.ts';
import { pollUntil } from '../support/poll.ts';

const H = 3_600_000;
let demo: DemoRuntime;
let runtime: Runtime;
let sim: Simulator;
let pageId: string;
const now = () => demo.now();
const advance = (ms: number) => demo.advance(ms);
const api = (method: string, path: string, body?: unknown, lang = 'en') => demo.api(method, path, body, lang);
/** Lets webhooks (incl. delayed template status ones), jobs and sends finish. */
const settle = () => demo.settle();

beforeAll(async () => {
  demo = await startDemoRuntime('growth');
  ({ runtime, sim, pageId } = demo);
});

afterAll(async () => {
  await demo?.close();
});

describe('Messenger profile', () => {
  const profile = {
    getStarted: { payload: 'GET_STARTED' },
    greeting: [
      { locale: 'default', text: 'Hi {{user_first_name}}, ask us anything.' },
      { locale: 'es_ES', text: 'Hola {{user_first_name}}, pregúntanos lo que quieras.' },
    ],
    iceBreakers: [{ locale: 'default', questions: [{ question: '¿Horario?', payload: 'HOURS' }] }],
    persistentMenu: [
      {
        locale: 'default',
        items: [
          { type: 'postback', title: 'Hablar con alguien', payload: 'HUMAN' },
          { type: 'web_url', title: 'Carta', url: 'https://example.com/carta' },
        ],
      },
    ],
  };

  it('applies the desired profile through the Messenger Profile API and reports drift when it changes on Meta’s side', async () => {
    const bad = await api(
      'PUT',
      `/api/v1/pages/${pageId}/messenger-profile`,
      { greeting: [{ text: 'x'.repeat(161) }] },
      'es',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    expect(bad.body.error.message).toContain('greeting[0].text debe tener entre 1 y 160 caracteres');

    const saved = await api('PUT', `/api/v1/pages/${pageId}/messenger-profile`, profile);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ version: 1, appliedVersion: null, inSync: false });
    const queued = await api('POST', `/api/v1/pages/${pageId}/messenger-profile/apply`);
    expect(queued.status).toBe(202);

    const applied = await pollUntil(
      'the profile applied on Meta',
      () => api('GET', `/api/v1/pages/${pageId}/messenger-profile/status`),
      (r) => r.body.applyStatus === 'applied',
    );
    expect(applied.body).toMatchObject({
      applyStatus: 'applied',
      appliedVersion: 1,
      inSync: true,
      drift: [],
    });
    const onMeta = sim.state.pages.get(pageId)!.messengerProfile;
    expect(onMeta.get_started).toEqual({ payload: 'GET_STARTED' });
    expect(onMeta.greeting).toEqual(profile.greeting);
    expect(onMeta.persistent_menu).toMatchObject([
      { call_to_actions: [{ payload: 'HUMAN' }, { url: 'https://example.com/carta' }] },
    ]);

    // Someone edits the greeting in Meta's tools: the read-back shows the drift.
    sim.state.pages.get(pageId)!.messengerProfile = {
      ...onMeta,
      greeting: [{ locale: 'default', text: 'Edited by hand' }],
    };
    const drifted = await api('GET', `/api/v1/pages/${pageId}/messenger-profile/status`);
    expect(drifted.body).toMatchObject({ inSync: false, drift: ['greeting'], check: { ok: true } });

    // Applying again restores it; dropping the ice breakers deletes them on Meta's side.
    await api('PUT', `/api/v1/pages/${pageId}/messenger-profile`, { ...profile, iceBreakers: [] });
    await api('POST', `/api/v1/pages/${pageId}/messenger-profile/apply`);
    const again = await pollUntil(
      'the second version applied on Meta',
      () => api('GET', `/api/v1/pages/${pageId}/messenger-profile/status`),
      (r) => r.body.appliedVersion === 2,
    );
    expect(again.body).toMatchObject({ inSync: true, drift: [] });
    expect(sim.state.pages.get(pageId)!.messengerProfile.ice_breakers).toBeUndefined();
    expect(sim.state.pages.get(pageId)!.messengerProfile.greeting).toEqual(profile.greeting);
  });
});

describe('utility templates', () => {
  it('refuses a marketing-worded UTILITY template before it reaches Meta, listing the signals', async () => {
    const res = await api(
      'POST',
      '/api/v1/templates',
      {
        pageId,
        name: 'weekend_deal',
        language: 'es',
        body: '¡Aprovecha 20% de descuento este fin de semana con el cupón {{1}}!',
        examples: ['FINDE20'],
      },
      'es',
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('template_marketing_content');
    expect(res.body.error.message).toContain('descuento «');
    expect(res.body.error.signals.map((s: { kind: string }) => s.kind)).toEqual(
      expect.arrayContaining(['discount', 'coupon']),
    );
    expect([...sim.state.templates.values()].filter((t) => t.name === 'weekend_deal')).toEqual([]);
    expect(
      (await api('GET', '/api/v1/templates')).body.items.map((t: { name: string }) => t.name),
    ).not.toContain('weekend_deal');
  });

  it('creates, submits, follows the status webhook to APPROVED and sends with parameters', async () => {
    await pages.setPagePermissions(runtime.database, pageId, { utilityMessaging: true }, now());
    const simPage = sim.state.pages.get(pageId)!;
    simPage.permissions = { ...simPage.permissions, utilityMessaging: true };
    sim.state.deferTemplateReview = true;

    const created = await api('POST', '/api/v1/templates', {
      pageId,
      name: 'order_shipped',
      language: 'es',
      body: 'Tu pedido {{1}} ya salió. Síguelo con el número {{2}}.',
      examples: ['A-1', 'TRK-1'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'DRAFT', parameters: ['1', '2'] });
    const id = created.body.id as string;

    // A person whose window closed two days ago: only an approved utility template may reach them.
    const person = sim.people.createPerson({ pageId, firstName: 'Rosa', locale: 'es_ES', country: 'US' });
    advance(-48 * H);
    await sim.people.sendText(person, '¿Dónde está mi pedido?');
    advance(48 * H);
    await settle();
    const contact = (await contacts.getContactByPsid(runtime.database, pageId, person.psid))!;

    // Before approval the dispatch refuses it.
    const early = await api('POST', `/api/v1/templates/${id}/send`, {
      contactId: contact.id,
      parameters: ['A-7', 'TRK-7'],
    });
    expect(early.status).toBe(202);
    await settle();
    const refused = await outbox.getOutboxItem(runtime.database, early.body.outboxId);
    expect(refused?.status).toBe('refused');
    expect(JSON.stringify(refused?.decision)).toContain('template_not_approved');

    const submitted = await api('POST', `/api/v1/templates/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'PENDING', metaId: expect.any(String) });
    await settle();
    const status = await api('GET', `/api/v1/templates/${id}/status`);
    expect(status.body).toMatchObject({ status: 'APPROVED', usable: true });

    const sent = await api('POST', `/api/v1/templates/${id}/send`, {
      contactId: contact.id,
      parameters: ['A-8', 'TRK-8'],
    });
    expect(sent.status).toBe(202);
    await settle();
    expect((await outbox.getOutboxItem(runtime.database, sent.body.outboxId))?.status).toBe('sent');
    const onWire = sim.state.requests
      .toArray()
      .filter((r) => r.endpoint === 'send' && r.psid === person.psid);
    expect(onWire.at(-1)).toMatchObject({
      outcome: 'ok',
      body: {
        messaging_type: 'UTILITY',
        message: {
          template: {
            name: 'order_shipped',
            language: { code: 'es' },
            components: [
              {
                type: 'body',
                parameters: [
                  { type: 'text', text: 'A-8' },
                  { type: 'text', text: 'TRK-8' },
                ],
              },
            ],
          },
        },
      },
    });
    expect(sim.state.counters.violations).toBe(0);
    sim.state.deferTemplateReview = false;
  });
});

describe('marketing messages', () => {
  it('sends through the Marketing Message API, refuses a second one within 12 h, and stops at STOP', async () => {
    const setup = await api('PUT', `/api/v1/pages/${pageId}/marketing`, {
      adAccountId: 'act_4242',
      businessCountry: 'MX',
      campaignName: 'Novedades',
    });
    expect(setup.status).toBe(200);
    expect(setup.body).toMatchObject({ campaignCreated: true, campaignReady: false, adAccountId: '4242' });

    const person = sim.people.createPerson({ pageId, firstName: 'Luis', locale: 'es_MX', country: 'MX' });
    await sim.people.sendText(person, 'Hola');
    await settle();
    const contact = (await contacts.getContactByPsid(runtime.database, pageId, person.psid))!;

    // The opt-in request goes inside the window; the person accepts.
    const ask = await api('POST', `/api/v1/pages/${pageId}/marketing/optin-requests`, {
      contactId: contact.id,
      title: 'Novedades y ofertas',
      payload: 'NEWS',
    });
    expect(ask.status).toBe(202);
    await settle();
    expect((await outbox.getOutboxItem(runtime.database, ask.body.outboxId))?.status).toBe('sent');
    await sim.people.optInMarketing(person, { title: 'Novedades y ofertas', payload: 'NEWS' });
    await settle();
    const subs = await api('GET', `/api/v1/pages/${pageId}/marketing/subscribers`);
    expect(subs.body.counts).toMatchObject({ active: 1, stopped: 0 });

    // Two days later the window is closed: a promotion goes as a marketing message (after warm-up).
    advance(48 * H);
    const promo = async (key: string) => {
      await outbox.enqueueOutbox(runtime.database, [
        {
          workspaceId: contact.workspaceId,
          pageId,
          contactId: contact.id,
          origin: 'api',
          idempotencyKey: key,
          content: {
            message: { type: 'text', text: 'Black Friday: 30% de descuento en todo, solo hoy' },
          } as never,
          now: now(),
        },
      ]);
      runtime.workers.sender.wake();
      await settle();
      return (await outbox.getOutboxItemByKey(runtime.database, key))!;
    };
    const first = await promo('mm-1');
    expect(first.status).toBe('sent');
    const mm = sim.state.requests.toArray().filter((r) => r.endpoint === 'marketing');
    expect(mm).toHaveLength(1);
    expect(mm[0]).toMatchObject({ path: '/v26.0/act_4242/messages', outcome: 'ok', psid: person.psid });

    advance(6 * H);
    const second = await promo('mm-2');
    expect(second.status).toBe('refused');
    expect(JSON.stringify(second.decision)).toContain('marketing_cooldown');
    expect(sim.state.requests.toArray().filter((r) => r.endpoint === 'marketing')).toHaveLength(1);

    // STOP: the person turns marketing notifications off; nothing more goes to them.
    await sim.people.stopMarketing(person);
    await settle();
    advance(13 * H);
    const third = await promo('mm-3');
    expect(third.status).toBe('refused');
    expect(JSON.stringify(third.decision)).toContain('marketing_not_subscribed');
    expect((await api('GET', `/api/v1/pages/${pageId}/marketing/subscribers`)).body.counts).toMatchObject({
      active: 0,
      stopped: 1,
    });
    expect(sim.state.counters.violations).toBe(0);
  });

  it('honours a STOP whose opt-in never reached Ventana, keeping the token as stopped', async () => {
    const person = sim.people.createPerson({ pageId, firstName: 'Iván', locale: 'es_MX', country: 'MX' });
    await sim.people.sendText(person, 'Hola');
    await settle();
    const contact = (await contacts.getContactByPsid(runtime.database, pageId, person.psid))!;
    await sim.people.optInMarketing(person, { title: 'Novedades', payload: 'NEWS' });
    await settle();
    // As if the opt-in webhook had been lost.
    await contacts.setMarketingToken(runtime.database, runtime.secrets.secretKey, contact.id, {
      token: null,
      now: now(),
    });
    await sim.people.stopMarketing(person);
    await settle();
    const after = (await contacts.getContact(runtime.database, contact.id))!;
    expect(after).toMatchObject({ hasMarketingToken: true, marketingStatus: 'stopped' });
    await sim.people.resumeMarketing(person);
    await settle();
    expect((await contacts.getContact(runtime.database, contact.id))?.marketingStatus).toBe('active');
  });

  it('refuses an opt-in request outside the window', async () => {
    const person = sim.people.createPerson({ pageId, firstName: 'Eva', locale: 'es_MX', country: 'MX' });
    advance(-30 * H);
    await sim.people.sendText(person, 'Hola');
    advance(30 * H);
    await settle();
    const contact = (await contacts.getContactByPsid(runtime.database, pageId, person.psid))!;
    const ask = await api('POST', `/api/v1/pages/${pageId}/marketing/optin-requests`, {
      contactId: contact.id,
      title: 'Novedades',
      payload: 'NEWS',
    });
    await settle();
    const item = await outbox.getOutboxItem(runtime.database, ask.body.outboxId);
    expect(item?.status).toBe('refused');
    expect(JSON.stringify(item?.decision)).toContain('optin_request_outside_window');
  });
});
