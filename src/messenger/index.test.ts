import { describe, expect, it } from 'vitest';
import {
  buildSendRequest,
  classifyGraphError,
  inboundKindOf,
  parseWebhookBody,
  sendRequestSchema,
  signBody,
  verifySignature,
} from './index.ts';

describe('messenger public API', () => {
  it('takes a signed webhook through to a reply request and a classified failure', () => {
    const secret = 's3cret';
    const raw = Buffer.from(
      JSON.stringify({
        object: 'page',
        entry: [
          {
            id: '111',
            time: 1700000000000,
            messaging: [
              {
                sender: { id: '222' },
                recipient: { id: '111' },
                timestamp: 1700000000000,
                message: { mid: 'm_1', text: 'Hola', quick_reply: { payload: 'START' } },
              },
            ],
          },
        ],
      }),
    );
    expect(verifySignature(raw, { 'x-hub-signature-256': signBody(raw, secret) }, secret)).toEqual({
      ok: true,
    });

    const parsed = parseWebhookBody(raw);
    if (!parsed.ok) throw new Error(parsed.code);
    const [event] = parsed.events;
    if (event === undefined || event.kind !== 'message') throw new Error('expected a message');
    expect(inboundKindOf(event)).toBe('quick_reply');

    const body = buildSendRequest({
      recipient: { id: event.contactId ?? '' },
      messaging_type: 'RESPONSE',
      message: { type: 'text', text: '¡Hola!' },
      replyToMid: event.mid ?? undefined,
    });
    expect(sendRequestSchema.safeParse(body).success).toBe(true);

    const failure = classifyGraphError(400, {
      error: { message: 'outside window', code: 10, error_subcode: 2018278, fbtrace_id: 'T' },
    });
    expect(failure).toMatchObject({ category: 'window_closed', action: 'close_window', fbtraceId: 'T' });
  });
});
