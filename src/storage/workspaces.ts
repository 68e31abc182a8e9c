/** Workspaces: the tenant boundary. Every other row belongs to exactly one. */
import type { Queryable } from './db.ts';
import { newId } from './ids.ts';
import type { WorkspacesTable } from './schema.ts';

export interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

function toWorkspace(row: WorkspacesTable): Workspace {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

export async function createWorkspace(
  database: Queryable,
  input: { readonly name: string; readonly now: number; readonly id?: string },
): Promise<Workspace> {
  const row: WorkspacesTable = { id: input.id ?? newId(input.now), name: input.name, created_at: input.now };
  await database.db.insertInto('workspaces').values(row).execute();
  return toWorkspace(row);
}

export async function getWorkspace(database: Queryable, id: string): Promise<Workspace | undefined> {
  const row = await database.db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toWorkspace(row);
}

export async function listWorkspaces(database: Queryable): Promise<Workspace[]> {
  const rows = await database.db.selectFrom('workspaces').selectAll().orderBy('id').execute();
  return rows.map(toWorkspace);
}

export async function renameWorkspace(database: Queryable, id: string, name: string): Promise<boolean> {
  const result = await database.db
    .updateTable('workspaces')
    .set({ name })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
