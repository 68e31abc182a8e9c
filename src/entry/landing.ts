/**
 * The hosted landing page of an entry point (`GET /l/:slug`): one self-contained, mobile-first HTML
 * document (no external CSS, fonts, scripts or images) with the Messenger button. Pure.
 */
import type { Lang } from '../policy/index.ts';
import { escapeHtml } from './html.ts';
import { LANDING_WORDS } from './messages.ts';

export interface LandingInput {
  readonly lang: Lang;
  readonly pageName: string;
  readonly url: string;
  /** Overrides of the default words (per entry point). */
  readonly title?: string | null;
  readonly text?: string | null;
  readonly button?: string | null;
  /** An inline SVG QR code of the same link, shown on wide screens (scan it with the phone). */
  readonly qrSvg?: string | null;
}

export function landingPage(input: LandingInput): string {
  const words = LANDING_WORDS[input.lang];
  const title = input.title?.trim() || words.title.replace('{page}', input.pageName);
  const text = input.text?.trim() || words.text;
  const button = input.button?.trim() || words.button;
  return `<!doctype html>
<html lang="${input.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f0f2f5;color:#1c1e21;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:24px}
main{width:100%;max-width:420px;background:#fff;border-radius:16px;box-shadow:0 2px 12px rgba(0,0,0,.08);padding:32px 24px;text-align:center}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 12px}
p{margin:0 0 24px;color:#444}
a.button{display:flex;align-items:center;justify-content:center;gap:10px;width:100%;padding:16px;border-radius:28px;background:#0866ff;color:#fff;font-weight:600;font-size:1.05rem;text-decoration:none}
a.button:focus-visible{outline:3px solid #1c1e21;outline-offset:3px}
small{display:block;margin-top:20px;color:#65676b;font-size:.8rem}
.qr{display:none;margin-top:24px;color:#65676b;font-size:.85rem}
.qr svg{display:block;width:180px;height:180px;margin:8px auto 0}
@media (min-width:720px) and (hover:hover){.qr{display:block}}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(text)}</p>
<a class="button" href="${escapeHtml(input.url)}" rel="noopener"><svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true"><path fill="#fff" d="M12 2C6.4 2 2 6.1 2 11.7c0 2.9 1.2 5.5 3.2 7.3V22l3-1.6c.9.2 1.8.4 2.8.4 5.6 0 10-4.1 10-9.7S17.6 2 12 2zm1 13-2.6-2.7-5 2.7 5.5-5.8 2.6 2.7 5-2.7L13 15z"/></svg><span>${escapeHtml(button)}</span></a>
${input.qrSvg ? `<div class="qr">${escapeHtml(words.scan)}${input.qrSvg}</div>\n` : ''}<small>${escapeHtml(words.footer)}</small>
</main>
</body>
</html>
`;
}
