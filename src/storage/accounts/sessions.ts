/**
 * Login sessions: the cookie holds an opaque random token, the database only its SHA-256 digest.
 * A session ends when revoked, when idle too long (`last_seen_at`) or at its absolute expiry.
 */
import type { Queryable } from '../db.ts';
import { newId } from '../ids.ts';
import type { SessionsTable } from '../schema.ts';

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

function toSession(row: SessionsTable): Session {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

export async function createSession(
  database: Queryable,
  input: {
    readonly userId: string;
    readonly tokenHash: string;
    readonly expiresAt: number;
    readonly ip: string | null;
    readonly userAgent: string | null;
    readonly now: number;
  },
): Promise<Session> {
  const row: SessionsTable = {
    id: newId(input.now),
    user_id: input.userId,
    token_hash: input.tokenHash,
    created_at: input.now,
    last_seen_at: input.now,
    expires_at: input.expiresAt,
    revoked_at: null,
    ip: input.ip,
    user_agent: input.userAgent,
  };
  await database.db.insertInto('sessions').values(row).execute();
  return toSession(row);
}

/** The live session with this token digest (not revoked, not idle since `idleMs`, not expired). */
export async function findLiveSession(
  database: Queryable,
  tokenHash: string,
  now: number,
  idleMs: number,
): Promise<Session | undefined> {
  const row = await database.db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', now - idleMs)
    .executeTakeFirst();
  return row === undefined ? undefined : toSession(row);
}

export async function touchSession(database: Queryable, id: string, now: number): Promise<void> {
  await database.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

/** The user's sessions that have not been revoked nor reached their absolute expiry, newest first. */
export async function listUserSessions(database: Queryable, userId: string, now: number): Promise<Session[]> {
  const rows = await database.db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toSession);
}

/** Revokes one of the user's sessions; false when it is not theirs or already revoked. */
export async function revokeSession(
  database: Queryable,
  userId: string,
  id: string,
  now: number,
): Promise<boolean> {
  const r = await database.db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Revokes every session of the user except `keepId` (after a password change). */
export async function revokeOtherSessions(
  database: Queryable,
  userId: string,
  keepId: string | null,
  now: number,
): Promise<number> {
  let q = database.db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keepId !== null) q = q.where('id', '!=', keepId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}
