/**
 * `/api/v1/pages`: connect a Facebook Page to the current workspace (its access token, app secret
 * and verify token are encrypted at rest and never returned), subscribe the app to its messaging
 * webhooks, check its health against Graph, and disconnect it (secrets erased, history kept).
 * A Page belongs to one workspace.
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
import { bodyOf, parseText } from '../accounts/validate.ts';
import type { GraphClient } from '../graph/index.ts';
import { pages, type Queryable } from '../storage/index.ts';
import { authOf, requireRole } from './auth-context.ts';
import { httpError, sendError } from './errors.ts';
import { requestLang } from './lang.ts';

/** The webhook fields Ventana needs (reference §6.1): messages, postbacks, opt-ins, referrals, echoes, reads, handover, policy. */
export const MESSAGING_FIELDS = [
  'messages',
  'messaging_postbacks',
  'messaging_optins',
  'messaging_referrals',
  'message_echoes',
  'message_deliveries',
  'message_reads',
  'messaging_handovers',
  'messaging_policy_enforcement',
] as const;

/** The Graph calls this area makes. */
export type PagesGraph = Pick<GraphClient, 'subscribeApp' | 'debugPage' | 'getSubscribedApps' | 'debugToken'>;

export interface PageRouteDeps {
  readonly database: Queryable;
  readonly secretKey: Buffer;
  /** Late-bound: in demo mode the simulator's URL is known only after the server listens. */
  readonly graph: () => PagesGraph;
  readonly webhookUrl: () => string;
  readonly now: () => number;
  /** Called after a Page is connected or removed (the webhook reloads its app secrets). */
  readonly onPagesChanged?: () => Promise<void>;
  readonly logger?: Logger | FastifyBaseLogger;
}

function fail(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: AccountsCode,
  params: Record<string, string> = {},
): FastifyReply {
  return sendError(reply, httpError(status, code, accountsText(code, requestLang(req), params)));
}

const PAGE_ID = /^\d{1,30}$/;

export function registerPageRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
  deps: PageRouteDeps,
): void {
  const { database, now } = deps;

  const view = (p: pages.Page) => ({
    id: p.id,
    name: p.name,
    status: p.status,
    statusReason: p.statusReason,
    permissions: p.permissions,
    webhookUrl: deps.webhookUrl(),
    hasToken: p.hasAccessToken,
    hasAppSecret: p.hasAppSecret,
    hasVerifyToken: p.hasVerifyToken,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  });

  /** The Page when it belongs to the caller's workspace (another workspace's Page is "not found"). */
  const ownPage = async (req: FastifyRequest, id: string) => {
    const p = await pages.getPage(database, id);
    return p && p.workspaceId === authOf(req).workspaceId ? p : undefined;
  };

  app.get('/api/v1/pages', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    return { items: (await pages.listPages(database, authOf(req).workspaceId)).map(view) };
  });

  app.post('/api/v1/pages', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const { workspaceId } = authOf(req);
    const b = bodyOf(req.body);
    if (typeof b.id !== 'string' || !PAGE_ID.test(b.id))
      return fail(req, reply, 400, 'invalid_field', { field: 'id', hint: 'Page id (digits)' });
    const name = parseText(b.name, 'name', 200);
    if (!name.ok) return fail(req, reply, 400, 'invalid_field', { field: 'name' });
    const token = parseText(b.accessToken, 'accessToken', 1000);
    if (!token.ok) return fail(req, reply, 400, 'invalid_field', { field: 'accessToken' });
    const optional = (field: 'appSecret' | 'verifyToken') => {
      const v = b[field];
      if (v === undefined || v === null || v === '') return { ok: true as const, value: undefined };
      return parseText(v, field, 500);
    };
    const appSecret = optional('appSecret');
    if (!appSecret.ok) return fail(req, reply, 400, 'invalid_field', { field: 'appSecret' });
    const verifyToken = optional('verifyToken');
    if (!verifyToken.ok) return fail(req, reply, 400, 'invalid_field', { field: 'verifyToken' });

    const r = await pages.upsertPage(database, deps.secretKey, {
      id: b.id,
      workspaceId,
      name: name.value,
      accessToken: token.value,
      ...(appSecret.value !== undefined ? { appSecret: appSecret.value } : {}),
      ...(verifyToken.value !== undefined ? { verifyToken: verifyToken.value } : {}),
      now: now(),
    });
    if (!r.ok) return fail(req, reply, 409, 'page_in_other_workspace', { id: b.id });
    await deps.onPagesChanged?.();
    const graph = deps.graph();
    const me = await graph.debugPage(b.id, token.value);
    // A new token that works lifts the "reconnect" state a rejected token (or a disconnection) left.
    if (me.ok && r.page.status === 'needs_reconnect')
      await pages.setPageStatus(database, b.id, 'active', null, now());
    const sub = await graph.subscribeApp(b.id, token.value, MESSAGING_FIELDS);
    deps.logger?.info({ workspaceId, pageId: b.id, tokenValid: me.ok, subscribed: sub.ok }, 'page connected');
    const page = (await pages.getPage(database, b.id))!;
    return reply.code(r.created ? 201 : 200).send({
      ...view(page),
      token: me.ok ? { valid: true } : { valid: false, reason: me.failure.message },
      subscribed: sub.ok,
      ...(sub.ok ? {} : { subscribeError: { code: sub.failure.category, message: sub.failure.message } }),
    });
  });

  app.get<{ Params: { id: string } }>('/api/v1/pages/:id/health', async (req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const page = await ownPage(req, req.params.id);
    if (!page) return fail(req, reply, 404, 'page_not_found', { id: req.params.id });
    const secrets = await pages.getPageSecrets(database, deps.secretKey, page.id);
    const accessToken = secrets?.accessToken ?? null;
    const status = { status: page.status, statusReason: page.statusReason };
    if (accessToken === null)
      return {
        token: { valid: false, reason: 'no_token' },
        subscribed: false,
        permissions: page.permissions,
        ...status,
      };
    const graph = deps.graph();
    const [me, debug, subs] = await Promise.all([
      graph.debugPage(page.id, accessToken),
      graph.debugToken(accessToken),
      graph.getSubscribedApps(page.id, accessToken),
    ]);
    const valid = me.ok && (!debug.ok || debug.data.isValid);
    const reason = me.ok
      ? debug.ok && !debug.data.isValid
        ? (debug.data.errorMessage ?? 'invalid')
        : undefined
      : me.failure.message;
    const fields = subs.ok ? subs.data.flatMap((a) => a.subscribedFields) : [];
    const missingFields = MESSAGING_FIELDS.filter((f) => !fields.includes(f));
    let permissions = page.permissions;
    const scopes = debug.ok && debug.data.isValid ? debug.data.scopes : null;
    if (scopes) {
      // What Meta says the token holds wins over what was stored (HUMAN_AGENT needs the permission).
      permissions =
        (await pages.setPagePermissions(
          database,
          page.id,
          {
            humanAgent: scopes.includes('human_agent'),
            utilityMessaging: scopes.includes('page_utility_messaging'),
          },
          now(),
        )) ?? permissions;
    }
    return {
      token: {
        valid,
        ...(reason !== undefined ? { reason } : {}),
        ...(debug.ok && debug.data.expiresAt ? { expiresAt: debug.data.expiresAt } : {}),
      },
      subscribed: subs.ok && fields.includes('messages'),
      subscribedFields: fields,
      missingFields,
      permissions,
      scopes: scopes ?? [],
      ...status,
    };
  });

  app.delete<{ Params: { id: string } }>('/api/v1/pages/:id', async (req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const page = await ownPage(req, req.params.id);
    if (!page) return fail(req, reply, 404, 'page_not_found', { id: req.params.id });
    // Disconnect, not erase: contacts, conversations and the audit trail are proof and stay.
    await pages.setPageSecrets(
      database,
      deps.secretKey,
      page.id,
      { accessToken: null, appSecret: null, verifyToken: null },
      now(),
    );
    await pages.setPageStatus(database, page.id, 'needs_reconnect', 'disconnected', now());
    await deps.onPagesChanged?.();
    deps.logger?.info({ pageId: page.id }, 'page disconnected');
    return view((await pages.getPage(database, page.id))!);
  });
}
