/**
 * Fan-out: one outbox row per audience member, key `bc-<broadcastId>-<contactId>`, written chunk by
 * chunk together with the cursor in ONE transaction. A crash loses at most the chunk being written
 * (its transaction rolls back) and the restart resumes after the cursor; the unique key makes a
 * replayed chunk harmless. Routes are NOT decided here: dispatch decides, at send time.
 */
import { createRuleBook, type RuleBook } from '../policy/index.ts';
import { advanceFanOut, finishFanOut, getBroadcast, getBroadcastForUpdate } from '../storage/broadcasts.ts';
import { inTransaction, outbox, type Queryable } from '../storage/index.ts';
import { broadcastContentRef, toBroadcast } from './record.ts';
import { type MemberVisitor, walkChunks, walkContext } from './walk.ts';

export interface FanOutOptions {
  readonly now: () => number;
  readonly rules?: RuleBook;
  /** Contacts per chunk (and per transaction). Default 2,000. */
  readonly chunk?: number;
  /** Called after each committed chunk with the rows it added. */
  readonly onChunk?: (added: number) => void;
}

export type FanOutEnd = 'done' | 'stopped' | 'not_found';

export function idempotencyKey(broadcastId: string, contactId: string): string {
  return `bc-${broadcastId}-${contactId}`;
}

/** Runs (or resumes) a broadcast's fan-out until every member is enqueued or the broadcast leaves 'sending'. */
export async function runFanOut(
  database: Queryable,
  broadcastId: string,
  { now, rules = createRuleBook(), chunk = 2000, onChunk }: FanOutOptions,
): Promise<FanOutEnd> {
  const record = await getBroadcast(database, broadcastId);
  if (!record) return 'not_found';
  if (record.fanOutDone) return 'done';
  if (record.status !== 'sending') return 'stopped';
  const broadcast = toBroadcast(record);
  // The audience is judged once, at the moment the fan-out (re)starts: filters like windowOpen use it.
  const ctx = await walkContext(database, broadcast, now(), rules);
  const content = broadcastContentRef(broadcast.id);
  let expected = record.fanOutCursor;
  // Only what the outbox rows need is kept from each member (not the contact row): the chunk
  // waits for its transaction, and whatever it holds lives through collections meanwhile.
  let contactIds: string[] = [];
  let pageIds: string[] = [];
  let dueAt: number[] = [];
  let skipped = 0;
  const keep: MemberVisitor = (row, _decision, timing) => {
    if (timing.kind !== 'due') {
      skipped++;
      return;
    }
    contactIds.push(row.id);
    pageIds.push(row.page_id);
    dueAt.push(timing.at);
  };
  for await (const cursor of walkChunks(database, ctx, { after: expected, chunk, decisions: false }, keep)) {
    const outcome = await inTransaction(database, async (tx) => {
      const current = await getBroadcastForUpdate(tx, broadcastId);
      if (current?.status !== 'sending') return 'stopped' as const;
      // Another fan-out of the same broadcast moved on (two resumers): let it continue alone.
      if (current.fanOutCursor !== expected) return 'stopped' as const;
      const at = now();
      const { inserted } = await outbox.enqueueOutbox(
        tx,
        contactIds.map((contactId, i) => ({
          workspaceId: broadcast.workspaceId,
          pageId: pageIds[i]!,
          contactId,
          origin: 'broadcast' as const,
          originId: broadcast.id,
          idempotencyKey: idempotencyKey(broadcast.id, contactId),
          content,
          // The schedule's moment for this person: the row waits in the outbox until then.
          runAt: Math.max(dueAt[i]!, at),
          now: at,
        })),
      );
      await advanceFanOut(tx, broadcastId, cursor, inserted.length, at, skipped);
      return inserted.length;
    });
    if (outcome === 'stopped') return 'stopped';
    expected = cursor;
    onChunk?.(outcome);
    contactIds = [];
    pageIds = [];
    dueAt = [];
    skipped = 0;
  }
  const last = await getBroadcast(database, broadcastId);
  if (last?.status !== 'sending' || last.fanOutCursor !== expected) return 'stopped';
  await finishFanOut(database, broadcastId, now());
  return 'done';
}
