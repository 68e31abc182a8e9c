import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from './simulator.ts';
import { errorOf, frozenSimulator, PAGE, TOKEN } from './test-support.ts';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

const post = (s: Simulator, payload: object) =>
  s.app.inject({ method: 'POST', url: `/v26.0/me/messenger_profile?access_token=${TOKEN}`, payload });
const get = (s: Simulator, fields: string) =>
  s.app.inject({ method: 'GET', url: `/v26.0/me/messenger_profile?fields=${fields}&access_token=${TOKEN}` });

describe('the simulated Messenger Profile API', () => {
  it('stores, reads back and deletes fields', async () => {
    sim = frozenSimulator();
    const profile = {
      get_started: { payload: 'GO' },
      greeting: [{ locale: 'default', text: 'Hola' }],
      ice_breakers: [{ locale: 'default', call_to_actions: [{ question: '¿Horario?', payload: 'H' }] }],
      persistent_menu: [
        { locale: 'default', call_to_actions: [{ type: 'postback', title: 'Ayuda', payload: 'HELP' }] },
      ],
    };
    expect((await post(sim, profile)).json()).toEqual({ result: 'success' });
    expect((await get(sim, 'greeting,get_started')).json()).toEqual({
      data: [{ greeting: profile.greeting, get_started: profile.get_started }],
    });
    const del = await sim.app.inject({
      method: 'DELETE',
      url: `/v26.0/me/messenger_profile?access_token=${TOKEN}`,
      payload: { fields: ['greeting'] },
    });
    expect(del.json()).toEqual({ result: 'success' });
    expect((await get(sim, 'greeting')).json()).toEqual({ data: [] });
    expect(sim.state.pages.get(PAGE)!.messengerProfile.persistent_menu).toEqual(profile.persistent_menu);
  });

  it('refuses what Meta refuses, naming the parameter', async () => {
    sim = frozenSimulator();
    const cases: [object, RegExp][] = [
      [
        { greeting: [{ locale: 'default', text: 'x'.repeat(161) }] },
        /greeting\[0\]\[text\] must be at most 160/,
      ],
      [{ greeting: [{ locale: 'es_ES', text: 'Hola' }] }, /default locale/],
      [
        {
          ice_breakers: [
            { call_to_actions: Array.from({ length: 5 }, (_, i) => ({ question: `Q${i}`, payload: 'P' })) },
          ],
        },
        /1 to 4 questions/,
      ],
      [
        { persistent_menu: [{ call_to_actions: [{ type: 'postback', title: 'A', payload: 'A' }] }] },
        /Get Started/,
      ],
      [
        {
          get_started: { payload: 'GO' },
          persistent_menu: [
            {
              call_to_actions: Array.from({ length: 21 }, (_, i) => ({
                type: 'postback',
                title: `T${i}`,
                payload: 'P',
              })),
            },
          ],
        },
        /at most 20 items/,
      ],
      [
        {
          get_started: { payload: 'GO' },
          persistent_menu: [{ call_to_actions: [{ type: 'nested', title: 'Más', call_to_actions: [] }] }],
        },
        /nested menus are no longer supported/,
      ],
      [{ colour: 'blue' }, /colour is not a valid field/],
    ];
    for (const [payload, message] of cases) {
      const res = await post(sim, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(errorOf(res)).toMatchObject({ code: 100, message: expect.stringMatching(message) });
    }
    expect(sim.state.pages.get(PAGE)!.messengerProfile).toEqual({});
  });
});
