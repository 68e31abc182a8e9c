/**
 * `/api/v1/flows`: create, list, get, update the draft, publish, versions, archive, test-run, stats,
 * and the webhook signing secret. Reading needs the viewer role, changing needs admin. The workspace
 * comes only from the request's auth context. Errors are `{ error: { code, message } }` in the
 * request's language; invalid flows answer 400 with every problem in `error.problems`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import type { FlowDocument } from '../flows/document.ts';
import { apiMessage, type FlowApiCode, type Params } from '../flows/messages.ts';
import {
  archiveFlow,
  createFlow,
  documentOf,
  flowStatsView,
  flowView,
  publishFlow,
  type ServiceContext,
  updateFlowDraft,
} from '../flows/service.ts';
import { simulateFlow, type TestRunInput } from '../flows/test-run.ts';
import type { FlowProblem } from '../flows/validate.ts';
import { SIGNATURE_HEADER, webhookSecret } from '../flows/webhook.ts';
import type { Lang, RuleBook } from '../policy/index.ts';
import { flows, type Queryable } from '../storage/index.ts';
import { authOf, requireRole } from './auth-context.ts';
import { httpError, sendError } from './errors.ts';
import { requestLang } from './lang.ts';

export interface FlowRouteDeps {
  readonly database: Queryable;
  readonly rules: RuleBook;
  readonly now: () => number;
  /** Encrypts the per-workspace webhook signing secret at rest. */
  readonly secretKey: Buffer;
}

const STATUS: Readonly<Record<FlowApiCode, number>> = {
  invalid_flow: 400,
  invalid_body: 400,
  flow_not_found: 404,
  version_not_found: 404,
  contact_not_found: 404,
  nothing_published: 409,
  flow_archived: 409,
  not_wired: 501,
};

function fail(reply: FastifyReply, lang: Lang, code: FlowApiCode, params: Params = {}): FastifyReply {
  return sendError(reply, httpError(STATUS[code], code, apiMessage(lang, code, params)));
}

function invalid(reply: FastifyReply, lang: Lang, problems: readonly FlowProblem[]): FastifyReply {
  const errors = problems.filter((p) => p.severity === 'error');
  return reply.code(400).send({
    error: {
      code: 'invalid_flow',
      message: apiMessage(lang, 'invalid_flow', { count: errors.length, first: errors[0]?.message ?? '' }),
      problems,
    },
  });
}

export function registerFlowRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
  deps: FlowRouteDeps,
): void {
  const { database, rules, now } = deps;
  const ctxOf = (req: FastifyRequest): ServiceContext => ({
    workspaceId: authOf(req).workspaceId,
    lang: requestLang(req),
    now: now(),
    rules,
  });
  const load = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const flow = await flows.getFlow(database, authOf(req).workspaceId, req.params.id);
    if (!flow) void fail(reply, requestLang(req), 'flow_not_found', { id: req.params.id });
    return flow;
  };

  app.get('/api/v1/flows', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const q = req.query as { archived?: string };
    const items = await flows.listFlows(database, authOf(req).workspaceId, {
      includeArchived: q.archived === 'true' || q.archived === '1',
    });
    return { items: items.map(flowView) };
  });

  // The secret external webhooks verify `X-Ventana-Signature` with (HMAC-SHA256 of the raw body).
  app.get('/api/v1/flows/webhook-secret', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const secret = await webhookSecret(database, deps.secretKey, authOf(req).workspaceId);
    return { secret, header: SIGNATURE_HEADER, algorithm: 'HMAC-SHA256', format: 'sha256=<hex>' };
  });

  app.post('/api/v1/flows', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const ctx = ctxOf(req);
    const r = await createFlow(database, ctx, req.body ?? null);
    if (!r.ok)
      return r.code === 'invalid_flow' ? invalid(reply, ctx.lang, r.problems) : fail(reply, ctx.lang, r.code);
    return reply.code(201).send({ ...r.flow, warnings: r.warnings });
  });

  app.get<{ Params: { id: string } }>('/api/v1/flows/:id', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const flow = await load(req, reply);
    return flow ? flowView(flow) : reply;
  });

  app.put<{ Params: { id: string } }>('/api/v1/flows/:id', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const ctx = ctxOf(req);
    const r = await updateFlowDraft(database, ctx, req.params.id, req.body ?? null);
    if (!r.ok)
      return r.code === 'invalid_flow'
        ? invalid(reply, ctx.lang, r.problems)
        : fail(reply, ctx.lang, r.code, { id: req.params.id });
    return { ...r.flow, warnings: r.warnings };
  });

  app.post<{ Params: { id: string } }>('/api/v1/flows/:id/publish', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const ctx = ctxOf(req);
    const r = await publishFlow(database, ctx, req.params.id);
    if (!r.ok)
      return r.code === 'invalid_flow'
        ? invalid(reply, ctx.lang, r.problems)
        : fail(reply, ctx.lang, r.code, { id: req.params.id });
    return { ...r.flow, version: r.version, warnings: r.warnings };
  });

  app.post<{ Params: { id: string } }>('/api/v1/flows/:id/archive', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const r = await archiveFlow(
      database,
      { workspaceId: authOf(req).workspaceId, now: now() },
      req.params.id,
    );
    if (!r.ok) return fail(reply, requestLang(req), r.code, { id: req.params.id });
    return { ...r.flow, stoppedRuns: r.stoppedRuns };
  });

  app.get<{ Params: { id: string } }>('/api/v1/flows/:id/versions', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const flow = await load(req, reply);
    if (!flow) return reply;
    const items = await flows.listVersions(database, flow.id);
    return {
      items: items.map((v) => ({
        version: v.version,
        createdAt: new Date(v.createdAt).toISOString(),
        published: v.version === flow.publishedVersion,
      })),
    };
  });

  app.get<{ Params: { id: string; version: string } }>(
    '/api/v1/flows/:id/versions/:version',
    async (req, reply) => {
      if (!requireRole(req, reply, 'viewer')) return reply;
      const flow = await load(req, reply);
      if (!flow) return reply;
      const n = Number(req.params.version);
      const doc = Number.isInteger(n) ? await documentOf(database, flow, n) : undefined;
      if (!doc) return fail(reply, requestLang(req), 'version_not_found', { version: req.params.version });
      return { flowId: flow.id, version: n, document: doc };
    },
  );

  app.post<{ Params: { id: string } }>('/api/v1/flows/:id/test-run', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const lang = requestLang(req);
    const flow = await load(req, reply);
    if (!flow) return reply;
    const body = (req.body ?? {}) as TestRunInput & { version?: unknown };
    if (typeof body !== 'object' || Array.isArray(body))
      return fail(reply, lang, 'invalid_body', {
        detail: lang === 'es' ? 'se esperaba un objeto' : 'expected an object',
      });
    if (body.inputs !== undefined && !Array.isArray(body.inputs))
      return fail(reply, lang, 'invalid_body', { detail: 'inputs' });
    const which =
      body.version === undefined || body.version === 'draft'
        ? 'draft'
        : body.version === 'published'
          ? 'published'
          : Number(body.version);
    const doc: FlowDocument | undefined =
      typeof which === 'number' && !Number.isInteger(which)
        ? undefined
        : await documentOf(database, flow, which);
    if (!doc) return fail(reply, lang, 'version_not_found', { version: String(body.version) });
    return simulateFlow(doc, body, { rules, lang, now: now() });
  });

  app.get<{ Params: { id: string } }>('/api/v1/flows/:id/stats', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const flow = await load(req, reply);
    if (!flow) return reply;
    return flowStatsView(database, flow);
  });
}
