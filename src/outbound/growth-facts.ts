/**
 * Facts the growth area adds to a decision, gathered by both dispatchers (one by one and in batches):
 * a marketing hold left by Meta's frequency caps, and the review status of a utility template.
 * decide() stays pure: these are read here, before it runs.
 */
import type { Facts } from '../policy/index.ts';
import { growth, type Queryable } from '../storage/index.ts';
import { messageFacts, type OutboxContent } from './content.ts';

/** The contact's facts plus a marketing hold Meta's frequency caps left (growth.holdMarketing). */
export async function withMarketingHold(
  database: Queryable,
  contactId: string,
  facts: Facts['contact'],
): Promise<Facts['contact']> {
  if (!facts.marketingSubscription) return facts;
  const hold = await growth.getMarketingHold(database, contactId);
  return hold
    ? { ...facts, marketingSubscription: { ...facts.marketingSubscription, heldUntil: hold.until } }
    : facts;
}

/**
 * Adds the template's status to message facts already built (only APPROVED may go). `seen` caches the
 * lookups of one dispatch batch, whose recipients share a few templates.
 */
export async function addTemplateStatus(
  database: Queryable,
  pageId: string,
  content: OutboxContent,
  facts: Facts['message'],
  seen: Map<string, string> = new Map(),
): Promise<Facts['message']> {
  const m = content.message;
  if (m.type !== 'utility_template' || !facts.template) return facts;
  const key = `${pageId}\u0000${m.name}\u0000${m.language}`;
  let status = seen.get(key);
  if (status === undefined) {
    status = (await growth.findTemplate(database, pageId, m.name, m.language))?.status ?? 'NOT_FOUND';
    seen.set(key, status);
  }
  return { ...facts, template: { ...facts.template, status } };
}

/** The message's facts plus the review status of its utility template. */
export function withTemplateStatus(
  database: Queryable,
  pageId: string,
  content: OutboxContent,
): Promise<Facts['message']> {
  return addTemplateStatus(database, pageId, content, messageFacts(content));
}
