/**
 * Many messages, one attempt each: the batch form of `dispatchOne`, for broadcasts and any busy
 * outbox. Same decisions (facts gathered now, `decide()`, the window re-checked per message), same
 * audit-before-send, same error taxonomy; only the I/O is grouped:
 *
 *   contacts of the batch in one query -> Page facts and tokens from a short cache -> decide each
 *   -> every audit entry + every refusal in ONE transaction -> Graph sends concurrently, each after
 *   its Page's rate limiter grants a slot -> every outcome in ONE transaction.
 *
 * Outbox rows may hold their content, or a `{ broadcast: id }` reference rendered per contact here
 * (personalisation) so a million-row broadcast does not copy its content a million times.
 */

import { audienceRowFacts, personValues } from '../broadcasts/audience.ts';
import { type BroadcastPlan, planBroadcast } from '../broadcasts/plan.ts';
import { isBroadcastContentRef, toBroadcast } from '../broadcasts/record.ts';
import type { SendMessageResponse } from '../graph/client.ts';
import { backoffDelay, sendKindOf } from '../graph/index.ts';
import type { GraphResult } from '../graph/result.ts';
import { type TrackLinksInput, trackLinksMany } from '../links/track.ts';
import { buildSendRequest } from '../messenger/send-request.ts';
import { type Decision, decide, decisionDocument, type Facts } from '../policy/index.ts';
import type { NewAuditEntry } from '../storage/audit.ts';
import {
  type AudienceRow,
  audienceRowsById,
  getBroadcast,
  markAuditSent,
  type OutboundMessageRow,
  recordOutboundMessages,
} from '../storage/broadcasts.ts';
import { audit, contacts, inTransaction, newId, pages, type Queryable } from '../storage/index.ts';
import {
  type OutboxItem,
  type OutboxSettlement,
  settleOutboxMany,
  settleUnknownWithStoredEcho,
} from '../storage/outbox.ts';
import { auditEntryFor } from './audit-entry.ts';
import { messageFacts, type OutboxContent, sentMessagePayload } from './content.ts';
import type { DispatchDeps, DispatchResult } from './dispatch.ts';
import { addTemplateStatus, withMarketingHold } from './growth-facts.ts';
import { prepareMarketingSend, recordMarketingFailure, sendMarketing } from './marketing.ts';
import { recipientFor } from './recipient.ts';
import { sendMetadata } from './send-metadata.ts';

const PAGE_WAIT_MS = 15 * 60_000;
/** How long Page facts and the decrypted token are reused across batches. */
const PAGE_CACHE_MS = 1000;

interface PageContext {
  readonly status: pages.PageStatus;
  readonly facts: Facts['page'];
  readonly token: string | null;
  readonly loadedAt: number;
}

// Caches are per database handle: a test opening a fresh database never sees another's entries.
const pageCaches = new WeakMap<Queryable, Map<string, PageContext | null>>();
const planCaches = new WeakMap<Queryable, Map<string, BroadcastPlan | null>>();

function cacheFor<V>(caches: WeakMap<Queryable, Map<string, V>>, database: Queryable): Map<string, V> {
  let cache = caches.get(database);
  if (cache === undefined) {
    cache = new Map();
    caches.set(database, cache);
  }
  return cache;
}

async function pageContext(deps: DispatchDeps, pageId: string, at: number): Promise<PageContext | null> {
  const cache = cacheFor(pageCaches, deps.database);
  const cached = cache.get(pageId);
  if (cached !== undefined && (cached === null || at - cached.loadedAt < PAGE_CACHE_MS)) return cached;
  const page = await pages.getPage(deps.database, pageId);
  const facts = page ? await pages.pageFacts(deps.database, pageId) : undefined;
  const secrets = page ? await pages.getPageSecrets(deps.database, deps.secretKey, pageId) : undefined;
  const ctx =
    page && facts ? { status: page.status, facts, token: secrets?.accessToken ?? null, loadedAt: at } : null;
  // An unknown Page is not cached for long either: it may be connected a moment later.
  if (ctx !== null) cache.set(pageId, ctx);
  return ctx;
}

async function broadcastPlan(database: Queryable, id: string): Promise<BroadcastPlan | null> {
  const cache = cacheFor(planCaches, database);
  const cached = cache.get(id);
  if (cached !== undefined) return cached;
  const record = await getBroadcast(database, id);
  // A broadcast's content never changes once created, so its plan is kept for the process' life.
  const plan = record ? planBroadcast(toBroadcast(record)) : null;
  if (plan !== null) cache.set(id, plan);
  return plan;
}

async function messageOf(
  database: Queryable,
  item: OutboxItem,
  contact: AudienceRow,
): Promise<{
  readonly content: OutboxContent;
  readonly facts: Facts['message'];
  /** The broadcast whose links are tracked for this person. */
  readonly trackFor?: string;
} | null> {
  if (isBroadcastContentRef(item.content)) {
    const plan = await broadcastPlan(database, item.content.broadcast);
    if (!plan) return null;
    // Facts (and the classifier's verdict) come from the content as written: the policy judges the
    // original destinations; links are rewritten only for the copies that will actually leave.
    const planned = plan.messageFor(personValues(contact, plan.compiled.usesFields));
    return plan.broadcast.trackLinks ? { ...planned, trackFor: plan.broadcast.id } : planned;
  }
  const content = item.content as unknown as OutboxContent;
  if (content === null || typeof content !== 'object' || !content.message) return null;
  return { content, facts: messageFacts(content) };
}

interface Decided {
  readonly index: number;
  readonly item: OutboxItem;
  readonly contact: AudienceRow;
  readonly page: PageContext;
  content: OutboxContent;
  readonly trackFor: string | undefined;
  readonly facts: Facts;
  readonly decision: Decision;
  readonly doc: ReturnType<typeof decisionDocument>;
  auditId: string;
}

type SendOutcome =
  | { readonly kind: 'graph'; readonly d: Decided; readonly result: GraphResult<SendMessageResponse> }
  | { readonly kind: 'local_wait'; readonly d: Decided; readonly waitMs: number }
  | { readonly kind: 'not_sent'; readonly d: Decided; readonly reason: string; readonly retryAt?: number };

/** The Marketing Message API call for one decided row (the Page's campaign, the person's token). */
async function sendMarketingFor(
  deps: DispatchDeps,
  d: Decided,
  subscriptionToken: string | null,
  at: number,
): Promise<SendOutcome> {
  if (!d.page.token) return { kind: 'not_sent', d, reason: 'page_token_missing' };
  const prepared = await prepareMarketingSend(deps, {
    pageId: d.item.pageId,
    pageToken: d.page.token,
    subscriptionToken,
    content: d.content,
    now: at,
  });
  if (!prepared.ok)
    return prepared.code === 'marketing_campaign_warming_up'
      ? { kind: 'not_sent', d, reason: prepared.code, retryAt: prepared.until }
      : { kind: 'not_sent', d, reason: prepared.code };
  const sent = await sendMarketing(deps.graph, prepared);
  const result: GraphResult<SendMessageResponse> = sent.ok
    ? { ...sent, data: { message_id: sent.data.marketing_message_tracking_id } }
    : sent;
  return { kind: 'graph', d, result };
}

/**
 * Dispatches claimed ('sending') outbox items. Resolves with one result per item, in order.
 * Rejects only on unexpected I/O failure (the rows then stay 'sending' and are reported 'unknown'
 * after a restart, never sent twice).
 */
export async function dispatchBatch(
  deps: DispatchDeps,
  items: readonly OutboxItem[],
): Promise<DispatchResult[]> {
  const { database, now } = deps;
  const maxAttempts = deps.maxAttempts ?? 5;
  const maxInlineWaitMs = deps.maxInlineWaitMs ?? 1500;
  const results: DispatchResult[] = new Array(items.length);
  const settlements: OutboxSettlement[] = [];
  const fail = (index: number, status: 'failed' | 'unknown', reason: string, extra = {}): void => {
    settlements.push({ id: items[index]!.id, status, result: { reason, ...extra } });
    results[index] = { status, reason };
  };
  const reschedule = (index: number, at: number, reason: string): void => {
    settlements.push({ id: items[index]!.id, status: 'queued', retryAt: at, result: { reason } });
    results[index] = { status: 'rescheduled', at, reason };
  };

  const at = now();
  const rules = deps.rules.at(at);
  const rows = await audienceRowsById(database, [...new Set(items.map((i) => i.contactId))]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const decided: Decided[] = [];
  // Template statuses looked up once per batch (recipients share a few templates).
  const templates = new Map<string, string>();
  const entries: NewAuditEntry[] = [];
  for (let index = 0; index < items.length; index++) {
    const item = items[index]!;
    if (!rules.ok) {
      fail(index, 'failed', `rules_${rules.code}`);
      continue;
    }
    const page = await pageContext(deps, item.pageId, at);
    const contact = byId.get(item.contactId);
    if (!page || !contact) {
      fail(index, 'failed', page ? 'contact_unknown' : 'page_unknown');
      continue;
    }
    if (page.status === 'paused' || page.status === 'needs_reconnect') {
      reschedule(index, at + PAGE_WAIT_MS, `page_${page.status}`);
      continue;
    }
    const message = await messageOf(database, item, contact);
    if (message === null) {
      fail(index, 'failed', 'content_unknown');
      continue;
    }
    const facts: Facts = {
      now: at,
      page: page.facts,
      contact: await withMarketingHold(database, contact.id, audienceRowFacts(contact)),
      message: await addTemplateStatus(database, item.pageId, message.content, message.facts, templates),
    };
    const decision = decide(facts, rules.ruleSet, at);
    const doc = decisionDocument(decision);
    decided.push({
      index,
      item,
      contact,
      page,
      content: message.content,
      trackFor: message.trackFor,
      facts,
      decision,
      doc,
      auditId: '',
    });
    entries.push(auditEntryFor(item, facts, decision, doc, at));
  }

  // Every decision is on record before any message leaves; refusals are final in the same commit.
  const toSend: Decided[] = [];
  await inTransaction(database, async (tx) => {
    const ids = await audit.appendAuditEntries(tx, entries);
    for (let i = 0; i < decided.length; i++) {
      const d = decided[i]!;
      d.auditId = ids[i]!;
      if (!d.decision.allowed) {
        settlements.push({ id: d.item.id, status: 'refused', decision: d.doc as never });
        results[d.index] = { status: 'refused', decision: d.decision };
      } else toSend.push(d);
    }
    await settleOutboxMany(tx, settlements.splice(0), now());
    // Codes are minted in the same commit, before any message carrying them leaves; a retried row
    // gets the code it got before.
    const publicUrl = deps.publicUrl;
    const tracked = publicUrl ? toSend.filter((d) => d.trackFor !== undefined) : [];
    if (publicUrl && tracked.length > 0) {
      const inputs: TrackLinksInput[] = tracked.map((d) => ({
        workspaceId: d.item.workspaceId,
        content: d.content,
        origin: { kind: 'broadcast', id: d.trackFor! },
        contactId: d.contact.id,
        baseUrl: publicUrl,
      }));
      const rewritten = await trackLinksMany(tx, inputs, { now: at });
      tracked.forEach((d, i) => {
        d.content = rewritten[i]!;
      });
    }
  });

  const sends: Promise<SendOutcome>[] = [];
  for (const d of toSend) {
    const tokens =
      d.decision.send.recipient === 'id'
        ? undefined
        : await contacts.getContactTokens(database, deps.secretKey, d.contact.id);
    if (d.decision.route === 'marketing_message') {
      // The paid route: the Page's message campaign and the person's subscription token (§3.3).
      sends.push(sendMarketingFor(deps, d, tokens?.marketing ?? null, now()));
      continue;
    }
    const recipient = recipientFor(d.decision, d.contact.psid, d.content, tokens);
    if (!recipient || !d.page.token) {
      fail(d.index, 'failed', recipient ? 'page_token_missing' : 'recipient_missing');
      continue;
    }
    const body = buildSendRequest({
      recipient,
      messaging_type: d.decision.send.messaging_type,
      tag: d.decision.send.tag,
      message: d.content.message,
      metadata: sendMetadata(d.item.id),
    });
    const token = d.page.token;
    sends.push(
      (async (): Promise<SendOutcome> => {
        // The slot is taken right before the call, so calls leave at the pace the limiter granted.
        const kind = sendKindOf(body);
        let wait = await deps.limiter.take(d.item.pageId, kind);
        while (wait > 0) {
          if (wait > maxInlineWaitMs) return { kind: 'local_wait', d, waitMs: wait };
          await new Promise((r) => setTimeout(r, wait));
          wait = await deps.limiter.take(d.item.pageId, kind);
        }
        const result = await deps.graph.sendMessage(d.item.pageId, token, body);
        if (result.usage) deps.limiter.observe(d.item.pageId, result.usage);
        return { kind: 'graph', d, result };
      })(),
    );
  }
  const outcomes = await Promise.all(sends);

  const done = now();
  const sentAudit: string[] = [];
  const sentMessages: OutboundMessageRow[] = [];
  // Sends whose answer was lost (a timeout after the request left): their echo may be stored already.
  const lostAnswers = new Map<string, Decided>();
  const pageCache = cacheFor(pageCaches, database);
  await inTransaction(database, async (tx) => {
    for (const o of outcomes) {
      const { d } = o;
      if (o.kind === 'local_wait') {
        reschedule(d.index, done + o.waitMs, 'rate_limited_locally');
        continue;
      }
      if (o.kind === 'not_sent') {
        if (o.retryAt !== undefined) reschedule(d.index, o.retryAt, o.reason);
        else fail(d.index, 'failed', o.reason);
        continue;
      }
      const { result } = o;
      if (result.ok) {
        const mid = result.data.message_id ?? null;
        sentAudit.push(d.auditId);
        settlements.push({
          id: d.item.id,
          status: 'sent',
          result: { mid, at: done, route: d.decision.route, auditId: d.auditId },
        });
        results[d.index] = { status: 'sent', mid, decision: d.decision };
        sentMessages.push({
          workspaceId: d.item.workspaceId,
          contactId: d.contact.id,
          pageId: d.item.pageId,
          mid,
          kind: d.content.message.type,
          text: d.facts.message.text,
          payload: sentMessagePayload(d.content, d.decision) as never,
          sender: d.content.sender === 'human' ? 'human' : 'bot',
          outboxId: d.item.id,
          at: d.facts.now,
        });
        const token =
          d.decision.route === 'legacy_notification'
            ? 'legacy'
            : d.decision.route === 'one_time_notification'
              ? 'one_time'
              : null;
        if (token) await contacts.markTokenUsed(tx, d.contact.id, token, d.facts.now);
        continue;
      }
      const f = result.failure;
      await audit.recordAuditOutcome(tx, d.auditId, {
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
        fail(d.index, 'unknown', f.category, { message: f.message });
        lostAnswers.set(d.item.id, d);
        continue;
      }
      const info = {
        code: f.code ?? null,
        subcode: f.subcode ?? null,
        fbtraceId: f.fbtraceId ?? null,
        message: f.message,
      };
      if (d.decision.route === 'marketing_message' || d.decision.route === 'legacy_notification') {
        // Caps and STOPs concern the person's subscription: record them, never retry blindly.
        const final = await recordMarketingFailure(tx, {
          route: d.decision.route,
          contactId: d.contact.id,
          failure: f,
          now: done,
        });
        if (final) {
          fail(d.index, 'failed', final, info);
          continue;
        }
      }
      const attempts = d.item.attempts;
      switch (f.action) {
        case 'close_window':
          // Meta says the window is closed: believe it, and decide again (another route may be lawful).
          await contacts.markWindowClosedByGraph(tx, d.contact.id, done);
          if (attempts < maxAttempts) reschedule(d.index, done, 'window_closed_by_graph');
          else fail(d.index, 'failed', 'window_closed', info);
          break;
        case 'mark_unreachable':
          await contacts.markUnreachable(tx, d.contact.id, done);
          fail(d.index, 'failed', 'contact_unreachable', info);
          break;
        case 'mark_blocked':
          await contacts.markBlocked(tx, d.contact.id, done);
          fail(d.index, 'failed', 'contact_blocked', info);
          break;
        case 'pause_page':
          await pages.setPageStatus(tx, d.item.pageId, 'needs_reconnect', f.message, done);
          pageCache.delete(d.item.pageId);
          reschedule(d.index, done + PAGE_WAIT_MS, 'token_invalid');
          break;
        case 'stop_page':
          await pages.setPageStatus(tx, d.item.pageId, 'restricted', f.message, done);
          pageCache.delete(d.item.pageId);
          reschedule(d.index, done + PAGE_WAIT_MS, 'page_restricted');
          break;
        case 'retry':
        case 'retry_later': {
          if (f.category === 'rate_limited' && f.retryAfterMs)
            deps.limiter.pause(d.item.pageId, f.retryAfterMs);
          if (attempts >= maxAttempts) fail(d.index, 'failed', f.category, info);
          else reschedule(d.index, done + Math.max(backoffDelay(attempts), f.retryAfterMs ?? 0), f.category);
          break;
        }
        case 'reschedule':
        case 'pass_thread_control':
        case 'drop':
        case 'fix_request':
          fail(d.index, 'failed', f.category, info);
          break;
        default: {
          const never: never = f.action;
          fail(d.index, 'failed', `unhandled_${String(never)}`, info);
        }
      }
    }
    await markAuditSent(tx, sentAudit);
    await settleOutboxMany(tx, settlements.splice(0), done);
    await recordOutboundMessages(tx, sentMessages, newId);
    // The echo may have come while the answer did not: then the message is known to have left.
    if (lostAnswers.size > 0) {
      const echoed = await settleUnknownWithStoredEcho(tx, [...lostAnswers.keys()]);
      for (const [id, mid] of echoed) {
        const d = lostAnswers.get(id)!;
        results[d.index] = { status: 'sent', mid, decision: d.decision };
      }
    }
  });
  return results;
}
