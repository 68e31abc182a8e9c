/**
 * How Meta puts webhook events on the wire: the `{object:"page", entry:[...]}` envelope, JSON with
 * non-ASCII characters and "/" escaped (Meta signs that escaped form, so an app must verify the raw
 * bytes it received), and the `X-Hub-Signature-256` HMAC. Own implementation on purpose: the
 * simulator must not share code with the verifier it is testing.
 */
import { createHmac } from 'node:crypto';

export interface MessagingEntry {
  readonly id: string;
  readonly time: number;
  readonly messaging?: readonly Record<string, unknown>[];
  readonly changes?: readonly Record<string, unknown>[];
}

export interface WebhookEnvelope {
  readonly object: 'page';
  readonly entry: readonly MessagingEntry[];
}

/** JSON.stringify, then the escaping Meta applies: `\uXXXX` (lowercase hex) for non-ASCII, `\/` for "/". */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff/]/g, (c) =>
    c === '/' ? '\\/' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `sha256=<hex>` of the exact body bytes with the app secret. */
export function signatureHeader(appSecret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody, 'utf8').digest('hex')}`;
}

/** The legacy SHA-1 header Meta still sends beside the SHA-256 one. */
export function legacySignatureHeader(appSecret: string, rawBody: string): string {
  return `sha1=${createHmac('sha1', appSecret).update(rawBody, 'utf8').digest('hex')}`;
}

/** Reaction names Meta sends next to the emoji. */
export function reactionName(emoji: string): string {
  switch (emoji) {
    case '❤️':
    case '❤':
    case '😍':
      return 'love';
    case '😆':
    case '😂':
      return 'smile';
    case '😮':
      return 'wow';
    case '😢':
      return 'sad';
    case '😠':
      return 'angry';
    case '👍':
      return 'like';
    case '👎':
      return 'dislike';
    default:
      return 'other';
  }
}
