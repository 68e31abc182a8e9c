// Graph client cases the simulator does not produce, through undici's MockAgent: gateway errors,
// unreadable bodies, headers Meta sends on throttling, token echoes, resets mid-response.
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphClient, type GraphClient, redactToken } from './client.ts';
import type { GraphResult } from './result.ts';

const ORIGIN = 'https://graph.test';
const PAGE = '1001';
const TOKEN = 'EAAG-mock-token-abcdef123456';
const SEND = { recipient: { id: '8001' }, messaging_type: 'RESPONSE' as const, message: { text: 'Hola' } };

let agent: MockAgent;
let graph: GraphClient;
let sleeps: number[];

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  sleeps = [];
  graph = createGraphClient({
    baseUrl: ORIGIN,
    version: 'v26.0',
    dispatcher: agent,
    retry: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
  });
});

afterEach(async () => {
  await agent.close();
});

function failed<T>(r: GraphResult<T>) {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r.data)}`);
  return r;
}

function graphError(code: number, message: string, extra: Record<string, unknown> = {}) {
  return { error: { message, type: 'OAuthException', code, fbtrace_id: 'AbC123', ...extra } };
}

const sendPath = { path: `/v26.0/${PAGE}/messages`, method: 'POST' } as const;

describe('Graph client with MockAgent', () => {
  it('authenticates with a Bearer header and sends the JSON body', async () => {
    agent
      .get(ORIGIN)
      .intercept({
        ...sendPath,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(SEND),
      })
      .reply(200, { recipient_id: '8001', message_id: 'm_1' });
    const r = await graph.sendMessage(PAGE, TOKEN, SEND);
    expect(r).toEqual({
      ok: true,
      status: 200,
      data: { recipient_id: '8001', message_id: 'm_1' },
      attempts: 1,
    });
  });

  it('maps a bare 551 to contact_blocked / mark_blocked', async () => {
    agent
      .get(ORIGIN)
      .intercept(sendPath)
      .reply(400, graphError(551, "This person isn't receiving messages from you right now."));
    const r = failed(await graph.sendMessage(PAGE, TOKEN, SEND));
    expect(r.failure).toMatchObject({
      category: 'contact_blocked',
      action: 'mark_blocked',
      fbtraceId: 'AbC123',
    });
    expect(r.outcome).toBe('refused');
  });

  it('takes the wait from estimated_time_to_regain_access and returns the parsed usage', async () => {
    const usage = JSON.stringify({
      [PAGE]: [
        {
          type: 'messenger',
          call_count: 100,
          total_cputime: 20,
          total_time: 30,
          estimated_time_to_regain_access: 7,
        },
      ],
    });
    agent
      .get(ORIGIN)
      .intercept(sendPath)
      .reply(400, graphError(80006, 'There have been too many messenger api calls'), {
        headers: { 'x-business-use-case-usage': usage },
      });
    const r = failed(await graph.sendMessage(PAGE, TOKEN, SEND));
    expect(r.failure).toMatchObject({
      category: 'rate_limited',
      action: 'retry_later',
      retryAfterMs: 7 * 60_000,
    });
    expect(r.usage).toMatchObject({ maxUsagePercent: 100, regainAccessMs: 7 * 60_000 });
  });

  it('redacts the token when Meta or a proxy echoes it in an error message', async () => {
    agent
      .get(ORIGIN)
      .intercept(sendPath)
      .reply(400, graphError(190, `Malformed access token ${TOKEN} (url ...?access_token=${TOKEN}&x=1)`));
    const r = failed(await graph.sendMessage(PAGE, TOKEN, SEND));
    expect(r.failure.category).toBe('token_invalid');
    expect(r.failure.message).toContain('[redacted]');
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });

  it('uses the x-fb-trace-id header when the body has no fbtrace_id', async () => {
    agent
      .get(ORIGIN)
      .intercept(sendPath)
      .reply(
        400,
        { error: { message: 'Invalid parameter', code: 100 } },
        { headers: { 'x-fb-trace-id': 'HdrTrace' } },
      );
    const r = failed(await graph.sendMessage(PAGE, TOKEN, SEND));
    expect(r.failure).toMatchObject({ category: 'invalid_request', fbtraceId: 'HdrTrace' });
  });

  it('treats a gateway 502 without a Graph body as an unknown outcome for a send, not retried', async () => {
    agent.get(ORIGIN).intercept(sendPath).reply(502, '<html>Bad Gateway</html>').times(3);
    const r = failed(await graph.sendMessage(PAGE, TOKEN, SEND));
    expect(r).toMatchObject({ outcome: 'unknown', status: 502, attempts: 1 });
    expect(r.failure.category).toBe('transient');
  });

  it('retries a read after a gateway 502 and returns the answer', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: `/v26.0/${PAGE}?fields=id%2Cname`, method: 'GET' }).reply(502, 'Bad Gateway');
    pool
      .intercept({ path: `/v26.0/${PAGE}?fields=id%2Cname`, method: 'GET' })
      .reply(200, { id: PAGE, name: 'P' });
    const r = await graph.debugPage(PAGE, TOKEN);
    expect(r).toMatchObject({ ok: true, data: { id: PAGE, name: 'P' }, attempts: 2 });
  });

  it('reports an unreadable 200 answer to a send as an unknown outcome', async () => {
    agent.get(ORIGIN).intercept(sendPath).reply(200, 'not json');
    const r = failed(await graph.sendMessage(PAGE, TOKEN, SEND));
    expect(r).toMatchObject({ outcome: 'unknown', status: 200 });
    expect(r.failure.message).toBe('Unreadable Graph answer (HTTP 200)');
  });

  it('reports a connection reset as an unknown outcome and does not resend', async () => {
    agent
      .get(ORIGIN)
      .intercept(sendPath)
      .replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))
      .times(3);
    const r = failed(await graph.sendMessage(PAGE, TOKEN, SEND));
    expect(r).toMatchObject({ outcome: 'unknown', attempts: 1 });
    expect(r.failure.message).toContain('ECONNRESET');
  });

  it('lets Retry-After lengthen the in-call wait, and leaves long waits to the queue', async () => {
    const pool = agent.get(ORIGIN);
    pool
      .intercept(sendPath)
      .reply(503, graphError(2, 'Service temporarily unavailable', { is_transient: true }), {
        headers: { 'retry-after': '1' },
      });
    pool.intercept(sendPath).reply(200, { recipient_id: '8001', message_id: 'm_2' });
    expect(await graph.sendMessage(PAGE, TOKEN, SEND)).toMatchObject({ ok: true, attempts: 2 });
    expect(sleeps).toEqual([1000]);

    pool
      .intercept(sendPath)
      .reply(503, graphError(2, 'Service temporarily unavailable', { is_transient: true }), {
        headers: { 'retry-after': '30' },
      });
    const r = failed(await graph.sendMessage(PAGE, TOKEN, SEND));
    expect(r).toMatchObject({ outcome: 'refused', attempts: 1 });
    expect(r.failure.retryAfterMs).toBe(30_000);
  });

  it("reads the thread owner in Meta's documented shape too", async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: `/v26.0/${PAGE}/thread_owner?recipient=8001`, method: 'GET' })
      .reply(200, { thread_owner: { app_id: 263902037430900, expiration: 1790000000 } });
    const r = await graph.getThreadOwner(PAGE, TOKEN, '8001');
    expect(r.ok && r.data).toEqual({ appId: '263902037430900', expiration: 1790000000 });
  });

  it('adds the act_ prefix to an ad account id only when missing', async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/v26.0/act_42/messages', method: 'POST' }).reply(200, { success: true }).times(2);
    const body = {
      message_id: 'c',
      messenger_delivery_data: { subscription_token: 't' },
      message: { text: 'x' },
    };
    expect((await graph.sendMarketingMessage('42', TOKEN, body)).ok).toBe(true);
    expect((await graph.sendMarketingMessage('act_42', TOKEN, body)).ok).toBe(true);
  });
});

describe('redactToken', () => {
  it('removes the token, access_token parameters and bearer credentials', () => {
    const out = redactToken(`a ${TOKEN} b access_token=XYZ123&c Bearer abcdefgh12345`, TOKEN);
    expect(out).toBe('a [redacted] b access_token=[redacted]&c Bearer [redacted]');
  });
});
