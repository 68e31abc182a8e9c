import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from './simulator.ts';
import { errorOf, frozenSimulator, PAGE, send, text } from './test-support.ts';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

function usage(res: { headers: Record<string, unknown> }) {
  return JSON.parse(String(res.headers['x-business-use-case-usage']))[PAGE][0];
}

describe('per-Page rate limits', () => {
  it('refuses the 301st text send within one second with 613/2534040 and accepts it in the next second', async () => {
    sim = frozenSimulator();
    const p = sim.people.createPerson({ pageId: PAGE, psid: '7001' });
    sim.people.touch(p);
    for (let i = 0; i < 300; i++) expect((await send(sim, text('7001'))).statusCode).toBe(200);
    const over = await send(sim, text('7001'));
    expect(over.statusCode).toBe(400);
    expect(errorOf(over)).toMatchObject({ code: 613, error_subcode: 2534040 });
    expect(usage(over)).toMatchObject({ type: 'messenger', call_count: 100 });
    expect(sim.state.counters.rateLimitHits).toBe(1);
    expect(sim.state.counters.violations).toBe(0);

    sim.clock.advance(1000);
    const next = await send(sim, text('7001'));
    expect(next.statusCode).toBe(200);
    expect(usage(next).call_count).toBe(0);
  });

  it('limits audio and video to 10 per second per Page, separately from text', async () => {
    sim = frozenSimulator();
    const p = sim.people.createPerson({ pageId: PAGE, psid: '7002' });
    sim.people.touch(p);
    const video = {
      recipient: { id: '7002' },
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'video', payload: { url: 'https://example.com/v.mp4' } } },
    };
    for (let i = 0; i < 10; i++) expect((await send(sim, video)).statusCode).toBe(200);
    expect(errorOf(await send(sim, video)).code).toBe(613);
    expect((await send(sim, text('7002'))).statusCode).toBe(200);
  });

  it('keeps Pages independent', async () => {
    sim = frozenSimulator({
      pages: [
        { id: PAGE, token: 'a' },
        { id: '2002', token: 'b' },
      ],
      rateLimits: { textPerWindow: 2 },
    });
    sim.people.touch(sim.people.createPerson({ pageId: PAGE, psid: '1' }));
    sim.people.touch(sim.people.createPerson({ pageId: '2002', psid: '2' }));
    await send(sim, text('1'), { token: 'a' });
    await send(sim, text('1'), { token: 'a' });
    expect((await send(sim, text('1'), { token: 'a' })).statusCode).toBe(400);
    expect((await send(sim, text('2'), { token: 'b', node: '2002' })).statusCode).toBe(200);
  });

  it('allows 750 private replies per hour per Page', async () => {
    sim = frozenSimulator({ rateLimits: { privateRepliesPerHour: 2, textPerWindow: 1000 } });
    const p = sim.people.createPerson({ pageId: PAGE });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await sim.people.comment(p, `${PAGE}_1`, `c${i}`)).commentId);
    const reply = (id: string) => send(sim, { recipient: { comment_id: id }, message: { text: 'hola' } });
    expect((await reply(ids[0]!)).statusCode).toBe(200);
    expect((await reply(ids[1]!)).statusCode).toBe(200);
    expect(errorOf(await reply(ids[2]!)).code).toBe(613);
    sim.clock.advance(3_600_000);
    expect((await reply(ids[2]!)).statusCode).toBe(200);
  });
});
