/** Key/value settings: generated demo secrets and other install-wide values. */
import type { Queryable } from './db.ts';
import { precompiled } from './precompiled.ts';

// Read for every applied message event (the flows' trigger revision of the workspace).
const settingValue = precompiled(['key'], (db, v) =>
  db.selectFrom('settings').select('value').where('key', '=', v.key),
);

export async function getSetting(database: Queryable, key: string): Promise<string | undefined> {
  const [row] = await settingValue(database, { key });
  return row?.value;
}

export async function setSetting(database: Queryable, key: string, value: string): Promise<void> {
  await database.db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/**
 * Returns the stored value, or stores `make()` and returns it. Safe when two processes race:
 * the first insert wins and both return that value (e.g. a generated demo secret key).
 */
export async function getOrCreateSetting(
  database: Queryable,
  key: string,
  make: () => string,
): Promise<string> {
  const existing = await getSetting(database, key);
  if (existing !== undefined) return existing;
  await database.db
    .insertInto('settings')
    .values({ key, value: make() })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const stored = await getSetting(database, key);
  if (stored === undefined) throw new Error(`setting ${key} vanished right after it was written`);
  return stored;
}

export async function deleteSetting(database: Queryable, key: string): Promise<boolean> {
  const result = await database.db.deleteFrom('settings').where('key', '=', key).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
