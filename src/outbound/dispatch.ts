/**
 * One message, one attempt: the single pipeline every outbound message goes through, whatever its
 * origin (flow, broadcast, sequence, agent, API).
 *
 *   outbox row (claimed: 'sending') -> facts gathered NOW -> decide() -> audit -> Graph call for the
 *   route -> outcome recorded -> contact / Page updated from the error taxonomy
 *
 * The window is re-checked here, at dispatch, never at enqueue. A send whose outcome is unknown
 * (timeout after the request left) is marked 'unknown' and never retried.
 */

import { compileContent } from '../broadcasts/personalize.ts';
import type { GraphClient, GraphResult, SendRateLimiter } from '../graph/index.ts';
import { backoffDelay, sendKindOf } from '../graph/index.ts';
import { buildSendRequest } from '../messenger/send-request.ts';
import { type Decision, decide, decisionDocument, type Facts, type RuleBook } from '../policy/index.ts';
import { audit, contacts, conversations, type Database, messages, outbox, pages } from '../storage/index.ts';
import type { OutboxItem } from '../storage/outbox.ts';
import { auditEntryFor } from './audit-entry.ts';
import { messageFacts, type OutboxContent, sentMessagePayload } from './content.ts';
import { withMarketingHold, withTemplateStatus } from './growth-facts.ts';
import { prepareMarketingSend, recordMarketingFailure, sendMarketing } from './marketing.ts';
import { recipientFor } from './recipient.ts';
import { sendMetadata } from './send-metadata.ts';

export interface DispatchDeps {
  readonly database: Database;
  readonly graph: GraphClient;
  readonly limiter: SendRateLimiter;
  readonly rules: RuleBook;
  readonly secretKey: Buffer;
  readonly now: () => number;
  /** Fetches a contact's profile now (for content rendered at dispatch). Default: none, fallbacks used. */
  readonly fetchProfile?: (contact: contacts.Contact) => Promise<void>;
  /** Attempts before a retryable failure becomes 'failed'. Default 5. */
  readonly maxAttempts?: number;
  /** A rate-limit wait shorter than this is slept in place; longer ones reschedule. Default 1500 ms. */
  readonly maxInlineWaitMs?: number;
  /**
   * Public base URL of this Ventana (config `VENTANA_PUBLIC_URL`): broadcasts' web links are
   * rewritten to `${publicUrl}/r/<code>` (tracked clicks). Absent: links are sent as written.
   */
  readonly publicUrl?: string;
}

export type DispatchResult =
  | { readonly status: 'sent'; readonly mid: string | null; readonly decision: Decision }
  | { readonly status: 'refused'; readonly decision: Decision }
  | { readonly status: 'rescheduled'; readonly at: number; readonly reason: string }
  | { readonly status: 'failed'; readonly reason: string }
  | { readonly status: 'unknown'; readonly reason: string };

const PAGE_WAIT_MS = 15 * 60_000;

/** The content with its placeholders filled from the contact as they are now (fallbacks otherwise). */
function renderForContact(content: OutboxContent, contact: contacts.Contact): OutboxContent {
  const { personalize: _rendered, ...rest } = content;
  return compileContent(rest).render({
    firstName: contact.firstName,
    lastName: contact.lastName,
    fields: contact.fields,
  });
}

export async function dispatchOne(deps: DispatchDeps, item: OutboxItem): Promise<DispatchResult> {
  const { database, now } = deps;
  const maxAttempts = deps.maxAttempts ?? 5;
  const reschedule = async (at: number, reason: string): Promise<DispatchResult> => {
    await outbox.rescheduleOutbox(database, item.id, { retryAt: at, result: { reason }, now: now() });
    return { status: 'rescheduled', at, reason };
  };
  const fail = async (
    status: 'failed' | 'unknown',
    reason: string,
    result: Record<string, unknown> = {},
  ): Promise<DispatchResult> => {
    await outbox.completeOutbox(database, item.id, {
      status,
      result: { reason, ...result } as never,
      now: now(),
    });
    return { status, reason };
  };

  const page = await pages.getPage(database, item.pageId);
  let contact = await contacts.getContact(database, item.contactId);
  if (!page || !contact) return fail('failed', page ? 'contact_unknown' : 'page_unknown');
  // A Page whose token is invalid or that an admin paused keeps its messages for later; nothing is lost.
  if (page.status === 'paused' || page.status === 'needs_reconnect')
    return reschedule(now() + PAGE_WAIT_MS, `page_${page.status}`);

  const stored = item.content as unknown as OutboxContent;
  if (stored.personalize && contact.profileFetchedAt === null && deps.fetchProfile) {
    await deps.fetchProfile(contact);
    contact = (await contacts.getContact(database, contact.id)) ?? contact;
  }
  const content = stored.personalize ? renderForContact(stored, contact) : stored;
  const at = now();
  const rules = deps.rules.at(at);
  if (!rules.ok) return fail('failed', `rules_${rules.code}`);
  const pageFacts = await pages.pageFacts(database, page.id);
  const facts: Facts = {
    now: at,
    page: pageFacts!,
    contact: await withMarketingHold(database, contact.id, contacts.contactToFacts(contact)),
    message: await withTemplateStatus(database, page.id, content),
  };
  const decision = decide(facts, rules.ruleSet, at);
  const doc = decisionDocument(decision);
  const auditId = await audit.appendAudit(database, auditEntryFor(item, facts, decision, doc, at));
  if (!decision.allowed) {
    await outbox.completeOutbox(database, item.id, { status: 'refused', decision: doc as never, now: now() });
    return { status: 'refused', decision };
  }

  const tokens =
    decision.send.recipient === 'id'
      ? undefined
      : await contacts.getContactTokens(database, deps.secretKey, contact.id);
  const recipient = recipientFor(decision, contact.psid, content, tokens);
  const secrets = await pages.getPageSecrets(database, deps.secretKey, page.id);
  if (!secrets?.accessToken) return fail('failed', 'page_token_missing');
  let result: GraphResult<{ readonly message_id?: string }>;
  if (decision.route === 'marketing_message') {
    // The paid route: the Page's message campaign and the person's subscription token (§3.3).
    const prepared = await prepareMarketingSend(deps, {
      pageId: page.id,
      pageToken: secrets.accessToken,
      subscriptionToken: tokens?.marketing ?? null,
      content,
      now: now(),
    });
    if (!prepared.ok) {
      if (prepared.code === 'marketing_campaign_warming_up') return reschedule(prepared.until, prepared.code);
      return fail('failed', prepared.code);
    }
    const sent = await sendMarketing(deps.graph, prepared);
    result = sent.ok ? { ...sent, data: { message_id: sent.data.marketing_message_tracking_id } } : sent;
  } else {
    if (!recipient) return fail('failed', 'recipient_missing');
    const body = buildSendRequest({
      recipient,
      messaging_type: decision.send.messaging_type,
      tag: decision.send.tag,
      message: content.message,
      metadata: sendMetadata(item.id),
    });
    // Respect the Page's budget (300/s text, 10/s media, 750/h private replies) before calling Meta.
    const kind = sendKindOf(body);
    let wait = await deps.limiter.take(page.id, kind);
    while (wait > 0) {
      if (wait > (deps.maxInlineWaitMs ?? 1500)) return reschedule(now() + wait, 'rate_limited_locally');
      await new Promise((r) => setTimeout(r, wait));
      wait = await deps.limiter.take(page.id, kind);
    }
    result = await deps.graph.sendMessage(page.id, secrets.accessToken, body);
    if (result.usage) deps.limiter.observe(page.id, result.usage);
  }
  if (result.ok) {
    const mid = result.data.message_id ?? null;
    await audit.recordAuditOutcome(database, auditId, {
      graphStatus: 'sent',
      graphResponse: result.data as never,
    });
    await outbox.completeOutbox(database, item.id, {
      status: 'sent',
      decision: doc as never,
      result: { mid, at: now() },
      now: now(),
    });
    await recordSent(deps, item, contact.id, decision, content, mid, at);
    return { status: 'sent', mid, decision };
  }

  const f = result.failure;
  await audit.recordAuditOutcome(database, auditId, {
    graphStatus: `${f.category}${f.code !== undefined ? ` ${f.code}/${f.subcode ?? ''}` : ''}`,
    graphResponse: {
      message: f.message,
      code: f.code ?? null,
      subcode: f.subcode ?? null,
      outcome: result.outcome,
    } as never,
    fbtraceId: f.fbtraceId ?? null,
  });
  if (result.outcome === 'unknown') {
    const unknown = await fail('unknown', f.category, { message: f.message });
    // The echo may have come while the answer did not: then the message is known to have left.
    const echoed = await outbox.settleUnknownWithStoredEcho(database, [item.id]);
    return echoed.has(item.id) ? { status: 'sent', mid: echoed.get(item.id) ?? null, decision } : unknown;
  }
  const info = {
    code: f.code ?? null,
    subcode: f.subcode ?? null,
    fbtraceId: f.fbtraceId ?? null,
    message: f.message,
  };
  if (decision.route === 'marketing_message' || decision.route === 'legacy_notification') {
    // Caps and STOPs concern the person's subscription: record them, never retry blindly.
    const final = await recordMarketingFailure(database, {
      route: decision.route,
      contactId: contact.id,
      failure: f,
      now: now(),
    });
    if (final) return fail('failed', final, info);
  }
  switch (f.action) {
    case 'close_window':
      // Meta says the window is closed: believe it, and decide again (another route may be lawful).
      await contacts.markWindowClosedByGraph(database, contact.id, now());
      return item.attempts < maxAttempts
        ? reschedule(now(), 'window_closed_by_graph')
        : fail('failed', 'window_closed', info);
    case 'mark_unreachable':
      await contacts.markUnreachable(database, contact.id, now());
      return fail('failed', 'contact_unreachable', info);
    case 'mark_blocked':
      await contacts.markBlocked(database, contact.id, now());
      return fail('failed', 'contact_blocked', info);
    case 'pause_page':
      await pages.setPageStatus(database, page.id, 'needs_reconnect', f.message, now());
      return reschedule(now() + PAGE_WAIT_MS, 'token_invalid');
    case 'stop_page':
      await pages.setPageStatus(database, page.id, 'restricted', f.message, now());
      return reschedule(now() + PAGE_WAIT_MS, 'page_restricted');
    case 'retry':
    case 'retry_later': {
      if (f.category === 'rate_limited' && f.retryAfterMs) deps.limiter.pause(page.id, f.retryAfterMs);
      if (item.attempts >= maxAttempts) return fail('failed', f.category, info);
      const delay = Math.max(backoffDelay(item.attempts), f.retryAfterMs ?? 0);
      return reschedule(now() + delay, f.category);
    }
    case 'reschedule':
      return fail('failed', f.category, info);
    case 'pass_thread_control':
    case 'drop':
    case 'fix_request':
      return fail('failed', f.category, info);
    default: {
      const never: never = f.action;
      return fail('failed', `unhandled_${String(never)}`, info);
    }
  }
}

/** A sent message joins the conversation; a token route spends the token's turn. */
async function recordSent(
  deps: DispatchDeps,
  item: OutboxItem,
  contactId: string,
  decision: Decision,
  content: OutboxContent,
  mid: string | null,
  at: number,
): Promise<void> {
  const conversation = await conversations.openConversation(deps.database, {
    workspaceId: item.workspaceId,
    contactId,
    pageId: item.pageId,
    now: at,
  });
  const f = messageFacts(content);
  await messages.insertMessage(deps.database, {
    conversationId: conversation.id,
    contactId,
    pageId: item.pageId,
    direction: 'out',
    mid,
    kind: content.message.type,
    text: f.text,
    payload: sentMessagePayload(content, decision) as never,
    sender: content.sender === 'human' ? 'human' : 'bot',
    outboxId: item.id,
    createdAt: at,
  });
  const token =
    decision.route === 'legacy_notification'
      ? 'legacy'
      : decision.route === 'one_time_notification'
        ? 'one_time'
        : decision.route === 'marketing_message'
          ? 'marketing'
          : null;
  if (token) await contacts.markTokenUsed(deps.database, contactId, token, at);
}
