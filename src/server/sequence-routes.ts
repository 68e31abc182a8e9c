/**
 * `/api/v1/sequences`: create, list, get, update (PUT replaces, PATCH merges top-level fields), activate, pause, delete, enroll, leave, stats and
 * enrollment history. The workspace comes only from the request's auth context; changing needs the
 * admin role, reading the viewer role. Errors are `{ error: { code, message } }` in es/en.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import type { Lang } from '../policy/index.ts';
import { type SequenceMessageCode, sequenceText } from '../sequences/messages.ts';
import {
  type ControlAction,
  controlSequence,
  createSequence,
  deleteSequence,
  enrollMany,
  enrollmentHistory,
  findSequence,
  leaveMany,
  listSequences,
  type SaveResult,
  sequenceStats,
  sequenceView,
  updateSequence,
} from '../sequences/service.ts';
import type { Queryable } from '../storage/index.ts';
import { authOf, requireRole } from './auth-context.ts';
import { httpError, sendError } from './errors.ts';
import { requestLang } from './lang.ts';

export interface SequenceRouteDeps {
  readonly database: Queryable;
  readonly now: () => number;
  /** Told after people were enrolled (the runner may look at once). Default: nothing. */
  readonly onEnrolled?: () => void;
}

type Params = { Params: { id: string } };

function fail(
  reply: FastifyReply,
  status: number,
  code: SequenceMessageCode,
  lang: Lang,
  params: Record<string, string | number> = {},
) {
  return sendError(reply, httpError(status, code, sequenceText(code, lang, params)));
}

function contactIdsOf(body: unknown): string[] | null {
  const ids = (body as { contactIds?: unknown } | null)?.contactIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 1000) return null;
  if (!ids.every((id): id is string => typeof id === 'string' && id.length > 0)) return null;
  return [...new Set(ids)];
}

export function registerSequenceRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
  deps: SequenceRouteDeps,
): void {
  const { database, now } = deps;

  const saved = (req: FastifyRequest, reply: FastifyReply, r: SaveResult, status: number) => {
    const lang = requestLang(req);
    if (r.ok) return reply.code(status).send(sequenceView(r.sequence, lang));
    if (r.code === 'sequence_not_found')
      return fail(reply, 404, 'sequence_not_found', lang, { id: (req.params as { id: string }).id });
    const first = r.problems[0]!;
    return reply
      .code(400)
      .send({ error: { code: first.code, message: first.message, problems: r.problems } });
  };

  app.post('/api/v1/sequences', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const r = await createSequence(database, {
      workspaceId: authOf(req).workspaceId,
      body: req.body ?? null,
      lang: requestLang(req),
      now: now(),
    });
    return saved(req, reply, r, 201);
  });

  app.get('/api/v1/sequences', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const lang = requestLang(req);
    const items = await listSequences(database, authOf(req).workspaceId);
    return { items: items.map((s) => sequenceView(s, lang)) };
  });

  app.get<Params>('/api/v1/sequences/:id', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const lang = requestLang(req);
    const s = await findSequence(database, req.params.id, authOf(req).workspaceId);
    return s ? sequenceView(s, lang) : fail(reply, 404, 'sequence_not_found', lang, { id: req.params.id });
  });

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route<Params>({
      method,
      url: '/api/v1/sequences/:id',
      handler: async (req, reply) => {
        if (!requireRole(req, reply, 'admin')) return reply;
        const r = await updateSequence(database, {
          id: req.params.id,
          workspaceId: authOf(req).workspaceId,
          body: req.body ?? null,
          lang: requestLang(req),
          now: now(),
          merge: method === 'PATCH',
        });
        return saved(req, reply, r, 200);
      },
    });
  }

  for (const action of ['activate', 'pause'] as const satisfies readonly ControlAction[]) {
    app.post<Params>(`/api/v1/sequences/:id/${action}`, async (req, reply) => {
      if (!requireRole(req, reply, 'admin')) return reply;
      const lang = requestLang(req);
      const r = await controlSequence(database, req.params.id, authOf(req).workspaceId, action, now());
      if (r.ok) return sequenceView(r.sequence, lang);
      if (r.code === 'sequence_not_found')
        return fail(reply, 404, 'sequence_not_found', lang, { id: req.params.id });
      return fail(reply, 409, 'invalid_state', lang, { status: r.status, action });
    });
  }

  app.delete<Params>('/api/v1/sequences/:id', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const deleted = await deleteSequence(database, req.params.id, authOf(req).workspaceId, now());
    if (!deleted) return fail(reply, 404, 'sequence_not_found', requestLang(req), { id: req.params.id });
    return reply.code(204).send();
  });

  app.post<Params>('/api/v1/sequences/:id/enroll', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const lang = requestLang(req);
    const workspaceId = authOf(req).workspaceId;
    const s = await findSequence(database, req.params.id, workspaceId);
    if (!s) return fail(reply, 404, 'sequence_not_found', lang, { id: req.params.id });
    const contactIds = contactIdsOf(req.body);
    if (!contactIds) return fail(reply, 400, 'invalid_contact_ids', lang);
    if (s.status !== 'active') return fail(reply, 409, 'sequence_not_active', lang, { status: s.status });
    const results = await enrollMany(database, { workspaceId, sequenceId: s.id, contactIds, now: now() });
    const enrolled = results.filter((r) => r.result.ok).length;
    if (enrolled > 0) deps.onEnrolled?.();
    return {
      enrolled,
      items: results.map(({ contactId, result }) =>
        result.ok
          ? { contactId, ok: true, enrollmentId: result.enrollmentId }
          : {
              contactId,
              ok: false,
              code: result.code,
              message: sequenceText(result.code, lang, { id: contactId, status: s.status }),
            },
      ),
    };
  });

  app.post<Params>('/api/v1/sequences/:id/leave', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const lang = requestLang(req);
    const s = await findSequence(database, req.params.id, authOf(req).workspaceId);
    if (!s) return fail(reply, 404, 'sequence_not_found', lang, { id: req.params.id });
    const contactIds = contactIdsOf(req.body);
    if (!contactIds) return fail(reply, 400, 'invalid_contact_ids', lang);
    return { left: await leaveMany(database, { sequenceId: s.id, contactIds, now: now() }) };
  });

  app.get<Params>('/api/v1/sequences/:id/stats', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const s = await findSequence(database, req.params.id, authOf(req).workspaceId);
    if (!s) return fail(reply, 404, 'sequence_not_found', requestLang(req), { id: req.params.id });
    return sequenceStats(database, s);
  });

  app.get<Params & { Querystring: { contactId?: string } }>(
    '/api/v1/sequences/:id/enrollments',
    async (req, reply) => {
      if (!requireRole(req, reply, 'viewer')) return reply;
      const s = await findSequence(database, req.params.id, authOf(req).workspaceId);
      if (!s) return fail(reply, 404, 'sequence_not_found', requestLang(req), { id: req.params.id });
      const contactId = typeof req.query.contactId === 'string' ? req.query.contactId : undefined;
      return { items: await enrollmentHistory(database, s.id, contactId) };
    },
  );
}
