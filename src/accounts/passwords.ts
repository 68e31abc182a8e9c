/**
 * Password hashing with argon2id. Parameters are explicit (OWASP's 2023 minimum for argon2id:
 * m = 19 MiB, t = 2, p = 1) and travel inside each PHC hash string, so raising them later still
 * verifies old hashes.
 */
import { type Algorithm, hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot read from a .d.ts). */
const ARGON2ID = 2 as Algorithm;

export const ARGON2_PARAMS = Object.freeze({
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_PARAMS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// Verified against when the email is unknown, so the answer takes as long as for a known email.
let decoy: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  decoy ??= hashPassword('ventana-decoy-password');
  await verifyPassword(await decoy, password);
}
