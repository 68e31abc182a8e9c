/**
 * Application-generated, time-ordered ids (ULID-like): 10 characters of millisecond timestamp
 * followed by 16 characters of randomness, in lowercase Crockford base32 (26 characters).
 *
 * Why app-generated text ids: one DDL for SQLite and PostgreSQL (no autoincrement differences),
 * no int8-as-string surprises from pg, and ids sort by creation time, so keyset pagination on
 * `id` follows insertion order. Within one process, ids minted in the same millisecond are
 * strictly increasing (the random part is incremented), so the order holds even under bursts.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const RANDOM_CHARS = 16;
const TIME_CHARS = 10;

// Random bytes are drawn in blocks: one syscall per 256 ids instead of one per id (hot webhook path).
const POOL_SIZE = 256 * RANDOM_CHARS;
let pool = randomBytes(POOL_SIZE);
let poolOffset = 0;

let lastTime = -1;
const lastRandom = new Uint8Array(RANDOM_CHARS);

function fillRandom(): void {
  if (poolOffset + RANDOM_CHARS > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  for (let i = 0; i < RANDOM_CHARS; i++) lastRandom[i] = (pool[poolOffset + i] ?? 0) & 31;
  poolOffset += RANDOM_CHARS;
}

/** Adds one to the random part (base 32); false when it overflowed, which is astronomically rare. */
function incrementRandom(): boolean {
  for (let i = RANDOM_CHARS - 1; i >= 0; i--) {
    const digit = lastRandom[i] ?? 0;
    if (digit < 31) {
      lastRandom[i] = digit + 1;
      return true;
    }
    lastRandom[i] = 0;
  }
  return false;
}

/**
 * A new sortable id. `now` defaults to the wall clock; pass it to derive an id from an event time.
 * @example newId() // '01jbz6f3q8m2x4k7c9v0t5r1ha'
 */
export function newId(now: number = Date.now()): string {
  let time = Math.max(0, Math.floor(now));
  if (time <= lastTime) {
    // Same millisecond (or a clock step back): stay monotonic within this process.
    time = lastTime;
    if (!incrementRandom()) {
      time = lastTime + 1;
      fillRandom();
    }
  } else {
    fillRandom();
  }
  lastTime = time;
  let out = '';
  for (let i = TIME_CHARS - 1; i >= 0; i--) {
    out += ALPHABET[Math.floor(time / 32 ** i) % 32];
  }
  for (let i = 0; i < RANDOM_CHARS; i++) out += ALPHABET[lastRandom[i] ?? 0];
  return out;
}

/** The millisecond timestamp encoded in an id made by {@link newId}. */
export function idTime(id: string): number {
  let time = 0;
  for (let i = 0; i < TIME_CHARS; i++) time = time * 32 + ALPHABET.indexOf(id[i] ?? '0');
  return time;
}
