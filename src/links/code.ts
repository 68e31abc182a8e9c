/** Tracked-link codes: 12 random base62 characters (~71 bits), unguessable and short enough for a URL. */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const CODE_LENGTH = 12;
/** What `/r/:code` accepts before touching the database (anything else is a 404 straight away). */
export const CODE_PATTERN = /^[0-9A-Za-z]{10,32}$/;

/** A new random code (rejection sampling: every character equally likely). */
export function newLinkCode(): string {
  let out = '';
  while (out.length < CODE_LENGTH) {
    for (const byte of randomBytes(CODE_LENGTH * 2)) {
      // 248 = 4 × 62: bytes above it would favour the first characters.
      if (byte >= 248) continue;
      out += ALPHABET[byte % 62];
      if (out.length === CODE_LENGTH) break;
    }
  }
  return out;
}
