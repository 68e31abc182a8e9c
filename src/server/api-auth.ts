/**
 * Who is calling the REST API. Every `/api/v1/` route needs one of:
 * - `Authorization: Bearer <installation token>`: owner of the default workspace (the CLI, scripts);
 * - `Authorization: Bearer vk_…` (an API key): its workspace, with its role;
 * - the `ventana_session` cookie of a logged-in person, the workspace picked with `x-workspace-id`
 *   (default: their first membership), and on every non-GET request `x-csrf-token` matching the session.
 * Open routes: the policy check (reads no data), setup, login and accepting an invitation.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AccountsCode, accountsText } from '../accounts/messages.ts';
import { API_KEY_PREFIX, csrfTokenFor } from '../accounts/secrets.ts';
import {
  type AccountPolicy,
  authenticateApiKey,
  authenticateSession,
  DEFAULT_POLICY,
} from '../accounts/service.ts';
import { accounts, type Queryable } from '../storage/index.ts';
import type { AuthContext } from './auth-context.ts';
import { httpError, sendError } from './errors.ts';
import { requestLang } from './lang.ts';

export const SESSION_COOKIE = 'ventana_session';

const OPEN_ROUTES = new Set([
  '/api/v1/policy/check',
  '/api/v1/setup/status',
  '/api/v1/setup',
  '/api/v1/auth/login',
  '/api/v1/invitations/accept',
]);
/** Routes about the person themselves: a session without any membership may still use them. */
const PERSONAL_PREFIX = '/api/v1/auth/';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The logged-in person behind a cookie-authenticated request (absent for bearer tokens). */
export interface SessionContext {
  readonly sessionId: string;
  readonly user: accounts.users.User;
  readonly csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    accountSession?: SessionContext;
  }
}

export interface AccountsAuthDeps {
  readonly database: Queryable;
  readonly now: () => number;
  readonly policy?: AccountPolicy;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function sameSecret(a: string, b: string): boolean {
  // Compare digests: constant time whatever the lengths.
  return timingSafeEqual(digest(a), digest(b));
}

async function fail(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: AccountsCode,
): Promise<void> {
  await sendError(reply, httpError(status, code, accountsText(code, requestLang(req))));
}

/** The session cookie's value from a `Cookie` header. */
export function sessionCookieOf(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/**
 * The onRequest hook. Without `accountsDeps` only the installation token is accepted (tests of
 * other areas, the worker process).
 */
export function apiAuthHook(
  token: () => string | null,
  workspaceId = 'default',
  accountsDeps?: AccountsAuthDeps,
) {
  const installation: AuthContext = Object.freeze({
    workspaceId,
    role: 'owner',
    userId: null,
    via: 'install_token',
  });
  const policy = accountsDeps?.policy ?? DEFAULT_POLICY;
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const path = req.url.split('?', 1)[0] ?? '';
    if (!path.startsWith('/api/v1/') || OPEN_ROUTES.has(path)) return;
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (given !== '') {
      const expected = token();
      if (expected !== null && sameSecret(given, expected)) {
        req.auth = installation;
        return;
      }
      if (accountsDeps && given.startsWith(API_KEY_PREFIX)) {
        const key = await authenticateApiKey(accountsDeps.database, given, accountsDeps.now());
        if (key) {
          req.auth = Object.freeze({
            workspaceId: key.workspaceId,
            role: key.role,
            userId: key.createdBy,
            via: 'api_key',
          });
          return;
        }
      }
      await fail(req, reply, 401, 'unauthorized');
      return;
    }

    const cookie = accountsDeps ? sessionCookieOf(req.headers.cookie) : undefined;
    const found =
      accountsDeps && cookie
        ? await authenticateSession(accountsDeps.database, cookie, accountsDeps.now(), policy)
        : undefined;
    if (!accountsDeps || !cookie || !found) {
      await fail(req, reply, 401, 'unauthorized');
      return;
    }
    const csrfToken = csrfTokenFor(cookie);
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameSecret(sent, csrfToken)) {
        await fail(req, reply, 403, 'csrf_invalid');
        return;
      }
    }
    req.accountSession = { sessionId: found.session.id, user: found.user, csrfToken };
    const memberships = await accounts.users.membershipsOf(accountsDeps.database, found.user.id);
    const wanted = req.headers['x-workspace-id'];
    const chosen =
      typeof wanted === 'string' && wanted !== ''
        ? memberships.find((m) => m.workspaceId === wanted)
        : memberships[0];
    if (chosen) {
      req.auth = Object.freeze({
        workspaceId: chosen.workspaceId,
        role: chosen.role,
        userId: found.user.id,
        via: 'session',
      });
      return;
    }
    if (path.startsWith(PERSONAL_PREFIX) && (typeof wanted !== 'string' || wanted === '')) return;
    await fail(req, reply, 403, 'not_a_member');
  };
}
