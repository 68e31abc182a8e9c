import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { preflight, preflightCsv, renderPreflight } from '../../src/broadcasts/preflight.ts';
import { createBroadcast } from '../../src/broadcasts/service.ts';
import { contacts } from '../../src/storage/index.ts';
import { createHarness, type Harness, KEY } from './harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({
    permissions: { humanAgent: true, utilityMessaging: true, marketingMessages: true },
  });
});
afterEach(async () => {
  await h.close();
});

async function create(content: unknown, intent: string, audience: unknown = {}) {
  const r = await createBroadcast(h.database, {
    workspaceId: 'w1',
    lang: 'en',
    now: h.clock.t,
    body: { name: 'Preflight', intent, audience, content },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.broadcast;
}

async function csv(b: Awaited<ReturnType<typeof create>>, group: string): Promise<string[]> {
  let text = '';
  for await (const chunk of preflightCsv(h.database, b, h.clock.t, group)) text += chunk;
  return text.trim().split('\n');
}

describe('preflight', () => {
  it('groups every recipient by the route decide() gives them, exactly', async () => {
    await h.person({ hoursAgo: 2, firstName: 'Now' });
    await h.person({ hoursAgo: 2, firstName: 'Now2', labels: ['vip'] });
    await h.person({ hoursAgo: 23.5, firstName: 'Soon' });
    await h.person({ hoursAgo: 30, firstName: 'Late' });
    await h.person({ hoursAgo: null, firstName: 'Never' });
    const optedOut = await h.person({ hoursAgo: 1, firstName: 'Out' });
    await contacts.setOptedOut(h.database, optedOut.contactId, true, h.clock.t);
    const subscribed = await h.person({ hoursAgo: 50, firstName: 'Sub', country: 'MX' });
    await contacts.setMarketingToken(h.database, KEY, subscribed.contactId, {
      token: 'mm-1',
      now: h.clock.t,
    });
    const european = await h.person({ hoursAgo: 50, firstName: 'Eu', country: 'ES' });
    await contacts.setMarketingToken(h.database, KEY, european.contactId, { token: 'mm-2', now: h.clock.t });

    const promo = await create(
      { message: { type: 'text', text: 'Hola {{first_name|amigo}}, 20% de descuento hoy' } },
      'promotional',
    );
    const report = await preflight(h.database, promo, h.clock.t);
    const counts = Object.fromEntries(report.groups.map((g) => [g.key, g.count]));
    expect(counts).toEqual({
      standard_now: 2,
      standard_before_close: 1,
      marketing_message: 1,
      'refused:outside_window': 1,
      'refused:no_inbound_yet': 1,
      'refused:contact_opted_out': 1,
      'refused:marketing_region_ineligible': 1,
    });
    expect(report.total).toBe(8);
    const soon = report.groups.find((g) => g.key === 'standard_before_close')!;
    expect(soon.windowClosesEarliest).toBe(h.clock.t + 30 * 60_000);
    expect(soon.windowClosesLatest).toBe(h.clock.t + 30 * 60_000);
    const late = report.groups.find((g) => g.key === 'refused:outside_window')!;
    expect(late.alternatives.map((a) => a.code)).toContain('ask_marketing_optin');
    const es = renderPreflight(report, 'es');
    expect(es.groups.find((g) => g.key === 'refused:outside_window')?.message).toMatch(/ventana/i);

    // The audience filter narrows the walk; the CSV streams one group's members.
    const vip = await create(promo.content, 'promotional', { labels: { all: ['vip'] } });
    expect((await preflight(h.database, vip, h.clock.t)).total).toBe(1);
    const lines = await csv(promo, 'standard_now');
    expect(lines[0]).toBe('psid,name,locale,group,reason,window_closes_at,due_at');
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[1])
        .sort(),
    ).toEqual(['Now', 'Now2']);
    expect((await csv(promo, 'refused')).length).toBe(1 + 4);
  });

  it('shows the human agent route only for human senders, and utility templates', async () => {
    await h.person({ hoursAgo: 30 });
    await h.person({ hoursAgo: 2 });
    const human = await create(
      {
        message: { type: 'text', text: 'Hola, ya tenemos la respuesta a tu consulta sobre el pedido.' },
        sender: 'human',
      },
      'non_promotional',
    );
    const byHuman = await preflight(h.database, human, h.clock.t);
    expect(Object.fromEntries(byHuman.groups.map((g) => [g.key, g.count]))).toEqual({
      standard_now: 1,
      human_agent: 1,
    });
    const bot = await create(
      { message: { type: 'text', text: 'Hola, ya tenemos la respuesta a tu consulta sobre el pedido.' } },
      'non_promotional',
    );
    expect((await preflight(h.database, bot, h.clock.t)).groups.map((g) => g.key)).not.toContain(
      'human_agent',
    );
    const utility = await create(
      {
        message: { type: 'utility_template', name: 'order_shipped', language: 'es', bodyParameters: ['A-1'] },
      },
      'transactional',
    );
    const u = await preflight(h.database, utility, h.clock.t);
    expect(Object.fromEntries(u.groups.map((g) => [g.key, g.count]))).toEqual({ utility: 2 });
  });
});
