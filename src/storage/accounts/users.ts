/** Users (unique email, case-insensitively) and their memberships in workspaces. */
import type { Queryable } from '../db.ts';
import { newId } from '../ids.ts';
import type { MemberRole, MembershipsTable, UserLang, UsersTable } from '../schema.ts';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly lang: UserLang;
  readonly hasPassword: boolean;
  readonly createdAt: number;
}

export interface Membership {
  readonly workspaceId: string;
  readonly workspaceName: string;
  readonly role: MemberRole;
  readonly createdAt: number;
}

export interface Member {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly role: MemberRole;
  readonly createdAt: number;
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

function toUser(row: UsersTable): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    lang: row.lang,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
  };
}

export type CreateUserResult =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly code: 'email_taken' };

export async function createUser(
  database: Queryable,
  input: {
    readonly email: string;
    readonly name: string;
    readonly lang: UserLang;
    readonly passwordHash: string | null;
    readonly now: number;
  },
): Promise<CreateUserResult> {
  const row: UsersTable = {
    id: newId(input.now),
    email: input.email.trim(),
    email_key: emailKey(input.email),
    name: input.name,
    lang: input.lang,
    password_hash: input.passwordHash,
    created_at: input.now,
    updated_at: input.now,
  };
  const inserted = await database.db
    .insertInto('users')
    .values(row)
    .onConflict((oc) => oc.column('email_key').doNothing())
    .executeTakeFirst();
  if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return { ok: false, code: 'email_taken' };
  return { ok: true, user: toUser(row) };
}

export async function getUser(database: Queryable, id: string): Promise<User | undefined> {
  const row = await database.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toUser(row);
}

export async function findUserByEmail(database: Queryable, email: string): Promise<User | undefined> {
  const row = await database.db
    .selectFrom('users')
    .selectAll()
    .where('email_key', '=', emailKey(email))
    .executeTakeFirst();
  return row === undefined ? undefined : toUser(row);
}

/** The stored argon2id hash (only the password check reads it). */
export async function getPasswordHash(database: Queryable, userId: string): Promise<string | null> {
  const row = await database.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.password_hash ?? null;
}

export async function countUsers(database: Queryable): Promise<number> {
  const row = await database.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateUser(
  database: Queryable,
  id: string,
  changes: {
    readonly name?: string;
    readonly lang?: UserLang;
    readonly passwordHash?: string;
    readonly now: number;
  },
): Promise<boolean> {
  const set: Partial<UsersTable> = { updated_at: changes.now };
  if (changes.name !== undefined) set.name = changes.name;
  if (changes.lang !== undefined) set.lang = changes.lang;
  if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
  const r = await database.db.updateTable('users').set(set).where('id', '=', id).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Adds the user to the workspace, or changes their role there. */
export async function setMembership(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly userId: string;
    readonly role: MemberRole;
    readonly now: number;
  },
): Promise<void> {
  const row: MembershipsTable = {
    workspace_id: input.workspaceId,
    user_id: input.userId,
    role: input.role,
    created_at: input.now,
  };
  await database.db
    .insertInto('memberships')
    .values(row)
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role: input.role }))
    .execute();
}

export async function removeMembership(
  database: Queryable,
  workspaceId: string,
  userId: string,
): Promise<boolean> {
  const r = await database.db
    .deleteFrom('memberships')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** The user's role in the workspace, or undefined when they are not a member. */
export async function roleIn(
  database: Queryable,
  workspaceId: string,
  userId: string,
): Promise<MemberRole | undefined> {
  const row = await database.db
    .selectFrom('memberships')
    .select('role')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

/** The user's workspaces, oldest membership first (the first one is the default). */
export async function membershipsOf(database: Queryable, userId: string): Promise<Membership[]> {
  const rows = await database.db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select([
      'memberships.workspace_id as workspaceId',
      'workspaces.name as workspaceName',
      'memberships.role as role',
      'memberships.created_at as createdAt',
    ])
    .where('memberships.user_id', '=', userId)
    .orderBy('memberships.created_at')
    .orderBy('memberships.workspace_id')
    .execute();
  return rows;
}

export async function listMembers(database: Queryable, workspaceId: string): Promise<Member[]> {
  return database.db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'users.id as userId',
      'users.email as email',
      'users.name as name',
      'memberships.role as role',
      'memberships.created_at as createdAt',
    ])
    .where('memberships.workspace_id', '=', workspaceId)
    .orderBy('memberships.created_at')
    .orderBy('users.id')
    .execute();
}

export async function countOwners(database: Queryable, workspaceId: string): Promise<number> {
  const row = await database.db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
