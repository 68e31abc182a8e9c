/**
 * Broadcast lifecycle: create (validated, classified), send, pause, resume, cancel, progress and
 * the final report. Results are values with stable codes; the HTTP and CLI edges render them.
 */
import { createRuleBook, type Lang, type RuleBook } from '../policy/index.ts';
import {
  type BroadcastStatus,
  countConfirmedByEcho,
  deliveryCounts,
  getBroadcast,
  getBroadcastForUpdate,
  insertBroadcast,
  nextDueAt,
  outboxResults,
  refusalsByReason,
  transitionBroadcast,
} from '../storage/broadcasts.ts';
import { inTransaction, links, newId, outbox, type Queryable } from '../storage/index.ts';
import type { OutboxStatus } from '../storage/schema.ts';
import { type Broadcast, type BroadcastProblem, parseBroadcastInput } from './model.ts';
import { toBroadcast } from './record.ts';
import { rescheduleQueued } from './reschedule.ts';

export type CreateResult =
  | { readonly ok: true; readonly broadcast: Broadcast }
  | { readonly ok: false; readonly problems: readonly BroadcastProblem[] };

export async function createBroadcast(
  database: Queryable,
  input: { readonly workspaceId: string; readonly body: unknown; readonly lang: Lang; readonly now: number },
): Promise<CreateResult> {
  const parsed = parseBroadcastInput(input.body, input.lang, input.now);
  if (!parsed.ok) return parsed;
  const record = await insertBroadcast(database, {
    id: newId(input.now),
    workspaceId: input.workspaceId,
    name: parsed.input.name,
    audience: parsed.input.audience as never,
    content: parsed.input.content as never,
    intent: parsed.input.intent,
    verdict: parsed.verdict as never,
    now: input.now,
    schedule: parsed.input.schedule as never,
    trackLinks: parsed.input.trackLinks,
  });
  return { ok: true, broadcast: toBroadcast(record) };
}

export async function findBroadcast(
  database: Queryable,
  id: string,
  workspaceId?: string,
): Promise<Broadcast | undefined> {
  const record = await getBroadcast(database, id);
  if (!record || (workspaceId !== undefined && record.workspaceId !== workspaceId)) return undefined;
  return toBroadcast(record);
}

export type ControlAction = 'send' | 'pause' | 'resume' | 'cancel' | 'resend-unconfirmed';

/**
 * How long an unknown send must have waited for Meta's echo before `resend-unconfirmed` takes it:
 * echoes come within seconds, and Meta retries a webhook the server missed for minutes at first.
 */
export const UNCONFIRMED_GRACE_MS = 10 * 60_000;

export type ControlResult =
  | { readonly ok: true; readonly broadcast: Broadcast; readonly affected: number }
  | { readonly ok: false; readonly code: 'broadcast_not_found' }
  | { readonly ok: false; readonly code: 'invalid_state'; readonly status: BroadcastStatus };

const FROM: Readonly<Record<ControlAction, readonly BroadcastStatus[]>> = {
  send: ['draft'],
  pause: ['sending'],
  resume: ['paused'],
  cancel: ['draft', 'sending', 'paused'],
  'resend-unconfirmed': ['sending', 'done'],
};
const TO: Readonly<Record<ControlAction, BroadcastStatus>> = {
  send: 'sending',
  pause: 'paused',
  resume: 'sending',
  cancel: 'cancelled',
  'resend-unconfirmed': 'sending',
};

/**
 * Changes a broadcast's status and its queued rows in one transaction: pause holds them (no worker
 * claims them), resume makes them due now, cancel fails them with reason `cancelled`. Rows already
 * in flight finish normally; resend-unconfirmed queues again the unknown sends Meta never echoed
 * (storage/outbox-echo.ts). Starting or resuming the fan-out is the caller's job (`runFanOut`).
 */
export async function controlBroadcast(
  database: Queryable,
  id: string,
  action: ControlAction,
  now: number,
  workspaceId?: string,
  rules: RuleBook = createRuleBook(),
): Promise<ControlResult> {
  return inTransaction(database, async (tx) => {
    const current = await getBroadcastForUpdate(tx, id);
    if (!current || (workspaceId !== undefined && current.workspaceId !== workspaceId))
      return { ok: false, code: 'broadcast_not_found' } as const;
    if (!FROM[action].includes(current.status))
      return { ok: false, code: 'invalid_state', status: current.status } as const;
    let affected = 0;
    // A resend that finds nothing to send leaves a finished broadcast finished.
    if (action === 'resend-unconfirmed') {
      affected = await outbox.requeueUnconfirmed(tx, 'broadcast', id, {
        unknownBefore: now - UNCONFIRMED_GRACE_MS,
        now,
      });
      if (affected > 0) await transitionBroadcast(tx, id, FROM[action], TO[action], now);
      const after = await getBroadcast(tx, id);
      return { ok: true, broadcast: toBroadcast(after!), affected } as const;
    }
    await transitionBroadcast(tx, id, FROM[action], TO[action], now);
    switch (action) {
      case 'send':
        break;
      case 'pause':
        affected = await outbox.holdOutboxByOrigin(tx, 'broadcast', id, now);
        break;
      case 'resume':
        affected = await outbox.releaseOutboxByOrigin(tx, 'broadcast', id, now);
        // A scheduled broadcast resumes on its schedule, not all at once.
        if (current.schedule !== null) await rescheduleQueued(tx, toBroadcast(current), now, rules);
        break;
      case 'cancel':
        affected = await outbox.failQueuedByOrigin(tx, 'broadcast', id, 'cancelled', now);
        break;
      default: {
        const never: never = action;
        throw new Error(`unknown action ${String(never)}`);
      }
    }
    const after = await getBroadcast(tx, id);
    return { ok: true, broadcast: toBroadcast(after!), affected } as const;
  });
}

export interface Progress {
  readonly id: string;
  readonly status: BroadcastStatus;
  readonly fanOutDone: boolean;
  readonly enqueued: number;
  readonly counts: Readonly<Record<OutboxStatus, number>>;
  /** Rows whose attempt ended (sent, refused, failed, unknown). */
  readonly finished: number;
}

/** Counts by outbox status; a sending broadcast whose rows all ended becomes 'done' here. */
export async function broadcastProgress(
  database: Queryable,
  id: string,
  now: number,
): Promise<Progress | undefined> {
  let record = await getBroadcast(database, id);
  if (!record) return undefined;
  const counts = await outbox.countOutboxByStatus(database, 'broadcast', id);
  if (record.status === 'sending' && record.fanOutDone && counts.queued === 0 && counts.sending === 0) {
    await transitionBroadcast(database, id, ['sending'], 'done', now);
    record = (await getBroadcast(database, id))!;
  }
  return {
    id,
    status: record.status,
    fanOutDone: record.fanOutDone,
    enqueued: record.enqueued,
    counts,
    finished: counts.sent + counts.refused + counts.failed + counts.unknown,
  };
}

export interface BroadcastReport extends Progress {
  readonly name: string;
  readonly sent: number;
  /**
   * From delivery and read watermarks on the outbound message rows the dispatcher stores. Meta
   * reports watermarks per person, so a message counts once a watermark at or after it arrived.
   */
  readonly delivered: number;
  readonly read: number;
  /** Refused recipients per reason code (from the audit; one recipient may carry several codes). */
  readonly refusedByReason: Readonly<Record<string, number>>;
  readonly failedByReason: Readonly<Record<string, number>>;
  /** Sends whose outcome nobody knows (a crash mid-call): reported, never retried. */
  readonly unknown: number;
  /** Of `sent`: sends first left unknown that Meta's echo later proved sent. */
  readonly confirmedByEcho: number;
  readonly unknownByReason: Readonly<Record<string, number>>;
  /** Tracked-link clicks: unique people, every click, and per destination. */
  readonly clicked: links.ClickStats;
  /** People the schedule left out (their window had already closed and the marketer chose to skip). */
  readonly skipped: number;
  /** The schedule (null: sent when started). */
  readonly schedule: Broadcast['schedule'];
  /** The earliest moment a queued recipient is due (null when nobody waits). */
  readonly nextDueAt: number | null;
}

export async function broadcastReport(
  database: Queryable,
  id: string,
  now: number,
): Promise<BroadcastReport | undefined> {
  const progress = await broadcastProgress(database, id, now);
  const record = await getBroadcast(database, id);
  if (!progress || !record) return undefined;
  const failedByReason: Record<string, number> = {};
  for await (const r of outboxResults(database, id, 'failed')) {
    const reason = reasonOf(r.result);
    failedByReason[reason] = (failedByReason[reason] ?? 0) + 1;
  }
  const unknownByReason: Record<string, number> = {};
  for await (const r of outboxResults(database, id, 'unknown')) {
    const reason = reasonOf(r.result, 'interrupted');
    unknownByReason[reason] = (unknownByReason[reason] ?? 0) + 1;
  }
  const delivery = await deliveryCounts(database, id);
  return {
    ...progress,
    name: record.name,
    sent: progress.counts.sent,
    delivered: delivery.delivered,
    read: delivery.read,
    refusedByReason: await refusalsByReason(database, id),
    failedByReason,
    unknown: progress.counts.unknown,
    unknownByReason,
    confirmedByEcho: await countConfirmedByEcho(database, id),
    clicked: await links.clickStats(database, 'broadcast', id),
    skipped: record.skipped,
    schedule: toBroadcast(record).schedule,
    nextDueAt: await nextDueAt(database, id),
  };
}

function reasonOf(result: unknown, fallback = 'unknown'): string {
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as { reason?: unknown }).reason === 'string'
  )
    return (result as { reason: string }).reason;
  return fallback;
}
