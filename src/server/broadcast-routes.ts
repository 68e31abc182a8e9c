/**
 * `/api/v1/broadcasts`: list, create, get, preflight (+ CSV per group), send, pause, resume, cancel,
 * report. Errors are `{ error: { code, message } }` in the request's language (Accept-Language or
 * `?lang=`). Sending runs the fan-out in the background; the server's outbox worker dispatches.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import { countAudience } from '../broadcasts/audience-count.ts';
import { runFanOut } from '../broadcasts/fanout.ts';
import { problemText } from '../broadcasts/messages.ts';
import { parseAudience } from '../broadcasts/model.ts';
import { isGroupFilter, preflight, preflightCsv, renderPreflight } from '../broadcasts/preflight.ts';
import { toBroadcast } from '../broadcasts/record.ts';
import { renderBroadcast, renderReport } from '../broadcasts/render.ts';
import {
  broadcastReport,
  type ControlAction,
  controlBroadcast,
  createBroadcast,
  findBroadcast,
} from '../broadcasts/service.ts';
import type { Lang, RuleBook } from '../policy/index.ts';
import { listBroadcasts, listUnfinishedFanOuts } from '../storage/broadcasts.ts';
import { links, type Queryable } from '../storage/index.ts';
import { authOf, requireRole } from './auth-context.ts';
import { httpError, sendError } from './errors.ts';
import { requestLang } from './lang.ts';

export interface BroadcastRouteDeps {
  readonly database: Queryable;
  readonly rules: RuleBook;
  readonly now: () => number;
  /** Tells the outbox worker that rows were enqueued (it also polls). Default: nothing. */
  readonly wake?: () => void;
  readonly logger?: Logger;
}

function notFound(reply: FastifyReply, lang: Lang, id: string): FastifyReply {
  return sendError(
    reply,
    httpError(404, 'broadcast_not_found', problemText('broadcast_not_found', lang, { id })),
  );
}

function atOf(req: FastifyRequest, now: number): number {
  const at = (req.query as { at?: unknown }).at;
  const parsed = typeof at === 'string' ? Date.parse(at) : Number.NaN;
  return Number.isNaN(parsed) ? now : parsed;
}

/** Registers the routes; also resumes fan-outs a restart interrupted (on `onReady`). */
export function registerBroadcastRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
  deps: BroadcastRouteDeps,
): void {
  const { database, rules, now } = deps;
  const workspaceOf = (req: FastifyRequest): string => authOf(req).workspaceId;
  const running = new Set<string>();
  const fanOut = (id: string): void => {
    if (running.has(id)) return;
    running.add(id);
    void runFanOut(database, id, { now, rules, onChunk: () => deps.wake?.() })
      .catch((err: unknown) => deps.logger?.error({ err, broadcast: id }, 'broadcast fan-out failed'))
      .finally(() => running.delete(id));
  };
  app.addHook('onReady', async () => {
    for (const id of await listUnfinishedFanOuts(database)) fanOut(id);
  });

  app.post('/api/v1/broadcasts', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const lang = requestLang(req);
    const r = await createBroadcast(database, {
      workspaceId: workspaceOf(req),
      body: req.body ?? null,
      lang,
      now: now(),
    });
    if (!r.ok) {
      const first = r.problems[0]!;
      return reply
        .code(400)
        .send({ error: { code: first.code, message: first.message, problems: r.problems } });
    }
    return reply.code(201).send(renderBroadcast(r.broadcast));
  });

  // The live size of an audience being edited: `{ audience }` → `{ count, at }`.
  app.post('/api/v1/broadcasts/audience/count', async (req, reply) => {
    const lang = requestLang(req);
    const body = (req.body ?? {}) as { audience?: unknown };
    const parsed = parseAudience(
      body !== null && typeof body === 'object' && 'audience' in body ? body.audience : body,
      lang,
    );
    if (!parsed.ok) {
      const first = parsed.problems[0]!;
      return reply
        .code(400)
        .send({ error: { code: first.code, message: first.message, problems: parsed.problems } });
    }
    const at = now();
    const count = await countAudience(database, {
      workspaceId: workspaceOf(req),
      audience: parsed.audience,
      at,
      rules,
    });
    return { count, at: new Date(at).toISOString() };
  });

  app.get('/api/v1/broadcasts', async (req) => {
    const records = await listBroadcasts(database, workspaceOf(req));
    return { items: records.map((r) => renderBroadcast(toBroadcast(r))) };
  });

  // Who clicked the broadcast's tracked links: `?cursor=<last code>&limit=` (≤ 1000).
  app.get<{ Params: { id: string }; Querystring: { cursor?: string; limit?: string } }>(
    '/api/v1/broadcasts/:id/clicks',
    async (req, reply) => {
      const b = await findBroadcast(database, req.params.id, workspaceOf(req));
      if (!b) return notFound(reply, requestLang(req), req.params.id);
      const limit = Math.min(1000, Math.max(1, Number(req.query.limit) || 500));
      const items = await links.listClickers(
        database,
        { kind: 'broadcast', id: b.id },
        { after: req.query.cursor ?? '', limit },
      );
      const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
      return {
        items: items.map((c) => ({
          ...c,
          firstClickedAt: iso(c.firstClickedAt),
          lastClickedAt: iso(c.lastClickedAt),
        })),
        nextCursor: items.length === limit ? items[items.length - 1]!.code : null,
      };
    },
  );

  app.get<{ Params: { id: string } }>('/api/v1/broadcasts/:id', async (req, reply) => {
    const b = await findBroadcast(database, req.params.id, workspaceOf(req));
    return b ? renderBroadcast(b) : notFound(reply, requestLang(req), req.params.id);
  });

  app.get<{ Params: { id: string } }>('/api/v1/broadcasts/:id/preflight', async (req, reply) => {
    const lang = requestLang(req);
    const b = await findBroadcast(database, req.params.id, workspaceOf(req));
    if (!b) return notFound(reply, lang, req.params.id);
    return renderPreflight(await preflight(database, b, atOf(req, now()), { rules }), lang);
  });

  // `/preflight/<group>.csv`, e.g. `standard_now.csv`, `refused.csv`, `refused:outside_window.csv`, `all.csv`.
  app.get<{ Params: { id: string; file: string } }>(
    '/api/v1/broadcasts/:id/preflight/:file',
    async (req, reply) => {
      const lang = requestLang(req);
      const b = await findBroadcast(database, req.params.id, workspaceOf(req));
      if (!b) return notFound(reply, lang, req.params.id);
      const group = req.params.file.replace(/\.csv$/, '');
      if (!req.params.file.endsWith('.csv') || (group !== 'all' && !isGroupFilter(group)))
        return sendError(
          reply,
          httpError(400, 'invalid_group', problemText('invalid_group', lang, { group })),
        );
      reply.type('text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="${b.id}-${group.replace(':', '-')}.csv"`);
      // Streamed chunk by chunk: the audience never sits in memory whole.
      return reply.send(Readable.from(preflightCsv(database, b, atOf(req, now()), group, { rules })));
    },
  );

  for (const action of [
    'send',
    'pause',
    'resume',
    'cancel',
    'resend-unconfirmed',
  ] as const satisfies readonly ControlAction[]) {
    app.post<{ Params: { id: string } }>(`/api/v1/broadcasts/:id/${action}`, async (req, reply) => {
      if (!requireRole(req, reply, 'admin')) return reply;
      const lang = requestLang(req);
      const r = await controlBroadcast(database, req.params.id, action, now(), workspaceOf(req), rules);
      if (!r.ok) {
        if (r.code === 'broadcast_not_found') return notFound(reply, lang, req.params.id);
        return sendError(
          reply,
          httpError(409, 'invalid_state', problemText('invalid_state', lang, { status: r.status, action })),
        );
      }
      if (action === 'send' || action === 'resume') fanOut(r.broadcast.id);
      if (action === 'resume' || action === 'resend-unconfirmed') deps.wake?.();
      return { ...renderBroadcast(r.broadcast), affected: r.affected };
    });
  }

  app.get<{ Params: { id: string } }>('/api/v1/broadcasts/:id/report', async (req, reply) => {
    const b = await findBroadcast(database, req.params.id, workspaceOf(req));
    if (!b) return notFound(reply, requestLang(req), req.params.id);
    const report = await broadcastReport(database, b.id, now());
    return report && renderReport(report);
  });
}
