/**
 * `/api/v1/contacts…`, `/api/v1/conversations…`, `/api/v1/canned-replies…`, `/api/v1/stream`,
 * `/api/v1/analytics/overview` and (demo mode only) `/api/v1/demo/people…`: the inbox and the
 * dashboard's data. The workspace and user come only from the request's auth context; roles: viewer
 * reads, agent works the inbox, admin edits contacts and canned replies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import type { DemoHandle } from '../app/demo.ts';
import { fieldDetailText, problemText } from '../inbox/messages.ts';
import type { InboxDeps, Problem } from '../inbox/service.ts';
import * as service from '../inbox/service.ts';
import { createInboxStream, type InboxStream, type StreamEvent } from '../inbox/stream.ts';
import {
  MAX_NOTE,
  MAX_TEXT,
  type Parsed,
  parseAssignee,
  parseCanned,
  parseContactPatch,
  parseContactQuery,
  parseConversationQuery,
  parseHandover,
  parseRange,
  parseText,
} from '../inbox/validate.ts';
import { authOf, requireRole } from './auth-context.ts';
import { httpError, sendError } from './errors.ts';
import { requestLang } from './lang.ts';

export interface InboxRouteDeps extends InboxDeps {
  /** The running demo (simulator and fake people), when there is one. */
  readonly demo?: () => DemoHandle | null;
  /** Live stream polling interval. Default 500 ms. */
  readonly streamIntervalMs?: number;
  /** Comment line sent to keep idle streams open. Default 15 s. */
  readonly heartbeatMs?: number;
}

type Req = FastifyRequest<{ Params: { id: string; psid: string }; Querystring: Record<string, string> }>;

/** `?tz=Europe/Madrid` when it names a zone this runtime knows; otherwise moments are in UTC. */
function timeZoneOf(req: FastifyRequest): string | undefined {
  const tz = (req.query as { tz?: unknown } | undefined)?.tz;
  if (typeof tz !== 'string' || tz === '' || tz.length > 64) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return undefined;
  }
}

function actorOf(req: FastifyRequest): service.Actor {
  const a = authOf(req);
  const timeZone = timeZoneOf(req);
  return {
    workspaceId: a.workspaceId,
    userId: a.userId,
    lang: requestLang(req),
    ...(timeZone ? { timeZone } : {}),
  };
}

function sendProblem(req: FastifyRequest, reply: FastifyReply, p: Problem): FastifyReply {
  const lang = requestLang(req);
  return reply
    .code(p.status)
    .send({ error: { code: p.code, message: problemText(p.code, lang, p.params), ...(p.extra ?? {}) } });
}

function sendInvalid<T>(req: FastifyRequest, reply: FastifyReply, p: Exclude<Parsed<T>, { ok: true }>) {
  const lang = requestLang(req);
  const detail = fieldDetailText(p.detail, lang, p.params);
  return sendError(
    reply,
    httpError(400, 'invalid_field', problemText('invalid_field', lang, { field: p.field, detail })),
  );
}

export function registerInboxRoutes<L extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse<IncomingMessage>, L>,
  deps: InboxRouteDeps,
): { readonly stream: InboxStream } {
  const stream = createInboxStream(deps.database, {
    intervalMs: deps.streamIntervalMs ?? 500,
    now: deps.now,
    onError: (error) => app.log.warn({ err: error }, 'inbox stream poll failed'),
  });
  const openStreams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...openStreams]) end();
    stream.close();
  });

  // ------------------------------------------------------------ contacts
  app.get('/api/v1/contacts', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const q = parseContactQuery(req.query);
    if (!q.ok) return sendInvalid(req, reply, q);
    return service.listContacts(deps, actorOf(req), q.value);
  });

  app.get('/api/v1/contacts.csv', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const q = parseContactQuery(req.query);
    if (!q.ok) return sendInvalid(req, reply, q);
    const { after: _a, limit: _l, ...filters } = q.value;
    reply.type('text/csv; charset=utf-8');
    reply.header('content-disposition', 'attachment; filename="contacts.csv"');
    return reply.send(Readable.from(service.contactsCsv(deps, actorOf(req), filters)));
  });

  app.get('/api/v1/contacts/:id', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const r = await service.getContact(deps, actorOf(req), req.params.id);
    return r.ok ? r.contact : sendProblem(req, reply, r);
  });

  app.patch('/api/v1/contacts/:id', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'admin')) return reply;
    const patch = parseContactPatch(req.body);
    if (!patch.ok) return sendInvalid(req, reply, patch);
    const r = await service.patchContact(deps, actorOf(req), req.params.id, patch.value);
    return r.ok ? r.contact : sendProblem(req, reply, r);
  });

  app.get('/api/v1/contacts/:id/timeline', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const before = Number(req.query.before);
    const limit = Number(req.query.limit);
    const r = await service.contactTimeline(deps, actorOf(req), req.params.id, {
      ...(Number.isFinite(before) && before > 0 ? { before } : {}),
      ...(Number.isInteger(limit) && limit > 0 ? { limit } : {}),
    });
    return r.ok ? { items: r.items, nextBefore: r.nextBefore } : sendProblem(req, reply, r);
  });

  // ------------------------------------------------------------ conversations
  app.get('/api/v1/conversations', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const q = parseConversationQuery(req.query);
    if (!q.ok) return sendInvalid(req, reply, q);
    return service.listConversations(deps, actorOf(req), q.value);
  });

  app.get('/api/v1/conversations/:id', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const r = await service.getConversation(deps, actorOf(req), req.params.id);
    return r.ok ? r.conversation : sendProblem(req, reply, r);
  });

  app.get('/api/v1/conversations/:id/messages', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const cursor = req.query.cursor;
    const m = cursor
      ? /^(\d{1,16}):([0-9a-z]{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString())
      : null;
    if (cursor && !m)
      return sendInvalid(req, reply, { ok: false, field: 'cursor', detail: 'cursor' } as const);
    const limit = Number(req.query.limit);
    // Only someone who works the inbox "reads" a conversation; a viewer's look leaves it unread.
    const r = await service.conversationMessages(deps, actorOf(req), req.params.id, {
      ...(m ? { before: { createdAt: Number(m[1]), id: m[2] ?? '' } } : {}),
      ...(Number.isInteger(limit) && limit > 0 && limit <= 200 ? { limit } : {}),
      peek: req.query.peek === '1' || authOf(req).role === 'viewer',
    });
    return r.ok ? { items: r.items, nextCursor: r.nextCursor } : sendProblem(req, reply, r);
  });

  app.post('/api/v1/conversations/:id/read', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const r = await service.markRead(deps, actorOf(req), req.params.id);
    return r.ok ? { ok: true } : sendProblem(req, reply, r);
  });

  app.post('/api/v1/conversations/:id/preview', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const text = parseText(req.body, 'text', MAX_TEXT);
    if (!text.ok) return sendInvalid(req, reply, text);
    const r = await service.previewReply(deps, actorOf(req), req.params.id, text.value);
    return r.ok
      ? { decision: r.decision, text: r.text, threadOwner: r.threadOwner }
      : sendProblem(req, reply, r);
  });

  app.post('/api/v1/conversations/:id/reply', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const text = parseText(req.body, 'text', MAX_TEXT);
    if (!text.ok) return sendInvalid(req, reply, text);
    const clientId = (req.body as { clientId?: unknown }).clientId;
    const r = await service.reply(
      deps,
      actorOf(req),
      req.params.id,
      text.value,
      typeof clientId === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(clientId) ? clientId : null,
    );
    return r.ok
      ? reply.code(202).send({ outboxId: r.outboxId, decision: r.decision })
      : sendProblem(req, reply, r);
  });

  app.post('/api/v1/conversations/:id/assign', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const who = parseAssignee(req.body);
    if (!who.ok) return sendInvalid(req, reply, who);
    const r = await service.assign(deps, actorOf(req), req.params.id, who.value);
    return r.ok ? r.conversation : sendProblem(req, reply, r);
  });

  app.get('/api/v1/conversations/:id/notes', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const r = await service.listNotes(deps, actorOf(req), req.params.id);
    return r.ok ? { items: r.items } : sendProblem(req, reply, r);
  });

  app.post('/api/v1/conversations/:id/notes', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const text = parseText(req.body, 'text', MAX_NOTE);
    if (!text.ok) return sendInvalid(req, reply, text);
    const r = await service.addNote(deps, actorOf(req), req.params.id, text.value);
    return r.ok ? reply.code(201).send(r.note) : sendProblem(req, reply, r);
  });

  const lifecycle = { close: service.close, reopen: service.reopen } as const;
  for (const action of ['close', 'reopen'] as const) {
    app.post(`/api/v1/conversations/:id/${action}`, async (req: Req, reply) => {
      if (!requireRole(req, reply, 'agent')) return reply;
      const r = await lifecycle[action](deps, actorOf(req), req.params.id);
      return r.ok ? r.conversation : sendProblem(req, reply, r);
    });
  }

  app.post('/api/v1/conversations/:id/handover', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const to = parseHandover(req.body);
    if (!to.ok) return sendInvalid(req, reply, to);
    const r = await service.handover(deps, actorOf(req), req.params.id, to.value);
    return r.ok ? r.conversation : sendProblem(req, reply, r);
  });

  // ------------------------------------------------------------ canned replies
  app.get('/api/v1/canned-replies', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    return { items: await service.listCanned(deps, actorOf(req), req.query.contactId || undefined) };
  });

  app.post('/api/v1/canned-replies', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const input = parseCanned(req.body);
    if (!input.ok) return sendInvalid(req, reply, input);
    return reply.code(201).send(await service.createCanned(deps, actorOf(req), input.value));
  });

  app.put('/api/v1/canned-replies/:id', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const input = parseCanned(req.body);
    if (!input.ok) return sendInvalid(req, reply, input);
    const r = await service.updateCanned(deps, actorOf(req), req.params.id, input.value);
    return r.ok ? r.item : sendProblem(req, reply, r);
  });

  app.delete('/api/v1/canned-replies/:id', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const r = await service.deleteCanned(deps, actorOf(req), req.params.id);
    return r.ok ? reply.code(204).send() : sendProblem(req, reply, r);
  });

  // ------------------------------------------------------------ overview
  app.get('/api/v1/analytics/overview', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const range = parseRange(req.query, deps.now());
    if (!range.ok) return sendInvalid(req, reply, range);
    return service.overview(deps, actorOf(req), range.value);
  });

  // ------------------------------------------------------------ live stream
  app.get('/api/v1/stream', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const { workspaceId } = authOf(req);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\nretry: 3000\n\n');
    const send = (e: StreamEvent) => {
      res.write(`event: ${e.type}\nid: ${e.data.id}\ndata: ${JSON.stringify(e.data)}\n\n`);
    };
    const unsubscribe = stream.subscribe(workspaceId, send);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), deps.heartbeatMs ?? 15_000);
    heartbeat.unref();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      openStreams.delete(end);
      if (!res.writableEnded) res.end();
    };
    openStreams.add(end);
    req.raw.on('close', end);
    res.on('close', end);
  });

  // ------------------------------------------------------------ demo panel
  const demoOf = (req: FastifyRequest, reply: FastifyReply) => {
    const demo = deps.demo?.() ?? null;
    if (demo === null) {
      void sendProblem(req, reply, { ok: false, status: 404, code: 'demo_not_running' });
      return null;
    }
    return demo;
  };

  app.get('/api/v1/demo/people', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'viewer')) return reply;
    const demo = demoOf(req, reply);
    if (demo === null) return reply;
    const items = [...demo.simulator.state.allPeople()]
      .filter((p) => p.pageId === demo.pageId)
      .map((p) => ({
        psid: p.psid,
        pageId: p.pageId,
        firstName: p.firstName,
        lastName: p.lastName,
        locale: p.locale,
        country: p.country,
        lastInboundAt: p.lastInboundAt,
        received: p.inbox.map((m) => ({ mid: m.mid, at: m.at, message: m.message })),
      }));
    return { items };
  });

  app.post('/api/v1/demo/people/:psid/messages', async (req: Req, reply) => {
    if (!requireRole(req, reply, 'agent')) return reply;
    const demo = demoOf(req, reply);
    if (demo === null) return reply;
    const text = parseText(req.body, 'text', MAX_TEXT);
    if (!text.ok) return sendInvalid(req, reply, text);
    const person = demo.simulator.people.get(demo.pageId, req.params.psid);
    if (!person)
      return sendProblem(req, reply, {
        ok: false,
        status: 404,
        code: 'person_not_found',
        params: { id: req.params.psid },
      });
    demo.simulator.clock.set(deps.now());
    const r = await demo.simulator.people.sendText(person, text.value);
    return reply.code(202).send({ delivered: r.status === 200, status: r.status });
  });

  return { stream };
}
