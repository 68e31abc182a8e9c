import { describe, expect, it } from 'vitest';
import { LANGS } from '../policy/i18n/catalog.ts';
import { matchesKeywords } from './keywords.ts';
import { landingPage } from './landing.ts';
import { isValidRef, isValidSlug, mmeUrl, slugFrom } from './links.ts';
import { ENTRY_MESSAGE_CODES, ENTRY_MESSAGES, LANDING_WORDS } from './messages.ts';
import { parseEntryPoint, toView } from './model.ts';
import { buttonSnippet } from './snippet.ts';

describe('m.me refs', () => {
  it('accepts letters, digits, underscore, equals and hyphen up to 250 characters', () => {
    expect(isValidRef('qr_tienda-2026=A')).toBe(true);
    expect(isValidRef('a'.repeat(250))).toBe(true);
  });

  it('refuses empty, too long, spaces, dots, accents, slashes and non-strings', () => {
    for (const bad of ['', 'a'.repeat(251), 'promo navidad', 'promo.navidad', 'niño', 'a/b', 'a+b', 'a?b']) {
      expect(isValidRef(bad), bad).toBe(false);
    }
    expect(isValidRef(42)).toBe(false);
    expect(isValidRef(null)).toBe(false);
  });
});

describe('m.me URLs', () => {
  it('builds the link with the ref and the prefilled text percent-encoded', () => {
    expect(mmeUrl('106123', 'qr_tienda', 'Hola, ¿precio? 50% & más')).toBe(
      'https://m.me/106123?ref=qr_tienda&text=Hola%2C%20%C2%BFprecio%3F%2050%25%20%26%20m%C3%A1s',
    );
  });

  it('leaves out an absent ref or text', () => {
    expect(mmeUrl('106123', null)).toBe('https://m.me/106123');
    expect(mmeUrl('106123', 'x', '')).toBe('https://m.me/106123?ref=x');
    expect(mmeUrl('106123', null, 'hi')).toBe('https://m.me/106123?text=hi');
  });

  it('round-trips the prefilled text through URL parsing', () => {
    const text = 'Quiero info 🎁 del "pack" #3 / talla M+';
    const url = new URL(mmeUrl('mi.tienda', 'ref_1', text));
    expect(url.searchParams.get('text')).toBe(text);
    expect(url.searchParams.get('ref')).toBe('ref_1');
  });
});

describe('slugs', () => {
  it('derives a readable slug from a name, accents removed', () => {
    expect(slugFrom('Promo Navidad 2026 — Tienda Ñuñoa')).toBe('promo-navidad-2026-tienda-nunoa');
    expect(isValidSlug('promo-navidad')).toBe(true);
    expect(isValidSlug('ab')).toBe(false);
    expect(isValidSlug('Promo')).toBe(false);
    expect(isValidSlug('-promo')).toBe(false);
  });
});

describe('keyword filters', () => {
  it('match whole words regardless of accents, case and punctuation', () => {
    expect(matchesKeywords('¡Quiero el PRECIO!', ['precio'])).toBe(true);
    expect(matchesKeywords('Información por favor', ['informacion'])).toBe(true);
    expect(matchesKeywords('informacion', ['Información'])).toBe(true);
    expect(matchesKeywords('me interesa, envío gratis?', ['envio gratis'])).toBe(true);
  });

  it('do not match inside other words or when absent', () => {
    expect(matchesKeywords('preciosa foto', ['precio'])).toBe(false);
    expect(matchesKeywords('bonita foto', ['precio', 'info'])).toBe(false);
    expect(matchesKeywords(null, ['precio'])).toBe(false);
  });

  it('let every comment through when no keyword is set', () => {
    expect(matchesKeywords('lo que sea', [])).toBe(true);
  });
});

describe('the website button snippet', () => {
  const url = mmeUrl('106123', 'web_home', 'Hola');
  it('links to m.me with the ref and says the old chat plugin is gone, in English', () => {
    const html = buttonSnippet({ url, lang: 'en', id: 'ep1' });
    expect(html).toContain('href="https://m.me/106123?ref=web_home&amp;text=Hola"');
    expect(html).toContain("Meta's Customer Chat plugin (the chat bubble) was shut down on 9 May 2024");
    expect(html).toContain('Message us on Messenger');
    expect(html).toContain('window.open(a.href');
    expect(html).toContain('id="ventana-mme-ep1"');
  });

  it('speaks Spanish, escapes a custom label and keeps the HTML comment well-formed', () => {
    const html = buttonSnippet({ url, lang: 'es', id: 'ep1', label: 'Chatea <ya>' });
    expect(html).toContain('Meta cerró el plugin de chat');
    expect(html).toContain('Chatea &lt;ya&gt;');
    const comment = html.slice(4, html.indexOf('-->'));
    expect(comment).not.toContain('--');
  });
});

describe('the landing page', () => {
  const url = mmeUrl('106123', 'landing_1', 'Hola');
  it('is a self-contained, mobile-friendly page in Spanish with the button', () => {
    const html = landingPage({ lang: 'es', pageName: 'Café Lola', url });
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('name="viewport" content="width=device-width, initial-scale=1"');
    expect(html).toContain('Habla con Café Lola');
    expect(html).toContain('Escríbenos por Messenger');
    expect(html).toContain('href="https://m.me/106123?ref=landing_1&amp;text=Hola"');
    // No external assets: no stylesheet links, scripts with src, or remote images/fonts.
    expect(html).not.toMatch(/<link|<script|src=|@import|url\(/);
  });

  it('is in English when asked, with custom words escaped', () => {
    const html = landingPage({ lang: 'en', pageName: 'Lola', url, title: 'Win <b>big</b>', button: 'Go' });
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<title>Win &lt;b&gt;big&lt;/b&gt;</title>');
    expect(html).toContain('Tap the button to open a conversation');
    expect(html).toContain('<span>Go</span>');
    expect(html).not.toContain('class="qr"');
  });

  it('shows an inline QR code of the link for computer visitors when given one', async () => {
    const qrSvg = await (await import('./qr.ts')).qrSvg(url, { size: 180, margin: 1 });
    const html = landingPage({ lang: 'es', pageName: 'Lola', url, qrSvg });
    expect(html).toContain('Escanea este código con el móvil');
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/<link|<script|src=|@import|url\(/);
  });
});

describe('entry point documents', () => {
  it('generates the ref and slug of a link from its name', () => {
    const r = parseEntryPoint({ pageId: '1', kind: 'link', name: 'Promo Navidad' }, 'en');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.ref).toBe('promo_navidad');
    expect(r.data.slug).toMatch(/^promo-navidad-[0-9a-f]{8}$/);
  });

  it('names every bad field, in Spanish', () => {
    const r = parseEntryPoint(
      {
        pageId: '1',
        kind: 'link',
        name: 'x',
        ref: 'con espacio',
        language: 'fr',
        labels: 'vip',
        prefillText: 'a'.repeat(301),
      },
      'es',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field)).toEqual(['ref', 'language', 'prefillText', 'labels']);
    expect(r.problems[0]?.message).toMatch(/^ref: de 1 a 250 caracteres/);
  });

  it('requires the reply text of a comment entry point and validates post ids and keywords', () => {
    const r = parseEntryPoint(
      { pageId: '1', kind: 'comment', name: 'Sorteo', comment: { postIds: ['abc'], keywords: [''] } },
      'en',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field)).toEqual([
      'comment.postIds',
      'comment.keywords',
      'comment.replyText',
    ]);
  });

  it('shows the m.me URL and the landing URL in its view', () => {
    const r = parseEntryPoint(
      { pageId: '99', kind: 'link', name: 'Tienda', ref: 'tienda', slug: 'tienda', prefillText: 'Hola!' },
      'en',
    );
    if (!r.ok) throw new Error('invalid');
    const view = toView(
      { ...r.data, id: 'e1', workspaceId: 'w', createdAt: 1, updatedAt: 1 },
      'https://v.example',
    );
    expect(view.mmeUrl).toBe('https://m.me/99?ref=tienda&text=Hola!');
    expect(view.landingUrl).toBe('https://v.example/l/tienda');
  });
});

describe('entry point messages', () => {
  it('exist for every code in every language, with the same placeholders', () => {
    for (const lang of LANGS) {
      for (const code of ENTRY_MESSAGE_CODES) {
        expect(ENTRY_MESSAGES[lang][code], `${lang}.${code}`).toBeTruthy();
        const holes = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
        expect(holes(ENTRY_MESSAGES[lang][code])).toEqual(holes(ENTRY_MESSAGES.en[code]));
      }
      expect(Object.values(LANDING_WORDS[lang]).every((w) => w.length > 0)).toBe(true);
    }
  });
});
