import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header values as Node or undici hand them over; a repeated header arrives as an array. */
export type SignatureHeaderValue = string | readonly string[] | undefined;

/** The two signature headers Meta has used; keys are the lowercase names Node gives headers. */
export interface SignatureHeaders {
  readonly 'x-hub-signature-256'?: SignatureHeaderValue;
  readonly 'x-hub-signature'?: SignatureHeaderValue;
}

/** Stable codes for why a webhook signature was refused. */
export type SignatureFailureCode =
  | 'signature_missing'
  | 'signature_malformed'
  | 'signature_mismatch'
  | 'signature_sha1_only';

/** Outcome of {@link verifySignature}: a value, never an exception. */
export type SignatureResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: SignatureFailureCode };

const PREFIX = 'sha256=';
const DIGEST_BYTES = 32;
const HEX_LENGTH = DIGEST_BYTES * 2;

const OK: SignatureResult = Object.freeze({ ok: true });
const MISSING: SignatureResult = Object.freeze({ ok: false, code: 'signature_missing' });
const MALFORMED: SignatureResult = Object.freeze({ ok: false, code: 'signature_malformed' });
const MISMATCH: SignatureResult = Object.freeze({ ok: false, code: 'signature_mismatch' });
const SHA1_ONLY: SignatureResult = Object.freeze({ ok: false, code: 'signature_sha1_only' });

function isPresent(value: SignatureHeaderValue): boolean {
  if (value === undefined) return false;
  if (typeof value === 'string') return value.length > 0;
  return value.length > 0;
}

/**
 * Checks Meta's `X-Hub-Signature-256: sha256=<hex>` header against an HMAC-SHA256 of the raw body
 * (the bytes exactly as received, before any JSON parse) keyed with the App Secret.
 * Hex digits may be lower or upper case; the comparison is constant-time.
 * A request that carries only the legacy SHA-1 header is refused with `signature_sha1_only`,
 * because SHA-1 is no longer an accepted proof (reference §6.2).
 *
 * @example verifySignature(rawBody, req.headers, appSecret) // { ok: true }
 */
export function verifySignature(
  rawBody: Uint8Array,
  headers: SignatureHeaders,
  appSecret: string,
): SignatureResult {
  const header = headers['x-hub-signature-256'];
  if (!isPresent(header)) {
    return isPresent(headers['x-hub-signature']) ? SHA1_ONLY : MISSING;
  }
  // Two signature headers on one request is not something Meta sends: refuse rather than guess.
  if (typeof header !== 'string') {
    if (header === undefined || header.length !== 1) return MALFORMED;
    return compare(rawBody, header[0] ?? '', appSecret);
  }
  return compare(rawBody, header, appSecret);
}

function compare(rawBody: Uint8Array, header: string, appSecret: string): SignatureResult {
  const value = header.trim();
  if (value.length !== PREFIX.length + HEX_LENGTH) return MALFORMED;
  if (value.slice(0, PREFIX.length).toLowerCase() !== PREFIX) return MALFORMED;
  // Buffer.from(hex) stops at the first non-hex pair, so a short result means a bad digit.
  const given = Buffer.from(value.slice(PREFIX.length), 'hex');
  if (given.length !== DIGEST_BYTES) return MALFORMED;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(given, expected) ? OK : MISMATCH;
}

/**
 * Signs a body the way Meta does, for the simulator and tests: returns `sha256=<lowercase hex>`.
 *
 * @example signBody(Buffer.from('{"object":"page","entry":[]}'), 'secret') // 'sha256=…'
 */
export function signBody(rawBody: Uint8Array | string, appSecret: string): string {
  return PREFIX + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}
