/**
 * Growth repositories (migration 0009): a Page's Messenger profile (desired state, what Meta last
 * showed, drift), its Marketing Message API setup, marketing holds after Meta's frequency caps,
 * subscriber counts, and utility message templates with their review status.
 * JSON columns are (de)serialised here; the shapes they hold belong to src/growth.
 */
import { decrypt, encrypt } from '../lib/crypto.ts';
import type { Queryable } from './db.ts';
import { fromJson, toJson } from './dialect.ts';
import { newId } from './ids.ts';
import type {
  MarketingConfigsTable,
  MessageTemplatesTable,
  MessengerProfilesTable,
  ProfileApplyStatus,
  TemplateStatus,
} from './schema.ts';

export type { ProfileApplyStatus, TemplateStatus } from './schema.ts';

// --- Messenger profile -------------------------------------------------------------------------

export interface ProfileRecord {
  readonly pageId: string;
  readonly workspaceId: string;
  /** The desired profile, as stored (src/growth/profile-model.ts `ProfileSpec`). */
  readonly desired: unknown;
  readonly version: number;
  readonly appliedVersion: number | null;
  readonly applyStatus: ProfileApplyStatus;
  readonly lastError: string | null;
  readonly appliedAt: number | null;
  readonly observed: unknown;
  /** Field names whose observed value differs from the desired one; null before any check. */
  readonly drift: readonly string[] | null;
  readonly checkedAt: number | null;
  readonly updatedAt: number;
}

function toProfile(row: MessengerProfilesTable): ProfileRecord {
  return {
    pageId: row.page_id,
    workspaceId: row.workspace_id,
    desired: fromJson<unknown>(row.desired, {}),
    version: Number(row.version),
    appliedVersion: row.applied_version === null ? null : Number(row.applied_version),
    applyStatus: row.apply_status,
    lastError: row.last_error,
    appliedAt: row.applied_at,
    observed: fromJson<unknown>(row.observed, null),
    drift: row.drift === null ? null : fromJson<string[]>(row.drift, []),
    checkedAt: row.checked_at,
    updatedAt: row.updated_at,
  };
}

export async function getProfile(database: Queryable, pageId: string): Promise<ProfileRecord | undefined> {
  const row = await database.db
    .selectFrom('messenger_profiles')
    .selectAll()
    .where('page_id', '=', pageId)
    .executeTakeFirst();
  return row === undefined ? undefined : toProfile(row);
}

/** Stores a new desired profile; the version grows by one (so "in sync" is `appliedVersion === version`). */
export async function saveDesiredProfile(
  database: Queryable,
  input: {
    readonly pageId: string;
    readonly workspaceId: string;
    readonly desired: unknown;
    readonly now: number;
  },
): Promise<ProfileRecord> {
  const desired = toJson(input.desired);
  await database.db
    .insertInto('messenger_profiles')
    .values({
      page_id: input.pageId,
      workspace_id: input.workspaceId,
      desired,
      version: 1,
      applied_version: null,
      apply_status: 'never',
      last_error: null,
      applied_at: null,
      observed: null,
      drift: null,
      checked_at: null,
      created_at: input.now,
      updated_at: input.now,
    })
    .onConflict((oc) =>
      oc.column('page_id').doUpdateSet((eb) => ({
        desired,
        version: eb('messenger_profiles.version', '+', 1),
        updated_at: input.now,
      })),
    )
    .execute();
  const saved = await getProfile(database, input.pageId);
  if (!saved) throw new Error(`messenger profile of ${input.pageId} vanished after saving`);
  return saved;
}

export async function markProfileQueued(database: Queryable, pageId: string, now: number): Promise<void> {
  await database.db
    .updateTable('messenger_profiles')
    .set({ apply_status: 'queued', updated_at: now })
    .where('page_id', '=', pageId)
    .execute();
}

/** Meta accepted `version`; a newer desired version saved meanwhile stays unapplied. */
export async function recordProfileApplied(
  database: Queryable,
  input: { readonly pageId: string; readonly version: number; readonly now: number },
): Promise<void> {
  await database.db
    .updateTable('messenger_profiles')
    .set({
      apply_status: 'applied',
      applied_version: input.version,
      applied_at: input.now,
      last_error: null,
      updated_at: input.now,
    })
    .where('page_id', '=', input.pageId)
    .execute();
}

export async function recordProfileFailed(
  database: Queryable,
  input: {
    readonly pageId: string;
    readonly error: string;
    readonly now: number;
    /** True while the queue will try again: the status stays 'queued', the error is shown. */
    readonly willRetry?: boolean;
  },
): Promise<void> {
  await database.db
    .updateTable('messenger_profiles')
    .set({
      apply_status: input.willRetry ? 'queued' : 'failed',
      last_error: input.error.slice(0, 2000),
      updated_at: input.now,
    })
    .where('page_id', '=', input.pageId)
    .execute();
}

/** What Meta showed at a check and which fields differ from the desired state. */
export async function recordProfileObserved(
  database: Queryable,
  input: {
    readonly pageId: string;
    readonly observed: unknown;
    readonly drift: readonly string[];
    readonly now: number;
  },
): Promise<void> {
  await database.db
    .updateTable('messenger_profiles')
    .set({ observed: toJson(input.observed), drift: toJson(input.drift), checked_at: input.now })
    .where('page_id', '=', input.pageId)
    .execute();
}

// --- Marketing Message API setup ----------------------------------------------------------------

export interface MarketingConfig {
  readonly pageId: string;
  readonly workspaceId: string;
  /** Without the `act_` prefix. */
  readonly adAccountId: string;
  readonly campaignId: string | null;
  readonly campaignName: string;
  readonly campaignCreatedAt: number | null;
  readonly dailyBudgetCents: number | null;
  readonly minGapSeconds: number | null;
  readonly hasSystemToken: boolean;
  readonly updatedAt: number;
}

function toConfig(row: MarketingConfigsTable): MarketingConfig {
  return {
    pageId: row.page_id,
    workspaceId: row.workspace_id,
    adAccountId: row.ad_account_id,
    campaignId: row.campaign_id,
    campaignName: row.campaign_name,
    campaignCreatedAt: row.campaign_created_at,
    dailyBudgetCents: row.daily_budget_cents === null ? null : Number(row.daily_budget_cents),
    minGapSeconds: row.min_gap_seconds === null ? null : Number(row.min_gap_seconds),
    hasSystemToken: row.system_token_enc !== null,
    updatedAt: row.updated_at,
  };
}

export async function getMarketingConfig(
  database: Queryable,
  pageId: string,
): Promise<MarketingConfig | undefined> {
  const row = await database.db
    .selectFrom('marketing_configs')
    .selectAll()
    .where('page_id', '=', pageId)
    .executeTakeFirst();
  return row === undefined ? undefined : toConfig(row);
}

/** The decrypted system-user token, for the sender only; null when the Page token is used. */
export async function getMarketingSystemToken(
  database: Queryable,
  key: Buffer,
  pageId: string,
): Promise<string | null> {
  const row = await database.db
    .selectFrom('marketing_configs')
    .select('system_token_enc')
    .where('page_id', '=', pageId)
    .executeTakeFirst();
  return row?.system_token_enc ? decrypt(key, row.system_token_enc) : null;
}

export interface MarketingConfigInput {
  readonly pageId: string;
  readonly workspaceId: string;
  readonly adAccountId: string;
  readonly campaignName: string;
  /** An existing message campaign; undefined keeps the stored one, null forgets it. */
  readonly campaignId?: string | null;
  readonly campaignCreatedAt?: number | null;
  readonly dailyBudgetCents?: number | null;
  readonly minGapSeconds?: number | null;
  /** undefined keeps the stored token, null removes it. */
  readonly systemToken?: string | null;
  readonly now: number;
}

export async function upsertMarketingConfig(
  database: Queryable,
  key: Buffer,
  input: MarketingConfigInput,
): Promise<MarketingConfig> {
  const token =
    input.systemToken === undefined
      ? undefined
      : input.systemToken === null
        ? null
        : encrypt(key, input.systemToken);
  const existing = await database.db
    .selectFrom('marketing_configs')
    .selectAll()
    .where('page_id', '=', input.pageId)
    .executeTakeFirst();
  const row: MarketingConfigsTable = {
    page_id: input.pageId,
    workspace_id: input.workspaceId,
    ad_account_id: input.adAccountId,
    campaign_name: input.campaignName,
    campaign_id: input.campaignId === undefined ? (existing?.campaign_id ?? null) : input.campaignId,
    campaign_created_at:
      input.campaignCreatedAt === undefined
        ? (existing?.campaign_created_at ?? null)
        : input.campaignCreatedAt,
    daily_budget_cents:
      input.dailyBudgetCents === undefined ? (existing?.daily_budget_cents ?? null) : input.dailyBudgetCents,
    min_gap_seconds:
      input.minGapSeconds === undefined ? (existing?.min_gap_seconds ?? null) : input.minGapSeconds,
    system_token_enc: token === undefined ? (existing?.system_token_enc ?? null) : token,
    created_at: existing?.created_at ?? input.now,
    updated_at: input.now,
  };
  if (existing === undefined) await database.db.insertInto('marketing_configs').values(row).execute();
  else {
    const { page_id: _p, created_at: _c, ...changes } = row;
    await database.db
      .updateTable('marketing_configs')
      .set(changes)
      .where('page_id', '=', input.pageId)
      .execute();
  }
  return toConfig(row);
}

export async function deleteMarketingConfig(database: Queryable, pageId: string): Promise<boolean> {
  const r = await database.db
    .deleteFrom('marketing_configs')
    .where('page_id', '=', pageId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Meta capped a person: no marketing message to them before `until` (the policy reads it as a fact). */
export async function holdMarketing(
  database: Queryable,
  input: {
    readonly contactId: string;
    readonly until: number;
    readonly reason: string;
    readonly now: number;
  },
): Promise<void> {
  await database.db
    .insertInto('marketing_holds')
    .values({ contact_id: input.contactId, until: input.until, reason: input.reason, created_at: input.now })
    .onConflict((oc) =>
      oc
        .column('contact_id')
        .doUpdateSet({ until: input.until, reason: input.reason, created_at: input.now }),
    )
    .execute();
}

export async function getMarketingHold(
  database: Queryable,
  contactId: string,
): Promise<{ readonly until: number; readonly reason: string } | undefined> {
  const row = await database.db
    .selectFrom('marketing_holds')
    .select(['until', 'reason'])
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return row === undefined ? undefined : { until: Number(row.until), reason: row.reason };
}

export interface SubscriberCounts {
  readonly active: number;
  readonly stopped: number;
  /** Tokens Meta marked expired, or active ones whose expiry has passed. */
  readonly expired: number;
  readonly total: number;
}

/** Contacts of a Page holding a marketing subscription token, by status (as of `now`). */
export async function countSubscribers(
  database: Queryable,
  input: { readonly workspaceId: string; readonly pageId: string; readonly now: number },
): Promise<SubscriberCounts> {
  const base = database.db
    .selectFrom('contacts')
    .where('workspace_id', '=', input.workspaceId)
    .where('page_id', '=', input.pageId)
    .where('marketing_token_enc', 'is not', null);
  const byStatus = await base
    .select(['marketing_status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('marketing_status')
    .execute();
  const lapsed = await base
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('marketing_status', '=', 'active')
    .where('marketing_token_expires_at', '<=', input.now)
    .executeTakeFirst();
  const count = (s: string) => Number(byStatus.find((r) => r.marketing_status === s)?.n ?? 0);
  const lapsedN = Number(lapsed?.n ?? 0);
  const active = count('active') - lapsedN;
  const stopped = count('stopped');
  const expired = count('expired') + lapsedN;
  return { active, stopped, expired, total: active + stopped + expired };
}

export interface SubscriberRow {
  readonly contactId: string;
  readonly psid: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly country: string | null;
  readonly status: 'active' | 'stopped' | 'expired';
  readonly expiresAt: number | null;
  readonly lastSentAt: number | null;
}

/** Subscribers of a Page, newest contacts first after `cursor` (a contact id), with the status as of `now`. */
export async function listSubscribers(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly pageId: string;
    readonly now: number;
    readonly limit: number;
    readonly cursor?: string;
  },
): Promise<SubscriberRow[]> {
  let q = database.db
    .selectFrom('contacts')
    .select([
      'id',
      'psid',
      'first_name',
      'last_name',
      'country',
      'marketing_status',
      'marketing_token_expires_at',
      'marketing_last_sent_at',
    ])
    .where('workspace_id', '=', input.workspaceId)
    .where('page_id', '=', input.pageId)
    .where('marketing_token_enc', 'is not', null);
  if (input.cursor !== undefined) q = q.where('id', '<', input.cursor);
  const rows = await q.orderBy('id', 'desc').limit(input.limit).execute();
  return rows.map((r) => {
    const expired =
      r.marketing_status === 'expired' ||
      (r.marketing_status === 'active' &&
        r.marketing_token_expires_at !== null &&
        r.marketing_token_expires_at <= input.now);
    return {
      contactId: r.id,
      psid: r.psid,
      firstName: r.first_name,
      lastName: r.last_name,
      country: r.country,
      status: expired ? 'expired' : (r.marketing_status ?? 'active'),
      expiresAt: r.marketing_token_expires_at,
      lastSentAt: r.marketing_last_sent_at,
    };
  });
}

// --- Utility message templates -----------------------------------------------------------------

export interface TemplateRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly pageId: string;
  readonly name: string;
  readonly language: string;
  readonly category: string;
  /** Body, buttons, examples or library clone inputs (src/growth/template-model.ts). */
  readonly definition: unknown;
  readonly status: TemplateStatus;
  readonly metaId: string | null;
  readonly rejectedReason: string | null;
  readonly submittedAt: number | null;
  readonly statusAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

function toTemplate(row: MessageTemplatesTable): TemplateRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    pageId: row.page_id,
    name: row.name,
    language: row.language,
    category: row.category,
    definition: fromJson<unknown>(row.definition, {}),
    status: row.status,
    metaId: row.meta_id,
    rejectedReason: row.rejected_reason,
    submittedAt: row.submitted_at,
    statusAt: row.status_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type InsertTemplateResult =
  | { readonly ok: true; readonly template: TemplateRecord }
  | { readonly ok: false; readonly code: 'template_exists' };

/** A new DRAFT template; one per (Page, name, language), as Meta requires. */
export async function insertTemplate(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly pageId: string;
    readonly name: string;
    readonly language: string;
    readonly category: string;
    readonly definition: unknown;
    readonly now: number;
  },
): Promise<InsertTemplateResult> {
  const existing = await findTemplate(database, input.pageId, input.name, input.language);
  if (existing) return { ok: false, code: 'template_exists' };
  const row: MessageTemplatesTable = {
    id: newId(input.now),
    workspace_id: input.workspaceId,
    page_id: input.pageId,
    name: input.name,
    language: input.language,
    category: input.category,
    definition: toJson(input.definition),
    status: 'DRAFT',
    meta_id: null,
    rejected_reason: null,
    submitted_at: null,
    status_at: null,
    created_at: input.now,
    updated_at: input.now,
  };
  const inserted = await database.db
    .insertInto('message_templates')
    .values(row)
    .onConflict((oc) => oc.columns(['page_id', 'name', 'language']).doNothing())
    .executeTakeFirst();
  // A concurrent insert of the same name won the unique index.
  if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return { ok: false, code: 'template_exists' };
  return { ok: true, template: toTemplate(row) };
}

export async function getTemplate(
  database: Queryable,
  workspaceId: string,
  id: string,
): Promise<TemplateRecord | undefined> {
  const row = await database.db
    .selectFrom('message_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : toTemplate(row);
}

export async function findTemplate(
  database: Queryable,
  pageId: string,
  name: string,
  language: string,
): Promise<TemplateRecord | undefined> {
  const row = await database.db
    .selectFrom('message_templates')
    .selectAll()
    .where('page_id', '=', pageId)
    .where('name', '=', name)
    .where('language', '=', language)
    .executeTakeFirst();
  return row === undefined ? undefined : toTemplate(row);
}

export async function listTemplates(
  database: Queryable,
  workspaceId: string,
  filter: { readonly pageId?: string; readonly status?: TemplateStatus } = {},
): Promise<TemplateRecord[]> {
  let q = database.db.selectFrom('message_templates').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.pageId !== undefined) q = q.where('page_id', '=', filter.pageId);
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  const rows = await q.orderBy('id').execute();
  return rows.map(toTemplate);
}

/** Meta's answer to a submission: its id and first status (often APPROVED "within seconds"). */
export async function recordTemplateSubmitted(
  database: Queryable,
  id: string,
  input: {
    readonly metaId: string;
    readonly status: TemplateStatus;
    readonly rejectedReason: string | null;
    readonly now: number;
  },
): Promise<void> {
  await database.db
    .updateTable('message_templates')
    .set({
      meta_id: input.metaId,
      status: input.status,
      rejected_reason: input.rejectedReason,
      submitted_at: input.now,
      // Left to the status webhooks: they carry second-precision times and must not look older.
      status_at: null,
      updated_at: input.now,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * A status webhook (`message_template_status_update`): matched by Meta's id, else by Page, name and
 * language. An older event (by `at`) never overwrites a newer status. Returns the rows changed.
 */
export async function applyTemplateStatus(
  database: Queryable,
  input: {
    readonly pageId: string;
    readonly metaId: string | null;
    readonly name: string | null;
    readonly language: string | null;
    readonly status: TemplateStatus;
    readonly reason: string | null;
    readonly at: number;
  },
): Promise<number> {
  let q = database.db
    .updateTable('message_templates')
    .set({
      status: input.status,
      rejected_reason: input.status === 'REJECTED' || input.status === 'DISABLED' ? input.reason : null,
      status_at: input.at,
      updated_at: input.at,
    })
    .where('page_id', '=', input.pageId)
    .where((eb) => eb.or([eb('status_at', 'is', null), eb('status_at', '<=', input.at)]));
  if (input.metaId !== null) q = q.where('meta_id', '=', input.metaId);
  else if (input.name !== null && input.language !== null)
    q = q.where('name', '=', input.name).where('language', '=', input.language);
  else return 0;
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function deleteTemplate(database: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const r = await database.db
    .deleteFrom('message_templates')
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}
