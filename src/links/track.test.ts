import { describe, expect, it } from 'vitest';
import { messageFacts, type OutboxContent, untrackedMessage } from '../outbound/content.ts';
import { classifyContent } from '../policy/index.ts';
import { CODE_LENGTH, CODE_PATTERN, newLinkCode } from './code.ts';
import { LINK_MESSAGE_CODES, LINK_MESSAGES } from './messages.ts';
import { rewriteLinks, trackableUrls } from './track.ts';

const BASE = 'https://v.example.com';

describe('tracked link codes', () => {
  it('are 12 base62 characters, and do not repeat', () => {
    const codes = new Set(Array.from({ length: 5000 }, newLinkCode));
    expect(codes.size).toBe(5000);
    for (const c of [...codes].slice(0, 50)) {
      expect(c).toHaveLength(CODE_LENGTH);
      expect(CODE_PATTERN.test(c)).toBe(true);
    }
  });
});

describe('link rewriting', () => {
  const buttons: OutboxContent = {
    message: {
      type: 'button_template',
      text: 'Mira https://shop.example.com/sale. Y www.blog.example.com/post, o escribe a a@b.com',
      buttons: [
        { type: 'web_url', title: 'Comprar', url: 'https://shop.example.com/sale' },
        { type: 'postback', title: 'Más tarde', payload: 'LATER' },
        { type: 'web_url', title: 'Ya seguido', url: `${BASE}/r/AAAAAAAAAAAA` },
      ],
    },
  };

  it('finds button and text links once each, skipping links already tracked and e-mail addresses', () => {
    expect(trackableUrls(buttons.message, BASE)).toEqual([
      'https://shop.example.com/sale',
      'https://www.blog.example.com/post',
    ]);
  });

  it('rewrites buttons and text, keeping punctuation, and remembers the originals', () => {
    const map = new Map([
      ['https://shop.example.com/sale', `${BASE}/r/code1code1AA`],
      ['https://www.blog.example.com/post', `${BASE}/r/code2code2BB`],
    ]);
    const out = rewriteLinks(buttons, map);
    expect(out.message).toMatchObject({
      text: `Mira ${BASE}/r/code1code1AA. Y ${BASE}/r/code2code2BB, o escribe a a@b.com`,
      buttons: [{ url: `${BASE}/r/code1code1AA` }, { payload: 'LATER' }, { url: `${BASE}/r/AAAAAAAAAAAA` }],
    });
    expect(out.trackedLinks).toEqual({
      [`${BASE}/r/code1code1AA`]: 'https://shop.example.com/sale',
      [`${BASE}/r/code2code2BB`]: 'https://www.blog.example.com/post',
    });
    // What the policy reads is the message as written (www. links come back with their scheme).
    expect(untrackedMessage(out)).toMatchObject({
      buttons: [{ url: 'https://shop.example.com/sale' }, {}, { url: `${BASE}/r/AAAAAAAAAAAA` }],
    });
  });

  it('rewrites a card’s default action and buttons, and leaves a utility template alone', () => {
    const card: OutboxContent = {
      message: {
        type: 'generic_template',
        elements: [
          {
            title: 'T',
            defaultActionUrl: 'https://a.example.com',
            buttons: [{ type: 'web_url', title: 'x', url: 'https://b.example.com' }],
          },
        ],
      },
    };
    expect(trackableUrls(card.message, BASE)).toEqual(['https://a.example.com', 'https://b.example.com']);
    const out = rewriteLinks(
      card,
      new Map([
        ['https://a.example.com', `${BASE}/r/x`],
        ['https://b.example.com', `${BASE}/r/y`],
      ]),
    );
    expect(out.message).toMatchObject({
      elements: [{ defaultActionUrl: `${BASE}/r/x`, buttons: [{ url: `${BASE}/r/y` }] }],
    });
    const utility: OutboxContent = {
      message: {
        type: 'utility_template',
        name: 'order',
        language: 'es',
        bodyParameters: ['https://a.example.com'],
      },
    };
    expect(trackableUrls(utility.message, BASE)).toEqual([]);
  });

  it('keeps a text link as written when the tracked one would pass 2,000 characters', () => {
    const text = `${'x'.repeat(1990)} https://a.co`;
    const out = rewriteLinks(
      { message: { type: 'text', text } },
      new Map([['https://a.co', `${BASE}/r/abcdefghijkl`]]),
    );
    expect(out.message).toEqual({ type: 'text', text });
  });

  it('lets the classifier see the original destination: a tracked shop link is still a shop link', () => {
    const content: OutboxContent = {
      message: {
        type: 'button_template',
        text: 'New arrivals this week',
        buttons: [{ type: 'web_url', title: 'See', url: 'https://shop.example.com/cart/checkout' }],
      },
    };
    const tracked = rewriteLinks(
      content,
      new Map([['https://shop.example.com/cart/checkout', `${BASE}/r/abcdefghijkl`]]),
    );
    const facts = messageFacts(tracked);
    expect(facts.buttons[0]).toMatchObject({ url: 'https://shop.example.com/cart/checkout' });
    const verdict = (c: OutboxContent) => {
      const f = messageFacts(c);
      return classifyContent({ text: f.text ?? undefined, buttons: f.buttons, quickReplies: f.quickReplies });
    };
    expect(verdict(content).value).toBe(true);
    expect(verdict(tracked).value).toBe(true);
    expect(verdict(tracked).signals.map((s) => [s.kind, s.text])).toEqual(
      verdict(content).signals.map((s) => [s.kind, s.text]),
    );
    // Without the originals the classifier would only see a redirect to Ventana: not a shop link.
    const bare = { ...tracked, trackedLinks: null };
    expect(verdict(bare).signals.map((s) => s.kind)).not.toContain('shop_link');
  });
});

describe('link messages', () => {
  it('exist in Spanish and English for every code', () => {
    for (const lang of ['es', 'en'] as const)
      for (const code of LINK_MESSAGE_CODES) expect(LINK_MESSAGES[lang][code].length).toBeGreaterThan(5);
  });
});
