/**
 * The audit log: one entry per policy decision (and the Graph outcome of the send it allowed),
 * so every message can be explained and proven afterwards. Append-only, except that the Graph
 * outcome is filled in once, after the send.
 */
import { inTransaction, type Queryable } from './db.ts';
import { fromIntBool, fromJson, type JsonValue, toIntBool, toJson } from './dialect.ts';
import { newId } from './ids.ts';
import { insertRows } from './insert-rows.ts';
import type { AuditLogTable } from './schema.ts';

export interface AuditReason {
  readonly code: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

export interface NewAuditEntry {
  readonly workspaceId?: string | null;
  readonly pageId?: string | null;
  readonly contactId?: string | null;
  /** Outbox id (or another reference) of the message decided on. */
  readonly messageRef?: string | null;
  readonly at: number;
  /** Id of the rule set used, e.g. "messenger-2026-04-27". */
  readonly ruleSet: string;
  readonly route: string | null;
  readonly allowed: boolean;
  readonly reasons: readonly AuditReason[];
  /** The facts the decision was made on. */
  readonly evidence?: JsonValue;
  /** The full decision document. */
  readonly decision?: JsonValue;
  readonly graphStatus?: string | null;
  readonly graphResponse?: JsonValue;
  readonly fbtraceId?: string | null;
}

export interface AuditEntry {
  readonly id: string;
  readonly workspaceId: string | null;
  readonly pageId: string | null;
  readonly contactId: string | null;
  readonly messageRef: string | null;
  readonly at: number;
  readonly ruleSet: string;
  readonly route: string | null;
  readonly allowed: boolean;
  readonly reasons: readonly AuditReason[];
  readonly evidence: JsonValue;
  readonly decision: JsonValue;
  readonly graphStatus: string | null;
  readonly graphResponse: JsonValue;
  readonly fbtraceId: string | null;
}

function toEntry(row: AuditLogTable): AuditEntry {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    pageId: row.page_id,
    contactId: row.contact_id,
    messageRef: row.message_ref,
    at: row.at,
    ruleSet: row.rule_set,
    route: row.route,
    allowed: fromIntBool(row.allowed),
    reasons: fromJson<AuditReason[]>(row.reasons, []),
    evidence: fromJson<JsonValue>(row.evidence, null),
    decision: fromJson<JsonValue>(row.decision, null),
    graphStatus: row.graph_status,
    graphResponse: fromJson<JsonValue>(row.graph_response, null),
    fbtraceId: row.fbtrace_id,
  };
}

const optionalJson = (value: JsonValue | undefined): string | null =>
  value === undefined || value === null ? null : toJson(value);

/** Appends entries (and their reason index rows) in one transaction; returns their ids in order. */
export async function appendAuditEntries(
  database: Queryable,
  entries: readonly NewAuditEntry[],
): Promise<string[]> {
  if (entries.length === 0) return [];
  const rows: AuditLogTable[] = entries.map((e) => ({
    id: newId(e.at),
    workspace_id: e.workspaceId ?? null,
    page_id: e.pageId ?? null,
    contact_id: e.contactId ?? null,
    message_ref: e.messageRef ?? null,
    at: e.at,
    rule_set: e.ruleSet,
    route: e.route,
    allowed: toIntBool(e.allowed),
    reasons: toJson(e.reasons),
    evidence: optionalJson(e.evidence),
    decision: optionalJson(e.decision),
    graph_status: e.graphStatus ?? null,
    graph_response: optionalJson(e.graphResponse),
    fbtrace_id: e.fbtraceId ?? null,
  }));
  const reasonRows = rows.flatMap((row, i) =>
    [...new Set((entries[i]?.reasons ?? []).map((r) => r.code))].map((code) => ({
      audit_id: row.id,
      code,
      at: row.at,
    })),
  );
  await inTransaction(database, async (tx) => {
    await insertRows(tx, 'audit_log', rows);
    await insertRows(tx, 'audit_reasons', reasonRows);
  });
  return rows.map((r) => r.id);
}

/** Appends one entry; returns its id. */
export async function appendAudit(database: Queryable, entry: NewAuditEntry): Promise<string> {
  const [id] = await appendAuditEntries(database, [entry]);
  if (id === undefined) throw new Error('audit append returned no id');
  return id;
}

/** Fills in the Graph outcome of the send the entry allowed. Only once: later calls are ignored. */
export async function recordAuditOutcome(
  database: Queryable,
  id: string,
  outcome: {
    readonly graphStatus: string;
    readonly graphResponse?: JsonValue;
    readonly fbtraceId?: string | null;
  },
): Promise<boolean> {
  const result = await database.db
    .updateTable('audit_log')
    .set({
      graph_status: outcome.graphStatus,
      graph_response: optionalJson(outcome.graphResponse),
      fbtrace_id: outcome.fbtraceId ?? null,
    })
    .where('id', '=', id)
    .where('graph_status', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function getAuditEntry(database: Queryable, id: string): Promise<AuditEntry | undefined> {
  const row = await database.db.selectFrom('audit_log').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toEntry(row);
}

export interface AuditFilter {
  readonly workspaceId?: string;
  readonly pageId?: string;
  readonly contactId?: string;
  readonly messageRef?: string;
  /** Only entries carrying this reason code. */
  readonly reasonCode?: string;
  readonly allowed?: boolean;
  /** Inclusive lower bound on `at`. */
  readonly from?: number;
  /** Exclusive upper bound on `at`. */
  readonly to?: number;
}

/** Position after an entry, newest-first order. */
export interface AuditCursor {
  readonly at: number;
  readonly id: string;
}

/** Cursor as an opaque string for URLs. */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.at}:${cursor.id}`, 'utf8').toString('base64url');
}

/** Reads a cursor made by {@link encodeAuditCursor}; undefined when it is not one. */
export function decodeAuditCursor(text: string): AuditCursor | undefined {
  const match = /^(\d{1,16}):([0-9a-z]{1,64})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (match === null) return undefined;
  return { at: Number(match[1]), id: match[2] ?? '' };
}

export interface AuditPage {
  readonly items: readonly AuditEntry[];
  readonly nextCursor: AuditCursor | null;
}

/** Entries matching `filter`, newest first, keyset-paginated on (at, id). */
export async function queryAudit(
  database: Queryable,
  filter: AuditFilter,
  opts: { readonly after?: AuditCursor; readonly limit?: number } = {},
): Promise<AuditPage> {
  const { limit = 50, after } = opts;
  let query = database.db.selectFrom('audit_log').selectAll('audit_log');
  if (filter.reasonCode !== undefined) {
    query = query
      .innerJoin('audit_reasons', 'audit_reasons.audit_id', 'audit_log.id')
      .where('audit_reasons.code', '=', filter.reasonCode);
  }
  if (filter.workspaceId !== undefined)
    query = query.where('audit_log.workspace_id', '=', filter.workspaceId);
  if (filter.pageId !== undefined) query = query.where('audit_log.page_id', '=', filter.pageId);
  if (filter.contactId !== undefined) query = query.where('audit_log.contact_id', '=', filter.contactId);
  if (filter.messageRef !== undefined) query = query.where('audit_log.message_ref', '=', filter.messageRef);
  if (filter.allowed !== undefined) query = query.where('audit_log.allowed', '=', toIntBool(filter.allowed));
  if (filter.from !== undefined) query = query.where('audit_log.at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('audit_log.at', '<', filter.to);
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('audit_log.at', '<', after.at),
        eb.and([eb('audit_log.at', '=', after.at), eb('audit_log.id', '<', after.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('audit_log.at', 'desc')
    .orderBy('audit_log.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toEntry),
    nextCursor: rows.length > limit && last !== undefined ? { at: last.at, id: last.id } : null,
  };
}

/** Every matching entry, newest first, fetched page by page (constant memory). */
export async function* iterateAudit(
  database: Queryable,
  filter: AuditFilter,
  opts: { readonly batchSize?: number } = {},
): AsyncGenerator<AuditEntry> {
  const { batchSize = 500 } = opts;
  let after: AuditCursor | undefined;
  for (;;) {
    const page = await queryAudit(
      database,
      filter,
      after === undefined ? { limit: batchSize } : { after, limit: batchSize },
    );
    yield* page.items;
    if (page.nextCursor === null) return;
    after = page.nextCursor;
  }
}

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'workspace_id',
  'page_id',
  'contact_id',
  'message_ref',
  'rule_set',
  'route',
  'allowed',
  'reason_codes',
  'graph_status',
  'fbtrace_id',
  'reasons',
  'evidence',
  'decision',
  'graph_response',
] as const;

/** One CSV cell: quoted when needed, and defused when a spreadsheet would read it as a formula. */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(entry: AuditEntry): string {
  const cells: (string | number | boolean | null)[] = [
    entry.id,
    new Date(entry.at).toISOString(),
    entry.workspaceId,
    entry.pageId,
    entry.contactId,
    entry.messageRef,
    entry.ruleSet,
    entry.route,
    entry.allowed,
    entry.reasons.map((r) => r.code).join('|'),
    entry.graphStatus,
    entry.fbtraceId,
    toJson(entry.reasons),
    entry.evidence === null ? null : toJson(entry.evidence),
    entry.decision === null ? null : toJson(entry.decision),
    entry.graphResponse === null ? null : toJson(entry.graphResponse),
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** The matching entries as CSV lines (header first, CRLF endings), streamed for export. */
export async function* auditCsvLines(
  database: Queryable,
  filter: AuditFilter,
  opts: { readonly batchSize?: number } = {},
): AsyncGenerator<string> {
  yield `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
  for await (const entry of iterateAudit(database, filter, opts)) yield csvLine(entry);
}
