/**
 * Who a REST request acts for: the workspace, the role and (for people) the user. Set by the
 * authentication hook before any `/api/v1/` handler runs; handlers read it with `authOf(req)` and
 * never take a workspace id from the request itself, so one workspace cannot reach another's data.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { httpError, sendError } from './errors.ts';
import { requestLang } from './lang.ts';

/** Ordered from most to least powerful. */
export const ROLES = ['owner', 'admin', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthContext {
  readonly workspaceId: string;
  readonly role: Role;
  /** The person behind a session or an API key; null for the installation token. */
  readonly userId: string | null;
  readonly via: 'install_token' | 'session' | 'api_key';
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}

/** True when `role` may do what `least` may (owner ⊇ admin ⊇ agent ⊇ viewer). */
export function roleAtLeast(role: Role, least: Role): boolean {
  return ROLES.indexOf(role) <= ROLES.indexOf(least);
}

/** The request's auth context; a bug (not a 401) if the hook did not run for this route. */
export function authOf(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new Error(`no auth context on ${req.method} ${req.url}: route outside /api/v1/?`);
  return req.auth;
}

/**
 * Answers 403 (in the request's language) and returns false when the caller's role is below `least`.
 * Usage: `if (!requireRole(req, reply, 'admin')) return reply;`
 */
export function requireRole(req: FastifyRequest, reply: FastifyReply, least: Role): boolean {
  if (roleAtLeast(authOf(req).role, least)) return true;
  const es = requestLang(req) === 'es';
  void sendError(
    reply,
    httpError(
      403,
      'forbidden',
      es ? `Hace falta el rol ${least} o superior` : `This needs the ${least} role or higher`,
    ),
  );
  return false;
}
