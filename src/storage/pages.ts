/**
 * Facebook Pages connected to a workspace. Secrets (access token, app secret, verify token) are
 * encrypted with the key passed in and only ever leave through getPageSecrets().
 */
import { decrypt, encrypt } from '../lib/crypto.ts';
import type { Queryable } from './db.ts';
import { inTransaction } from './db.ts';
import { fromJson, lockForUpdate, toJson } from './dialect.ts';
import type { PageStatus, PagesTable } from './schema.ts';

export type { PageStatus } from './schema.ts';

export interface PagePermissions {
  readonly humanAgent: boolean;
  readonly utilityMessaging: boolean;
  readonly marketingMessages: boolean;
  readonly newsPageIndex: boolean;
}

export const NO_PERMISSIONS: PagePermissions = Object.freeze({
  humanAgent: false,
  utilityMessaging: false,
  marketingMessages: false,
  newsPageIndex: false,
});

/** A Page without its secrets: safe to list, log and serialise. */
export interface Page {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly permissions: PagePermissions;
  readonly status: PageStatus;
  readonly statusReason: string | null;
  readonly businessCountry: string | null;
  readonly adAccountId: string | null;
  readonly hasAccessToken: boolean;
  readonly hasAppSecret: boolean;
  readonly hasVerifyToken: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface PageSecrets {
  readonly accessToken: string | null;
  readonly appSecret: string | null;
  readonly verifyToken: string | null;
}

/** The page part of the policy facts (see src/policy/types.ts `Facts['page']`). */
export interface PageFacts {
  readonly humanAgent: boolean;
  readonly utilityMessaging: boolean;
  readonly marketingMessages: boolean;
  readonly newsPageIndex: boolean;
  readonly restricted: boolean;
  readonly businessCountry: string | null;
}

function readPermissions(text: string): PagePermissions {
  const raw = fromJson<Record<string, unknown>>(text, {});
  return {
    humanAgent: raw.humanAgent === true,
    utilityMessaging: raw.utilityMessaging === true,
    marketingMessages: raw.marketingMessages === true,
    newsPageIndex: raw.newsPageIndex === true,
  };
}

function toPage(row: PagesTable): Page {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    permissions: readPermissions(row.permissions),
    status: row.status,
    statusReason: row.status_reason,
    businessCountry: row.business_country,
    adAccountId: row.ad_account_id,
    hasAccessToken: row.access_token_enc !== null,
    hasAppSecret: row.app_secret_enc !== null,
    hasVerifyToken: row.verify_token_enc !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface PageInput {
  /** The Meta Page id. */
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  /** Omitted: keep the stored value. null: erase it. */
  readonly accessToken?: string | null;
  readonly appSecret?: string | null;
  readonly verifyToken?: string | null;
  readonly permissions?: Partial<PagePermissions>;
  readonly businessCountry?: string | null;
  readonly adAccountId?: string | null;
  readonly now: number;
}

export type UpsertPageResult =
  | { readonly ok: true; readonly page: Page; readonly created: boolean }
  | { readonly ok: false; readonly code: 'page_in_other_workspace' };

function encryptOptional(key: Buffer, value: string | null | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value === null ? null : encrypt(key, value);
}

/**
 * Connects a Page to a workspace, or updates it when already connected there. A Page connected
 * to another workspace is never moved silently: the result says so.
 */
export async function upsertPage(
  database: Queryable,
  key: Buffer,
  input: PageInput,
): Promise<UpsertPageResult> {
  return inTransaction(database, async (tx) => {
    const existing = await lockForUpdate(
      tx,
      tx.db.selectFrom('pages').selectAll().where('id', '=', input.id),
    ).executeTakeFirst();
    const accessToken = encryptOptional(key, input.accessToken);
    const appSecret = encryptOptional(key, input.appSecret);
    const verifyToken = encryptOptional(key, input.verifyToken);
    if (existing === undefined) {
      const row: PagesTable = {
        id: input.id,
        workspace_id: input.workspaceId,
        name: input.name,
        access_token_enc: accessToken ?? null,
        app_secret_enc: appSecret ?? null,
        verify_token_enc: verifyToken ?? null,
        permissions: toJson({ ...NO_PERMISSIONS, ...input.permissions }),
        status: 'active',
        status_reason: null,
        business_country: input.businessCountry ?? null,
        ad_account_id: input.adAccountId ?? null,
        created_at: input.now,
        updated_at: input.now,
      };
      await tx.db.insertInto('pages').values(row).execute();
      return { ok: true, page: toPage(row), created: true };
    }
    if (existing.workspace_id !== input.workspaceId) return { ok: false, code: 'page_in_other_workspace' };
    const row: PagesTable = {
      ...existing,
      name: input.name,
      access_token_enc: accessToken === undefined ? existing.access_token_enc : accessToken,
      app_secret_enc: appSecret === undefined ? existing.app_secret_enc : appSecret,
      verify_token_enc: verifyToken === undefined ? existing.verify_token_enc : verifyToken,
      permissions:
        input.permissions === undefined
          ? existing.permissions
          : toJson({ ...readPermissions(existing.permissions), ...input.permissions }),
      business_country:
        input.businessCountry === undefined ? existing.business_country : input.businessCountry,
      ad_account_id: input.adAccountId === undefined ? existing.ad_account_id : input.adAccountId,
      updated_at: input.now,
    };
    const { id: _id, created_at: _created, ...changes } = row;
    await tx.db.updateTable('pages').set(changes).where('id', '=', input.id).execute();
    return { ok: true, page: toPage(row), created: false };
  });
}

export async function getPage(database: Queryable, id: string): Promise<Page | undefined> {
  const row = await database.db.selectFrom('pages').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toPage(row);
}

export async function listPages(database: Queryable, workspaceId: string): Promise<Page[]> {
  const rows = await database.db
    .selectFrom('pages')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(toPage);
}

/** Every Page in every workspace (webhook routing, workers). */
export async function listAllPages(database: Queryable): Promise<Page[]> {
  const rows = await database.db.selectFrom('pages').selectAll().orderBy('id').execute();
  return rows.map(toPage);
}

/** The decrypted secrets of one Page. Throws DecryptionError when the key is not the one used to store them. */
export async function getPageSecrets(
  database: Queryable,
  key: Buffer,
  pageId: string,
): Promise<PageSecrets | undefined> {
  const row = await database.db
    .selectFrom('pages')
    .select(['access_token_enc', 'app_secret_enc', 'verify_token_enc'])
    .where('id', '=', pageId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const open = (value: string | null): string | null => (value === null ? null : decrypt(key, value));
  return {
    accessToken: open(row.access_token_enc),
    appSecret: open(row.app_secret_enc),
    verifyToken: open(row.verify_token_enc),
  };
}

/** Replaces the given secrets (omitted ones are kept, null erases). */
export async function setPageSecrets(
  database: Queryable,
  key: Buffer,
  pageId: string,
  secrets: {
    readonly accessToken?: string | null;
    readonly appSecret?: string | null;
    readonly verifyToken?: string | null;
  },
  now: number,
): Promise<boolean> {
  const changes: Partial<PagesTable> = { updated_at: now };
  const accessToken = encryptOptional(key, secrets.accessToken);
  const appSecret = encryptOptional(key, secrets.appSecret);
  const verifyToken = encryptOptional(key, secrets.verifyToken);
  if (accessToken !== undefined) changes.access_token_enc = accessToken;
  if (appSecret !== undefined) changes.app_secret_enc = appSecret;
  if (verifyToken !== undefined) changes.verify_token_enc = verifyToken;
  const result = await database.db
    .updateTable('pages')
    .set(changes)
    .where('id', '=', pageId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setPageStatus(
  database: Queryable,
  pageId: string,
  status: PageStatus,
  reason: string | null,
  now: number,
): Promise<boolean> {
  const result = await database.db
    .updateTable('pages')
    .set({ status, status_reason: reason, updated_at: now })
    .where('id', '=', pageId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Merges permission flags into the stored ones (row-locked where the database can). */
export async function setPagePermissions(
  database: Queryable,
  pageId: string,
  permissions: Partial<PagePermissions>,
  now: number,
): Promise<PagePermissions | undefined> {
  return inTransaction(database, async (tx) => {
    const row = await lockForUpdate(
      tx,
      tx.db.selectFrom('pages').select('permissions').where('id', '=', pageId),
    ).executeTakeFirst();
    if (row === undefined) return undefined;
    const merged = { ...readPermissions(row.permissions), ...permissions };
    await tx.db
      .updateTable('pages')
      .set({ permissions: toJson(merged), updated_at: now })
      .where('id', '=', pageId)
      .execute();
    return merged;
  });
}

export async function deletePage(database: Queryable, pageId: string): Promise<boolean> {
  const result = await database.db.deleteFrom('pages').where('id', '=', pageId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The Page part of the policy facts; undefined when the Page is unknown. */
export async function pageFacts(database: Queryable, pageId: string): Promise<PageFacts | undefined> {
  const row = await database.db
    .selectFrom('pages')
    .select(['permissions', 'status', 'business_country'])
    .where('id', '=', pageId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const permissions = readPermissions(row.permissions);
  return { ...permissions, restricted: row.status === 'restricted', businessCountry: row.business_country };
}
