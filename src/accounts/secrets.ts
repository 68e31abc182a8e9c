/**
 * Opaque secrets handed to people (session cookies, API keys, invitation and setup tokens): random,
 * URL-safe, and stored only as a SHA-256 digest. They carry 256 bits of entropy, so a fast digest is
 * enough (argon2 is for low-entropy passwords).
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function digestToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The CSRF token of a session, derived from its cookie value: the browser's scripts learn it from
 * the login answer and send it back in `x-csrf-token`; another site can neither read nor forge it.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('ventana-csrf').digest('base64url');
}

export const API_KEY_PREFIX = 'vk_';

/** A new API key `vk_<8 visible chars>_<secret>` and the prefix shown in listings. */
export function newApiKey(): { readonly key: string; readonly prefix: string } {
  const visible = randomBytes(6).toString('base64url');
  const key = `${API_KEY_PREFIX}${visible}_${randomToken(32)}`;
  return { key, prefix: `${API_KEY_PREFIX}${visible}` };
}
