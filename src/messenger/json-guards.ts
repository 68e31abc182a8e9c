// Small total readers over untrusted JSON values. Hand-written instead of a schema library because
// webhook ingest is the hottest path in the system and these never allocate on the happy path.

/** A JSON object (not an array, not null). */
export type JsonRecord = { readonly [key: string]: unknown };

/** True for a plain JSON object (arrays and null excluded). */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value if it is a string, else null. */
export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The value if it is a non-empty string, else null (for ids such as `mid` that key dedupe). */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** The value if it is a finite number, else null. */
export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** A Graph id: ids are strings on the wire, but some payloads (app ids) carry them as numbers. */
export function id(value: unknown): string | null {
  if (typeof value === 'string') return value.length > 0 ? value : null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

/** The value if it is a boolean, else null. */
export function bool(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

/** A JSON object field, or null when absent or not an object. */
export function rec(value: unknown): JsonRecord | null {
  return isRecord(value) ? value : null;
}

/** The strings of an array, skipping anything else; empty when the value is not an array. */
export function strings(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) if (typeof item === 'string') out.push(item);
  return out;
}

// 1e11 ms is March 1973 and 1e11 s is the year 5138, so anything below is a count of seconds.
const SECONDS_THRESHOLD = 1e11;

/**
 * Epoch milliseconds from a number or numeric string in ms or seconds (told apart by magnitude).
 * Null for anything else, including negative and non-finite values.
 */
export function epochMs(value: unknown): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && value.length > 0 && value.length < 24) n = Number(value);
  else return null;
  if (!Number.isFinite(n) || n <= 0) return null;
  return n < SECONDS_THRESHOLD ? Math.round(n * 1000) : Math.round(n);
}
