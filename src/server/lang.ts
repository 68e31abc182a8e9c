/** The reader's language for an HTTP request: `?lang=es|en`, else Accept-Language, else English. */
import type { FastifyRequest } from 'fastify';
import { isLang, type Lang } from '../policy/index.ts';

export function requestLang(req: Pick<FastifyRequest, 'query' | 'headers'>): Lang {
  const q = (req.query as { lang?: unknown } | undefined)?.lang;
  if (typeof q === 'string' && isLang(q)) return q;
  const header = req.headers['accept-language'];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.toLowerCase().startsWith('es') ? 'es' : 'en';
}
