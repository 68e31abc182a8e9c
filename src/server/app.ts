/**
 * The HTTP edge (Fastify). Meta's webhook contract (GET handshake, signed POST) plus a small API.
 * The signed POST also has a raw node:http fast path (fast-webhook.ts) used in production; both paths
 * call the same intake, so `inject()` tests and real sockets see the same behaviour.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { LogController } from 'fastify';
import type { Logger } from 'pino';
import { verifyHandshake, type WebhookIntake } from '../ingest/intake.ts';
import { preparePolicyRun } from '../services/policy-check.ts';
import { type AccountsAuthDeps, apiAuthHook } from './api-auth.ts';
import { httpError, sendError } from './errors.ts';
import { createFastWebhookHandler, WEBHOOK_PATH } from './fast-webhook.ts';
import { requestLang } from './lang.ts';
import { registerOpenApi } from './openapi.ts';
import { registerWebDashboard } from './web-dashboard.ts';

export interface AppDeps {
  readonly intake: WebhookIntake;
  readonly verifyToken: () => string | null;
  /** Verify tokens given to connected Pages, also accepted by the handshake. */
  readonly pageVerifyTokens?: () => readonly string[];
  /** Bearer token the REST API requires (null: every protected route answers 401). */
  readonly apiToken?: () => string | null;
  /** The workspace the installation token acts on. Default 'default'. */
  readonly workspaceId?: string;
  /** Sessions and API keys (absent: only the installation token is accepted). */
  readonly accounts?: AccountsAuthDeps;
  readonly bodyLimit: number;
  readonly logger: Logger | false;
  /** Answers GET /__bench/stats for the peer benchmark (off by default). */
  readonly benchStats?: boolean;
  readonly health?: () => Promise<Record<string, unknown>>;
  /** Folder of the built dashboard served at `/` (default `dist/web`); false serves none. */
  readonly webRoot?: string | false;
}

/** Fastify's own default, longer than the 60 s idle timeout of common load balancers. */
export const KEEP_ALIVE_MS = 72_000;

export function buildApp(deps: AppDeps) {
  const fast = createFastWebhookHandler({ intake: deps.intake, bodyLimit: deps.bodyLimit });
  const app = Fastify({
    ...(deps.logger === false ? { logger: false } : { loggerInstance: deps.logger }),
    bodyLimit: deps.bodyLimit,
    // One log line per request would cost more than the webhook itself; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Signed webhooks skip Fastify's routing entirely: the raw handler reads, verifies and persists.
    serverFactory: (handler) => {
      const server = createServer((req: IncomingMessage, res: ServerResponse) => {
        if (!fast.handles(req)) handler(req, res);
        else fast.handle(req, res);
      });
      // Fastify sets these only on servers it creates itself. Node's own 5 s keep-alive is shorter
      // than a proxy's or a client's idle timeout: a request sent on a connection the server is
      // closing at that moment fails (a reset, a 502 from a load balancer), and a POST is not retried.
      server.keepAliveTimeout = KEEP_ALIVE_MS;
      return server;
    },
  });

  // Before any route: the document is collected as routes are added.
  registerOpenApi(app);
  app.addHook('onRequest', apiAuthHook(deps.apiToken ?? (() => null), deps.workspaceId, deps.accounts));

  app.register(async (scope) => {
    // Raw bytes are needed for the signature: keep the body as a Buffer in this scope. The built-in
    // JSON parser must go too, or Meta's `application/json` bodies would arrive parsed (and unverifiable).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    scope.post(WEBHOOK_PATH, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = await deps.intake.handle(raw, req.headers);
      return reply
        .code(result.status)
        .type('text/plain')
        .send(result.status === 200 ? 'EVENT_RECEIVED' : result.code);
    });
  });

  app.get(WEBHOOK_PATH, async (req, reply) => {
    const query = req.query as Record<string, unknown>;
    const given = query['hub.verify_token'];
    const pageToken = deps.pageVerifyTokens?.().find((t) => t === given);
    const r = verifyHandshake(query, pageToken ?? deps.verifyToken());
    return reply.code(r.status).type('text/plain').send(r.body);
  });

  app.get('/health', async () => ({ ok: true, ...(deps.health ? await deps.health() : {}) }));

  if (deps.benchStats) {
    app.get('/__bench/stats', async () => ({ ...deps.intake.stats, events: deps.intake.stats.textMessages }));
  }

  app.post('/api/v1/policy/check', async (req, reply) => {
    const lang = requestLang(req);
    const q = req.query as { rules?: string; disable?: string; tz?: string };
    const prepared = preparePolicyRun({
      lang,
      rules: q.rules,
      disable: q.disable?.split(',').filter(Boolean) ?? [],
      timeZone: q.tz,
    });
    if (!prepared.ok)
      return sendError(reply, httpError(400, prepared.error.error.code, prepared.error.error.message));
    const result = prepared.run(JSON.stringify(req.body ?? null));
    if (!result.ok) return reply.code(400).send(result.error);
    return result.decision;
  });

  const dashboard = deps.webRoot === false ? null : registerWebDashboard(app, { root: deps.webRoot });

  app.setNotFoundHandler((req, reply) => {
    const page = dashboard?.(req, reply);
    if (page) return page;
    const lang = requestLang(req);
    return sendError(
      reply,
      httpError(404, 'not_found', lang === 'es' ? 'No existe esa ruta' : 'No such route'),
    );
  });
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const lang = requestLang(req);
    if (status === 500) req.log.error({ err: error }, 'request failed');
    const message = status === 500 ? (lang === 'es' ? 'Error interno' : 'Internal error') : error.message;
    return sendError(reply, httpError(status, error.code ?? 'error', message));
  });

  return app;
}
