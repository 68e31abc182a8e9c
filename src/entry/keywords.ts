/** Keyword filters for comment entry points: accent-, case- and punctuation-insensitive, whole words. */
import { normalizeText } from '../policy/classifier/index.ts';

/**
 * True when the text holds one of the keywords as whole words (a keyword may be several words).
 * No keywords means every text matches.
 * @example matchesKeywords('¡Quiero el PRECIO!', ['precio']) === true
 * @example matchesKeywords('Información', ['informacion']) === true
 */
export function matchesKeywords(text: string | null, keywords: readonly string[]): boolean {
  if (keywords.length === 0) return true;
  if (text === null) return false;
  const haystack = ` ${normalizeText(text)} `;
  return keywords.some((k) => {
    const needle = normalizeText(k);
    return needle !== '' && haystack.includes(` ${needle} `);
  });
}
