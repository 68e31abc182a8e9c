import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from './simulator.ts';
import { DAY, errorOf, frozenSimulator, HOUR, PAGE, send, T0 } from './test-support.ts';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

const campaigns = new WeakMap<Simulator, string>();

/** A message campaign for the Page, created once per simulator and warmed up (one hour). */
async function campaignOf(s: Simulator): Promise<string> {
  const known = campaigns.get(s);
  if (known) return known;
  const res = await s.app.inject({
    method: 'POST',
    url: `/v26.0/act_42/message_campaign?access_token=page-token-${PAGE}`,
    payload: { name: 'Ofertas de invierno', page_id: PAGE },
  });
  const id = res.json().id as string;
  campaigns.set(s, id);
  s.clock.advance(HOUR);
  return id;
}

async function marketing(s: Simulator, subscriptionToken: string, token = 'system-user') {
  const messageId = await campaignOf(s);
  return s.app.inject({
    method: 'POST',
    url: `/v26.0/act_42/messages?access_token=${token}`,
    payload: {
      message_id: messageId,
      messenger_delivery_data: { subscription_token: subscriptionToken },
      message: {
        attachment: { type: 'template', payload: { template_type: 'button', text: 'Hi', buttons: [] } },
      },
    },
  });
}

describe('Marketing Message API', () => {
  it('creates message campaigns, refuses unknown ones and warms a new one up for an hour', async () => {
    sim = frozenSimulator({ systemUserTokens: ['system-user'] });
    const p = sim.people.createPerson({ pageId: PAGE, country: 'MX' });
    const { token } = await sim.people.optInMarketing(p, { title: 'Ofertas', payload: 'OFERTAS' });
    const send = (messageId: string) =>
      sim.app.inject({
        method: 'POST',
        url: '/v26.0/act_42/messages?access_token=system-user',
        payload: {
          message_id: messageId,
          messenger_delivery_data: { subscription_token: token },
          message: { text: 'Hola' },
        },
      });
    expect(errorOf(await send('404'))).toMatchObject({ code: 100, error_subcode: 2300001 });
    const noPage = await sim.app.inject({
      method: 'POST',
      url: '/v26.0/act_42/message_campaign?access_token=system-user',
      payload: { name: 'x', page_id: '999' },
    });
    expect(errorOf(noPage).code).toBe(100);
    const created = await sim.app.inject({
      method: 'POST',
      url: '/v26.0/act_42/message_campaign?access_token=system-user',
      payload: { name: 'Invierno', page_id: PAGE },
    });
    const id = created.json().id as string;
    expect(errorOf(await send(id))).toMatchObject({ code: 100, error_subcode: 2300028 });
    sim.clock.advance(HOUR);
    expect((await send(id)).statusCode).toBe(200);
  });

  it('sends one message per subscription token per 12 hours', async () => {
    sim = frozenSimulator({ systemUserTokens: ['system-user'] });
    const p = sim.people.createPerson({ pageId: PAGE, country: 'MX' });
    const { token } = await sim.people.optInMarketing(p, { title: 'Ofertas', payload: 'OFERTAS' });
    const first = await marketing(sim, token);
    expect(first.json()).toEqual({ success: true, marketing_message_tracking_id: expect.any(String) });

    sim.clock.advance(12 * HOUR - 1);
    const early = await marketing(sim, token);
    expect(errorOf(early)).toMatchObject({ code: 4, error_subcode: 2018354 });
    expect(sim.state.counters.violationsByRule.marketing_cooldown).toBe(1);

    sim.clock.advance(1);
    expect((await marketing(sim, token)).statusCode).toBe(200);
    expect(sim.state.counters.marketingMessages).toBe(2);
    expect(p.messagesReceived).toBe(2);
  });

  it('refuses recipients in the EU, Japan, South Korea, Australia and the UK', async () => {
    sim = frozenSimulator({ systemUserTokens: ['system-user'] });
    for (const country of ['ES', 'JP', 'KR', 'AU', 'GB']) {
      const p = sim.people.createPerson({ pageId: PAGE, country });
      const { token } = await sim.people.optInMarketing(p, { title: 'News', payload: 'N' });
      const res = await marketing(sim, token);
      expect(res.statusCode).toBe(400);
    }
    expect(sim.state.counters.violationsByRule.marketing_region_ineligible).toBe(5);
  });

  it('refuses tokens it never issued and tokens of people who stopped notifications', async () => {
    sim = frozenSimulator({ systemUserTokens: ['system-user'] });
    expect(errorOf(await marketing(sim, 'made-up')).code).toBe(100);
    const p = sim.people.createPerson({ pageId: PAGE, country: 'US' });
    const { token } = await sim.people.optInMarketing(p, { title: 'News', payload: 'N' });
    const stop = await sim.people.stopMarketing(p);
    const optin = (stop.payload.entry[0]!.messaging![0] as { optin: Record<string, unknown> }).optin;
    expect(optin.notification_messages_status).toBe('STOP NOTIFICATIONS');
    expect(errorOf(await marketing(sim, token))).toMatchObject({ code: 10, error_subcode: 1893015 });
    await sim.people.resumeMarketing(p);
    expect((await marketing(sim, token)).statusCode).toBe(200);
  });

  it('needs a Page or system-user token', async () => {
    sim = frozenSimulator();
    const p = sim.people.createPerson({ pageId: PAGE, country: 'US' });
    const { token } = await sim.people.optInMarketing(p, { title: 'News', payload: 'N' });
    expect(errorOf(await marketing(sim, token, 'nobody')).code).toBe(190);
    expect((await marketing(sim, token, 'page-token-1001')).statusCode).toBe(200);
  });

  it('sends legacy notification_messages_token messages only to AU/EU/JP/KR/UK after 10 Feb 2026, every 48 h', async () => {
    sim = frozenSimulator();
    const es = sim.people.createPerson({ pageId: PAGE, country: 'ES' });
    const us = sim.people.createPerson({ pageId: PAGE, country: 'US' });
    const tEs = (await sim.people.optInMarketing(es, { title: 'N', payload: 'N' })).token;
    const tUs = (await sim.people.optInMarketing(us, { title: 'N', payload: 'N' })).token;
    const legacy = (token: string) =>
      send(sim, { recipient: { notification_messages_token: token }, message: { text: 'Novedades' } });
    expect((await legacy(tEs)).statusCode).toBe(200);
    expect((await legacy(tUs)).statusCode).toBe(400);
    expect(sim.state.counters.violationsByRule.marketing_region_ineligible).toBe(1);
    sim.clock.advance(47 * HOUR);
    expect(errorOf(await legacy(tEs)).code).toBe(4);
    sim.clock.advance(HOUR);
    expect((await legacy(tEs)).statusCode).toBe(200);
  });

  it('issues tokens that expire six months after the opt-in, with the webhook fields Meta sends', async () => {
    sim = frozenSimulator();
    const p = sim.people.createPerson({ pageId: PAGE, ianaTimezone: 'America/Mexico_City' });
    const r = await sim.people.optInMarketing(p, { title: 'Ofertas', payload: 'OFERTAS' });
    const optin = (r.payload.entry[0]!.messaging![0] as { optin: Record<string, unknown> }).optin;
    expect(optin).toEqual({
      type: 'notification_messages',
      title: 'Ofertas',
      payload: 'OFERTAS',
      notification_messages_token: r.token,
      notification_messages_timezone: 'America/Mexico_City',
      token_expiry_timestamp: T0 + 182 * DAY,
      user_token_status: 'NOT_REFRESHED',
    });
    const again = await sim.people.optInMarketing(p, { title: 'Ofertas', payload: 'OFERTAS' });
    expect(again.token).toBe(r.token);
    const optin2 = (again.payload.entry[0]!.messaging![0] as { optin: Record<string, unknown> }).optin;
    expect(optin2.user_token_status).toBe('REFRESHED');
  });
});
