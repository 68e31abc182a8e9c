/**
 * Who is signed in. Two doors: accounts (cookie session, CONTRACTS "Auth & accounts") and the
 * installation API token (sent as Bearer; how a CLI user gets in, and the only door on a server
 * without accounts, where `/api/v1/auth/me` answers 404).
 */
import {
  type Answer,
  ApiError,
  apiToken,
  call,
  type Operations,
  setApiToken,
  setCsrfToken,
  setWorkspaceId,
  workspaceId,
} from './http.ts';

type MeAnswer = Answer<'getAuthMe'>;
export type WorkspaceRef = MeAnswer['workspaces'][number];
export type Role = WorkspaceRef['role'];
export type User = MeAnswer['user'];
export interface Me {
  readonly user: User | null;
  readonly workspace: { readonly id: string; readonly name: string };
  readonly role: Role;
  readonly workspaces: readonly WorkspaceRef[];
  readonly csrfToken: string | null;
  /** 'token': signed in with the installation API token. */
  readonly via: 'session' | 'token';
}

export type SessionState =
  | { readonly kind: 'in'; readonly me: Me }
  | { readonly kind: 'setup' }
  | { readonly kind: 'login'; readonly accounts: boolean };

function adopt(answer: MeAnswer, via: Me['via']): Me {
  setCsrfToken(answer.csrfToken ?? null);
  if (!workspaceId() || !answer.workspaces.some((w) => w.id === workspaceId()))
    setWorkspaceId(answer.workspace.id);
  // The document gives `role` as a plain string; it is always one of the workspace's memberships.
  const role = answer.workspaces.find((w) => w.id === answer.workspace.id)?.role ?? (answer.role as Role);
  return { ...answer, role, csrfToken: answer.csrfToken ?? null, via };
}

/**
 * The installation token acts as the owner of workspace 'default'. `/api/v1/auth/*` answers a bearer
 * caller 403 `session_required` (it is nobody's session), so this identity stands in for `/auth/me`.
 */
const TOKEN_IDENTITY: Me = {
  user: null,
  workspace: { id: 'default', name: 'Ventana' },
  role: 'owner',
  workspaces: [{ id: 'default', name: 'Ventana', role: 'owner' }],
  csrfToken: null,
  via: 'token',
};

async function tokenSession(): Promise<Me | null> {
  // Any protected read proves the token; the audit exists on every Ventana.
  try {
    await call('getAudit', { query: { limit: '1' } });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
  try {
    return adopt(await call('getAuthMe'), 'token');
  } catch {
    return TOKEN_IDENTITY;
  }
}

/** Decides what the app shows first: the dashboard, the one-time setup or the login page. */
export async function loadSession(): Promise<SessionState> {
  if (apiToken()) {
    const me = await tokenSession();
    if (me) return { kind: 'in', me };
    setApiToken(null);
  }
  let accounts = false;
  try {
    const status = await call('getSetupStatus');
    accounts = true;
    if (status.needsOwner) return { kind: 'setup' };
  } catch {
    accounts = false;
  }
  if (accounts) {
    try {
      return { kind: 'in', me: adopt(await call('getAuthMe'), 'session') };
    } catch (err) {
      if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 404)) throw err;
    }
  }
  return { kind: 'login', accounts };
}

export async function loginWithPassword(email: string, password: string): Promise<void> {
  const r = await call('postAuthLogin', { body: { email, password } });
  setCsrfToken(r.csrfToken);
}

/** Returns false when the server refuses the token. */
export async function loginWithToken(token: string): Promise<boolean> {
  setApiToken(token.trim());
  const me = await tokenSession().catch(() => null);
  if (!me) setApiToken(null);
  return me !== null;
}

export async function setupOwner(input: {
  token: string;
  email: string;
  password: string;
  name: string;
  workspaceName?: string;
}): Promise<void> {
  const r = await call('postSetup', { body: input });
  setCsrfToken(r.csrfToken);
}

/** `POST /api/v1/invitations/accept`: joins the workspace and starts a session (cookie). */
export async function acceptInvitation(input: {
  token: string;
  password: string;
  name?: string;
}): Promise<void> {
  const r = await call('postInvitationsAccept', { body: input });
  setCsrfToken(r.csrfToken);
}

export async function logout(via: Me['via']): Promise<void> {
  if (via === 'session') await call('postAuthLogout').catch(() => undefined);
  setApiToken(null);
  setCsrfToken(null);
}

/** Changing the password needs the current one (`currentPassword`); other sessions end. */
export function updateMe(input: Operations['patchAuthMe']['input']['body']): Promise<unknown> {
  return call('patchAuthMe', { body: input });
}
