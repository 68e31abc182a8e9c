/**
 * The dashboard at `/`: the files `npm run build:web` writes to `dist/web`, with a single-page-app
 * fallback (any other GET for a page answers index.html, so deep links and reloads work). The API
 * (`/api/`), Meta's webhook (`/webhooks/`) and `/health` never fall back: their 404s keep their shape.
 * Without a build, a page explains how to make one (es/en).
 */
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import { requestLang } from './lang.ts';

/**
 * `dist/web` at the root of the checkout: the nearest folder above this module with a package.json.
 * This module runs as `src/server/…` (tsx) or bundled into `dist/server/…` or `dist/run/…/` (esbuild).
 */
export const DEFAULT_WEB_ROOT = join(checkoutRoot(dirname(fileURLToPath(import.meta.url))), 'dist', 'web');

function checkoutRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '..', '..');
  }
}

const NEVER_FALLBACK = ['/api/', '/webhooks/', '/health', '/__bench/'];

/** Whether a request that matched no route should get the dashboard's index.html. */
export function wantsDashboard(req: Pick<FastifyRequest, 'method' | 'url'>): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = req.url.split('?', 1)[0] ?? '/';
  if (NEVER_FALLBACK.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) return false;
  // A missing asset (a file name with an extension) is a real 404, not a page.
  return !/\.[a-z0-9]+$/i.test(path) || path.endsWith('.html');
}

function notBuilt(req: FastifyRequest, reply: FastifyReply, root: string): FastifyReply {
  const es = requestLang(req) === 'es';
  const body = es
    ? `<!doctype html><meta charset="utf-8"><title>Ventana</title><h1>El panel no está compilado</h1><p>Ejecuta <code>npm run build:web</code> en la carpeta de Ventana y recarga esta página (se esperaba <code>${root}</code>). La API REST funciona igualmente en <code>/api/v1/</code>.</p>`
    : `<!doctype html><meta charset="utf-8"><title>Ventana</title><h1>The dashboard is not built</h1><p>Run <code>npm run build:web</code> in the Ventana folder and reload this page (expected <code>${root}</code>). The REST API works anyway at <code>/api/v1/</code>.</p>`;
  return reply.code(503).type('text/html; charset=utf-8').send(body);
}

/**
 * Serves the built dashboard. Returns the fallback for the app's not-found handler to call first:
 * it answers (and returns the reply) when the request is for a dashboard page, else returns null.
 */
export function registerWebDashboard<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
  { root = DEFAULT_WEB_ROOT }: { readonly root?: string } = {},
): (req: FastifyRequest, reply: FastifyReply) => FastifyReply | null {
  const built = existsSync(join(root, 'index.html'));
  if (built) {
    app.register(fastifyStatic, {
      root,
      prefix: '/',
      // Only files under /assets/ are content-hashed: cache those for a year, never index.html.
      setHeaders: (reply, path) => {
        reply.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  return (req, reply) => {
    if (!wantsDashboard(req)) return null;
    if (!built) return notBuilt(req, reply, root);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html');
  };
}
