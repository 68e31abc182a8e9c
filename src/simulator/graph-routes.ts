/**
 * The fake Graph API: Send API, Marketing Message API, user profile, Messenger Profile, subscribed
 * apps, Conversation Routing and utility templates, under any `/vNN.N/` prefix. Every request is
 * recorded; the Send API path is kept cheap (no schema library, Map lookups, one record object).
 */
import { randomInt } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultInjector } from './faults.ts';
import {
  errorBody,
  type GraphFailure,
  invalidParam,
  invalidToken,
  marketingWeeklyCap,
  noSuchUser,
  outsideWindow,
  pageRestricted,
  personUnavailable,
  privateReplyRateLimited,
  sendRateLimited,
  serverError,
  serviceUnavailable,
  tokenExpired,
  unknownObject,
} from './graph-error.ts';
import type { FakePeople } from './people.ts';
import { profileProblem } from './profile-rules.ts';
import {
  checkMarketingRules,
  checkSendRules,
  type RuleDates,
  type RuleFailure,
  resolveTarget,
} from './send-rules.ts';
import type { SimulatorState } from './state.ts';
import { reviewTemplate, TEMPLATE_LIBRARY } from './templates.ts';
import type {
  ActiveFault,
  IssuedToken,
  Outcome,
  Person,
  RecordedRequest,
  SimComment,
  SimPage,
} from './types.ts';
import { objectParam, type ValidSend, validateSend } from './validate-send.ts';

export interface GraphContext {
  readonly state: SimulatorState;
  readonly faults: FaultInjector;
  readonly people: FakePeople;
  readonly now: () => number;
  readonly dates: RuleDates;
  /** The app under test: default thread owner and `debug_token` app id. */
  readonly appId: string;
  readonly autoDeliver: { readonly delayMs: number } | null;
  /** Echo every message the Page sent (the `echoSends` option). */
  readonly echoSends: boolean;
}

type Obj = Record<string, unknown>;
type Params = { version: string; node: string };

const VERSION = /^v\d{1,2}\.\d$/;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function tokenOf(req: FastifyRequest): string | null {
  const q = req.query as Obj;
  if (typeof q.access_token === 'string') return q.access_token;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const b = req.body;
  if (isObj(b) && typeof b.access_token === 'string') return b.access_token;
  return null;
}

/** The query as recorded: tokens are fake here, but logs never show credentials. */
function recordedQuery(req: FastifyRequest): Obj {
  const q = req.query as Obj;
  if (q.access_token === undefined) return q;
  return { ...q, access_token: '[redacted]' };
}

/** Body and query/form params together, as Graph reads them (body wins). */
function paramsOf(req: FastifyRequest): Obj {
  const q = req.query as Obj;
  const b = isObj(req.body) ? req.body : {};
  let hasQueryParams = false;
  for (const k in q) {
    if (k !== 'access_token') {
      hasQueryParams = true;
      break;
    }
  }
  return hasQueryParams ? { ...q, ...b } : b;
}

function newRecord(ctx: GraphContext, req: FastifyRequest, endpoint: string, now: number): RecordedRequest {
  return {
    seq: ctx.state.nextSeq(),
    at: now,
    method: req.method,
    path: req.url.split('?', 1)[0] ?? req.url,
    query: recordedQuery(req),
    body: req.body ?? null,
    endpoint,
    page: null,
    psid: null,
    outcome: 'ok',
    status: 200,
  };
}

function faultFailure(f: ActiveFault): GraphFailure {
  switch (f.kind) {
    case 'http_500':
      return serverError;
    case 'http_503':
      return serviceUnavailable;
    case 'rate_limit_613':
      return sendRateLimited;
    case 'token_expired_190':
      return tokenExpired;
    case 'blocked_551':
      return personUnavailable;
    case 'window_closed_10':
      return outsideWindow;
    case 'page_restricted':
      return pageRestricted;
    case 'marketing_weekly_cap':
      return marketingWeeklyCap;
    case 'timeout':
    case 'latency':
      // Never answered with a body; listed for exhaustiveness.
      return serverError;
    default: {
      const never: never = f.kind;
      throw new Error(`unknown fault ${String(never)}`);
    }
  }
}

export function registerGraphRoutes(app: FastifyInstance, ctx: GraphContext): void {
  const { state } = ctx;

  function finish(
    reply: FastifyReply,
    rec: RecordedRequest,
    send: boolean,
    outcome: Outcome,
    status: number,
    body: unknown,
    usage = false,
  ): FastifyReply {
    rec.outcome = outcome;
    rec.status = status;
    state.record(rec, send);
    if (usage && rec.page !== null) {
      reply.header(
        'x-business-use-case-usage',
        state.usageHeader(rec.page, rec.at, outcome === 'rate_limited'),
      );
    }
    return reply.code(status).send(body);
  }

  function fail(
    reply: FastifyReply,
    rec: RecordedRequest,
    send: boolean,
    outcome: Outcome,
    failure: GraphFailure,
    usage = false,
  ): FastifyReply {
    rec.error = {
      code: failure.code,
      message: failure.message,
      ...(failure.subcode === undefined ? {} : { subcode: failure.subcode }),
    };
    return finish(reply, rec, send, outcome, failure.status, errorBody(failure), usage);
  }

  /** Resolves the Page a Page-scoped call acts for: `me` or the Page id, with that Page's token. */
  function authPage(req: FastifyRequest, node: string): SimPage | GraphFailure {
    const token = tokenOf(req);
    if (token === null) {
      return { status: 400, code: 104, message: 'An access token is required to request this resource.' };
    }
    const page = state.pageByToken(token);
    if (!page) return invalidToken;
    if (node !== 'me' && node !== page.id) return unknownObject(node);
    return page;
  }

  function badVersion(reply: FastifyReply, rec: RecordedRequest): FastifyReply {
    return fail(reply, rec, false, 'not_found', {
      status: 400,
      code: 2500,
      message: `Unknown path components: ${rec.path}`,
    });
  }

  /** Latency, then the fault (if any) for this call. A timeout holds the socket, then destroys it. */
  async function injected(
    rec: RecordedRequest,
    pageId: string,
    psid: string | null,
    send = true,
  ): Promise<ActiveFault | null> {
    const { faults } = ctx;
    if (!faults.active) return null;
    const ms = faults.latency(pageId, psid);
    if (ms > 0) {
      rec.latencyMs = ms;
      await sleep(ms);
    }
    return faults.take(pageId, psid, send, rec.endpoint === 'marketing');
  }

  async function answerFault(
    reply: FastifyReply,
    rec: RecordedRequest,
    fault: ActiveFault,
    usage: boolean,
    send = true,
  ): Promise<FastifyReply> {
    rec.fault = fault.kind;
    if (fault.kind === 'timeout') {
      rec.outcome = 'fault';
      rec.status = 0;
      state.record(rec, send);
      reply.hijack();
      await sleep(fault.holdMs ?? 1000);
      reply.raw.destroy();
      return reply;
    }
    return fail(reply, rec, send, 'fault', faultFailure(fault), usage);
  }

  // --- Send API ------------------------------------------------------------

  async function sendApi(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, rec: RecordedRequest) {
    const page = authPage(req, req.params.node);
    if ('code' in page) return fail(reply, rec, true, 'auth_error', page);
    rec.page = page.id;

    const v = validateSend(paramsOf(req));
    if (!v.ok) return fail(reply, rec, true, 'invalid', v.failure, true);
    const send = v.send;
    const target = resolveTarget(state, page, send);
    if (send.recipient.kind === 'id') rec.psid = send.recipient.value;
    if (!target.ok) return fail(reply, rec, true, target.outcome, target.failure, true);
    const { person } = target;
    rec.psid = person.psid;

    const fault = await injected(rec, page.id, person.psid);
    const now = ctx.now();
    const broken: RuleFailure | null = checkSendRules(state, page, send, target, now, ctx.dates);
    if (broken?.violation !== undefined) rec.violation = broken.violation;

    if (fault) {
      if (fault.kind === 'timeout' && fault.delivered && broken === null) {
        commit(page, person, send, target, now, rec);
      }
      return answerFault(reply, rec, fault, true);
    }
    if (!state.admitSend(page.id, send.media, now)) {
      return fail(reply, rec, true, 'rate_limited', sendRateLimited, true);
    }
    if (broken) return fail(reply, rec, true, broken.outcome, broken.failure, true);
    if (target.comment && !state.admitPrivateReply(page.id, now)) {
      return fail(reply, rec, true, 'rate_limited', privateReplyRateLimited, true);
    }

    const messageId = commit(page, person, send, target, now, rec);
    const kind = send.recipient.kind;
    const body =
      kind === 'user_ref' || kind === 'phone_number'
        ? { message_id: messageId }
        : send.senderAction !== null
          ? { recipient_id: person.psid }
          : { recipient_id: person.psid, message_id: messageId };
    finish(reply, rec, true, 'ok', 200, body, true);
    return reply;
  }

  /** The effects of an accepted send; returns the message id (none for sender actions). */
  function commit(
    _page: SimPage,
    person: Person,
    send: ValidSend,
    target: { readonly comment?: SimComment; readonly token?: IssuedToken },
    now: number,
    rec: RecordedRequest,
  ): string | undefined {
    if (send.senderAction !== null) return undefined;
    const via = target.comment ? 'private_reply' : 'send_api';
    const messageId = state.deliver(person, send.message, via, now);
    // Meta echoes and delivers what the Page sent, whether or not the caller heard the answer.
    if (ctx.echoSends && send.message !== null)
      ctx.people.scheduleEcho(person, messageId, ctx.appId, send.message);
    if (ctx.autoDeliver) ctx.people.scheduleReceipts(person, messageId, ctx.autoDeliver.delayMs);
    if (target.comment) {
      target.comment.repliedAt = now;
      state.counters.privateReplies++;
    }
    if (target.token) {
      if (target.token.kind === 'one_time_notif') target.token.usedAt = now;
      else target.token.lastLegacySendAt = now;
    }
    rec.messageId = messageId;
    return messageId;
  }

  // --- Marketing Message API ----------------------------------------------

  async function marketingApi(
    req: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    rec: RecordedRequest,
  ) {
    const token = tokenOf(req);
    const tokenPage = token === null ? undefined : state.pageByToken(token);
    if (token === null || (!tokenPage && !state.systemUserTokens.has(token))) {
      return fail(reply, rec, true, 'auth_error', invalidToken);
    }
    const p = paramsOf(req);
    const delivery = objectParam(p.messenger_delivery_data);
    const message = objectParam(p.message);
    if (typeof p.message_id !== 'string' && typeof p.message_id !== 'number') {
      return fail(reply, rec, true, 'invalid', invalidParam('The parameter message_id is required'));
    }
    if (!isObj(delivery) || typeof delivery.subscription_token !== 'string') {
      return fail(
        reply,
        rec,
        true,
        'invalid',
        invalidParam('messenger_delivery_data.subscription_token is required'),
      );
    }
    if (!isObj(message))
      return fail(reply, rec, true, 'invalid', invalidParam('The parameter message is required'));
    const gap = p.min_conversation_gap_seconds;
    const minGap = typeof gap === 'number' ? gap : typeof gap === 'string' && gap !== '' ? Number(gap) : null;

    const campaign = state.campaigns.get(String(p.message_id));
    if (!campaign || `act_${campaign.adAccountId}` !== req.params.node) {
      return fail(reply, rec, true, 'invalid', invalidParam('Invalid message ID', 2300001));
    }
    // A new campaign warms up for an hour (enforced since 5 May 2026): "pacing info not ready".
    if (ctx.now() < campaign.createdAt + 3_600_000) {
      return fail(reply, rec, true, 'invalid', {
        ...invalidParam('Pacing info not ready, retry after 1 hour', 2300028),
        transient: true,
      });
    }
    const sub = state.tokens.get(delivery.subscription_token);
    if (sub?.kind !== 'notification_messages') {
      return fail(reply, rec, true, 'invalid', invalidParam('Invalid subscription_token'));
    }
    rec.page = sub.pageId;
    rec.psid = sub.psid;
    if (tokenPage && tokenPage.id !== sub.pageId) {
      return fail(reply, rec, true, 'auth_error', unknownObject(delivery.subscription_token));
    }
    const person = state.person(sub.pageId, sub.psid);
    if (!person) return fail(reply, rec, true, 'invalid', noSuchUser);

    const fault = await injected(rec, sub.pageId, sub.psid);
    const now = ctx.now();
    const broken = checkMarketingRules(person, sub, now, ctx.dates, Number.isFinite(minGap) ? minGap : null);
    if (broken?.violation !== undefined) rec.violation = broken.violation;
    const accept = (): string => {
      sub.lastMarketingSendAt = now;
      state.counters.marketingMessages++;
      const messageId = state.deliver(person, message, 'marketing_message', now);
      rec.messageId = messageId;
      return messageId;
    };
    if (fault) {
      if (fault.kind === 'timeout' && fault.delivered && broken === null) accept();
      return answerFault(reply, rec, fault, false);
    }
    if (broken) return fail(reply, rec, true, broken.outcome, broken.failure);
    const messageId = accept();
    return finish(reply, rec, true, 'ok', 200, {
      success: true,
      marketing_message_tracking_id: `mmt_${messageId.slice(2)}`,
    });
  }

  app.post<{ Params: Params }>('/:version/:node/messages', async (req, reply) => {
    const now = ctx.now();
    const marketing = req.params.node.startsWith('act_');
    const rec = newRecord(ctx, req, marketing ? 'marketing' : 'send', now);
    if (!VERSION.test(req.params.version)) return badVersion(reply, rec);
    return marketing ? marketingApi(req, reply, rec) : sendApi(req, reply, rec);
  });

  // --- other Page-token endpoints -----------------------------------------

  /** Shared prologue: version check, Page auth and recording for the non-send endpoints. */
  async function pageCall(
    req: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    endpoint: string,
    handle: (page: SimPage, rec: RecordedRequest) => Promise<FastifyReply> | FastifyReply,
  ): Promise<FastifyReply> {
    const rec = newRecord(ctx, req, endpoint, ctx.now());
    if (!VERSION.test(req.params.version)) return badVersion(reply, rec);
    const page = authPage(req, req.params.node);
    if ('code' in page) return fail(reply, rec, false, 'auth_error', page);
    rec.page = page.id;
    const fault = await injected(rec, page.id, null, false);
    if (fault) return answerFault(reply, rec, fault, false, false);
    return handle(page, rec);
  }

  const ok = (reply: FastifyReply, rec: RecordedRequest, body: unknown) =>
    finish(reply, rec, false, 'ok', 200, body);
  const bad = (reply: FastifyReply, rec: RecordedRequest, f: GraphFailure, outcome: Outcome = 'invalid') =>
    fail(reply, rec, false, outcome, f);

  // User profile, or the Page itself.
  app.get<{ Params: Params }>('/:version/:node', async (req, reply) => {
    const rec = newRecord(ctx, req, 'profile', ctx.now());
    if (!VERSION.test(req.params.version)) return badVersion(reply, rec);
    const token = tokenOf(req);
    const page = token === null ? undefined : state.pageByToken(token);
    if (!page) return fail(reply, rec, false, 'auth_error', invalidToken);
    rec.page = page.id;
    const fault = await injected(rec, page.id, null, false);
    if (fault) return answerFault(reply, rec, fault, false, false);
    const q = req.query as Obj;
    const fields =
      typeof q.fields === 'string' && q.fields !== '' ? q.fields.split(',').map((f) => f.trim()) : null;
    const node = req.params.node;
    if (node === 'me' || node === page.id) {
      const out: Obj = { id: page.id };
      for (const f of fields ?? ['name']) {
        if (f === 'name') out.name = page.name;
        else if (f === 'messaging_feature_status') {
          out.messaging_feature_status = { hop_v2: true, msgr_multi_app: true, ig_multi_app: false };
        } else if (f !== 'id') {
          return bad(
            reply,
            rec,
            invalidParam(`Tried accessing nonexisting field (${f}) on node type (Page)`),
          );
        }
      }
      return ok(reply, rec, out);
    }
    const person = state.person(page.id, node);
    if (!person) return bad(reply, rec, unknownObject(node));
    rec.psid = person.psid;
    const out: Obj = {};
    for (const f of fields ?? ['first_name', 'last_name', 'profile_pic']) {
      switch (f) {
        case 'first_name':
          out.first_name = person.firstName;
          break;
        case 'last_name':
          out.last_name = person.lastName;
          break;
        case 'name':
          out.name = `${person.firstName} ${person.lastName}`;
          break;
        case 'profile_pic':
          out.profile_pic = `https://platform-lookaside.fbsbx.com/platform/profilepic/?psid=${person.psid}`;
          break;
        case 'locale':
          out.locale = person.locale;
          break;
        case 'timezone':
          out.timezone = person.timezone;
          break;
        case 'id':
          break;
        default:
          return bad(
            reply,
            rec,
            invalidParam(`Tried accessing nonexisting field (${f}) on node type (User)`),
          );
      }
    }
    out.id = person.psid;
    return ok(reply, rec, out);
  });

  // Messenger Profile API.
  const PROFILE_FIELDS = [
    'get_started',
    'greeting',
    'ice_breakers',
    'persistent_menu',
    'whitelisted_domains',
    'account_linking_url',
    'commands',
    'home_url',
    'title',
    'description',
  ];
  app.post<{ Params: Params }>('/:version/:node/messenger_profile', (req, reply) =>
    pageCall(req, reply, 'messenger_profile', (page, rec) => {
      const body = paramsOf(req);
      const next: Obj = { ...page.messengerProfile };
      for (const [k, raw] of Object.entries(body)) {
        if (k === 'access_token' || k === 'platform') continue;
        if (!PROFILE_FIELDS.includes(k))
          return bad(reply, rec, invalidParam(`Param ${k} is not a valid field`));
        next[k] = objectParam(raw);
      }
      const problem = profileProblem(next);
      if (problem !== null) return bad(reply, rec, invalidParam(problem));
      page.messengerProfile = next;
      return ok(reply, rec, { result: 'success' });
    }),
  );
  app.get<{ Params: Params }>('/:version/:node/messenger_profile', (req, reply) =>
    pageCall(req, reply, 'messenger_profile', (page, rec) => {
      const q = req.query as Obj;
      if (typeof q.fields !== 'string' || q.fields === '')
        return bad(reply, rec, invalidParam('The parameter fields is required'));
      const out: Obj = {};
      for (const f of q.fields.split(',')) {
        const v = page.messengerProfile[f.trim()];
        if (v !== undefined) out[f.trim()] = v;
      }
      return ok(reply, rec, { data: Object.keys(out).length ? [out] : [] });
    }),
  );
  app.delete<{ Params: Params }>('/:version/:node/messenger_profile', (req, reply) =>
    pageCall(req, reply, 'messenger_profile', (page, rec) => {
      const raw = objectParam(paramsOf(req).fields);
      const fields = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : null;
      if (!fields) return bad(reply, rec, invalidParam('The parameter fields is required'));
      const next: Obj = { ...page.messengerProfile };
      for (const f of fields) delete next[String(f).trim()];
      page.messengerProfile = next;
      return ok(reply, rec, { result: 'success' });
    }),
  );

  // Webhook subscription of the app to the Page.
  app.post<{ Params: Params }>('/:version/:node/subscribed_apps', (req, reply) =>
    pageCall(req, reply, 'subscribed_apps', (page, rec) => {
      const raw = objectParam(paramsOf(req).subscribed_fields);
      const fields = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : null;
      if (!fields || fields.length === 0)
        return bad(reply, rec, invalidParam('The parameter subscribed_fields is required'));
      page.subscribedFields = fields.map((f) => f.trim()).filter(Boolean);
      return ok(reply, rec, { success: true });
    }),
  );
  app.get<{ Params: Params }>('/:version/:node/subscribed_apps', (req, reply) =>
    pageCall(req, reply, 'subscribed_apps', (page, rec) =>
      ok(reply, rec, {
        data: page.subscribedFields.length
          ? [
              {
                category: 'Business',
                link: '',
                name: 'Ventana',
                id: ctx.appId,
                subscribed_fields: page.subscribedFields,
              },
            ]
          : [],
      }),
    ),
  );
  app.delete<{ Params: Params }>('/:version/:node/subscribed_apps', (req, reply) =>
    pageCall(req, reply, 'subscribed_apps', (page, rec) => {
      page.subscribedFields = [];
      return ok(reply, rec, { success: true });
    }),
  );

  // Conversation Routing (Handover Protocol compatible).
  function threadPerson(page: SimPage, raw: unknown): Person | undefined {
    const r = objectParam(raw);
    const id = isObj(r) ? r.id : undefined;
    return typeof id === 'string' || typeof id === 'number' ? state.person(page.id, String(id)) : undefined;
  }
  app.get<{ Params: Params }>('/:version/:node/thread_owner', (req, reply) =>
    pageCall(req, reply, 'thread_owner', (page, rec) => {
      const psid = (req.query as Obj).recipient;
      const person = typeof psid === 'string' ? state.person(page.id, psid) : undefined;
      if (!person) return bad(reply, rec, noSuchUser);
      rec.psid = person.psid;
      const owner = state.threadOwners.get(`${page.id}/${person.psid}`) ?? ctx.appId;
      return ok(reply, rec, { data: [{ thread_owner: { app_id: owner } }] });
    }),
  );
  for (const action of [
    'pass_thread_control',
    'take_thread_control',
    'release_thread_control',
    'request_thread_control',
  ]) {
    app.post<{ Params: Params }>(`/:version/:node/${action}`, (req, reply) =>
      pageCall(req, reply, action, (page, rec) => {
        const body = paramsOf(req);
        const person = threadPerson(page, body.recipient);
        if (!person) return bad(reply, rec, noSuchUser);
        rec.psid = person.psid;
        const key = `${page.id}/${person.psid}`;
        if (action === 'pass_thread_control') {
          const target = body.target_app_id;
          if (typeof target !== 'string' && typeof target !== 'number') {
            return bad(reply, rec, invalidParam('The parameter target_app_id is required'));
          }
          state.threadOwners.set(key, String(target));
        } else if (action === 'take_thread_control') {
          state.threadOwners.set(key, ctx.appId);
        } else if (action === 'release_thread_control') {
          state.threadOwners.delete(key);
        }
        return ok(reply, rec, { success: true });
      }),
    );
  }

  // Utility message templates.
  app.post<{ Params: Params }>('/:version/:node/message_templates', (req, reply) =>
    pageCall(req, reply, 'message_templates', (page, rec) => {
      const r = reviewTemplate(state, page.id, paramsOf(req), ctx.now());
      if (!r.ok) return bad(reply, rec, r.failure);
      // The review outcome also arrives as a status webhook, as Meta sends it.
      const final = r.template;
      if (state.deferTemplateReview) {
        state.templates.set(final.id, { ...final, status: 'PENDING', rejectedReason: null });
        ctx.people.notifyTemplateStatus(final, () => state.templates.set(final.id, final));
      } else ctx.people.notifyTemplateStatus(final);
      const answered = state.templates.get(final.id) ?? final;
      return ok(reply, rec, { id: final.id, status: answered.status, category: final.category });
    }),
  );
  app.get<{ Params: Params }>('/:version/:node/message_templates', (req, reply) =>
    pageCall(req, reply, 'message_templates', (page, rec) => {
      const name = (req.query as Obj).name;
      const data = [...state.templates.values()]
        .filter((t) => t.pageId === page.id && (typeof name !== 'string' || t.name === name))
        .map((t) => ({
          id: t.id,
          name: t.name,
          language: t.language,
          category: t.category,
          status: t.status,
          ...(t.rejectedReason ? { rejected_reason: t.rejectedReason } : {}),
          components: t.components,
        }));
      return ok(reply, rec, { data });
    }),
  );

  app.delete<{ Params: Params }>('/:version/:node/message_templates', (req, reply) =>
    pageCall(req, reply, 'message_templates', (page, rec) => {
      const p = paramsOf(req);
      const name = p.name;
      if (typeof name !== 'string' || name === '')
        return bad(reply, rec, invalidParam('The parameter name is required'));
      let removed = 0;
      for (const [id, t] of state.templates) {
        if (t.pageId === page.id && t.name === name && (typeof p.hsm_id !== 'string' || p.hsm_id === id)) {
          state.templates.delete(id);
          removed++;
        }
      }
      if (removed === 0)
        return bad(reply, rec, invalidParam(`Message template "${name}" not found`, 2388094));
      return ok(reply, rec, { success: true });
    }),
  );

  // Meta's utility template library (reference §3.4): ready-made templates a Page may clone.
  app.get<{ Params: { version: string } }>('/:version/message_template_library', (req, reply) => {
    const rec = newRecord(ctx, req as FastifyRequest, 'message_template_library', ctx.now());
    const token = tokenOf(req as FastifyRequest);
    if (token === null || (!state.pageByToken(token) && !state.systemUserTokens.has(token)))
      return fail(reply, rec, false, 'auth_error', invalidToken);
    const q = req.query as Obj;
    const needle = typeof q.name_or_content === 'string' ? q.name_or_content.toLowerCase() : '';
    const lang = typeof q.language === 'string' ? q.language : null;
    const data = TEMPLATE_LIBRARY.filter(
      (t) =>
        (needle === '' || t.name.includes(needle) || t.body.toLowerCase().includes(needle)) &&
        (lang === null || t.language === lang),
    );
    return ok(reply, rec, { data });
  });

  // Marketing Message API campaigns (reference §3.3): `POST act_<id>/message_campaign`.
  app.post<{ Params: Params }>('/:version/:node/message_campaign', (req, reply) => {
    const rec = newRecord(ctx, req, 'message_campaign', ctx.now());
    if (!VERSION.test(req.params.version)) return badVersion(reply, rec);
    if (!req.params.node.startsWith('act_')) return bad(reply, rec, unknownObject(req.params.node));
    const token = tokenOf(req);
    const tokenPage = token === null ? undefined : state.pageByToken(token);
    if (token === null || (!tokenPage && !state.systemUserTokens.has(token)))
      return fail(reply, rec, false, 'auth_error', invalidToken);
    const p = paramsOf(req);
    const name = p.name;
    const pageId = typeof p.page_id === 'number' ? String(p.page_id) : p.page_id;
    if (typeof name !== 'string' || name.trim() === '')
      return bad(reply, rec, invalidParam('The parameter name is required'));
    if (typeof pageId !== 'string' || !state.pages.has(pageId))
      return bad(reply, rec, invalidParam('The parameter page_id must be a Page the app manages'));
    if (tokenPage && tokenPage.id !== pageId) return bad(reply, rec, unknownObject(pageId));
    rec.page = pageId;
    const id = `${randomInt(100_000_000, 999_999_999)}${randomInt(100_000, 999_999)}`;
    state.campaigns.set(id, {
      id,
      adAccountId: req.params.node.slice(4),
      pageId,
      name,
      createdAt: ctx.now(),
    });
    return ok(reply, rec, { id });
  });

  app.get<{ Params: { version: string } }>('/:version/debug_token', (req, reply) => {
    const rec = newRecord(ctx, req as FastifyRequest, 'debug_token', ctx.now());
    const input = (req.query as Obj).input_token;
    const page = typeof input === 'string' ? state.pageByToken(input) : undefined;
    if (!page) {
      return ok(reply, rec, {
        data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token.' } },
      });
    }
    rec.page = page.id;
    const scopes = ['pages_messaging', 'pages_manage_metadata', 'pages_show_list'];
    if (page.permissions.humanAgent) scopes.push('human_agent');
    if (page.permissions.utilityMessaging) scopes.push('page_utility_messaging');
    return ok(reply, rec, {
      data: {
        app_id: ctx.appId,
        type: 'PAGE',
        application: 'Ventana',
        is_valid: true,
        profile_id: page.id,
        scopes,
      },
    });
  });
}
