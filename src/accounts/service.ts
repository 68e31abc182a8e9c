/**
 * Accounts: first owner, login (throttled), sessions, invitations and API keys. Storage in, values
 * out; the HTTP edge maps the codes to status and words.
 */
import type { Role } from '../server/auth-context.ts';
import { accounts, inTransaction, type Queryable, settings, workspaces } from '../storage/index.ts';
import { burnPasswordCheck, hashPassword, PASSWORD_MAX, PASSWORD_MIN, verifyPassword } from './passwords.ts';
import { digestToken, newApiKey, randomToken } from './secrets.ts';

const { apiKeys, invitations, sessions, throttle } = accounts;
type User = accounts.users.User;

/** Session lifetime and login throttling. Defaults in {@link DEFAULT_POLICY}. */
export interface AccountPolicy {
  /** A session unused this long ends. */
  readonly sessionIdleMs: number;
  /** A session ends this long after login whatever its use. */
  readonly sessionAbsoluteMs: number;
  /** Failed logins allowed per email within the window. */
  readonly maxFailuresPerEmail: number;
  /** Failed logins allowed per client IP within the window. */
  readonly maxFailuresPerIp: number;
  readonly throttleWindowMs: number;
  readonly invitationTtlMs: number;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const DEFAULT_POLICY: AccountPolicy = Object.freeze({
  sessionIdleMs: DAY,
  sessionAbsoluteMs: 14 * DAY,
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 30,
  throttleWindowMs: 15 * MIN,
  invitationTtlMs: 7 * DAY,
});

export const SETUP_TOKEN_SETTING = 'accounts.setup_token_hash';

export async function needsOwner(database: Queryable): Promise<boolean> {
  return (await accounts.users.countUsers(database)) === 0;
}

/** A new one-time setup token (its digest replaces any earlier one); null when an owner exists. */
export async function issueSetupToken(database: Queryable): Promise<string | null> {
  if (!(await needsOwner(database))) return null;
  const token = randomToken(24);
  await settings.setSetting(database, SETUP_TOKEN_SETTING, digestToken(token));
  return token;
}

export type CreateUserOutcome =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly code: 'email_taken' | 'setup_not_needed' | 'setup_token_invalid' };

/**
 * Creates a user and makes them a member of the workspace with the role (creating the workspace
 * when it does not exist). `password` null: the user cannot log in until one is set.
 */
export async function createMember(
  database: Queryable,
  input: {
    readonly email: string;
    readonly name: string;
    readonly password: string | null;
    readonly lang: 'es' | 'en';
    readonly role: Role;
    readonly workspaceId: string;
    readonly workspaceName?: string;
    readonly now: number;
  },
): Promise<CreateUserOutcome> {
  const passwordHash = input.password === null ? null : await hashPassword(input.password);
  return inTransaction(database, async (tx) => {
    const created = await accounts.users.createUser(tx, {
      email: input.email,
      name: input.name,
      lang: input.lang,
      passwordHash,
      now: input.now,
    });
    if (!created.ok) return created;
    const ws = await workspaces.getWorkspace(tx, input.workspaceId);
    if (!ws)
      await workspaces.createWorkspace(tx, {
        id: input.workspaceId,
        name: input.workspaceName ?? 'Ventana',
        now: input.now,
      });
    else if (input.workspaceName) await workspaces.renameWorkspace(tx, ws.id, input.workspaceName);
    await accounts.users.setMembership(tx, {
      workspaceId: input.workspaceId,
      userId: created.user.id,
      role: input.role,
      now: input.now,
    });
    return created;
  });
}

/** The first owner, with the one-time token printed at start. Only while no user exists. */
export async function createFirstOwner(
  database: Queryable,
  input: {
    readonly token: string;
    readonly email: string;
    readonly name: string;
    readonly password: string;
    readonly lang: 'es' | 'en';
    readonly workspaceId: string;
    readonly workspaceName?: string;
    readonly now: number;
  },
): Promise<CreateUserOutcome> {
  if (!(await needsOwner(database))) return { ok: false, code: 'setup_not_needed' };
  const stored = await settings.getSetting(database, SETUP_TOKEN_SETTING);
  if (stored === undefined || stored !== digestToken(input.token))
    return { ok: false, code: 'setup_token_invalid' };
  const r = await createMember(database, { ...input, role: 'owner' });
  if (r.ok) await settings.deleteSetting(database, SETUP_TOKEN_SETTING);
  // Two racing setups: the loser's email is different and the user table is no longer empty.
  return r;
}

export interface NewSession {
  readonly token: string;
  readonly session: accounts.sessions.Session;
}

export async function startSession(
  database: Queryable,
  input: {
    readonly userId: string;
    readonly ip: string | null;
    readonly userAgent: string | null;
    readonly now: number;
  },
  policy: AccountPolicy = DEFAULT_POLICY,
): Promise<NewSession> {
  const token = randomToken(32);
  const session = await sessions.createSession(database, {
    userId: input.userId,
    tokenHash: digestToken(token),
    expiresAt: input.now + policy.sessionAbsoluteMs,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
    now: input.now,
  });
  return { token, session };
}

export type LoginOutcome =
  | {
      readonly ok: true;
      readonly user: User;
      readonly token: string;
      readonly session: accounts.sessions.Session;
    }
  | { readonly ok: false; readonly code: 'invalid_credentials' }
  | { readonly ok: false; readonly code: 'too_many_attempts'; readonly retryAfterSeconds: number };

/**
 * Checks the password (argon2id) under two failure counters kept in the database: per email and
 * per client IP. While either is over its limit, no password is checked at all.
 */
export async function login(
  database: Queryable,
  input: {
    readonly email: string;
    readonly password: string;
    readonly ip: string;
    readonly userAgent: string | null;
    readonly now: number;
  },
  policy: AccountPolicy = DEFAULT_POLICY,
): Promise<LoginOutcome> {
  const { now } = input;
  const emailKey = `email:${accounts.users.emailKey(input.email)}`;
  const ipKey = `ip:${input.ip}`;
  const window = policy.throttleWindowMs;
  for (const [key, max] of [
    [emailKey, policy.maxFailuresPerEmail],
    [ipKey, policy.maxFailuresPerIp],
  ] as const) {
    const state = await throttle.getThrottle(database, key, now, window);
    if (state && state.failures >= max)
      return {
        ok: false,
        code: 'too_many_attempts',
        retryAfterSeconds: Math.max(1, Math.ceil((state.windowStartedAt + window - now) / 1000)),
      };
  }
  const user = await accounts.users.findUserByEmail(database, input.email);
  const stored = user ? await accounts.users.getPasswordHash(database, user.id) : null;
  let valid = false;
  if (stored === null) await burnPasswordCheck(input.password);
  else valid = await verifyPassword(stored, input.password);
  if (!user || !valid) {
    await throttle.recordFailure(database, emailKey, now, window);
    await throttle.recordFailure(database, ipKey, now, window);
    return { ok: false, code: 'invalid_credentials' };
  }
  await throttle.clearThrottle(database, emailKey);
  const s = await startSession(
    database,
    { userId: user.id, ip: input.ip, userAgent: input.userAgent, now },
    policy,
  );
  return { ok: true, user, ...s };
}

/** The live session and its user for a cookie value; refreshes the idle clock at most once a minute. */
export async function authenticateSession(
  database: Queryable,
  token: string,
  now: number,
  policy: AccountPolicy = DEFAULT_POLICY,
): Promise<{ readonly session: accounts.sessions.Session; readonly user: User } | undefined> {
  const session = await sessions.findLiveSession(database, digestToken(token), now, policy.sessionIdleMs);
  if (!session) return undefined;
  const user = await accounts.users.getUser(database, session.userId);
  if (!user) return undefined;
  if (now - session.lastSeenAt > MIN) await sessions.touchSession(database, session.id, now);
  return { session, user };
}

/** The active API key for a bearer value. */
export async function authenticateApiKey(
  database: Queryable,
  key: string,
  now: number,
): Promise<accounts.apiKeys.ApiKey | undefined> {
  const found = await apiKeys.findActiveKey(database, digestToken(key));
  if (found && (found.lastUsedAt === null || now - found.lastUsedAt > MIN))
    await apiKeys.markKeyUsed(database, found.id, now);
  return found;
}

export async function issueApiKey(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly name: string;
    readonly role: Role;
    readonly createdBy: string | null;
    readonly now: number;
  },
): Promise<{ readonly key: string; readonly apiKey: accounts.apiKeys.ApiKey }> {
  const { key, prefix } = newApiKey();
  const apiKey = await apiKeys.createApiKey(database, { ...input, prefix, keyHash: digestToken(key) });
  return { key, apiKey };
}

export async function invite(
  database: Queryable,
  input: {
    readonly workspaceId: string;
    readonly email: string;
    readonly role: Role;
    readonly invitedBy: string | null;
    readonly now: number;
  },
  policy: AccountPolicy = DEFAULT_POLICY,
): Promise<{ readonly token: string; readonly invitation: accounts.invitations.Invitation }> {
  const token = randomToken(32);
  const invitation = await invitations.createInvitation(database, {
    ...input,
    tokenHash: digestToken(token),
    expiresAt: input.now + policy.invitationTtlMs,
  });
  return { token, invitation };
}

export type AcceptOutcome =
  | { readonly ok: true; readonly user: User; readonly created: boolean; readonly workspaceId: string }
  | {
      readonly ok: false;
      readonly code:
        | 'invitation_invalid'
        | 'wrong_password'
        | 'needs_name_and_password'
        | 'password_too_short'
        | 'email_taken';
    };

/**
 * Accepts an invitation: a new email becomes a user (name and password required); an existing
 * user joins the workspace after proving it is them with their password.
 */
export async function acceptInvitation(
  database: Queryable,
  input: {
    readonly token: string;
    readonly name?: string;
    readonly password?: string;
    readonly lang: 'es' | 'en';
    readonly now: number;
  },
): Promise<AcceptOutcome> {
  const inv = await invitations.findPendingInvitation(database, digestToken(input.token), input.now);
  if (!inv) return { ok: false, code: 'invitation_invalid' };
  const existing = await accounts.users.findUserByEmail(database, inv.email);
  if (existing) {
    const stored = await accounts.users.getPasswordHash(database, existing.id);
    if (stored === null || input.password === undefined || !(await verifyPassword(stored, input.password)))
      return { ok: false, code: 'wrong_password' };
  } else if (input.name === undefined || input.password === undefined) {
    return { ok: false, code: 'needs_name_and_password' };
  } else if (input.password.length < PASSWORD_MIN || input.password.length > PASSWORD_MAX) {
    return { ok: false, code: 'password_too_short' };
  }
  const passwordHash = existing ? null : await hashPassword(input.password!);
  return inTransaction(database, async (tx) => {
    if (!(await invitations.markAccepted(tx, inv.id, input.now)))
      return { ok: false, code: 'invitation_invalid' };
    let user = existing;
    if (!user) {
      const created = await accounts.users.createUser(tx, {
        email: inv.email,
        name: input.name!,
        lang: input.lang,
        passwordHash,
        now: input.now,
      });
      if (!created.ok) return created;
      user = created.user;
    }
    // An invitation never lowers a role the person already has there.
    const current = await accounts.users.roleIn(tx, inv.workspaceId, user.id);
    const ranks = ['owner', 'admin', 'agent', 'viewer'];
    const role =
      current !== undefined && ranks.indexOf(current) < ranks.indexOf(inv.role) ? current : inv.role;
    await accounts.users.setMembership(tx, {
      workspaceId: inv.workspaceId,
      userId: user.id,
      role,
      now: input.now,
    });
    return { ok: true, user, created: existing === undefined, workspaceId: inv.workspaceId };
  });
}

/** Changes a user's password (after checking the current one) and ends their other sessions. */
export async function changePassword(
  database: Queryable,
  input: {
    readonly userId: string;
    readonly current: string;
    readonly next: string;
    readonly keepSessionId: string | null;
    readonly now: number;
  },
): Promise<{ readonly ok: true } | { readonly ok: false; readonly code: 'wrong_password' }> {
  const stored = await accounts.users.getPasswordHash(database, input.userId);
  if (stored !== null && !(await verifyPassword(stored, input.current)))
    return { ok: false, code: 'wrong_password' };
  await accounts.users.updateUser(database, input.userId, {
    passwordHash: await hashPassword(input.next),
    now: input.now,
  });
  await sessions.revokeOtherSessions(database, input.userId, input.keepSessionId, input.now);
  return { ok: true };
}
