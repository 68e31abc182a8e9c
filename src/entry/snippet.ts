/**
 * The website button: a plain link to m.me with the entry point's ref, styled inline, plus a few
 * lines of script that open Messenger in a new window. Meta's Customer Chat plugin (the old chat
 * bubble) stopped working on 9 May 2024, so this is what replaces it. Pure.
 */
import type { Lang } from '../policy/index.ts';
import { escapeHtml } from './html.ts';
import { LANDING_WORDS } from './messages.ts';

export interface SnippetInput {
  readonly url: string;
  readonly lang: Lang;
  /** Button text; default the language's "Message us on Messenger". */
  readonly label?: string | null;
  /** A stable id so several buttons can live on one page. */
  readonly id: string;
}

const COMMENT: Readonly<Record<Lang, string>> = {
  en: "Ventana Messenger button. Meta's Customer Chat plugin (the chat bubble) was shut down on 9 May 2024; this button opens the conversation through an m.me link with your entry point's ref instead, so each visit is attributed.",
  es: 'Botón de Messenger de Ventana. Meta cerró el plugin de chat (Customer Chat, la burbuja) el 9 de mayo de 2024; este botón abre la conversación con un enlace m.me con el ref de tu punto de entrada, así cada visita queda atribuida.',
};

/** HTML (with a small inline script) to paste into any website. */
export function buttonSnippet(input: SnippetInput): string {
  const label = input.label?.trim() || LANDING_WORDS[input.lang].button;
  const id = `ventana-mme-${input.id.replace(/[^A-Za-z0-9_-]/g, '')}`;
  const href = escapeHtml(input.url);
  return [
    `<!-- ${COMMENT[input.lang].replace(/--/g, '—')} -->`,
    `<a id="${id}" href="${href}" target="_blank" rel="noopener" style="display:inline-flex;align-items:center;gap:8px;padding:12px 20px;border-radius:24px;background:#0866ff;color:#fff;font:600 16px/1.2 system-ui,sans-serif;text-decoration:none">`,
    `  <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true"><path fill="#fff" d="M12 2C6.4 2 2 6.1 2 11.7c0 2.9 1.2 5.5 3.2 7.3V22l3-1.6c.9.2 1.8.4 2.8.4 5.6 0 10-4.1 10-9.7S17.6 2 12 2zm1 13-2.6-2.7-5 2.7 5.5-5.8 2.6 2.7 5-2.7L13 15z"/></svg>`,
    `  <span>${escapeHtml(label)}</span>`,
    '</a>',
    '<script>',
    '(function () {',
    `  var a = document.getElementById(${JSON.stringify(id)});`,
    '  if (!a) return;',
    '  a.addEventListener("click", function (e) {',
    '    var w = window.open(a.href, "_blank", "noopener");',
    '    if (w) e.preventDefault();',
    '  });',
    '})();',
    '</script>',
  ].join('\n');
}
