/**
 * The REST API is for the Page's team only: every `/api/v1/` route needs `Authorization: Bearer
 * <token>` except the policy check, which reads no data. (Users, roles and hashed API keys come with
 * accounts; until then one token per installation, generated at first start.)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from './auth-context.ts';
import { httpError, sendError } from './errors.ts';

const OPEN_ROUTES = new Set(['/api/v1/policy/check']);

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The installation token acts as the owner of the default workspace. */
export function apiAuthHook(token: () => string | null, workspaceId = 'default') {
  const installation: AuthContext = Object.freeze({
    workspaceId,
    role: 'owner',
    userId: null,
    via: 'install_token',
  });
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const path = req.url.split('?', 1)[0] ?? '';
    if (!path.startsWith('/api/v1/') || OPEN_ROUTES.has(path)) return;
    const expected = token();
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    // Compare digests: constant time whatever the lengths.
    if (expected !== null && given !== '' && timingSafeEqual(digest(given), digest(expected))) {
      req.auth = installation;
      return;
    }
    const es = (req.headers['accept-language'] ?? '').toLowerCase().startsWith('es');
    await sendError(
      reply,
      httpError(
        401,
        'unauthorized',
        es
          ? 'Falta el token de la API o no es válido (Authorization: Bearer …)'
          : 'Missing or invalid API token (Authorization: Bearer …)',
      ),
    );
  };
}
