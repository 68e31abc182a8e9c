/**
 * Growth endpoints: a Page's Messenger profile (`/api/v1/pages/:id/messenger-profile`, `/apply`,
 * `/status`), its marketing setup and subscribers (`/api/v1/pages/:id/marketing…`), and utility
 * templates (`/api/v1/templates…`). The workspace comes only from `authOf(req)`; reading needs the
 * viewer role, sending an opt-in request or a template needs agent, changing setup needs admin.
 * Errors are `{ error: { code, message } }` in the request's language, plus `problems` (per field) or
 * `signals` (why a template reads as marketing) where they help.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import type { GraphClient } from '../graph/client.ts';
import { configureMarketing, type MarketingDeps, requestOptin } from '../growth/marketing-service.ts';
import {
  type FieldProblem,
  type GrowthCode,
  type GrowthParams,
  growthText,
  problemsText,
  signalsText,
} from '../growth/messages.ts';
import { parseProfile } from '../growth/profile-model.ts';
import { checkProfile, type ProfileDeps, profileView, queueProfileApply } from '../growth/profile-service.ts';
import type { TemplateDefinition } from '../growth/template-model.ts';
import {
  cloneTemplate,
  createTemplate,
  removeTemplate,
  sendTemplate,
  statusOf,
  submitTemplate,
  type TemplateDeps,
  type TemplateFailure,
} from '../growth/template-service.ts';
import type { Lang } from '../policy/index.ts';
import type { JobQueue } from '../queue/index.ts';
import { type Database, growth, pages } from '../storage/index.ts';
import { authOf, requireRole } from './auth-context.ts';
import { requestLang } from './lang.ts';

export interface GrowthRouteDeps {
  readonly database: Database;
  readonly secretKey: Buffer;
  readonly now: () => number;
  /** Late-bound: null until the workers (and the demo simulator) are up. */
  readonly graph: () => GraphClient | null;
  readonly queue: () => JobQueue | null;
  /** Tells the outbox worker rows were enqueued (it also polls). */
  readonly wake?: () => void;
}

type Params = { id: string };

function fail(
  reply: FastifyReply,
  lang: Lang,
  status: number,
  code: GrowthCode | 'not_ready' | 'contact_not_found',
  params: GrowthParams = {},
  extra: Record<string, unknown> = {},
): FastifyReply {
  const message =
    code === 'not_ready'
      ? lang === 'es'
        ? 'El servidor aún está arrancando; inténtalo en unos segundos.'
        : 'The server is still starting; try again in a few seconds.'
      : code === 'contact_not_found'
        ? lang === 'es'
          ? `No existe el contacto ${params.id ?? ''} en esta Página.`
          : `There is no contact ${params.id ?? ''} on this Page.`
        : growthText(lang, code, params);
  return reply.code(status).send({ error: { code, message, ...extra } });
}

function sendInvalid(reply: FastifyReply, lang: Lang, problems: readonly FieldProblem[]): FastifyReply {
  return reply.code(400).send({
    error: {
      code: 'invalid_input',
      message: problemsText(lang, problems),
      problems: problems.map((p) => ({
        field: p.field,
        code: p.code,
        message: growthText(lang, p.code, { field: p.field, ...p.params }),
      })),
    },
  });
}

async function ownPage(deps: GrowthRouteDeps, req: FastifyRequest<{ Params: Params }>) {
  const page = await pages.getPage(deps.database, req.params.id);
  return page && page.workspaceId === authOf(req).workspaceId ? page : undefined;
}

function templateFailure(
  reply: FastifyReply,
  lang: Lang,
  f: TemplateFailure | { ok: false; code: 'contact_not_found' },
  id = '',
) {
  switch (f.code) {
    case 'invalid':
      return sendInvalid(reply, lang, f.problems);
    case 'template_marketing_content':
      return fail(
        reply,
        lang,
        422,
        f.code,
        { signals: signalsText(lang, f.signals) },
        {
          signals: f.signals.map((s) => ({ kind: s.kind, text: s.text })),
        },
      );
    case 'template_forbidden_content':
      return fail(reply, lang, 422, f.code, { text: f.text });
    case 'page_not_found':
      return fail(reply, lang, 404, f.code, { id });
    case 'template_not_found':
      return fail(reply, lang, 404, f.code, { id });
    case 'contact_not_found':
      return fail(reply, lang, 404, f.code, { id });
    case 'page_token_missing':
      return fail(reply, lang, 409, f.code, { id });
    case 'not_ready':
      return fail(reply, lang, 503, f.code);
    case 'template_exists':
      return fail(reply, lang, 409, f.code, { name: f.name, language: f.language });
    case 'template_not_submittable':
      return fail(reply, lang, 409, f.code, { name: f.name, status: f.status });
    case 'library_template_not_found':
      return fail(reply, lang, 404, f.code, { name: f.name, language: f.language });
    case 'graph_failed':
      return fail(reply, lang, 502, f.code, { message: f.message });
    default: {
      const never: never = f;
      throw new Error(`unhandled template failure ${JSON.stringify(never)}`);
    }
  }
}

/** The API's view of a stored template. */
export function templateView(t: growth.TemplateRecord) {
  const d = t.definition as TemplateDefinition;
  return {
    id: t.id,
    pageId: t.pageId,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    rejectedReason: t.rejectedReason,
    metaId: t.metaId,
    source: d.kind,
    body: d.body ?? null,
    parameterFormat: d.kind === 'authored' ? d.parameterFormat : 'POSITIONAL',
    parameters: d.kind === 'authored' ? d.parameters : [],
    examples: d.kind === 'authored' ? d.examples : [],
    buttons: d.kind === 'authored' ? d.buttons : [],
    libraryTemplateName: d.kind === 'library' ? d.libraryTemplateName : null,
    submittedAt: t.submittedAt,
    statusAt: t.statusAt,
    createdAt: t.createdAt,
  };
}

function marketingView(c: growth.MarketingConfig, now: number) {
  const warmUntil = c.campaignCreatedAt === null ? null : c.campaignCreatedAt + 3_600_000;
  return {
    pageId: c.pageId,
    adAccountId: c.adAccountId,
    campaignId: c.campaignId,
    campaignName: c.campaignName,
    campaignReadyAt: warmUntil,
    campaignReady: c.campaignId !== null && (warmUntil === null || now >= warmUntil),
    dailyBudgetCents: c.dailyBudgetCents,
    minConversationGapSeconds: c.minGapSeconds,
    hasSystemUserToken: c.hasSystemToken,
  };
}

export function registerGrowthRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
  deps: GrowthRouteDeps,
): void {
  const profileDeps: ProfileDeps = deps;
  const templateDeps: TemplateDeps = deps;
  const marketingDeps: MarketingDeps = deps;

  // --- Messenger profile ---------------------------------------------------------------------

  app.get<{ Params: Params }>('/api/v1/pages/:id/messenger-profile', async (req, reply) => {
    const lang = requestLang(req);
    if (!(await ownPage(deps, req))) return fail(reply, lang, 404, 'page_not_found', { id: req.params.id });
    const record = await growth.getProfile(deps.database, req.params.id);
    if (!record) return fail(reply, lang, 404, 'profile_not_found', { id: req.params.id });
    return profileView(record);
  });

  app.put<{ Params: Params }>('/api/v1/pages/:id/messenger-profile', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const lang = requestLang(req);
    if (!(await ownPage(deps, req))) return fail(reply, lang, 404, 'page_not_found', { id: req.params.id });
    const parsed = parseProfile(req.body);
    if (!parsed.ok) return sendInvalid(reply, lang, parsed.problems);
    const saved = await growth.saveDesiredProfile(deps.database, {
      pageId: req.params.id,
      workspaceId: authOf(req).workspaceId,
      desired: parsed.profile,
      now: deps.now(),
    });
    return profileView(saved);
  });

  app.post<{ Params: Params }>('/api/v1/pages/:id/messenger-profile/apply', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const lang = requestLang(req);
    if (!(await ownPage(deps, req))) return fail(reply, lang, 404, 'page_not_found', { id: req.params.id });
    const r = await queueProfileApply(profileDeps, req.params.id);
    if (!r.ok) {
      return r.code === 'not_ready'
        ? fail(reply, lang, 503, 'not_ready')
        : fail(reply, lang, 404, 'profile_not_found', { id: req.params.id });
    }
    const record = await growth.getProfile(deps.database, req.params.id);
    return reply.code(202).send({ jobId: r.jobId, ...profileView(record!) });
  });

  app.get<{ Params: Params; Querystring: { live?: string } }>(
    '/api/v1/pages/:id/messenger-profile/status',
    async (req, reply) => {
      const lang = requestLang(req);
      if (!(await ownPage(deps, req))) return fail(reply, lang, 404, 'page_not_found', { id: req.params.id });
      if (!(await growth.getProfile(deps.database, req.params.id)))
        return fail(reply, lang, 404, 'profile_not_found', { id: req.params.id });
      // A live read-back: what Meta shows now, compared with the desired state (`?live=false`: the
      // last recorded check only, for dashboards that poll).
      if (req.query.live === 'false')
        return profileView((await growth.getProfile(deps.database, req.params.id))!);
      const check = await checkProfile(profileDeps, req.params.id);
      const record = await growth.getProfile(deps.database, req.params.id);
      return {
        ...profileView(record!),
        check: check.ok
          ? { ok: true, observed: check.observed }
          : { ok: false, code: check.code, ...(check.message && { message: check.message }) },
      };
    },
  );

  // --- Marketing setup and subscribers -----------------------------------------------------------

  app.get<{ Params: Params }>('/api/v1/pages/:id/marketing', async (req, reply) => {
    const lang = requestLang(req);
    if (!(await ownPage(deps, req))) return fail(reply, lang, 404, 'page_not_found', { id: req.params.id });
    const config = await growth.getMarketingConfig(deps.database, req.params.id);
    if (!config) return fail(reply, lang, 404, 'marketing_not_configured', { id: req.params.id });
    return marketingView(config, deps.now());
  });

  app.put<{ Params: Params }>('/api/v1/pages/:id/marketing', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const lang = requestLang(req);
    const r = await configureMarketing(marketingDeps, authOf(req).workspaceId, req.params.id, req.body);
    if (r.ok) return { ...marketingView(r.config, deps.now()), campaignCreated: r.campaignCreated };
    switch (r.code) {
      case 'invalid':
        return sendInvalid(reply, lang, r.problems);
      case 'page_not_found':
        return fail(reply, lang, 404, r.code, { id: req.params.id });
      case 'page_token_missing':
        return fail(reply, lang, 409, r.code, { id: req.params.id });
      case 'not_ready':
        return fail(reply, lang, 503, r.code);
      case 'campaign_create_failed':
        return fail(reply, lang, 502, r.code, { message: r.message });
      default: {
        const never: never = r;
        throw new Error(`unhandled ${JSON.stringify(never)}`);
      }
    }
  });

  app.get<{ Params: Params; Querystring: { limit?: string; cursor?: string } }>(
    '/api/v1/pages/:id/marketing/subscribers',
    async (req, reply) => {
      const lang = requestLang(req);
      if (!(await ownPage(deps, req))) return fail(reply, lang, 404, 'page_not_found', { id: req.params.id });
      const workspaceId = authOf(req).workspaceId;
      const limit = Math.min(Math.max(Number(req.query.limit ?? 50) || 50, 1), 500);
      const at = deps.now();
      const counts = await growth.countSubscribers(deps.database, {
        workspaceId,
        pageId: req.params.id,
        now: at,
      });
      const items = await growth.listSubscribers(deps.database, {
        workspaceId,
        pageId: req.params.id,
        now: at,
        limit,
        ...(req.query.cursor ? { cursor: req.query.cursor } : {}),
      });
      return {
        counts,
        items,
        nextCursor: items.length === limit ? (items.at(-1)?.contactId ?? null) : null,
      };
    },
  );

  app.post<{ Params: Params }>('/api/v1/pages/:id/marketing/optin-requests', async (req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const lang = requestLang(req);
    const r = await requestOptin(marketingDeps, authOf(req).workspaceId, req.params.id, req.body);
    if (!r.ok) {
      if (r.code === 'invalid') return sendInvalid(reply, lang, r.problems);
      return fail(reply, lang, 404, r.code, { id: r.code === 'page_not_found' ? req.params.id : '' });
    }
    deps.wake?.();
    return reply.code(202).send({ outboxId: r.outboxId });
  });

  // --- Utility templates -----------------------------------------------------------------------

  app.get<{ Querystring: { pageId?: string; status?: string } }>('/api/v1/templates', async (req) => {
    const status = statusOf(req.query.status) ?? (req.query.status === 'DRAFT' ? 'DRAFT' : undefined);
    const list = await growth.listTemplates(deps.database, authOf(req).workspaceId, {
      ...(req.query.pageId ? { pageId: req.query.pageId } : {}),
      ...(status ? { status } : {}),
    });
    return { items: list.map(templateView) };
  });

  app.post('/api/v1/templates', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const lang = requestLang(req);
    const r = await createTemplate(templateDeps, authOf(req).workspaceId, req.body);
    if (!r.ok)
      return templateFailure(reply, lang, r, String((req.body as { pageId?: unknown })?.pageId ?? ''));
    return reply.code(201).send(templateView(r.template));
  });

  app.post('/api/v1/templates/clone', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const lang = requestLang(req);
    const r = await cloneTemplate(templateDeps, authOf(req).workspaceId, req.body);
    if (!r.ok)
      return templateFailure(reply, lang, r, String((req.body as { pageId?: unknown })?.pageId ?? ''));
    return reply.code(201).send(templateView(r.template));
  });

  app.get<{ Querystring: { pageId?: string; q?: string; language?: string } }>(
    '/api/v1/templates/library',
    async (req, reply) => {
      const lang = requestLang(req);
      const pageId = req.query.pageId ?? '';
      const page = await pages.getPage(deps.database, pageId);
      if (!page || page.workspaceId !== authOf(req).workspaceId)
        return fail(reply, lang, 404, 'page_not_found', { id: pageId });
      const graph = deps.graph();
      if (!graph) return fail(reply, lang, 503, 'not_ready');
      const token = (await pages.getPageSecrets(deps.database, deps.secretKey, pageId))?.accessToken;
      if (!token) return fail(reply, lang, 409, 'page_token_missing', { id: pageId });
      const r = await graph.searchTemplateLibrary(token, {
        ...(req.query.q ? { nameOrContent: req.query.q } : {}),
        ...(req.query.language ? { language: req.query.language } : {}),
      });
      if (!r.ok) return fail(reply, lang, 502, 'graph_failed', { message: r.failure.message });
      return { items: r.data };
    },
  );

  app.get<{ Params: Params }>('/api/v1/templates/:id', async (req, reply) => {
    const t = await growth.getTemplate(deps.database, authOf(req).workspaceId, req.params.id);
    if (!t) return fail(reply, requestLang(req), 404, 'template_not_found', { id: req.params.id });
    return templateView(t);
  });

  app.get<{ Params: Params }>('/api/v1/templates/:id/status', async (req, reply) => {
    const t = await growth.getTemplate(deps.database, authOf(req).workspaceId, req.params.id);
    if (!t) return fail(reply, requestLang(req), 404, 'template_not_found', { id: req.params.id });
    return {
      id: t.id,
      status: t.status,
      rejectedReason: t.rejectedReason,
      submittedAt: t.submittedAt,
      statusAt: t.statusAt,
      usable: t.status === 'APPROVED',
    };
  });

  app.post<{ Params: Params }>('/api/v1/templates/:id/submit', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const r = await submitTemplate(templateDeps, authOf(req).workspaceId, req.params.id);
    if (!r.ok) return templateFailure(reply, requestLang(req), r, req.params.id);
    return templateView(r.template);
  });

  app.post<{ Params: Params }>('/api/v1/templates/:id/send', async (req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const r = await sendTemplate(templateDeps, authOf(req).workspaceId, req.params.id, body);
    if (!r.ok) {
      const id = r.code === 'contact_not_found' ? String(body.contactId ?? '') : req.params.id;
      return templateFailure(reply, requestLang(req), r, id);
    }
    deps.wake?.();
    return reply.code(202).send({ outboxId: r.outboxId, created: r.created });
  });

  app.delete<{ Params: Params }>('/api/v1/templates/:id', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const r = await removeTemplate(templateDeps, authOf(req).workspaceId, req.params.id);
    if (!r.ok) return templateFailure(reply, requestLang(req), r, req.params.id);
    return reply.code(204).send();
  });
}
