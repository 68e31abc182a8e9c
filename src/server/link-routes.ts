/**
 * `GET /r/:code`: the public redirect behind tracked links (no authentication: people click it from
 * Messenger). A click is counted on the link (total, first, last) and answered with a 302 to the
 * original URL. Robots are redirected but not counted: HEAD requests, prefetches (`Purpose:
 * prefetch`, `Sec-Purpose`) and link-preview crawlers (Messenger fetches every link it shows).
 * An unknown code is a 404 page in the reader's language.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import { CODE_PATTERN } from '../links/code.ts';
import { notFoundPage } from '../links/messages.ts';
import { links, type Queryable } from '../storage/index.ts';
import { requestLang } from './lang.ts';

export interface LinkRouteDeps {
  readonly database: Queryable;
  readonly now: () => number;
}

/** Link-preview fetchers and crawlers: they follow the link, nobody clicked it. */
const ROBOT_AGENTS =
  /facebookexternalhit|facebot|meta-externalagent|whatsapp|twitterbot|slackbot|telegrambot|discordbot|linkedinbot|skypeuripreview|googlebot|bingbot|applebot|bot\b|crawler|spider|preview/i;

/** Whether this request is a person's click (what counts) rather than a robot or a prefetch. */
export function isHumanClick(req: Pick<FastifyRequest, 'method' | 'headers'>): boolean {
  if (req.method !== 'GET') return false;
  const h = req.headers;
  const purpose = `${h.purpose ?? ''} ${h['sec-purpose'] ?? ''} ${h['x-purpose'] ?? ''} ${h['x-moz'] ?? ''}`;
  if (/prefetch|preview|prerender/i.test(purpose)) return false;
  const agent = h['user-agent'] ?? '';
  return !ROBOT_AGENTS.test(agent);
}

export function registerLinkRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
  { database, now }: LinkRouteDeps,
): void {
  // Fastify answers HEAD through this GET handler (exposeHeadRoutes): it is never counted.
  app.get<{ Params: { code: string } }>('/r/:code', async (req, reply) => {
    const { code } = req.params;
    const link = !CODE_PATTERN.test(code)
      ? undefined
      : isHumanClick(req)
        ? await links.recordClick(database, code, now())
        : await links.getLink(database, code);
    reply.header('cache-control', 'no-store, private');
    reply.header('x-robots-tag', 'noindex, nofollow');
    if (!link) {
      const lang = requestLang(req);
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .header('content-language', lang)
        .send(notFoundPage(lang));
    }
    // The code identifies the person: it must not reach the destination in a Referer header.
    reply.header('referrer-policy', 'no-referrer');
    return reply.redirect(link.url, 302);
  });
}
