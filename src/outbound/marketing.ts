/**
 * The Marketing Message API leg of the send pipeline (reference §3.3): the Page's campaign, the
 * person's subscription token, `POST act_<id>/messages`, and what Meta's frequency caps mean for the
 * person. dispatch.ts decides and audits; this file only knows how the paid route is sent.
 */
import type { GraphClient } from '../graph/index.ts';
import type { GraphFailure } from '../messenger/graph-errors.ts';
import { buildMarketingMessageRequest } from '../messenger/send-request.ts';
import { contacts, type Database, growth, type Queryable } from '../storage/index.ts';
import type { OutboxContent } from './content.ts';

/** Meta warms a new message campaign up for an hour before it delivers (since 5 May 2026). */
export const CAMPAIGN_WARMUP_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type MarketingPrepared =
  | {
      readonly ok: true;
      readonly adAccountId: string;
      readonly token: string;
      readonly body: ReturnType<typeof buildMarketingMessageRequest>;
    }
  | { readonly ok: false; readonly code: 'marketing_campaign_not_configured' | 'recipient_missing' }
  | { readonly ok: false; readonly code: 'marketing_campaign_warming_up'; readonly until: number };

/** Everything the Marketing Message API call needs, or why it cannot be made now. */
export async function prepareMarketingSend(
  deps: { readonly database: Database; readonly secretKey: Buffer },
  input: {
    readonly pageId: string;
    readonly pageToken: string;
    readonly subscriptionToken: string | null;
    readonly content: OutboxContent;
    readonly now: number;
  },
): Promise<MarketingPrepared> {
  const config = await growth.getMarketingConfig(deps.database, input.pageId);
  if (!config?.campaignId) return { ok: false, code: 'marketing_campaign_not_configured' };
  if (!input.subscriptionToken) return { ok: false, code: 'recipient_missing' };
  if (config.campaignCreatedAt !== null && input.now < config.campaignCreatedAt + CAMPAIGN_WARMUP_MS)
    return {
      ok: false,
      code: 'marketing_campaign_warming_up',
      until: config.campaignCreatedAt + CAMPAIGN_WARMUP_MS,
    };
  const systemToken = await growth.getMarketingSystemToken(deps.database, deps.secretKey, input.pageId);
  return {
    ok: true,
    adAccountId: config.adAccountId,
    token: systemToken ?? input.pageToken,
    body: buildMarketingMessageRequest({
      campaignMessageId: config.campaignId,
      subscriptionToken: input.subscriptionToken,
      message: input.content.message,
      ...(config.minGapSeconds !== null && { minConversationGapSeconds: config.minGapSeconds }),
    }),
  };
}

export function sendMarketing(graph: GraphClient, prepared: Extract<MarketingPrepared, { ok: true }>) {
  return graph.sendMarketingMessage(prepared.adAccountId, prepared.token, prepared.body);
}

/**
 * What a refused token-route send says about the person, recorded before the generic handling:
 * - the person stopped notifications (10/1893015): their subscription is stopped, not the contact;
 * - Meta's own 12 h counter (4/2018354): Meta saw a recent send, so the token's turn is spent;
 * - the Page's marketing-to-organic caps (weekly, daily, minimum organic threads): the person is held
 *   for the wait Meta suggests; Meta asks not to retry the same recipient at once.
 * Returns the outbox failure reason when the failure is final for this message, else null.
 */
export async function recordMarketingFailure(
  database: Queryable,
  input: {
    readonly route: 'marketing_message' | 'legacy_notification';
    readonly contactId: string;
    readonly failure: GraphFailure;
    readonly now: number;
  },
): Promise<string | null> {
  const { failure: f, contactId, now } = input;
  if (f.rule === '10/1893015') {
    if (input.route === 'marketing_message')
      await contacts.setMarketingStatus(database, contactId, 'stopped', now);
    else await contacts.setLegacyTokenStatus(database, contactId, 'stopped', now);
    return 'marketing_stopped_by_person';
  }
  if (f.category !== 'marketing_frequency') return null;
  if (f.rule === '4/2018354') {
    await contacts.markTokenUsed(
      database,
      contactId,
      input.route === 'marketing_message' ? 'marketing' : 'legacy',
      now,
    );
    return 'marketing_cooldown_by_graph';
  }
  if (f.rule === 'mm/weekly-cap' || f.rule === 'mm/daily-cap' || f.rule === 'mm/min-organic') {
    await growth.holdMarketing(database, {
      contactId,
      until: now + (f.retryAfterMs ?? DAY_MS),
      reason: f.rule,
      now,
    });
    return 'marketing_frequency_capped';
  }
  return null;
}
