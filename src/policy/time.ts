/** Time helpers for the pure core: arithmetic on epoch milliseconds, never a clock. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** ISO 8601 in UTC with milliseconds, the one format decisions use. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
