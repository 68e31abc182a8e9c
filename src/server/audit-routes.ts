/**
 * `/api/v1/audit`: every decision with its evidence and Meta's answer, filterable by contact, message
 * (outbox id), Page, reason code, allowed and time; JSON pages (keyset cursor) or a streamed CSV.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import { audit, type Queryable } from '../storage/index.ts';
import { authOf, requireRole } from './auth-context.ts';
import { httpError, sendError } from './errors.ts';
import { requestLang } from './lang.ts';

type Query = Partial<
  Record<'contact' | 'message' | 'page' | 'reason' | 'allowed' | 'from' | 'to' | 'cursor' | 'limit', string>
>;

/** Reads the filter from the query string; a bad value names the parameter. */
export function auditFilterOf(
  workspaceId: string,
  q: Query,
): { ok: true; filter: audit.AuditFilter } | { ok: false; param: string } {
  const time = (name: 'from' | 'to'): number | undefined | null => {
    const v = q[name];
    if (v === undefined) return undefined;
    const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    return Number.isNaN(ms) ? null : ms;
  };
  const from = time('from');
  const to = time('to');
  if (from === null) return { ok: false, param: 'from' };
  if (to === null) return { ok: false, param: 'to' };
  if (q.allowed !== undefined && q.allowed !== 'true' && q.allowed !== 'false')
    return { ok: false, param: 'allowed' };
  return {
    ok: true,
    filter: {
      workspaceId,
      ...(q.contact ? { contactId: q.contact } : {}),
      ...(q.message ? { messageRef: q.message } : {}),
      ...(q.page ? { pageId: q.page } : {}),
      ...(q.reason ? { reasonCode: q.reason } : {}),
      ...(q.allowed ? { allowed: q.allowed === 'true' } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    },
  };
}

export function registerAuditRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
  deps: { readonly database: Queryable },
): void {
  const badParam = (lang: 'es' | 'en', param: string) =>
    httpError(
      400,
      'invalid_query',
      lang === 'es' ? `El parámetro «${param}» no es válido` : `The "${param}" parameter is not valid`,
    );

  app.get('/api/v1/audit', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const lang = requestLang(req);
    const q = req.query as Query;
    const parsed = auditFilterOf(authOf(req).workspaceId, q);
    if (!parsed.ok) return sendError(reply, badParam(lang, parsed.param));
    const after = q.cursor ? audit.decodeAuditCursor(q.cursor) : undefined;
    if (q.cursor && !after) return sendError(reply, badParam(lang, 'cursor'));
    const limit = q.limit ? Number(q.limit) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      return sendError(reply, badParam(lang, 'limit'));
    const page = await audit.queryAudit(deps.database, parsed.filter, { limit, ...(after ? { after } : {}) });
    return {
      items: page.items,
      nextCursor: page.nextCursor ? audit.encodeAuditCursor(page.nextCursor) : null,
    };
  });

  app.get('/api/v1/audit.csv', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const parsed = auditFilterOf(authOf(req).workspaceId, req.query as Query);
    if (!parsed.ok) return sendError(reply, badParam(requestLang(req), parsed.param));
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="ventana-audit.csv"');
    return reply.send(Readable.from(audit.auditCsvLines(deps.database, parsed.filter)));
  });
}
