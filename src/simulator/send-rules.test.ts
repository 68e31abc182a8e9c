import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from './simulator.ts';
import { DAY, errorOf, frozenSimulator, HOUR, PAGE, send, T0, TOKEN, text } from './test-support.ts';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

function personWhoWrote(s: Simulator, at = T0) {
  const p = s.people.createPerson({ pageId: PAGE, psid: '5001', firstName: 'Ana', lastName: 'López' });
  s.people.touch(p, at);
  return p;
}

describe('standard 24-hour window', () => {
  it('accepts RESPONSE and UPDATE just before 24 hours and refuses them at exactly 24 hours', async () => {
    sim = frozenSimulator();
    personWhoWrote(sim);
    sim.clock.advance(DAY - 1);
    const inside = await send(sim, text('5001', 'hola', 'UPDATE'));
    expect(inside.statusCode).toBe(200);
    expect(inside.json()).toEqual({ recipient_id: '5001', message_id: expect.stringMatching(/^m_/) });

    sim.clock.advance(1);
    const outside = await send(sim, text('5001'));
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toEqual({
      error: {
        message: '(#10) This message is sent outside of allowed window.',
        type: 'OAuthException',
        code: 10,
        error_subcode: 2018278,
        fbtrace_id: expect.any(String),
      },
    });
    expect(sim.state.counters.violations).toBe(1);
    expect(sim.state.counters.violationsByRule.outside_window).toBe(1);
  });

  it('opens the window from the webhooks the fake person sends, not before', async () => {
    sim = frozenSimulator();
    const p = sim.people.createPerson({ pageId: PAGE, psid: '5002' });
    expect((await send(sim, text('5002'))).statusCode).toBe(400);
    await sim.people.sendText(p, 'hi'); // no webhook URL: the event still counts as sent by the person
    expect((await send(sim, text('5002'))).statusCode).toBe(200);
  });

  it('does not reopen the window for reads, deliveries or marketing opt-ins', async () => {
    sim = frozenSimulator();
    const p = sim.people.createPerson({ pageId: PAGE, psid: '5003' });
    await sim.people.read(p);
    await sim.people.delivery(p, ['m_x']);
    await sim.people.optInMarketing(p, { title: 'News', payload: 'N' });
    const res = await send(sim, text('5003'));
    expect(errorOf(res).error_subcode).toBe(2018278);
  });

  it('keeps a Click-to-Messenger conversation open for 7 days', async () => {
    sim = frozenSimulator();
    const p = sim.people.createPerson({ pageId: PAGE, psid: '5004' });
    await sim.people.adMessage(p, 'Info please', 'ad-1');
    sim.clock.advance(6 * DAY);
    expect((await send(sim, text('5004'))).statusCode).toBe(200);
    sim.clock.advance(DAY);
    expect((await send(sim, text('5004'))).statusCode).toBe(400);
  });

  it('refuses sender actions outside the window too', async () => {
    sim = frozenSimulator();
    personWhoWrote(sim, T0 - 2 * DAY);
    const res = await send(sim, { recipient: { id: '5001' }, sender_action: 'typing_on' });
    expect(errorOf(res).code).toBe(10);
  });
});

describe('message tags', () => {
  it('fails the three deprecated tags with error 100 from 27 April 2026', async () => {
    sim = frozenSimulator();
    personWhoWrote(sim, T0 - 3 * DAY);
    for (const tag of ['CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE']) {
      const res = await send(sim, { ...text('5001'), messaging_type: 'MESSAGE_TAG', tag });
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).code).toBe(100);
    }
    expect(sim.state.counters.violationsByRule.tag_deprecated).toBe(3);
  });

  it('accepts POST_PURCHASE_UPDATE outside the window the day before the deprecation', async () => {
    sim = frozenSimulator({ now: () => Date.UTC(2026, 3, 26, 23, 59) });
    personWhoWrote(sim, Date.UTC(2026, 3, 20));
    const res = await send(sim, {
      ...text('5001'),
      messaging_type: 'MESSAGE_TAG',
      tag: 'POST_PURCHASE_UPDATE',
    });
    expect(res.statusCode).toBe(200);
    sim.clock.advance(60_000);
    const after = await send(sim, {
      ...text('5001'),
      messaging_type: 'MESSAGE_TAG',
      tag: 'POST_PURCHASE_UPDATE',
    });
    expect(errorOf(after).code).toBe(100);
  });

  it('allows HUMAN_AGENT up to 7 days and refuses it after', async () => {
    sim = frozenSimulator();
    personWhoWrote(sim);
    const tagged = { ...text('5001'), messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
    sim.clock.advance(7 * DAY - 1);
    expect((await send(sim, tagged)).statusCode).toBe(200);
    sim.clock.advance(1);
    const late = await send(sim, tagged);
    expect(errorOf(late)).toMatchObject({ code: 10, error_subcode: 2018278 });
    expect(sim.state.counters.violationsByRule.human_agent_window_expired).toBe(1);
  });

  it('refuses HUMAN_AGENT with error 200 when the Page lacks the permission', async () => {
    sim = frozenSimulator({ pages: [{ id: PAGE, token: TOKEN }] });
    personWhoWrote(sim);
    const res = await send(sim, { ...text('5001'), messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(errorOf(res).code).toBe(200);
    expect(sim.state.counters.violationsByRule.human_agent_not_approved).toBe(1);
  });

  it('refuses NON_PROMOTIONAL_SUBSCRIPTION for Pages outside the News Page Index', async () => {
    sim = frozenSimulator();
    personWhoWrote(sim, T0 - 10 * DAY);
    const res = await send(sim, {
      ...text('5001'),
      messaging_type: 'MESSAGE_TAG',
      tag: 'NON_PROMOTIONAL_SUBSCRIPTION',
    });
    expect(errorOf(res)).toMatchObject({ code: 10, error_subcode: 2018065 });
  });
});

describe('utility templates', () => {
  const utility = (name: string) => ({
    recipient: { id: '5001' },
    messaging_type: 'UTILITY',
    message: { template: { name, language: { code: 'es' }, components: [] } },
  });

  async function createTemplate(s: Simulator, name: string, body: string) {
    return s.app.inject({
      method: 'POST',
      url: `/v26.0/${PAGE}/message_templates?access_token=${TOKEN}`,
      payload: { name, category: 'UTILITY', language: 'es', components: [{ type: 'BODY', text: body }] },
    });
  }

  it('approves a transactional template and lets it out 30 days after the last message', async () => {
    sim = frozenSimulator();
    personWhoWrote(sim, T0 - 30 * DAY);
    const created = await createTemplate(sim, 'order_shipped', 'Tu pedido {{1}} fue enviado');
    expect(created.json()).toMatchObject({ status: 'APPROVED', category: 'UTILITY' });
    expect((await send(sim, utility('order_shipped'))).statusCode).toBe(200);
  });

  it('rejects a template with marketing words and counts a send of it as a violation', async () => {
    sim = frozenSimulator();
    personWhoWrote(sim, T0 - 30 * DAY);
    const created = await createTemplate(sim, 'promo', 'Hoy 20% de descuento en todo');
    expect(created.json()).toMatchObject({ status: 'REJECTED' });
    const list = await sim.app.inject({
      method: 'GET',
      url: `/v26.0/${PAGE}/message_templates?access_token=${TOKEN}`,
    });
    expect(list.json().data[0]).toMatchObject({ name: 'promo', rejected_reason: 'TAG_SHOULD_BE_MARKETING' });
    expect((await send(sim, utility('promo'))).statusCode).toBe(400);
    expect(sim.state.counters.violationsByRule.utility_template_not_approved).toBe(1);
  });

  it('refuses utility messages with error 10 when the Page lacks page_utility_messaging', async () => {
    sim = frozenSimulator({ pages: [{ id: PAGE, token: TOKEN }] });
    personWhoWrote(sim);
    await createTemplate(sim, 'order_shipped', 'Tu pedido fue enviado');
    const res = await send(sim, utility('order_shipped'));
    expect(errorOf(res).code).toBe(10);
    expect(sim.state.counters.violationsByRule.utility_not_enabled).toBe(1);
  });
});

describe('private replies', () => {
  it('allows exactly one private reply per comment', async () => {
    sim = frozenSimulator();
    const p = sim.people.createPerson({ pageId: PAGE, psid: '5005' });
    const { commentId } = await sim.people.comment(p, `${PAGE}_777`, '¿Precio?');
    const reply = { recipient: { comment_id: commentId }, message: { text: 'Te escribo por privado' } };
    const first = await send(sim, reply);
    expect(first.json()).toEqual({ recipient_id: '5005', message_id: expect.any(String) });
    const second = await send(sim, reply);
    expect(second.statusCode).toBe(400);
    expect(errorOf(second).code).toBe(100);
    expect(sim.state.counters.violationsByRule.private_reply_used).toBe(1);
    // A comment is not a conversation: the private reply does not open the standard window.
    expect((await send(sim, text('5005'))).statusCode).toBe(400);
  });

  it('refuses a private reply 7 days after the comment', async () => {
    sim = frozenSimulator();
    const p = sim.people.createPerson({ pageId: PAGE, psid: '5006' });
    const { commentId } = await sim.people.comment(p, `${PAGE}_777`, 'Info');
    sim.clock.advance(7 * DAY);
    const res = await send(sim, { recipient: { comment_id: commentId }, message: { text: 'Hola' } });
    expect(errorOf(res)).toMatchObject({ code: 10, error_subcode: 2018278 });
    expect(sim.state.counters.violationsByRule.private_reply_expired).toBe(1);
  });

  it('treats a comment the simulator never generated as an invalid parameter, not a violation', async () => {
    sim = frozenSimulator();
    const res = await send(sim, { recipient: { comment_id: '1_2' }, message: { text: 'Hola' } });
    expect(errorOf(res)).toMatchObject({ code: 100, error_subcode: 33 });
    expect(sim.state.counters.violations).toBe(0);
    expect(sim.state.counters.invalidRequests).toBe(1);
  });
});

describe('other recipients and outcomes', () => {
  it('answers 551/1545041 for a person who blocked the Page, without counting a violation', async () => {
    sim = frozenSimulator();
    const p = personWhoWrote(sim);
    sim.people.block(p);
    const res = await send(sim, text('5001'));
    expect(errorOf(res)).toMatchObject({ code: 551, error_subcode: 1545041 });
    expect(sim.state.counters).toMatchObject({ violations: 0, unavailable: 1 });
  });

  it('answers 100/2018001 for an unknown PSID', async () => {
    sim = frozenSimulator();
    expect(errorOf(await send(sim, text('999')))).toMatchObject({ code: 100, error_subcode: 2018001 });
  });

  it('omits recipient_id for a user_ref send within 24 h of a checkbox opt-in', async () => {
    sim = frozenSimulator();
    const p = sim.people.createPerson({ pageId: PAGE });
    const { userRef } = await sim.people.optInCheckbox(p, 'checkout');
    const res = await send(sim, {
      recipient: { user_ref: userRef },
      messaging_type: 'UPDATE',
      message: { text: 'Gracias' },
    });
    expect(res.json()).toEqual({ message_id: expect.any(String) });
  });

  it('lets a one-time notification token be used once', async () => {
    sim = frozenSimulator();
    const p = sim.people.createPerson({ pageId: PAGE });
    const { token } = await sim.people.optInOneTime(p, { payload: 'BACK_IN_STOCK' });
    sim.clock.advance(30 * DAY);
    const body = { recipient: { one_time_notif_token: token }, message: { text: 'Ya hay stock' } };
    expect((await send(sim, body)).statusCode).toBe(200);
    expect((await send(sim, body)).statusCode).toBe(400);
    expect(sim.state.counters.violationsByRule.one_time_token_used).toBe(1);
  });

  it('accepts /me/messages with a bearer token and refuses a token of another Page', async () => {
    sim = frozenSimulator({
      pages: [
        { id: PAGE, token: TOKEN },
        { id: '2002', token: 'other' },
      ],
    });
    personWhoWrote(sim);
    const viaMe = await sim.app.inject({
      method: 'POST',
      url: '/v25.0/me/messages',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: text('5001'),
    });
    expect(viaMe.statusCode).toBe(200);
    const wrongPage = await send(sim, text('5001'), { token: 'other' });
    expect(errorOf(wrongPage).code).toBe(100);
    const badToken = await send(sim, text('5001'), { token: 'nope' });
    expect(errorOf(badToken).code).toBe(190);
    expect(sim.state.counters.authErrors).toBe(2);
  });

  it('accepts form-encoded bodies with JSON-encoded objects, as Meta documents', async () => {
    sim = frozenSimulator();
    personWhoWrote(sim);
    const res = await sim.app.inject({
      method: 'POST',
      url: `/v26.0/${PAGE}/messages?access_token=${TOKEN}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        recipient: JSON.stringify({ id: '5001' }),
        messaging_type: 'RESPONSE',
        message: JSON.stringify({ text: 'hola' }),
      }).toString(),
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('recording', () => {
  it('records every request with page, psid, outcome, and redacts the token', async () => {
    sim = frozenSimulator();
    personWhoWrote(sim);
    await send(sim, text('5001'));
    sim.clock.advance(2 * DAY);
    await send(sim, text('5001'));
    await sim.app.inject({ method: 'GET', url: '/v26.0/5001?fields=first_name&access_token=' + TOKEN });
    const res = await sim.app.inject({ method: 'GET', url: `/__sim/requests?page=${PAGE}&psid=5001` });
    const data = res.json().data as Array<Record<string, unknown>>;
    expect(data.map((r) => [r.endpoint, r.outcome, r.status])).toEqual([
      ['send', 'ok', 200],
      ['send', 'violation', 400],
      ['profile', 'ok', 200],
    ]);
    expect(data[1]).toMatchObject({
      method: 'POST',
      path: `/v26.0/${PAGE}/messages`,
      query: { access_token: '[redacted]' },
      body: { recipient: { id: '5001' } },
      at: T0 + 2 * DAY,
      violation: 'outside_window',
      error: { code: 10, subcode: 2018278 },
    });
    const state = (await sim.app.inject({ method: 'GET', url: '/__sim/state' })).json();
    expect(state.counters).toMatchObject({ requests: 3, sends: 2, sendsOk: 1, violations: 1 });
    expect(state.sendsByPage[PAGE]).toMatchObject({ sends: 2, ok: 1, violations: 1 });
    expect(state.messagesPerPerson).toEqual({ persons: 1, max: 1, histogram: { '1': 1 } });
  });

  it('keeps only the newest requests when the log is full but counts them all', async () => {
    sim = frozenSimulator({ requestLogCap: 2 });
    personWhoWrote(sim);
    for (let i = 0; i < 5; i++) await send(sim, text('5001', `n${i}`));
    const data = sim.state.requests.toArray();
    expect(data.map((r) => (r.body as { message: { text: string } }).message.text)).toEqual(['n3', 'n4']);
    expect(sim.state.counters.sendsOk).toBe(5);
  });

  it('forgets counters and requests on POST /__sim/reset but keeps people', async () => {
    sim = frozenSimulator();
    personWhoWrote(sim, T0 - 2 * DAY);
    await send(sim, text('5001'));
    await sim.app.inject({ method: 'POST', url: '/__sim/reset', payload: {} });
    expect(sim.state.counters.violations).toBe(0);
    expect(sim.state.requests.size).toBe(0);
    expect(sim.people.get(PAGE, '5001')).toBeDefined();
  });
});

it('never needs the clock to move: time travel is relative to the injected clock', () => {
  sim = frozenSimulator();
  expect(sim.clock.now()).toBe(T0);
  sim.clock.advance(HOUR);
  expect(sim.clock.now()).toBe(T0 + HOUR);
});
