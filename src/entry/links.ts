/**
 * m.me links: the ref rule (what every Meta document accepts), the slug of the hosted landing page,
 * and the URL itself. Pure.
 */

/** Meta's webhook docs accept only these characters in a ref; plugin docs cap it at 250. */
export const REF_PATTERN = /^[A-Za-z0-9_=-]{1,250}$/;
/** Landing-page addresses: `/l/<slug>`. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{1,62})[a-z0-9]$/;
/** m.me's prefilled text is a URL parameter: keep it well inside every URL-length limit. */
export const MAX_PREFILL = 300;

export function isValidRef(ref: unknown): ref is string {
  return typeof ref === 'string' && REF_PATTERN.test(ref);
}

export function isValidSlug(slug: unknown): slug is string {
  return typeof slug === 'string' && SLUG_PATTERN.test(slug);
}

/** A readable slug from a name: "Promo Navidad 2026" → "promo-navidad-2026" (may be too short: check). */
export function slugFrom(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
}

/**
 * The m.me URL of a Page with an optional ref and prefilled text, each percent-encoded.
 * @param page the Page's username or numeric id (both work on m.me)
 * @example mmeUrl('106123', 'qr_tienda', 'Hola, quiero info') === 'https://m.me/106123?ref=qr_tienda&text=Hola%2C%20quiero%20info'
 */
export function mmeUrl(page: string, ref: string | null, text: string | null = null): string {
  const params: string[] = [];
  if (ref !== null && ref !== '') params.push(`ref=${encodeURIComponent(ref)}`);
  if (text !== null && text !== '') params.push(`text=${encodeURIComponent(text)}`);
  return `https://m.me/${encodeURIComponent(page)}${params.length > 0 ? `?${params.join('&')}` : ''}`;
}
