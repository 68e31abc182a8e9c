/**
 * Encryption at rest for secrets the database must hold (Page access tokens, app secrets,
 * marketing subscription tokens): AES-256-GCM with a fresh random 12-byte IV per value.
 *
 * Stored format, plain text so it fits a TEXT column on every dialect:
 * `v1:<iv base64>:<auth tag base64>:<ciphertext base64>`. The version prefix lets a
 * later format (another cipher, key rotation with a key id) coexist with old rows.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';

export type SecretKeyResult =
  | { readonly ok: true; readonly key: Buffer }
  | {
      readonly ok: false;
      readonly code: 'secret_key_empty' | 'secret_key_invalid';
      readonly message: string;
    };

/**
 * Parses a 32-byte key given as 64 hexadecimal characters or as base64 (standard or URL-safe).
 * @example parseSecretKey(process.env.VENTANA_SECRET_KEY ?? '')
 */
export function parseSecretKey(value: string): SecretKeyResult {
  const text = value.trim();
  if (text === '') {
    return {
      ok: false,
      code: 'secret_key_empty',
      message: 'VENTANA_SECRET_KEY is empty: expected 32 bytes as 64 hex characters or base64',
    };
  }
  if (/^[0-9a-fA-F]{64}$/.test(text)) {
    return { ok: true, key: Buffer.from(text, 'hex') };
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return { ok: true, key };
    return {
      ok: false,
      code: 'secret_key_invalid',
      message: `VENTANA_SECRET_KEY decodes to ${key.length} bytes; it must be exactly 32 bytes (64 hex characters or 44 base64 characters)`,
    };
  }
  return {
    ok: false,
    code: 'secret_key_invalid',
    message: 'VENTANA_SECRET_KEY must be 32 bytes written as 64 hex characters or base64',
  };
}

/** A new random key, as 64 hexadecimal characters (what demo mode stores). */
export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('hex');
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES)
    throw new Error(`encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
}

/** Encrypts `plaintext` (UTF-8) into the versioned `v1:…` text format. */
export function encrypt(key: Buffer, plaintext: string): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${FORMAT_VERSION}:${iv.toString('base64')}:${tag.toString('base64')}:${body.toString('base64')}`;
}

/** Raised when a stored value cannot be decrypted: wrong key, tampering, or not our format. */
export class DecryptionError extends Error {
  readonly code: 'decrypt_malformed' | 'decrypt_failed';
  constructor(code: 'decrypt_malformed' | 'decrypt_failed', message: string) {
    super(message);
    this.name = 'DecryptionError';
    this.code = code;
  }
}

/**
 * Decrypts a value made by {@link encrypt}. Throws {@link DecryptionError} when the text is
 * malformed, was altered, or was encrypted with another key (GCM authenticates all three cases).
 */
export function decrypt(key: Buffer, text: string): string {
  assertKey(key);
  const parts = text.split(':');
  if (parts.length !== 4 || parts[0] !== FORMAT_VERSION) {
    throw new DecryptionError(
      'decrypt_malformed',
      'encrypted value is not in the v1:<iv>:<tag>:<data> format',
    );
  }
  const iv = Buffer.from(parts[1] ?? '', 'base64');
  const tag = Buffer.from(parts[2] ?? '', 'base64');
  const body = Buffer.from(parts[3] ?? '', 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new DecryptionError(
      'decrypt_malformed',
      'encrypted value has a bad IV or authentication tag length',
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionError(
      'decrypt_failed',
      'encrypted value failed authentication: it was altered or encrypted with a different VENTANA_SECRET_KEY',
    );
  }
}
