/**
 * Meta's echo settles a send whose outcome was unknown. Every send carries its outbox id in the Send
 * API's `metadata`, and Meta gives that metadata back in the `message_echoes` webhook once the message
 * went out. So an echo is proof, not a guess: the row it names is 'sent' with the echo's mid, however
 * its own attempt ended (a crash between the call and its record, a timeout after the request left).
 *
 * Echoes and outcomes meet in either order:
 * - the echo is applied after the row became 'unknown': `settleUnknownByEcho`;
 * - the echo was stored while the row was still 'sending' (it often beats the Send API's answer, and
 *   always beats a timeout): whoever then marks the row 'unknown', its dispatcher or crash recovery,
 *   finds the stored echo (`settleUnknownWithStoredEcho`).
 * The echo of a send whose answer came is just the message again (same mid), ignored.
 */
import type { Queryable } from './db.ts';
import { chunkForParameters, fromJson, type JsonValue, toJson } from './dialect.ts';
import type { OutboxOrigin } from './schema.ts';

/** What an echo says about one send. */
export interface EchoOfSend {
  readonly outboxId: string;
  readonly pageId: string;
  readonly contactId: string;
  readonly mid: string | null;
  /** When Meta says the message went out (the echo's timestamp). */
  readonly at: number;
}

/** How a confirmed row's result says so, as stored JSON text (what a report counts). */
export const CONFIRMED_BY_ECHO = '"confirmedBy":"echo"';

/** The outbox row's result once an echo confirmed it; what the row said before is kept. */
function confirmedResult(echo: EchoOfSend, before: JsonValue): JsonValue {
  return { mid: echo.mid, at: echo.at, confirmedBy: 'echo', ...(before === null ? {} : { before }) };
}

/**
 * The send's decision on record (audit-before-send) gets its outcome, if it has none yet: a timeout
 * already recorded stays as it was, since the audit keeps what the Graph call itself answered.
 */
async function confirmAudit(database: Queryable, echo: EchoOfSend): Promise<void> {
  await database.db
    .updateTable('audit_log')
    .set({ graph_status: 'sent', graph_response: toJson({ confirmedBy: 'echo', mid: echo.mid }) })
    .where('message_ref', '=', echo.outboxId)
    .where('allowed', '=', 1)
    .where('graph_status', 'is', null)
    .execute();
}

/**
 * The row, still 'unknown', becomes 'sent' with the echo's mid (`before`: its stored result, kept),
 * and its decision gets its outcome. Returns whether it changed.
 */
async function markSentByEcho(
  database: Queryable,
  echo: EchoOfSend,
  before: string | null,
): Promise<boolean> {
  const result = await database.db
    .updateTable('outbox')
    .set({
      status: 'sent',
      result: toJson(confirmedResult(echo, fromJson<JsonValue>(before, null))),
      updated_at: echo.at,
    })
    .where('id', '=', echo.outboxId)
    .where('status', '=', 'unknown')
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await confirmAudit(database, echo);
  return true;
}

/**
 * An echo for a row reported 'unknown': the row becomes 'sent'. Only when the echo's Page and person
 * are the row's (metadata is a plain string another app could imitate). Returns whether it changed.
 */
export async function settleUnknownByEcho(database: Queryable, echo: EchoOfSend): Promise<boolean> {
  const row = await database.db
    .selectFrom('outbox')
    .select(['result'])
    .where('id', '=', echo.outboxId)
    .where('status', '=', 'unknown')
    .where('page_id', '=', echo.pageId)
    .where('contact_id', '=', echo.contactId)
    .executeTakeFirst();
  return row !== undefined && markSentByEcho(database, echo, row.result);
}

/**
 * Rows just recorded 'unknown' whose echo is already stored (the message row the echo wrote names
 * the outbox row) are 'sent'. The echo often comes first: Meta echoes within a second, while the
 * answer that never came takes a client timeout; and after a crash, echoes stored before it are
 * there when recovery marks the rows. Returns the settled rows' mids, by outbox id.
 */
export async function settleUnknownWithStoredEcho(
  database: Queryable,
  outboxIds: readonly string[],
): Promise<ReadonlyMap<string, string | null>> {
  const settled = new Map<string, string | null>();
  for (const ids of chunkForParameters(database, outboxIds, 1)) {
    const echoed = await database.db
      .selectFrom('outbox')
      .innerJoin('messages', (join) =>
        join.onRef('messages.outbox_id', '=', 'outbox.id').on('messages.direction', '=', 'out'),
      )
      .select([
        'outbox.id as outboxId',
        'outbox.page_id as pageId',
        'outbox.result as result',
        'messages.contact_id as contactId',
        'messages.mid as mid',
        'messages.created_at as at',
      ])
      .where('outbox.id', 'in', ids)
      .where('outbox.status', '=', 'unknown')
      .whereRef('messages.contact_id', '=', 'outbox.contact_id')
      .execute();
    // The join already checked status, Page and person, and read the row's result.
    for (const { result, ...echo } of echoed)
      if (await markSentByEcho(database, echo, result)) settled.set(echo.outboxId, echo.mid);
  }
  return settled;
}

/**
 * The operator's choice after a crash: send again the unknown sends Meta never echoed. Only rows
 * unknown since before `unknownBefore` (an echo comes within seconds; the caller leaves a margin)
 * and without a stored echo go back to the queue, to be decided again at dispatch. Meant for Pages
 * subscribed to `message_echoes` (Ventana subscribes them): without echoes, nothing is ever proved
 * sent and a resend may duplicate. Returns how many rows were queued again.
 */
export async function requeueUnconfirmed(
  database: Queryable,
  origin: OutboxOrigin,
  originId: string,
  opts: { readonly unknownBefore: number; readonly now: number },
): Promise<number> {
  const result = await database.db
    .updateTable('outbox')
    .set({ status: 'queued', next_attempt_at: opts.now, updated_at: opts.now })
    .where('origin', '=', origin)
    .where('origin_id', '=', originId)
    .where('status', '=', 'unknown')
    .where('updated_at', '<', opts.unknownBefore)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(selectFrom('messages').select('messages.id').whereRef('messages.outbox_id', '=', 'outbox.id')),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
