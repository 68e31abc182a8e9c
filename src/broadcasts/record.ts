/** Stored broadcast rows as domain values, and the small reference outbox rows carry instead of content. */
import type { OutboxContent } from '../outbound/content.ts';
import type { BroadcastRecord } from '../storage/broadcasts.ts';
import type { JsonValue } from '../storage/index.ts';
import type { Audience, Broadcast, StoredVerdict } from './model.ts';
import type { Schedule } from './schedule.ts';

export function toBroadcast(r: BroadcastRecord): Broadcast {
  return {
    id: r.id,
    workspaceId: r.workspaceId,
    name: r.name,
    audience: (r.audience ?? {}) as unknown as Audience,
    content: r.content as unknown as OutboxContent,
    intent: r.intent,
    verdict: r.verdict as unknown as StoredVerdict,
    status: r.status,
    fanOutCursor: r.fanOutCursor,
    fanOutDone: r.fanOutDone,
    enqueued: r.enqueued,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    schedule: (r.schedule ?? null) as unknown as Schedule | null,
    trackLinks: r.trackLinks,
    skipped: r.skipped,
  };
}

/**
 * What a broadcast's outbox row holds: a reference to the broadcast (a few bytes instead of the
 * content in every one of a million rows). The dispatcher renders the content per contact.
 */
export interface BroadcastContentRef {
  readonly broadcast: string;
}

export function broadcastContentRef(broadcastId: string): JsonValue {
  return { broadcast: broadcastId };
}

export function isBroadcastContentRef(content: unknown): content is BroadcastContentRef {
  return (
    content !== null &&
    typeof content === 'object' &&
    typeof (content as { broadcast?: unknown }).broadcast === 'string' &&
    !('message' in content)
  );
}
