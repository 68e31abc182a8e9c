/**
 * A Page's Marketing Message API setup (reference §3.3): the ad account, the message campaign
 * (given, or created through `POST act_<id>/message_campaign` when none is), the business country
 * that decides region eligibility, and optional budget, conversation gap and system-user token.
 * Also: subscriber counts, and opt-in requests, which are messages through the outbox (the policy
 * lets them out only inside the window).
 */
import type { GraphClient } from '../graph/client.ts';
import type { OutboxContent } from '../outbound/content.ts';
import { contacts, type Database, growth, outbox, pages } from '../storage/index.ts';
import type { FieldProblem } from './messages.ts';

export interface MarketingDeps {
  readonly database: Database;
  readonly graph: () => GraphClient | null;
  readonly secretKey: Buffer;
  readonly now: () => number;
}

export interface MarketingSetupInput {
  readonly adAccountId: string;
  readonly businessCountry: string;
  readonly campaignId: string | null;
  readonly campaignName: string | null;
  readonly dailyBudgetCents: number | null;
  readonly minConversationGapSeconds: number | null;
  readonly systemUserToken: string | undefined;
}

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function optionalInt(out: FieldProblem[], v: unknown, field: string, min: number): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    out.push({ field, code: 'expected_integer', params: { min } });
    return null;
  }
  return v;
}

/** Validates `PUT /api/v1/pages/:id/marketing`. */
export function parseMarketingSetup(
  input: unknown,
): { ok: true; setup: MarketingSetupInput } | { ok: false; problems: FieldProblem[] } {
  const out: FieldProblem[] = [];
  if (!isObj(input)) return { ok: false, problems: [{ field: '(body)', code: 'expected_object' }] };
  const rawAccount = input.adAccountId;
  const account = typeof rawAccount === 'string' ? rawAccount.replace(/^act_/, '') : '';
  if (!/^\d{1,32}$/.test(account)) out.push({ field: 'adAccountId', code: 'ad_account_invalid' });
  const country = input.businessCountry;
  if (typeof country !== 'string' || !/^[A-Za-z]{2}$/.test(country))
    out.push({ field: 'businessCountry', code: 'expected_string' });
  const campaignId = input.campaignId ?? null;
  if (campaignId !== null && (typeof campaignId !== 'string' || !/^\d{1,32}$/.test(campaignId)))
    out.push({ field: 'campaignId', code: 'expected_string' });
  const campaignName = input.campaignName ?? null;
  if (
    campaignName !== null &&
    (typeof campaignName !== 'string' || campaignName.trim() === '' || campaignName.length > 200)
  )
    out.push({ field: 'campaignName', code: 'text_too_long', params: { max: 200 } });
  const dailyBudgetCents = optionalInt(out, input.dailyBudgetCents, 'dailyBudgetCents', 100);
  const gap = optionalInt(out, input.minConversationGapSeconds, 'minConversationGapSeconds', 0);
  const token = input.systemUserToken;
  if (token !== undefined && token !== null && (typeof token !== 'string' || token.length < 8))
    out.push({ field: 'systemUserToken', code: 'expected_string' });
  if (out.length > 0) return { ok: false, problems: out };
  return {
    ok: true,
    setup: {
      adAccountId: account,
      businessCountry: (country as string).toUpperCase(),
      campaignId: campaignId as string | null,
      campaignName: campaignName as string | null,
      dailyBudgetCents,
      minConversationGapSeconds: gap,
      systemUserToken: typeof token === 'string' ? token : undefined,
    },
  };
}

export type MarketingSetupResult =
  | { readonly ok: true; readonly config: growth.MarketingConfig; readonly campaignCreated: boolean }
  | { readonly ok: false; readonly code: 'invalid'; readonly problems: readonly FieldProblem[] }
  | { readonly ok: false; readonly code: 'page_not_found' | 'page_token_missing' | 'not_ready' }
  | { readonly ok: false; readonly code: 'campaign_create_failed'; readonly message: string };

/**
 * Stores the setup. Without a campaign id (given now or before), the campaign is created through the
 * API; Meta warms it up for an hour, and the dispatch holds marketing sends until then.
 * The Page is marked as set up for marketing messages (a policy fact) and gets its business country.
 */
export async function configureMarketing(
  deps: MarketingDeps,
  workspaceId: string,
  pageId: string,
  input: unknown,
): Promise<MarketingSetupResult> {
  const parsed = parseMarketingSetup(input);
  if (!parsed.ok) return { ok: false, code: 'invalid', problems: parsed.problems };
  const s = parsed.setup;
  const page = await pages.getPage(deps.database, pageId);
  if (!page || page.workspaceId !== workspaceId) return { ok: false, code: 'page_not_found' };
  const existing = await growth.getMarketingConfig(deps.database, pageId);
  const campaignName = s.campaignName ?? existing?.campaignName ?? `Ventana · ${page.name}`;
  let campaignId = s.campaignId ?? (existing?.adAccountId === s.adAccountId ? existing.campaignId : null);
  let campaignCreatedAt: number | null | undefined = s.campaignId !== null ? null : undefined;
  let campaignCreated = false;
  if (campaignId === null) {
    const graph = deps.graph();
    if (!graph) return { ok: false, code: 'not_ready' };
    const pageToken = (await pages.getPageSecrets(deps.database, deps.secretKey, pageId))?.accessToken;
    const systemToken =
      s.systemUserToken ?? (await growth.getMarketingSystemToken(deps.database, deps.secretKey, pageId));
    const token = systemToken ?? pageToken;
    if (!token) return { ok: false, code: 'page_token_missing' };
    const created = await graph.createMessageCampaign(s.adAccountId, token, {
      name: campaignName,
      page_id: pageId,
      ...(s.dailyBudgetCents !== null && { daily_budget: s.dailyBudgetCents }),
    });
    if (!created.ok) return { ok: false, code: 'campaign_create_failed', message: created.failure.message };
    campaignId = created.data.id;
    campaignCreatedAt = deps.now();
    campaignCreated = true;
  }
  const config = await growth.upsertMarketingConfig(deps.database, deps.secretKey, {
    pageId,
    workspaceId,
    adAccountId: s.adAccountId,
    campaignName,
    campaignId,
    ...(campaignCreatedAt !== undefined && { campaignCreatedAt }),
    dailyBudgetCents: s.dailyBudgetCents,
    minGapSeconds: s.minConversationGapSeconds,
    ...(s.systemUserToken !== undefined && { systemToken: s.systemUserToken }),
    now: deps.now(),
  });
  await pages.upsertPage(deps.database, deps.secretKey, {
    id: pageId,
    workspaceId,
    name: page.name,
    businessCountry: s.businessCountry,
    adAccountId: s.adAccountId,
    permissions: { marketingMessages: true },
    now: deps.now(),
  });
  return { ok: true, config, campaignCreated };
}

export type OptinRequestResult =
  | { readonly ok: true; readonly outboxId: string }
  | { readonly ok: false; readonly code: 'invalid'; readonly problems: readonly FieldProblem[] }
  | { readonly ok: false; readonly code: 'page_not_found' | 'contact_not_found' };

/**
 * Queues a marketing opt-in request (`notification_messages` template) to one contact. Like every
 * message it is decided at dispatch: refused outside the window or to someone who opted out.
 */
export async function requestOptin(
  deps: MarketingDeps,
  workspaceId: string,
  pageId: string,
  input: unknown,
): Promise<OptinRequestResult> {
  const out: FieldProblem[] = [];
  const body = isObj(input) ? input : {};
  if (!isObj(input)) out.push({ field: '(body)', code: 'expected_object' });
  const contactId = body.contactId;
  if (typeof contactId !== 'string' || contactId === '') out.push({ field: 'contactId', code: 'required' });
  const title = body.title;
  if (typeof title !== 'string' || title.trim() === '' || title.length > 65)
    out.push({ field: 'title', code: 'text_too_long', params: { max: 65 } });
  const payload = body.payload;
  if (typeof payload !== 'string' || payload === '' || payload.length > 1000)
    out.push({ field: 'payload', code: 'text_too_long', params: { max: 1000 } });
  if (out.length > 0) return { ok: false, code: 'invalid', problems: out };
  const page = await pages.getPage(deps.database, pageId);
  if (!page || page.workspaceId !== workspaceId) return { ok: false, code: 'page_not_found' };
  const contact = await contacts.getContact(deps.database, contactId as string);
  if (!contact || contact.pageId !== pageId) return { ok: false, code: 'contact_not_found' };
  const at = deps.now();
  const content: OutboxContent = {
    message: { type: 'notification_messages_optin', title: title as string, payload: payload as string },
  };
  const key = `optin-${contact.id}-${payload as string}-${Math.floor(at / 86_400_000)}`;
  const r = await outbox.enqueueOutbox(deps.database, [
    {
      workspaceId,
      pageId,
      contactId: contact.id,
      origin: 'api',
      originId: 'marketing:optin',
      idempotencyKey: key,
      content: content as never,
      now: at,
    },
  ]);
  const id = r.inserted[0]?.id ?? (await outbox.getOutboxItemByKey(deps.database, key))?.id ?? '';
  return { ok: true, outboxId: id };
}
