/**
 * Two workspaces with an owner each, logged in through the real login route of the real app
 * (`buildApp` with the accounts auth hook), for tests that prove one workspace cannot reach
 * another's data. Other areas reuse it: pass `register` to add their routes.
 *
 * @example
 *   const t = await createTwoWorkspaces({ register: (app, deps) => registerFlowRoutes(app, { database: deps.database, now: deps.now }) });
 *   const created = await t.a.inject({ method: 'POST', url: '/api/v1/flows', payload });
 *   expect((await t.b.inject({ method: 'GET', url: `/api/v1/flows/${id}` })).statusCode).toBe(404);
 */

import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { createMember } from '../../src/accounts/service.ts';
import { createGraphClient } from '../../src/graph/index.ts';
import { createWebhookIntake } from '../../src/ingest/intake.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { registerAccountRoutes } from '../../src/server/account-routes.ts';
import { buildApp } from '../../src/server/app.ts';
import { registerAuditRoutes } from '../../src/server/audit-routes.ts';
import type { Role } from '../../src/server/auth-context.ts';
import { registerBroadcastRoutes } from '../../src/server/broadcast-routes.ts';
import { type PagesGraph, registerPageRoutes } from '../../src/server/page-routes.ts';
import { type Database, inbound, openDatabase, workspaces } from '../../src/storage/index.ts';

export const PASSWORD = 'correct horse battery staple';
export const INSTALL_TOKEN = 'install-token-for-tests-0123456789';
export const SECRET_KEY = Buffer.alloc(32, 7);
export const PUBLIC_URL = 'https://ventana.test';

type App = ReturnType<typeof buildApp>;

/** Someone calling the API: a logged-in person (cookie + CSRF + workspace header) or an API key. */
export interface Actor {
  readonly workspaceId: string;
  readonly userId: string | null;
  readonly email: string | null;
  /** Sends the request with this actor's credentials (headers given here win). */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** The raw credentials, for tests that check they are honoured or leaked. */
  readonly cookie: string | null;
  readonly csrfToken: string | null;
  readonly apiKey: string | null;
}

export interface TwoWorkspaces {
  readonly app: App;
  readonly database: Database;
  readonly clock: { t: number };
  /** Owner of workspace A (`ws-a`) and of workspace B (`ws-b`). */
  readonly a: Actor;
  readonly b: Actor;
  /** A new person with `role` in the workspace, logged in. */
  member(workspaceId: string, role: Role, email?: string): Promise<Actor>;
  /** Logs in through POST /api/v1/auth/login (throws on failure). */
  login(email: string, password?: string, workspaceId?: string): Promise<Actor>;
  /** A new API key of `by`'s workspace with `role`, as an actor. */
  apiKeyActor(by: Actor, role: Role): Promise<Actor>;
  close(): Promise<void>;
}

export interface TwoWorkspacesOptions {
  /** Default: SQLite in memory. */
  readonly databaseUrl?: string;
  readonly logger?: Logger;
  /** Graph for the Pages routes (default: an unreachable one). */
  readonly graph?: () => PagesGraph;
  /** Registers more routes on the app before it is ready. */
  readonly register?: (app: App, deps: { readonly database: Database; readonly now: () => number }) => void;
}

function actorFor(
  app: App,
  workspaceId: string,
  creds: { cookie?: string; csrfToken?: string; apiKey?: string },
  who: { userId: string | null; email: string | null },
): Actor {
  return {
    workspaceId,
    ...who,
    cookie: creds.cookie ?? null,
    csrfToken: creds.csrfToken ?? null,
    apiKey: creds.apiKey ?? null,
    inject(opts) {
      const headers: Record<string, string> = {};
      if (creds.apiKey) headers.authorization = `Bearer ${creds.apiKey}`;
      if (creds.cookie) {
        headers.cookie = `ventana_session=${creds.cookie}`;
        headers['x-workspace-id'] = workspaceId;
        if (creds.csrfToken) headers['x-csrf-token'] = creds.csrfToken;
      }
      return app.inject({
        ...opts,
        headers: { ...headers, ...(opts.headers as Record<string, string> | undefined) },
      });
    },
  };
}

/** The `ventana_session` value from a response's Set-Cookie header. */
export function sessionCookieFrom(res: LightMyRequestResponse): string | undefined {
  const raw = res.headers['set-cookie'];
  const all = Array.isArray(raw) ? raw : raw ? [raw] : [];
  for (const c of all) {
    const m = /^ventana_session=([^;]*)/.exec(c);
    if (m?.[1]) return m[1];
  }
  return undefined;
}

export async function createTwoWorkspaces(options: TwoWorkspacesOptions = {}): Promise<TwoWorkspaces> {
  const clock = { t: Date.parse('2026-11-25T12:00:00Z') };
  const now = () => clock.t;
  const database = await openDatabase(options.databaseUrl ?? ':memory:', { migrate: true });
  const intake = createWebhookIntake({
    appSecrets: () => ['test-app-secret'],
    store: (raw, at) => inbound.storeWebhookBody(database, raw, at),
    now,
    bodyLimit: 1_000_000,
  });
  const app = buildApp({
    intake,
    verifyToken: () => 'verify',
    apiToken: () => INSTALL_TOKEN,
    workspaceId: 'ws-a',
    accounts: { database, now },
    bodyLimit: 1_000_000,
    logger: options.logger ?? false,
  });
  let unreachable: ReturnType<typeof createGraphClient> | undefined;
  const graph =
    options.graph ??
    (() => {
      unreachable ??= createGraphClient({ baseUrl: 'http://127.0.0.1:9', version: 'v26.0', timeoutMs: 500 });
      return unreachable;
    });
  registerAccountRoutes(app, {
    database,
    now,
    defaultWorkspaceId: 'ws-a',
    publicUrl: () => PUBLIC_URL,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  registerPageRoutes(app, {
    database,
    secretKey: SECRET_KEY,
    graph,
    webhookUrl: () => `${PUBLIC_URL}/webhooks/messenger`,
    now,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  registerBroadcastRoutes(app, { database, rules: createRuleBook(), now });
  registerAuditRoutes(app, { database });
  options.register?.(app, { database, now });
  await app.ready();

  await workspaces.createWorkspace(database, { id: 'ws-a', name: 'Tienda A', now: clock.t });
  await workspaces.createWorkspace(database, { id: 'ws-b', name: 'Tienda B', now: clock.t });
  let people = 0;

  async function login(email: string, password = PASSWORD, workspaceId?: string): Promise<Actor> {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
    const body = res.json() as { user: { id: string }; workspaces: { id: string }[]; csrfToken: string };
    const cookie = sessionCookieFrom(res)!;
    return actorFor(
      app,
      workspaceId ?? body.workspaces[0]?.id ?? '',
      { cookie, csrfToken: body.csrfToken },
      { userId: body.user.id, email },
    );
  }

  async function member(
    workspaceId: string,
    role: Role,
    email = `person${++people}-${role}@${workspaceId}.test`,
  ): Promise<Actor> {
    const r = await createMember(database, {
      email,
      name: `${role} ${people}`,
      password: PASSWORD,
      lang: 'en',
      role,
      workspaceId,
      now: clock.t,
    });
    if (!r.ok) throw new Error(`createMember ${email}: ${r.code}`);
    return login(email, PASSWORD, workspaceId);
  }

  const a = await member('ws-a', 'owner', 'owner@a.test');
  const b = await member('ws-b', 'owner', 'owner@b.test');

  return {
    app,
    database,
    clock,
    a,
    b,
    member,
    login,
    async apiKeyActor(by, role) {
      const res = await by.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        payload: { name: `key ${role}`, role },
      });
      if (res.statusCode !== 201) throw new Error(`api key: ${res.statusCode} ${res.body}`);
      return actorFor(
        app,
        by.workspaceId,
        { apiKey: (res.json() as { key: string }).key },
        { userId: by.userId, email: null },
      );
    },
    async close() {
      await app.close();
      await unreachable?.close();
      await database.close();
    },
  };
}
