import { afterEach, describe, expect, it } from 'vitest';
import { runSimulatorCommand } from './cli.ts';
import type { Simulator } from './simulator.ts';
import { errorOf, frozenSimulator, PAGE, TOKEN } from './test-support.ts';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

const get = (s: Simulator, url: string) => s.app.inject({ method: 'GET', url });
const post = (s: Simulator, url: string, payload: Record<string, unknown>) =>
  s.app.inject({ method: 'POST', url, payload });

describe('fake Graph API endpoints', () => {
  it('returns the requested user profile fields and refuses unknown ones', async () => {
    sim = frozenSimulator();
    sim.people.createPerson({
      pageId: PAGE,
      psid: '42',
      firstName: 'Ana',
      lastName: 'Ruiz',
      locale: 'es_MX',
      timezone: -6,
    });
    const res = await get(
      sim,
      `/v26.0/42?fields=first_name,last_name,profile_pic,locale,timezone&access_token=${TOKEN}`,
    );
    expect(res.json()).toEqual({
      first_name: 'Ana',
      last_name: 'Ruiz',
      profile_pic: expect.stringContaining('42'),
      locale: 'es_MX',
      timezone: -6,
      id: '42',
    });
    expect(errorOf(await get(sim, `/v26.0/42?fields=email&access_token=${TOKEN}`)).code).toBe(100);
    expect(errorOf(await get(sim, `/v26.0/43?access_token=${TOKEN}`))).toMatchObject({
      code: 100,
      error_subcode: 33,
    });
  });

  it('stores, reads and deletes Messenger Profile fields, requiring Get Started for a menu', async () => {
    sim = frozenSimulator();
    const url = `/v26.0/me/messenger_profile?access_token=${TOKEN}`;
    const menu = {
      persistent_menu: [
        { locale: 'default', call_to_actions: [{ type: 'postback', title: 'Menú', payload: 'M' }] },
      ],
    };
    expect(errorOf(await post(sim, url, menu)).code).toBe(100);
    expect((await post(sim, url, { get_started: { payload: 'GO' }, ...menu })).json()).toEqual({
      result: 'success',
    });
    expect(errorOf(await post(sim, url, { ice_breakers: [1, 2, 3, 4, 5] })).code).toBe(100);
    const read = await get(
      sim,
      `/v26.0/me/messenger_profile?fields=get_started,greeting&access_token=${TOKEN}`,
    );
    expect(read.json()).toEqual({ data: [{ get_started: { payload: 'GO' } }] });
    await sim.app.inject({ method: 'DELETE', url, payload: { fields: ['persistent_menu'] } });
    expect(sim.state.pages.get(PAGE)!.messengerProfile.persistent_menu).toBeUndefined();
  });

  it('subscribes the app to Page webhooks', async () => {
    sim = frozenSimulator();
    const res = await post(
      sim,
      `/v26.0/${PAGE}/subscribed_apps?subscribed_fields=messages,messaging_postbacks&access_token=${TOKEN}`,
      {},
    );
    expect(res.json()).toEqual({ success: true });
    const list = await get(sim, `/v26.0/${PAGE}/subscribed_apps?access_token=${TOKEN}`);
    expect(list.json().data[0].subscribed_fields).toEqual(['messages', 'messaging_postbacks']);
  });

  it('tracks the thread owner through pass, take and release, and the Page Inbox taking over', async () => {
    sim = frozenSimulator({ appId: '777' });
    const p = sim.people.createPerson({ pageId: PAGE, psid: '50' });
    const owner = async () =>
      (await get(sim, `/v26.0/${PAGE}/thread_owner?recipient=50&access_token=${TOKEN}`)).json().data[0]
        .thread_owner.app_id;
    expect(await owner()).toBe('777');
    await post(sim, `/v26.0/${PAGE}/pass_thread_control?access_token=${TOKEN}`, {
      recipient: { id: '50' },
      target_app_id: 263902037430900,
    });
    expect(await owner()).toBe('263902037430900');
    await post(sim, `/v26.0/${PAGE}/take_thread_control?access_token=${TOKEN}`, { recipient: { id: '50' } });
    expect(await owner()).toBe('777');
    await sim.people.echoFromPageInbox(p, 'Hola');
    expect(await owner()).toBe('263902037430900');
  });

  it('answers unknown versions and paths with Graph errors and records them', async () => {
    sim = frozenSimulator();
    const res = await post(sim, `/latest/${PAGE}/messages?access_token=${TOKEN}`, {});
    expect(errorOf(res).code).toBe(2500);
    const unknown = await get(sim, '/v26.0/a/b/c');
    expect(errorOf(unknown).code).toBe(2500);
    const broken = await sim.app.inject({
      method: 'POST',
      url: `/v26.0/${PAGE}/messages?access_token=${TOKEN}`,
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(errorOf(broken).code).toBe(100);
    expect(sim.state.counters.requests).toBe(3);
  });

  it('reports the token as valid or not at debug_token', async () => {
    sim = frozenSimulator();
    const ok = await get(sim, `/v26.0/debug_token?input_token=${TOKEN}`);
    expect(ok.json().data).toMatchObject({ is_valid: true, profile_id: PAGE, type: 'PAGE' });
    const bad = await get(sim, '/v26.0/debug_token?input_token=nope');
    expect(bad.json().data.is_valid).toBe(false);
  });

  it('moves its clock over HTTP', async () => {
    sim = frozenSimulator();
    const before = sim.clock.now();
    const res = await post(sim, '/__sim/clock', { advanceMs: 1000 });
    expect(res.json().now).toBe(before + 1000);
  });
});

describe('simulator command', () => {
  it('starts on loopback, prints its URL and serves the Graph API', async () => {
    const lines: string[] = [];
    const running = await runSimulatorCommand({
      port: 0,
      appSecret: 's',
      pages: [{ id: '1', token: 't' }],
      print: (l) => lines.push(l),
    });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines[0]).toContain(running.url);
      const res = await fetch(`${running.url}/v26.0/me?access_token=t`);
      expect(await res.json()).toEqual({ id: '1', name: 'Page 1' });
    } finally {
      await running.stop();
    }
  });
});
