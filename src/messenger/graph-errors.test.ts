import { describe, expect, it } from 'vitest';
import { classifyGraphError, GRAPH_ERROR_RULES, parseBusinessUseCaseUsage } from './graph-errors.ts';

function graphError(
  code: number,
  subcode?: number,
  message = 'An error',
  extra: Record<string, unknown> = {},
): unknown {
  return {
    error: {
      message,
      type: 'OAuthException',
      code,
      ...(subcode !== undefined && { error_subcode: subcode }),
      fbtrace_id: 'AbCdEf123',
      ...extra,
    },
  };
}

describe('classifyGraphError', () => {
  const cases: ReadonlyArray<{
    name: string;
    status: number;
    body: unknown;
    category: string;
    action: string;
  }> = [
    {
      name: 'closes the window on 10/2018278',
      status: 400,
      body: graphError(10, 2018278, '(#10) This message is sent outside of allowed window.'),
      category: 'window_closed',
      action: 'close_window',
    },
    {
      name: 'marks a blocked contact on 551',
      status: 400,
      body: graphError(551, undefined, "This person isn't receiving messages from you right now."),
      category: 'contact_blocked',
      action: 'mark_blocked',
    },
    {
      name: 'marks an unreachable contact on 551/1545041',
      status: 400,
      body: graphError(551, 1545041),
      category: 'contact_unreachable',
      action: 'mark_unreachable',
    },
    {
      name: 'marks an unreachable contact on 200/1545041',
      status: 400,
      body: graphError(200, 1545041),
      category: 'contact_unreachable',
      action: 'mark_unreachable',
    },
    {
      name: 'marks an unreachable contact on 10/2018108',
      status: 400,
      body: graphError(10, 2018108),
      category: 'contact_unreachable',
      action: 'mark_unreachable',
    },
    {
      name: 'drops the PSID on 100/2018001',
      status: 400,
      body: graphError(100, 2018001),
      category: 'contact_unreachable',
      action: 'mark_unreachable',
    },
    {
      name: 'pauses the Page on an expired token 190/463',
      status: 401,
      body: graphError(190, 463, 'Error validating access token: Session has expired'),
      category: 'token_invalid',
      action: 'pause_page',
    },
    {
      name: 'pauses the Page on a token without subcode',
      status: 400,
      body: graphError(190),
      category: 'token_invalid',
      action: 'pause_page',
    },
    {
      name: 'stops the Page on 10/1893063',
      status: 400,
      body: graphError(10, 1893063),
      category: 'page_restricted',
      action: 'stop_page',
    },
    {
      name: 'stops the Page on 368',
      status: 400,
      body: graphError(368, 1390008),
      category: 'page_restricted',
      action: 'stop_page',
    },
    {
      name: 'stops the Page on 2022',
      status: 400,
      body: graphError(2022),
      category: 'page_restricted',
      action: 'stop_page',
    },
    {
      name: 'recognises a deprecated tag by its message',
      status: 400,
      body: graphError(
        100,
        undefined,
        '(#100) Deprecated message tags are no longer allowed: ACCOUNT_UPDATE tag',
      ),
      category: 'deprecated_tag',
      action: 'fix_request',
    },
    {
      name: 'recognises a deprecated tag by subcode 1893061',
      status: 400,
      body: graphError(100, 1893061, 'Invalid parameter'),
      category: 'deprecated_tag',
      action: 'fix_request',
    },
    {
      name: 'treats another code 100 as a request to fix',
      status: 400,
      body: graphError(100, undefined, '(#100) Invalid parameter'),
      category: 'invalid_request',
      action: 'fix_request',
    },
    {
      name: 'retries later on 80006 (Messenger BUC)',
      status: 400,
      body: graphError(80006),
      category: 'rate_limited',
      action: 'retry_later',
    },
    {
      name: 'retries later on 613',
      status: 400,
      body: graphError(613),
      category: 'rate_limited',
      action: 'retry_later',
    },
    ...[4, 17, 32, 80001, 80002, 341].map((code) => ({
      name: `retries later on throttling code ${code}`,
      status: 400,
      body: graphError(code),
      category: 'rate_limited',
      action: 'retry_later',
    })),
    {
      name: 'stops tagged sends on the bothersome warning 613/2018338',
      status: 400,
      body: graphError(613, 2018338),
      category: 'rate_limited',
      action: 'drop',
    },
    {
      name: 'retries code 2',
      status: 500,
      body: graphError(2, undefined, 'An unexpected error has occurred.', { is_transient: true }),
      category: 'transient',
      action: 'retry',
    },
    { name: 'retries code 1', status: 400, body: graphError(1), category: 'transient', action: 'retry' },
    {
      name: 'retries code 1200',
      status: 400,
      body: graphError(1200),
      category: 'transient',
      action: 'retry',
    },
    {
      name: 'retries an unknown code flagged is_transient',
      status: 400,
      body: graphError(12345, undefined, 'x', { is_transient: true }),
      category: 'transient',
      action: 'retry',
    },
    {
      name: 'retries a 502 with an HTML body',
      status: 502,
      body: '<html>Bad Gateway</html>',
      category: 'transient',
      action: 'retry',
    },
    {
      name: 'passes thread control on 2018300 as a code',
      status: 400,
      body: graphError(2018300),
      category: 'thread_owned_elsewhere',
      action: 'pass_thread_control',
    },
    {
      name: 'passes thread control on 2018300 as a subcode',
      status: 400,
      body: graphError(10, 2018300),
      category: 'thread_owned_elsewhere',
      action: 'pass_thread_control',
    },
    {
      name: 'reschedules on 4/2018354 (marketing frequency)',
      status: 400,
      body: graphError(4, 2018354),
      category: 'marketing_frequency',
      action: 'reschedule',
    },
    {
      name: 'reschedules on a weekly marketing cap named in error_data',
      status: 400,
      body: graphError(100, 2300090, 'Message not sent', {
        error_data: { reason: 'WEEKLY_MM_LOAD_CAP_REACHED' },
      }),
      category: 'marketing_frequency',
      action: 'reschedule',
    },
    {
      name: 'skips on 2300052 (recipient unavailable)',
      status: 400,
      body: graphError(100, 2300052, 'This person is not available right now'),
      category: 'contact_unreachable',
      action: 'drop',
    },
    {
      name: 'skips on 1893047 given as a code',
      status: 400,
      body: graphError(1893047),
      category: 'contact_unreachable',
      action: 'drop',
    },
    {
      name: 'asks for App Review on a bare 200',
      status: 403,
      body: graphError(200),
      category: 'permission',
      action: 'pause_page',
    },
    {
      name: 'treats a bare 10 as a permission problem',
      status: 403,
      body: graphError(10),
      category: 'permission',
      action: 'pause_page',
    },
    {
      name: 'falls back to the status for a 429 without body',
      status: 429,
      body: undefined,
      category: 'rate_limited',
      action: 'retry_later',
    },
    {
      name: 'falls back to the status for a 401 without body',
      status: 401,
      body: null,
      category: 'token_invalid',
      action: 'pause_page',
    },
    {
      name: 'treats an unknown 4xx code as a request to fix',
      status: 400,
      body: graphError(99999),
      category: 'invalid_request',
      action: 'fix_request',
    },
    {
      name: 'drops what it cannot classify',
      status: 200,
      body: { weird: true },
      category: 'unknown',
      action: 'drop',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(classifyGraphError(c.status, c.body)).toMatchObject({
        category: c.category,
        action: c.action,
        httpStatus: c.status,
      });
    });
  }

  it('keeps code, subcode, message, fbtrace_id and is_transient', () => {
    const failure = classifyGraphError(
      400,
      graphError(10, 2018278, 'outside window', { is_transient: false }),
    );
    expect(failure).toEqual({
      category: 'window_closed',
      action: 'close_window',
      code: 10,
      subcode: 2018278,
      message: 'outside window',
      fbtraceId: 'AbCdEf123',
      isTransient: false,
      httpStatus: 400,
      rule: '10/2018278',
    });
  });

  it('reads a JSON string or bytes body', () => {
    const text = JSON.stringify(graphError(551));
    expect(classifyGraphError(400, text).category).toBe('contact_blocked');
    expect(classifyGraphError(400, Buffer.from(text)).category).toBe('contact_blocked');
  });

  it('computes the rate-limit wait from X-Business-Use-Case-Usage, whatever the header case', () => {
    const usage = JSON.stringify({
      '1234567890': [
        {
          type: 'messenger',
          call_count: 100,
          total_cputime: 20,
          total_time: 30,
          estimated_time_to_regain_access: 7,
        },
        {
          type: 'pages',
          call_count: 40,
          total_cputime: 10,
          total_time: 10,
          estimated_time_to_regain_access: 0,
        },
      ],
    });
    const failure = classifyGraphError(400, graphError(80006), { 'X-Business-Use-Case-Usage': usage });
    expect(failure).toMatchObject({ category: 'rate_limited', retryAfterMs: 7 * 60_000 });
  });

  it('uses Retry-After, then the default, when the usage header gives no regain time', () => {
    expect(classifyGraphError(429, undefined, { 'retry-after': '12' }).retryAfterMs).toBe(12_000);
    expect(classifyGraphError(400, graphError(4)).retryAfterMs).toBe(60_000);
    expect(classifyGraphError(400, graphError(4), {}, { defaultRateLimitRetryMs: 5000 }).retryAfterMs).toBe(
      5000,
    );
  });

  it('takes the marketing budget wait from error_data.remaining_seconds', () => {
    const failure = classifyGraphError(
      400,
      graphError(100, 2300070, 'Daily budget reached', { error_data: { remaining_seconds: 5400 } }),
    );
    expect(failure).toMatchObject({
      category: 'marketing_frequency',
      action: 'reschedule',
      retryAfterMs: 5_400_000,
    });
  });

  it('waits an hour when pacing info is not ready', () => {
    expect(classifyGraphError(400, graphError(2300028))).toMatchObject({
      action: 'retry_later',
      retryAfterMs: 3_600_000,
    });
  });

  it('never throws on odd bodies and headers', () => {
    const bodies: unknown[] = [
      undefined,
      null,
      0,
      'x',
      '{',
      [],
      { error: 'x' },
      { error: { code: '10', error_subcode: '2018278' } },
      { error: { code: {}, message: 5 } },
    ];
    for (const body of bodies) {
      expect(() => classifyGraphError(400, body, { 'x-business-use-case-usage': '{not json' })).not.toThrow();
    }
    expect(classifyGraphError(400, { error: { code: '10', error_subcode: '2018278' } }).category).toBe(
      'window_closed',
    );
  });

  it('has unique rule ids', () => {
    const ids = GRAPH_ERROR_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('parseBusinessUseCaseUsage', () => {
  it('returns the highest usage percentage and the longest regain time', () => {
    const header = JSON.stringify({
      '111': [
        {
          type: 'messenger',
          call_count: 85,
          total_cputime: 91,
          total_time: 12,
          estimated_time_to_regain_access: 0,
        },
      ],
      '222': [
        { type: 'pages', call_count: 3, total_cputime: 1, total_time: 2, estimated_time_to_regain_access: 2 },
      ],
    });
    const usage = parseBusinessUseCaseUsage(header);
    expect(usage).toMatchObject({ maxUsagePercent: 91, regainAccessMs: 120_000 });
    expect(usage?.entries).toHaveLength(2);
    expect(usage?.entries[0]).toEqual({
      businessId: '111',
      type: 'messenger',
      callCount: 85,
      totalCputime: 91,
      totalTime: 12,
      estimatedTimeToRegainAccessMinutes: 0,
    });
  });

  it('returns null for an absent or unreadable header', () => {
    expect(parseBusinessUseCaseUsage(undefined)).toBeNull();
    expect(parseBusinessUseCaseUsage('')).toBeNull();
    expect(parseBusinessUseCaseUsage('{oops')).toBeNull();
    expect(parseBusinessUseCaseUsage('[1,2]')).toBeNull();
  });

  it('skips malformed entries and reads the first of repeated headers', () => {
    const header = JSON.stringify({ '1': 'nope', '2': [null, { type: 'messenger', call_count: '50' }] });
    expect(parseBusinessUseCaseUsage([header, '{}'])).toMatchObject({
      maxUsagePercent: 50,
      regainAccessMs: 0,
    });
  });
});
