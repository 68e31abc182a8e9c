/** Words of the tracked-link area, in Spanish and English, keyed by stable codes. */
import type { Lang } from '../policy/index.ts';

export const LINK_MESSAGE_CODES = ['link_not_found_title', 'link_not_found_body'] as const;
export type LinkMessageCode = (typeof LINK_MESSAGE_CODES)[number];

export const LINK_MESSAGES: Readonly<Record<Lang, Readonly<Record<LinkMessageCode, string>>>> = {
  en: {
    link_not_found_title: 'Link not found',
    link_not_found_body:
      'This link does not exist or is no longer available. Check that you copied it whole, or go back to the conversation.',
  },
  es: {
    link_not_found_title: 'Enlace no encontrado',
    link_not_found_body:
      'Este enlace no existe o ya no está disponible. Comprueba que lo copiaste entero o vuelve a la conversación.',
  },
};

export function linkText(code: LinkMessageCode, lang: Lang): string {
  return LINK_MESSAGES[lang][code];
}

/** The small page a person sees for an unknown code (no external assets, nothing to track). */
export function notFoundPage(lang: Lang): string {
  const title = linkText('link_not_found_title', lang);
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}</style>
</head><body><h1>${title}</h1><p>${linkText('link_not_found_body', lang)}</p></body></html>
`;
}
