import { describe, expect, it } from 'vitest';
import { validateSend } from './validate-send.ts';

const ok = (p: Record<string, unknown>) => validateSend(p).ok;
const base = { recipient: { id: '1' }, messaging_type: 'RESPONSE' };

describe('validateSend', () => {
  it('accepts text shorter than 2000 characters and refuses 2000', () => {
    expect(ok({ ...base, message: { text: 'a'.repeat(1999) } })).toBe(true);
    expect(ok({ ...base, message: { text: 'a'.repeat(2000) } })).toBe(false);
  });

  it('counts characters, not UTF-16 units, near the limit', () => {
    expect(ok({ ...base, message: { text: '😀'.repeat(1999) } })).toBe(true);
  });

  it('accepts 13 quick replies and refuses 14', () => {
    const qr = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ content_type: 'text', title: `t${i}`, payload: `p${i}` }));
    expect(ok({ ...base, message: { text: 'x', quick_replies: qr(13) } })).toBe(true);
    expect(ok({ ...base, message: { text: 'x', quick_replies: qr(14) } })).toBe(false);
  });

  it('requires 1 to 3 buttons in a button template', () => {
    const tpl = (n: number) => ({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: 'Elige',
          buttons: Array.from({ length: n }, (_, i) => ({
            type: 'postback',
            title: `b${i}`,
            payload: `p${i}`,
          })),
        },
      },
    });
    expect(ok({ ...base, message: tpl(3) })).toBe(true);
    expect(ok({ ...base, message: tpl(0) })).toBe(false);
    expect(ok({ ...base, message: tpl(4) })).toBe(false);
  });

  it('requires a tag with MESSAGE_TAG and refuses a tag with any other messaging_type', () => {
    expect(ok({ ...base, messaging_type: 'MESSAGE_TAG', message: { text: 'x' } })).toBe(false);
    expect(ok({ ...base, tag: 'HUMAN_AGENT', message: { text: 'x' } })).toBe(false);
    expect(ok({ ...base, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'x' } })).toBe(
      true,
    );
  });

  it('requires messaging_type for PSID recipients but not for private replies', () => {
    expect(ok({ recipient: { id: '1' }, message: { text: 'x' } })).toBe(false);
    expect(ok({ recipient: { comment_id: '1_2' }, message: { text: 'x' } })).toBe(true);
  });

  it('refuses two recipient kinds, a sender action with a message, and an unknown messaging_type', () => {
    expect(ok({ ...base, recipient: { id: '1', user_ref: 'u' }, message: { text: 'x' } })).toBe(false);
    expect(ok({ ...base, sender_action: 'typing_on', message: { text: 'x' } })).toBe(false);
    expect(ok({ ...base, messaging_type: 'PROMO', message: { text: 'x' } })).toBe(false);
  });

  it('flags audio and video attachments as media for the 10/s limit', () => {
    const r = validateSend({
      ...base,
      message: { attachment: { type: 'video', payload: { url: 'https://x/v.mp4' } } },
    });
    expect(r.ok && r.send.media).toBe(true);
  });

  it('reports errors as Graph #100 failures', () => {
    const r = validateSend({ messaging_type: 'RESPONSE', message: { text: 'x' } });
    expect(r).toEqual({
      ok: false,
      failure: { status: 400, code: 100, message: '(#100) The parameter recipient is required' },
    });
  });
});
