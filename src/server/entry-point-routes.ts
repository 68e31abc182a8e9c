/**
 * `/api/v1/entry-points`: CRUD (admin to change, viewer to read), the QR code (`/qr.png`,
 * `/qr.svg`, `?size=&margin=`), the website button (`/snippet`) and per-day statistics (`/stats`);
 * plus the public landing page `GET /l/:slug`. Every answer about an entry point carries its m.me URL.
 * Errors are `{ error: { code, message, field } }` in the request's language.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import { landingPage } from '../entry/landing.ts';
import { type EntryMessageCode, entryText } from '../entry/messages.ts';
import { entryMmeUrl, type Problem, parseEntryPoint, toView } from '../entry/model.ts';
import { QR_MARGIN, QR_SIZE, qrPng, qrSvg } from '../entry/qr.ts';
import { buttonSnippet } from '../entry/snippet.ts';
import type { Lang } from '../policy/index.ts';
import type { EntryPoint, EntryPointData } from '../storage/entry-points.ts';
import { entryPoints, pages, type Queryable } from '../storage/index.ts';
import { authOf, requireRole } from './auth-context.ts';
import { requestLang } from './lang.ts';

export interface EntryPointRouteDeps {
  readonly database: Queryable;
  readonly now: () => number;
  /** Public base URL of this installation (landing-page links); default: the request's own origin. */
  readonly publicUrl?: string;
}

type Params = { id: string };
const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function fail(
  reply: FastifyReply,
  status: number,
  lang: Lang,
  code: EntryMessageCode,
  field: string | null,
  params: Record<string, string | number> = {},
): FastifyReply {
  const message = entryText(code, lang, { field: field ?? '', ...params });
  return reply.code(status).send({ error: { code, message, ...(field ? { field } : {}) } });
}

function invalid(reply: FastifyReply, problems: readonly Problem[]): FastifyReply {
  const first = problems[0]!;
  return reply
    .code(400)
    .send({ error: { code: first.code, message: first.message, field: first.field, problems } });
}

/** A query number within bounds, the default when absent, or null when invalid. */
function boundedInt(value: unknown, bounds: { min: number; max: number; default: number }): number | null {
  if (value === undefined || value === '') return bounds.default;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= bounds.min && n <= bounds.max ? n : null;
}

function dayParam(value: unknown): string | null | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return null;
  if (DAY.test(value)) return Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? null : value;
  // A full ISO 8601 instant is accepted too (its UTC day counts); nothing looser.
  const t = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(t) ? null : entryPoints.dayOf(t);
}

export function registerEntryPointRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
  deps: EntryPointRouteDeps,
): void {
  const { database, now } = deps;
  const baseUrl = (req: FastifyRequest) =>
    deps.publicUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.host}`;

  /** The entry point of the caller's workspace, or a 404 already sent. */
  async function load(
    req: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
  ): Promise<EntryPoint | null> {
    const ep = await entryPoints.getEntryPoint(database, authOf(req).workspaceId, req.params.id);
    if (!ep) fail(reply, 404, requestLang(req), 'entry_point_not_found', null, { value: req.params.id });
    return ep ?? null;
  }

  /** Checks the Page and stores; answers the problem when something is wrong. */
  async function save(
    req: FastifyRequest,
    reply: FastifyReply,
    data: EntryPointData,
    id: string | null,
  ): Promise<EntryPoint | null> {
    const lang = requestLang(req);
    const workspaceId = authOf(req).workspaceId;
    const page = await pages.getPage(database, data.pageId);
    if (!page || page.workspaceId !== workspaceId) {
      fail(reply, 400, lang, 'page_unknown', 'pageId', { value: data.pageId });
      return null;
    }
    const r =
      id === null
        ? await entryPoints.createEntryPoint(database, { ...data, workspaceId, now: now() })
        : await entryPoints.updateEntryPoint(database, { ...data, id, workspaceId, now: now() });
    if (r.ok) return r.entryPoint;
    if (r.code === 'not_found') fail(reply, 404, lang, 'entry_point_not_found', null, { value: id ?? '' });
    else {
      const field = r.code === 'ref_taken' ? 'ref' : 'slug';
      fail(reply, 409, lang, r.code, field, { value: (r.code === 'ref_taken' ? data.ref : data.slug) ?? '' });
    }
    return null;
  }

  app.get('/api/v1/entry-points', async (req) => {
    const q = req.query as { pageId?: string; kind?: string };
    const kind = q.kind === 'link' || q.kind === 'comment' || q.kind === 'ad' ? q.kind : undefined;
    const items = await entryPoints.listEntryPoints(database, {
      workspaceId: authOf(req).workspaceId,
      ...(q.pageId ? { pageId: q.pageId } : {}),
      ...(kind ? { kind } : {}),
    });
    return { items: items.map((ep) => toView(ep, baseUrl(req))) };
  });

  app.post('/api/v1/entry-points', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const parsed = parseEntryPoint(req.body ?? null, requestLang(req));
    if (!parsed.ok) return invalid(reply, parsed.problems);
    const ep = await save(req, reply, parsed.data, null);
    return ep ? reply.code(201).send(toView(ep, baseUrl(req))) : reply;
  });

  app.get<{ Params: Params }>('/api/v1/entry-points/:id', async (req, reply) => {
    const ep = await load(req, reply);
    return ep ? toView(ep, baseUrl(req)) : reply;
  });

  const update = async (req: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const current = await load(req, reply);
    if (!current) return reply;
    const body = req.body ?? null;
    // The kind is fixed at creation: its settings and statistics would no longer mean the same.
    if (
      body !== null &&
      typeof body === 'object' &&
      'kind' in body &&
      (body as { kind: unknown }).kind !== current.kind
    )
      return fail(reply, 400, requestLang(req), 'invalid_value', 'kind');
    const parsed = parseEntryPoint(body, requestLang(req), current);
    if (!parsed.ok) return invalid(reply, parsed.problems);
    const ep = await save(req, reply, parsed.data, current.id);
    return ep ? toView(ep, baseUrl(req)) : reply;
  };
  app.patch<{ Params: Params }>('/api/v1/entry-points/:id', update);
  app.put<{ Params: Params }>('/api/v1/entry-points/:id', update);

  app.delete<{ Params: Params }>('/api/v1/entry-points/:id', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const deleted = await entryPoints.deleteEntryPoint(database, authOf(req).workspaceId, req.params.id);
    if (!deleted)
      return fail(reply, 404, requestLang(req), 'entry_point_not_found', null, { value: req.params.id });
    return reply.code(204).send();
  });

  for (const format of ['png', 'svg'] as const) {
    app.get<{ Params: Params }>(`/api/v1/entry-points/:id/qr.${format}`, async (req, reply) => {
      const lang = requestLang(req);
      const ep = await load(req, reply);
      if (!ep) return reply;
      if (ep.kind === 'comment') return fail(reply, 409, lang, 'no_link', null);
      const q = req.query as { size?: unknown; margin?: unknown };
      const size = boundedInt(q.size, QR_SIZE);
      if (size === null) return fail(reply, 400, lang, 'invalid_qr_size', 'size');
      const margin = boundedInt(q.margin, QR_MARGIN);
      if (margin === null) return fail(reply, 400, lang, 'invalid_qr_margin', 'margin');
      const url = entryMmeUrl(ep);
      const name = `${ep.slug ?? ep.ref ?? ep.id}.${format}`;
      reply.header('content-disposition', `inline; filename="${name.replace(/[^A-Za-z0-9_.=-]/g, '_')}"`);
      if (format === 'png') return reply.type('image/png').send(await qrPng(url, { size, margin }));
      return reply.type('image/svg+xml; charset=utf-8').send(await qrSvg(url, { size, margin }));
    });
  }

  app.get<{ Params: Params }>('/api/v1/entry-points/:id/snippet', async (req, reply) => {
    const lang = requestLang(req);
    const ep = await load(req, reply);
    if (!ep) return reply;
    if (ep.kind === 'comment') return fail(reply, 409, lang, 'no_link', null);
    const snippetLang = ep.language ?? lang;
    const landing = (ep.config.landing ?? {}) as { button?: string };
    const url = entryMmeUrl(ep);
    return {
      entryPointId: ep.id,
      mmeUrl: url,
      lang: snippetLang,
      snippet: buttonSnippet({ url, lang: snippetLang, label: landing.button ?? null, id: ep.id }),
    };
  });

  app.get<{ Params: Params }>('/api/v1/entry-points/:id/stats', async (req, reply) => {
    const lang = requestLang(req);
    const ep = await load(req, reply);
    if (!ep) return reply;
    const q = req.query as { from?: unknown; to?: unknown };
    // Default: the 30 days up to today (UTC).
    const toParam = dayParam(q.to);
    if (toParam === null) return fail(reply, 400, lang, 'invalid_date', 'to');
    const to = toParam ?? entryPoints.dayOf(now());
    const fromParam = dayParam(q.from);
    if (fromParam === null) return fail(reply, 400, lang, 'invalid_date', 'from');
    const from = fromParam ?? entryPoints.dayOf(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS);
    const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;
    if (span < 0 || span > 365) return fail(reply, 400, lang, 'invalid_range', 'from');
    const stats = await entryPoints.entryPointStats(database, ep.id, { from, to });
    return { entryPointId: ep.id, mmeUrl: entryMmeUrl(ep), from, to, ...stats };
  });

  // Public: the hosted landing page. Unknown or inactive slugs get a plain 404 page.
  app.get<{ Params: { slug: string } }>('/l/:slug', async (req, reply) => {
    const ep = await entryPoints.getEntryPointBySlug(database, req.params.slug);
    const lang = ep?.language ?? requestLang(req);
    if (!ep || ep.kind === 'comment') {
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><html lang="${lang}"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>404</title><p>${lang === 'es' ? 'Esta página no existe.' : 'This page does not exist.'}</p></html>`,
        );
    }
    const page = await pages.getPage(database, ep.pageId);
    const landing = (ep.config.landing ?? {}) as { title?: string; text?: string; button?: string };
    reply.header('cache-control', 'public, max-age=300');
    // The page needs nothing from anywhere: forbid everything but its own inline styles.
    reply.header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-language', lang);
    return reply.type('text/html; charset=utf-8').send(
      landingPage({
        lang,
        pageName: page?.name ?? ep.name,
        url: entryMmeUrl(ep),
        title: landing.title ?? null,
        text: landing.text ?? null,
        button: landing.button ?? null,
        qrSvg: await qrSvg(entryMmeUrl(ep), { size: 180, margin: 1 }),
      }),
    );
  });
}
