import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from './simulator.ts';
import { errorOf, frozenSimulator, PAGE, send, text } from './test-support.ts';
import type { FaultKind } from './types.ts';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

function withPerson(options: Parameters<typeof frozenSimulator>[0] = {}): Simulator {
  const s = frozenSimulator(options);
  s.people.touch(s.people.createPerson({ pageId: PAGE, psid: '8001' }));
  s.people.touch(s.people.createPerson({ pageId: PAGE, psid: '8002' }));
  return s;
}

describe('fault injection', () => {
  const cases: Array<[FaultKind, number, number, number | undefined]> = [
    ['http_500', 500, 2, undefined],
    ['http_503', 503, 2, undefined],
    ['rate_limit_613', 400, 613, 2534040],
    ['token_expired_190', 400, 190, 463],
    ['blocked_551', 400, 551, 1545041],
    ['window_closed_10', 400, 10, 2018278],
    ['page_restricted', 400, 10, 1893063],
  ];
  for (const [kind, status, code, subcode] of cases) {
    it(`answers ${kind} as Meta would and records the fault`, async () => {
      sim = withPerson();
      sim.faults.add({ kind });
      const res = await send(sim, text('8001'));
      expect(res.statusCode).toBe(status);
      const err = errorOf(res);
      expect(err.code).toBe(code);
      expect(err.error_subcode).toBe(subcode);
      const rec = sim.state.requests.toArray().at(-1)!;
      expect(rec).toMatchObject({ outcome: 'fault', fault: kind, status });
      expect(sim.state.counters.faultsByKind[kind]).toBe(1);
      expect(sim.state.counters.violations).toBe(0);
    });
  }

  it('fires a 613 burst for the next N calls only', async () => {
    sim = withPerson();
    sim.faults.add({ kind: 'rate_limit_613', count: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await send(sim, text('8001'))).statusCode);
    expect(codes).toEqual([400, 400, 400, 200]);
  });

  it('keeps a token expired until the fault is cleared', async () => {
    sim = withPerson();
    const id = sim.faults.add({ kind: 'token_expired_190', pageId: PAGE });
    expect(errorOf(await send(sim, text('8001'))).code).toBe(190);
    expect(errorOf(await send(sim, text('8002'))).code).toBe(190);
    sim.faults.remove(id);
    expect((await send(sim, text('8001'))).statusCode).toBe(200);
  });

  it('scopes person faults to one PSID', async () => {
    sim = withPerson();
    sim.faults.add({ kind: 'blocked_551', psid: '8001' });
    expect(errorOf(await send(sim, text('8001'))).code).toBe(551);
    expect((await send(sim, text('8002'))).statusCode).toBe(200);
  });

  it('leaves a one-shot person fault for the next send when another Graph call comes first', async () => {
    sim = withPerson();
    sim.faults.add({ kind: 'blocked_551', count: 1 });
    const profile = await sim.app.inject({ method: 'GET', url: '/v26.0/8001?access_token=page-token-1001' });
    expect(profile.statusCode).toBe(200);
    expect(errorOf(await send(sim, text('8001'))).code).toBe(551);
    expect((await send(sim, text('8001'))).statusCode).toBe(200);
  });

  it('expires the token for every Graph call of the Page, not only sends', async () => {
    sim = withPerson();
    sim.faults.add({ kind: 'token_expired_190', pageId: PAGE });
    const profile = await sim.app.inject({ method: 'GET', url: '/v26.0/8001?access_token=page-token-1001' });
    expect(errorOf(profile).code).toBe(190);
    expect(sim.state.counters.sends).toBe(0);
  });

  it('fires probabilistic faults from the injected random source', async () => {
    const rolls = [0.1, 0.9, 0.2];
    sim = withPerson({ random: () => rolls.shift() ?? 0.99 });
    sim.faults.add({ kind: 'http_500', probability: 0.5 });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await send(sim, text('8001'))).statusCode);
    expect(codes).toEqual([500, 200, 500, 200]);
  });

  it('holds a timed-out request and then destroys the connection, delivering only when asked', async () => {
    sim = withPerson();
    sim.faults.add({ kind: 'timeout', holdMs: 5 });
    await expect(send(sim, text('8001'))).rejects.toThrow();
    sim.faults.add({ kind: 'timeout', holdMs: 5, delivered: true });
    await expect(send(sim, text('8002'))).rejects.toThrow();
    expect(sim.people.get(PAGE, '8001')!.messagesReceived).toBe(0);
    expect(sim.people.get(PAGE, '8002')!.messagesReceived).toBe(1);
    expect(sim.state.counters.faultsByKind.timeout).toBe(2);
  });

  it('destroys the socket of a timed-out request over real HTTP', async () => {
    sim = withPerson();
    const url = await sim.listen(0);
    sim.faults.add({ kind: 'timeout', holdMs: 5 });
    const call = fetch(`${url}/v26.0/${PAGE}/messages?access_token=page-token-1001`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(text('8001')),
    });
    await expect(call).rejects.toThrow();
  });

  it('adds latency and records it, and the call still succeeds', async () => {
    sim = withPerson();
    sim.faults.add({ kind: 'latency', latencyMs: 2 });
    expect((await send(sim, text('8001'))).statusCode).toBe(200);
    expect(sim.state.requests.toArray().at(-1)).toMatchObject({ outcome: 'ok', latencyMs: 2 });
  });

  it('still counts a rule violation hidden behind a fault', async () => {
    sim = withPerson();
    sim.people.createPerson({ pageId: PAGE, psid: '8003' }); // never wrote: window closed
    sim.faults.add({ kind: 'http_503' });
    expect((await send(sim, text('8003'))).statusCode).toBe(503);
    expect(sim.state.counters.violationsByRule.outside_window).toBe(1);
  });

  it('takes faults over HTTP at /__sim/faults and validates them', async () => {
    sim = withPerson();
    const bad = await sim.app.inject({ method: 'POST', url: '/__sim/faults', payload: { kind: 'nope' } });
    expect(bad.statusCode).toBe(400);
    const added = await sim.app.inject({
      method: 'POST',
      url: '/__sim/faults',
      payload: { faults: [{ kind: 'http_500', pageId: PAGE, count: 2 }] },
    });
    expect(added.json().ids).toHaveLength(1);
    expect((await send(sim, text('8001'))).statusCode).toBe(500);
    await sim.app.inject({ method: 'DELETE', url: '/__sim/faults' });
    expect((await send(sim, text('8001'))).statusCode).toBe(200);
    const state = (await sim.app.inject({ method: 'GET', url: '/__sim/state' })).json();
    expect(state.counters.faultsInjected).toBe(1);
    expect(state.sendsByPage[PAGE].faults).toBe(1);
  });
});
