import { describe, expect, it } from 'vitest';
import { runSendRateLimiterContract } from './rate-limiter.contract.ts';
import { createMemorySendRateLimiter, planSlices, sendKindOf } from './rate-limiter.ts';

runSendRateLimiterContract('memory', { make: (options) => createMemorySendRateLimiter(options) });

describe('planSlices', () => {
  it('never allows more than the budget in any window, for every budget up to 1000', () => {
    for (let limit = 2; limit <= 1000; limit++) {
      const { points, sliceMs } = planSlices({ limit, windowMs: 1000 });
      expect(points * (Math.ceil(1000 / sliceMs) + 1)).toBeLessThanOrEqual(limit);
    }
  });

  it('keeps most of the Send API budget usable', () => {
    const { points, sliceMs } = planSlices({ limit: 300, windowMs: 1000 });
    expect((points * 1000) / sliceMs).toBeGreaterThan(280);
  });

  it('refuses a budget that no slicing can honour', () => {
    expect(() => planSlices({ limit: 1, windowMs: 1000 })).toThrow(/>= 2/);
  });
});

describe('sendKindOf', () => {
  it('spends the media budget on audio and video, the private-reply budget on comment replies', () => {
    const media = (type: 'audio' | 'video' | 'image') => ({
      recipient: { id: '1' },
      message: { attachment: { type, payload: { url: 'https://example.com/a' } } },
    });
    expect(sendKindOf(media('audio'))).toBe('media');
    expect(sendKindOf(media('video'))).toBe('media');
    expect(sendKindOf(media('image'))).toBe('text');
    expect(sendKindOf({ recipient: { comment_id: 'c1' }, message: { text: 'hi' } })).toBe('private_reply');
    expect(sendKindOf({ recipient: { post_id: 'p1' }, message: { text: 'hi' } })).toBe('private_reply');
    expect(sendKindOf({ recipient: { id: '1' }, sender_action: 'typing_on' })).toBe('text');
  });
});
