/**
 * Failed-login counters in the database (so they hold across restarts and across several server
 * processes sharing PostgreSQL): one fixed window per key (`email:…` or `ip:…`).
 */
import type { Queryable } from '../db.ts';
import { inTransaction } from '../db.ts';
import { lockForUpdate } from '../dialect.ts';

export interface ThrottleState {
  readonly failures: number;
  readonly windowStartedAt: number;
}

/** The key's counter within the current window (a window older than `windowMs` counts as empty). */
export async function getThrottle(
  database: Queryable,
  key: string,
  now: number,
  windowMs: number,
): Promise<ThrottleState | undefined> {
  const row = await database.db
    .selectFrom('login_throttle')
    .select(['failures', 'window_started_at'])
    .where('key', '=', key)
    .executeTakeFirst();
  if (row === undefined || row.window_started_at + windowMs <= now) return undefined;
  return { failures: row.failures, windowStartedAt: row.window_started_at };
}

/** Counts one failure (starting a new window when the old one is over); returns the new state. */
export async function recordFailure(
  database: Queryable,
  key: string,
  now: number,
  windowMs: number,
): Promise<ThrottleState> {
  return inTransaction(database, async (tx) => {
    const row = await lockForUpdate(
      tx,
      tx.db.selectFrom('login_throttle').select(['failures', 'window_started_at']).where('key', '=', key),
    ).executeTakeFirst();
    const fresh = row === undefined || row.window_started_at + windowMs <= now;
    const next = fresh
      ? { failures: 1, windowStartedAt: now }
      : { failures: row.failures + 1, windowStartedAt: row.window_started_at };
    await tx.db
      .insertInto('login_throttle')
      .values({ key, failures: next.failures, window_started_at: next.windowStartedAt })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({ failures: next.failures, window_started_at: next.windowStartedAt }),
      )
      .execute();
    return next;
  });
}

export async function clearThrottle(database: Queryable, key: string): Promise<void> {
  await database.db.deleteFrom('login_throttle').where('key', '=', key).execute();
}
