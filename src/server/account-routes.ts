/**
 * Accounts over HTTP: first-owner setup, login/logout, the person's own profile and sessions,
 * members, invitations and API keys of the current workspace. Secrets (session token, invitation
 * token, API key) leave exactly once, in the answer that creates them, and are never logged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import { type AccountsCode, accountsText } from '../accounts/messages.ts';
import { PASSWORD_MIN } from '../accounts/passwords.ts';
import { csrfTokenFor } from '../accounts/secrets.ts';
import {
  type AccountPolicy,
  acceptInvitation,
  changePassword,
  createFirstOwner,
  DEFAULT_POLICY,
  invite,
  issueApiKey,
  login,
  type NewSession,
  needsOwner,
  startSession,
} from '../accounts/service.ts';
import {
  bodyOf,
  type FieldProblem,
  type Parsed,
  parseEmail,
  parseLang,
  parseName,
  parsePassword,
  parseRole,
  parseText,
} from '../accounts/validate.ts';
import { accounts, type Queryable } from '../storage/index.ts';
import { SESSION_COOKIE } from './api-auth.ts';
import { authOf, type Role, requireRole, roleAtLeast } from './auth-context.ts';
import { httpError, sendError } from './errors.ts';
import { requestLang } from './lang.ts';

export interface AccountRouteDeps {
  readonly database: Queryable;
  readonly now: () => number;
  /** The workspace the first owner gets (the installation token's workspace). */
  readonly defaultWorkspaceId: string;
  /** Public base URL, for invitation links, e.g. `https://ventana.example.com`. */
  readonly publicUrl: () => string;
  readonly policy?: AccountPolicy;
  readonly logger?: Logger | FastifyBaseLogger;
}

type User = accounts.users.User;

function userView(u: User) {
  return { id: u.id, email: u.email, name: u.name, lang: u.lang };
}

function fail(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: AccountsCode,
  params: Record<string, string | number> = {},
): FastifyReply {
  return sendError(reply, httpError(status, code, accountsText(code, requestLang(req), params)));
}

function badField(req: FastifyRequest, reply: FastifyReply, p: FieldProblem): FastifyReply {
  if (p.code === 'password_too_short') return fail(req, reply, 400, p.code, { min: p.min });
  return fail(req, reply, 400, 'invalid_field', { field: p.field, ...(p.hint ? { hint: p.hint } : {}) });
}

/** Reads several fields; the first bad one answers 400 naming it. */
function parseAll<T extends Record<string, Parsed<unknown>>>(
  fields: T,
):
  | { ok: true; value: { [K in keyof T]: T[K] extends Parsed<infer V> ? V : never } }
  | { ok: false; problem: FieldProblem } {
  const out: Record<string, unknown> = {};
  for (const [k, r] of Object.entries(fields)) {
    if (!r.ok) return r;
    out[k] = r.value;
  }
  return { ok: true, value: out as { [K in keyof T]: T[K] extends Parsed<infer V> ? V : never } };
}

export function registerAccountRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
  deps: AccountRouteDeps,
): void {
  const { database, now } = deps;
  const policy = deps.policy ?? DEFAULT_POLICY;
  const log = deps.logger;

  const secureCookie = (req: FastifyRequest) =>
    req.protocol === 'https' || deps.publicUrl().startsWith('https:');
  const setSessionCookie = (req: FastifyRequest, reply: FastifyReply, token: string) =>
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(policy.sessionAbsoluteMs / 1000)}${secureCookie(req) ? '; Secure' : ''}`,
    );
  const clearSessionCookie = (req: FastifyRequest, reply: FastifyReply) =>
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secureCookie(req) ? '; Secure' : ''}`,
    );

  const workspacesOf = async (userId: string) =>
    (await accounts.users.membershipsOf(database, userId)).map((m) => ({
      id: m.workspaceId,
      name: m.workspaceName,
      role: m.role,
    }));

  /** The answer of login, setup and invitation acceptance: the cookie plus who is now logged in. */
  const loggedIn = async (req: FastifyRequest, reply: FastifyReply, user: User, s: NewSession) => {
    setSessionCookie(req, reply, s.token);
    log?.info({ userId: user.id, sessionId: s.session.id }, 'session started');
    return {
      user: userView(user),
      workspaces: await workspacesOf(user.id),
      csrfToken: csrfTokenFor(s.token),
    };
  };
  const clientOf = (req: FastifyRequest) => ({
    ip: req.ip,
    userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
  });

  /** The logged-in person, or a 403 for bearer-token callers. */
  const personOf = (req: FastifyRequest, reply: FastifyReply) => {
    if (req.accountSession) return req.accountSession;
    fail(req, reply, 403, 'session_required');
    return undefined;
  };

  // --- setup ---------------------------------------------------------------------------------

  app.get('/api/v1/setup/status', async () => ({ needsOwner: await needsOwner(database) }));

  app.post('/api/v1/setup', async (req, reply) => {
    const b = bodyOf(req.body);
    const p = parseAll({
      token: parseText(b.token, 'token', 200),
      email: parseEmail(b.email),
      name: parseName(b.name),
      password: parsePassword(b.password),
      lang: b.lang === undefined ? { ok: true, value: requestLang(req) } : parseLang(b.lang),
      workspaceName:
        b.workspaceName === undefined
          ? { ok: true, value: undefined }
          : parseName(b.workspaceName, 'workspaceName'),
    });
    if (!p.ok) return badField(req, reply, p.problem);
    const r = await createFirstOwner(database, {
      ...p.value,
      workspaceId: deps.defaultWorkspaceId,
      ...(p.value.workspaceName ? { workspaceName: p.value.workspaceName } : {}),
      now: now(),
    });
    if (!r.ok) return fail(req, reply, r.code === 'setup_token_invalid' ? 403 : 409, r.code);
    log?.info({ userId: r.user.id }, 'first owner created');
    const s = await startSession(database, { userId: r.user.id, ...clientOf(req), now: now() }, policy);
    return reply.code(201).send(await loggedIn(req, reply, r.user, s));
  });

  // --- login, me, sessions ------------------------------------------------------------------

  app.post('/api/v1/auth/login', async (req, reply) => {
    const b = bodyOf(req.body);
    if (typeof b.email !== 'string' || b.email.trim() === '')
      return fail(req, reply, 400, 'invalid_field', { field: 'email' });
    if (typeof b.password !== 'string' || b.password === '')
      return fail(req, reply, 400, 'invalid_field', { field: 'password' });
    const r = await login(
      database,
      { email: b.email, password: b.password, ...clientOf(req), now: now() },
      policy,
    );
    if (!r.ok) {
      if (r.code === 'too_many_attempts') {
        log?.warn({ ip: req.ip }, 'login throttled');
        reply.header('retry-after', String(r.retryAfterSeconds));
        return fail(req, reply, 429, r.code, { seconds: r.retryAfterSeconds });
      }
      return fail(req, reply, 401, r.code);
    }
    return loggedIn(req, reply, r.user, r);
  });

  app.get('/api/v1/auth/me', async (req, reply) => {
    const me = personOf(req, reply);
    if (!me) return reply;
    const all = await workspacesOf(me.user.id);
    const current = req.auth ? all.find((w) => w.id === req.auth!.workspaceId) : undefined;
    return {
      user: userView(me.user),
      workspace: current ? { id: current.id, name: current.name } : null,
      role: current?.role ?? null,
      workspaces: all,
      csrfToken: me.csrfToken,
    };
  });

  app.patch('/api/v1/auth/me', async (req, reply) => {
    const me = personOf(req, reply);
    if (!me) return reply;
    const b = bodyOf(req.body);
    const p = parseAll({
      name: b.name === undefined ? { ok: true, value: undefined } : parseName(b.name),
      lang: b.lang === undefined ? { ok: true, value: undefined } : parseLang(b.lang),
      password: b.password === undefined ? { ok: true, value: undefined } : parsePassword(b.password),
    });
    if (!p.ok) return badField(req, reply, p.problem);
    if (p.value.password !== undefined) {
      const r = await changePassword(database, {
        userId: me.user.id,
        current: typeof b.currentPassword === 'string' ? b.currentPassword : '',
        next: p.value.password,
        keepSessionId: me.sessionId,
        now: now(),
      });
      if (!r.ok) return fail(req, reply, 403, r.code);
      log?.info({ userId: me.user.id }, 'password changed; other sessions revoked');
    }
    await accounts.users.updateUser(database, me.user.id, {
      ...(p.value.name !== undefined ? { name: p.value.name } : {}),
      ...(p.value.lang !== undefined ? { lang: p.value.lang } : {}),
      now: now(),
    });
    const user = (await accounts.users.getUser(database, me.user.id))!;
    return { user: userView(user) };
  });

  app.post('/api/v1/auth/logout', async (req, reply) => {
    const me = personOf(req, reply);
    if (!me) return reply;
    await accounts.sessions.revokeSession(database, me.user.id, me.sessionId, now());
    clearSessionCookie(req, reply);
    return { ok: true };
  });

  app.get('/api/v1/auth/sessions', async (req, reply) => {
    const me = personOf(req, reply);
    if (!me) return reply;
    const list = await accounts.sessions.listUserSessions(database, me.user.id, now());
    return {
      items: list
        .filter((s) => s.lastSeenAt > now() - policy.sessionIdleMs)
        .map((s) => ({
          id: s.id,
          createdAt: s.createdAt,
          lastSeenAt: s.lastSeenAt,
          expiresAt: s.expiresAt,
          ip: s.ip,
          userAgent: s.userAgent,
          current: s.id === me.sessionId,
        })),
    };
  });

  app.delete<{ Params: { id: string } }>('/api/v1/auth/sessions/:id', async (req, reply) => {
    const me = personOf(req, reply);
    if (!me) return reply;
    if (!(await accounts.sessions.revokeSession(database, me.user.id, req.params.id, now())))
      return fail(req, reply, 404, 'session_not_found', { id: req.params.id });
    if (req.params.id === me.sessionId) clearSessionCookie(req, reply);
    return { ok: true };
  });

  // --- members -------------------------------------------------------------------------------

  /** May the caller give `role` (and touch someone who has `current`)? Owners alone manage owners. */
  const mayGrant = (req: FastifyRequest, reply: FastifyReply, role: Role): boolean => {
    if (roleAtLeast(authOf(req).role, role)) return true;
    fail(req, reply, 403, 'role_too_high', { role });
    return false;
  };

  app.get('/api/v1/members', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    return { items: await accounts.users.listMembers(database, authOf(req).workspaceId) };
  });

  // Changes a member's role: `{ userId, role }`. People join through invitations (or the CLI), so a
  // workspace can neither probe which emails have accounts nor pull someone in without consent.
  app.post('/api/v1/members', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const { workspaceId } = authOf(req);
    const b = bodyOf(req.body);
    if (typeof b.userId !== 'string' || b.userId === '')
      return fail(req, reply, 400, 'invalid_field', { field: 'userId' });
    const role = parseRole(b.role);
    if (!role.ok) return badField(req, reply, role.problem);
    const current = await accounts.users.roleIn(database, workspaceId, b.userId);
    if (current === undefined) return fail(req, reply, 404, 'member_not_found', { id: b.userId });
    if (!mayGrant(req, reply, role.value) || !mayGrant(req, reply, current)) return reply;
    if (
      current === 'owner' &&
      role.value !== 'owner' &&
      (await accounts.users.countOwners(database, workspaceId)) <= 1
    )
      return fail(req, reply, 409, 'last_owner');
    await accounts.users.setMembership(database, {
      workspaceId,
      userId: b.userId,
      role: role.value,
      now: now(),
    });
    log?.info({ workspaceId, userId: b.userId, role: role.value }, 'member role changed');
    const members = await accounts.users.listMembers(database, workspaceId);
    return members.find((m) => m.userId === b.userId);
  });

  app.delete<{ Params: { userId: string } }>('/api/v1/members/:userId', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const { workspaceId } = authOf(req);
    const current = await accounts.users.roleIn(database, workspaceId, req.params.userId);
    if (current === undefined) return fail(req, reply, 404, 'member_not_found', { id: req.params.userId });
    if (!mayGrant(req, reply, current)) return reply;
    if (current === 'owner' && (await accounts.users.countOwners(database, workspaceId)) <= 1)
      return fail(req, reply, 409, 'last_owner');
    await accounts.users.removeMembership(database, workspaceId, req.params.userId);
    return { ok: true };
  });

  // --- invitations ---------------------------------------------------------------------------

  const invitationView = (i: accounts.invitations.Invitation, t: number) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
    acceptedAt: i.acceptedAt,
    status:
      i.acceptedAt !== null
        ? 'accepted'
        : i.revokedAt !== null
          ? 'revoked'
          : i.expiresAt <= t
            ? 'expired'
            : 'pending',
  });

  app.get('/api/v1/invitations', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const t = now();
    return {
      items: (await accounts.invitations.listInvitations(database, authOf(req).workspaceId)).map((i) =>
        invitationView(i, t),
      ),
    };
  });

  app.post('/api/v1/invitations', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const auth = authOf(req);
    const b = bodyOf(req.body);
    const p = parseAll({ email: parseEmail(b.email), role: parseRole(b.role) });
    if (!p.ok) return badField(req, reply, p.problem);
    if (!mayGrant(req, reply, p.value.role)) return reply;
    const t = now();
    const { token, invitation } = await invite(
      database,
      {
        workspaceId: auth.workspaceId,
        email: p.value.email,
        role: p.value.role,
        invitedBy: auth.userId,
        now: t,
      },
      policy,
    );
    log?.info({ workspaceId: auth.workspaceId, invitationId: invitation.id }, 'invitation created');
    // The only time the link exists in clear: the admin passes it on by hand.
    return reply.code(201).send({
      ...invitationView(invitation, t),
      acceptUrl: `${deps.publicUrl()}/invitations/accept?token=${encodeURIComponent(token)}`,
      token,
    });
  });

  app.delete<{ Params: { id: string } }>('/api/v1/invitations/:id', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    if (
      !(await accounts.invitations.revokeInvitation(database, authOf(req).workspaceId, req.params.id, now()))
    )
      return fail(req, reply, 404, 'invitation_not_found', { id: req.params.id });
    return { ok: true };
  });

  app.post('/api/v1/invitations/accept', async (req, reply) => {
    const b = bodyOf(req.body);
    if (typeof b.token !== 'string' || b.token === '')
      return fail(req, reply, 400, 'invalid_field', { field: 'token' });
    let name: string | undefined;
    let password: string | undefined;
    if (b.name !== undefined) {
      const n = parseName(b.name);
      if (!n.ok) return badField(req, reply, n.problem);
      name = n.value;
    }
    if (b.password !== undefined) {
      if (typeof b.password !== 'string')
        return fail(req, reply, 400, 'invalid_field', { field: 'password' });
      password = b.password;
    }
    const lang = b.lang === 'es' || b.lang === 'en' ? b.lang : requestLang(req);
    const r = await acceptInvitation(database, {
      token: b.token,
      ...(name !== undefined ? { name } : {}),
      ...(password !== undefined ? { password } : {}),
      lang,
      now: now(),
    });
    if (!r.ok) {
      if (r.code === 'needs_name_and_password') {
        if (name === undefined) return fail(req, reply, 400, 'invalid_field', { field: 'name' });
        return fail(req, reply, 400, 'invalid_field', { field: 'password' });
      }
      if (r.code === 'password_too_short') return fail(req, reply, 400, r.code, { min: PASSWORD_MIN });
      return fail(
        req,
        reply,
        r.code === 'wrong_password' ? 403 : r.code === 'email_taken' ? 409 : 404,
        r.code,
      );
    }
    log?.info({ userId: r.user.id, workspaceId: r.workspaceId, created: r.created }, 'invitation accepted');
    const s = await startSession(database, { userId: r.user.id, ...clientOf(req), now: now() }, policy);
    return loggedIn(req, reply, r.user, s);
  });

  // --- API keys ------------------------------------------------------------------------------

  const keyView = (k: accounts.apiKeys.ApiKey) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    createdBy: k.createdBy,
    createdAt: k.createdAt,
    lastUsedAt: k.lastUsedAt,
    revokedAt: k.revokedAt,
  });

  app.get('/api/v1/api-keys', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    return { items: (await accounts.apiKeys.listApiKeys(database, authOf(req).workspaceId)).map(keyView) };
  });

  app.post('/api/v1/api-keys', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const auth = authOf(req);
    const b = bodyOf(req.body);
    const p = parseAll({ name: parseText(b.name, 'name', 100), role: parseRole(b.role ?? 'viewer') });
    if (!p.ok) return badField(req, reply, p.problem);
    if (!mayGrant(req, reply, p.value.role)) return reply;
    const { key, apiKey } = await issueApiKey(database, {
      workspaceId: auth.workspaceId,
      name: p.value.name,
      role: p.value.role,
      createdBy: auth.userId,
      now: now(),
    });
    log?.info(
      { workspaceId: auth.workspaceId, apiKeyId: apiKey.id, prefix: apiKey.prefix },
      'API key created',
    );
    return reply.code(201).send({ ...keyView(apiKey), key });
  });

  app.delete<{ Params: { id: string } }>('/api/v1/api-keys/:id', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    if (!(await accounts.apiKeys.revokeApiKey(database, authOf(req).workspaceId, req.params.id, now())))
      return fail(req, reply, 404, 'api_key_not_found', { id: req.params.id });
    log?.info({ apiKeyId: req.params.id }, 'API key revoked');
    return { ok: true };
  });
}
