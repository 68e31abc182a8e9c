/** API keys for the REST API: stored as a SHA-256 digest with a visible prefix, role-scoped, revocable. */
import type { Queryable } from '../db.ts';
import { newId } from '../ids.ts';
import type { ApiKeysTable, MemberRole } from '../schema.ts';

export interface ApiKey {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly prefix: string;
  readonly role: MemberRole;
  readonly createdBy: string | null;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

function toApiKey(row: ApiKeysTable): ApiKey {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export async function createApiKey(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly name: string;
    readonly prefix: string;
    readonly keyHash: string;
    readonly role: MemberRole;
    readonly createdBy: string | null;
    readonly now: number;
  },
): Promise<ApiKey> {
  const row: ApiKeysTable = {
    id: newId(input.now),
    workspace_id: input.workspaceId,
    name: input.name,
    prefix: input.prefix,
    key_hash: input.keyHash,
    role: input.role,
    created_by: input.createdBy,
    created_at: input.now,
    last_used_at: null,
    revoked_at: null,
  };
  await database.db.insertInto('api_keys').values(row).execute();
  return toApiKey(row);
}

/** The unrevoked key with this digest. */
export async function findActiveKey(database: Queryable, keyHash: string): Promise<ApiKey | undefined> {
  const row = await database.db
    .selectFrom('api_keys')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : toApiKey(row);
}

export async function markKeyUsed(database: Queryable, id: string, now: number): Promise<void> {
  await database.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function listApiKeys(database: Queryable, workspaceId: string): Promise<ApiKey[]> {
  const rows = await database.db
    .selectFrom('api_keys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toApiKey);
}

/** Revokes a key of this workspace; false when there is none (or it is already revoked). */
export async function revokeApiKey(
  database: Queryable,
  workspaceId: string,
  id: string,
  now: number,
): Promise<boolean> {
  const r = await database.db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
