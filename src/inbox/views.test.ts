import { describe, expect, it } from 'vitest';
import { sentMessagePayload } from '../outbound/content.ts';
import type { Decision } from '../policy/index.ts';
import { attachmentViews } from './views.ts';

describe("a thread line's attachments", () => {
  it('keeps what a person sent, with its URL, and a link title', () => {
    expect(
      attachmentViews({
        attachments: [
          { type: 'image', url: 'https://scontent.example/p.jpg', title: null, stickerId: null },
          { type: 'fallback', url: 'http://tienda.example/x', title: 'Zapatillas', stickerId: null },
          { type: 'location', url: null, title: null, stickerId: null },
        ],
      }),
    ).toEqual([
      { type: 'image', url: 'https://scontent.example/p.jpg', title: null },
      { type: 'fallback', url: 'http://tienda.example/x', title: 'Zapatillas' },
      { type: 'location', url: null, title: null },
    ]);
  });

  it('never hands the dashboard a URL it should not open, and skips what is malformed', () => {
    expect(
      attachmentViews({
        attachments: [
          { type: 'file', url: 'javascript:alert(1)' },
          { type: 'image', url: 'data:image/png;base64,AAAA' },
          null,
          { url: 'https://x.example/y.png' },
          'image',
        ],
      }),
    ).toEqual([
      { type: 'file', url: null, title: null },
      { type: 'image', url: null, title: null },
    ]);
    expect(attachmentViews(null)).toEqual([]);
    expect(attachmentViews({ attachments: 'image' })).toEqual([]);
  });

  it('reads the picture a Page sent from the stored copy of the send', () => {
    const decision = { route: 'standard', send: { messaging_type: 'RESPONSE' } } as unknown as Decision;
    const image = sentMessagePayload(
      { message: { type: 'attachment', attachmentType: 'image', url: 'https://cdn.example/menu.png' } },
      decision,
    );
    expect(attachmentViews(image)).toEqual([
      { type: 'image', url: 'https://cdn.example/menu.png', title: null },
    ]);
    const text = sentMessagePayload({ message: { type: 'text', text: 'Hola' } }, decision);
    expect(text).toEqual({ route: 'standard', send: { messaging_type: 'RESPONSE' } });
    expect(attachmentViews(text)).toEqual([]);
  });
});
