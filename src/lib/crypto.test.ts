import { describe, expect, it } from 'vitest';
import { DecryptionError, decrypt, encrypt, generateSecretKey, parseSecretKey } from './crypto.ts';

function key(): Buffer {
  const parsed = parseSecretKey(generateSecretKey());
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.key;
}

describe('crypto', () => {
  it('round-trips text, including non-ASCII and empty strings', () => {
    const k = key();
    for (const text of ['EAAG-page-token', '', 'año ñandú 🚀', 'x'.repeat(5000)]) {
      expect(decrypt(k, encrypt(k, text))).toBe(text);
    }
  });

  it('writes the versioned v1 format and never repeats a ciphertext for the same input', () => {
    const k = key();
    const a = encrypt(k, 'same');
    const b = encrypt(k, 'same');
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('same');
  });

  it('detects a tampered ciphertext, tag or IV', () => {
    const k = key();
    const [v, iv, tag, body] = encrypt(k, 'secret token value').split(':') as [
      string,
      string,
      string,
      string,
    ];
    const flip = (b64: string): string => {
      const buf = Buffer.from(b64, 'base64');
      buf[0] = (buf[0] ?? 0) ^ 1;
      return buf.toString('base64');
    };
    for (const altered of [
      [v, iv, tag, flip(body)],
      [v, iv, flip(tag), body],
      [v, flip(iv), tag, body],
    ]) {
      expect(() => decrypt(k, altered.join(':'))).toThrow(DecryptionError);
    }
  });

  it('refuses to decrypt with a different key', () => {
    const text = encrypt(key(), 'hello');
    expect(() => decrypt(key(), text)).toThrow(/different VENTANA_SECRET_KEY/);
  });

  it('rejects values that are not in the v1 format', () => {
    const k = key();
    expect(() => decrypt(k, 'plain token')).toThrow(DecryptionError);
    expect(() => decrypt(k, 'v2:a:b:c')).toThrow(/format/);
    expect(() => decrypt(k, 'v1:AAAA:BBBB:CCCC')).toThrow(/length/);
  });

  it('accepts a key as 64 hex characters or as base64', () => {
    const raw = Buffer.alloc(32, 7);
    const fromHex = parseSecretKey(raw.toString('hex'));
    const fromB64 = parseSecretKey(raw.toString('base64'));
    const fromB64Url = parseSecretKey(raw.toString('base64url'));
    expect(fromHex.ok && fromHex.key.equals(raw)).toBe(true);
    expect(fromB64.ok && fromB64.key.equals(raw)).toBe(true);
    expect(fromB64Url.ok && fromB64Url.key.equals(raw)).toBe(true);
  });

  it('rejects empty, short, long and non-key values with a stable code', () => {
    expect(parseSecretKey('')).toMatchObject({ ok: false, code: 'secret_key_empty' });
    expect(parseSecretKey('abcd')).toMatchObject({ ok: false, code: 'secret_key_invalid' });
    expect(parseSecretKey(Buffer.alloc(16).toString('base64'))).toMatchObject({
      ok: false,
      code: 'secret_key_invalid',
    });
    expect(parseSecretKey(Buffer.alloc(48).toString('hex'))).toMatchObject({
      ok: false,
      code: 'secret_key_invalid',
    });
    expect(parseSecretKey('not a key!')).toMatchObject({ ok: false, code: 'secret_key_invalid' });
  });

  it('generates distinct 32-byte hex keys', () => {
    const a = generateSecretKey();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(generateSecretKey()).not.toBe(a);
  });

  it('refuses a key of the wrong length at encryption time', () => {
    expect(() => encrypt(Buffer.alloc(16), 'x')).toThrow(/32 bytes/);
  });
});
