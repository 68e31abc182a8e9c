/** Invitations to a workspace: the token travels in the accept URL; only its digest is stored. */
import type { Queryable } from '../db.ts';
import { newId } from '../ids.ts';
import type { InvitationsTable, MemberRole } from '../schema.ts';

export interface Invitation {
  readonly id: string;
  readonly workspaceId: string;
  readonly email: string;
  readonly role: MemberRole;
  readonly invitedBy: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly acceptedAt: number | null;
  readonly revokedAt: number | null;
}

function toInvitation(row: InvitationsTable): Invitation {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    email: row.email,
    role: row.role,
    invitedBy: row.invited_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at,
    revokedAt: row.revoked_at,
  };
}

export async function createInvitation(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly email: string;
    readonly role: MemberRole;
    readonly tokenHash: string;
    readonly invitedBy: string | null;
    readonly expiresAt: number;
    readonly now: number;
  },
): Promise<Invitation> {
  const row: InvitationsTable = {
    id: newId(input.now),
    workspace_id: input.workspaceId,
    email: input.email.trim(),
    role: input.role,
    token_hash: input.tokenHash,
    invited_by: input.invitedBy,
    created_at: input.now,
    expires_at: input.expiresAt,
    accepted_at: null,
    revoked_at: null,
  };
  await database.db.insertInto('invitations').values(row).execute();
  return toInvitation(row);
}

/** The pending invitation with this token digest: not accepted, not revoked, not expired. */
export async function findPendingInvitation(
  database: Queryable,
  tokenHash: string,
  now: number,
): Promise<Invitation | undefined> {
  const row = await database.db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row === undefined ? undefined : toInvitation(row);
}

/** Marks it accepted; false when another request accepted it first. */
export async function markAccepted(database: Queryable, id: string, now: number): Promise<boolean> {
  const r = await database.db
    .updateTable('invitations')
    .set({ accepted_at: now })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function listInvitations(database: Queryable, workspaceId: string): Promise<Invitation[]> {
  const rows = await database.db
    .selectFrom('invitations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toInvitation);
}

export async function revokeInvitation(
  database: Queryable,
  workspaceId: string,
  id: string,
  now: number,
): Promise<boolean> {
  const r = await database.db
    .updateTable('invitations')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('workspace_id', '=', workspaceId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}
