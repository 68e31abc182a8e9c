/**
 * `/__sim/*`: inspection and control of the simulator over HTTP, for benchmarks and demo mode
 * running it in another process. Not part of Meta's API; answers `{ error: { code, message } }`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { checkFaultSpec, type FaultInjector } from './faults.ts';
import type { FakePeople, WebhookResult } from './people.ts';
import type { SimulatorState } from './state.ts';
import type { FaultSpec, Outcome, PageInput, Person, PersonInput } from './types.ts';

export interface AdminContext {
  readonly state: SimulatorState;
  readonly faults: FaultInjector;
  readonly people: FakePeople;
  readonly now: () => number;
  readonly clock: { advance(ms: number): number; set(ms: number): number };
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: { code: 'bad_request', message } });
}

/** Person as JSON (the inbox is included only on request). */
function personView(p: Person, withInbox: boolean): Obj {
  const { inbox, ...rest } = p;
  return withInbox ? { ...rest, inbox } : rest;
}

export function registerAdminRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const { state, faults, people } = ctx;

  app.get('/__sim/state', async (req) => {
    const q = req.query as Obj;
    const pages: Obj = {};
    for (const [id, c] of state.pageCounters) pages[id] = c;
    const out: Obj = {
      now: ctx.now(),
      counters: state.counters,
      sendsByPage: pages,
      messagesPerPerson: state.messagesHistogram(),
      faults: faults.list(),
      requestLog: { size: state.requests.size, capacity: state.requests.capacity },
    };
    if (q.detail === '1' || q.detail === 'true') {
      const per: Obj = {};
      for (const p of state.allPeople()) per[`${p.pageId}/${p.psid}`] = p.messagesReceived;
      out.messagesByPerson = per;
    }
    return out;
  });

  app.get('/__sim/requests', async (req) => {
    const q = req.query as Obj;
    const limit = typeof q.limit === 'string' ? Number(q.limit) : 1000;
    let data = state.requests.toArray();
    if (typeof q.page === 'string') data = data.filter((r) => r.page === q.page);
    if (typeof q.psid === 'string') data = data.filter((r) => r.psid === q.psid);
    if (typeof q.outcome === 'string') data = data.filter((r) => r.outcome === (q.outcome as Outcome));
    if (typeof q.endpoint === 'string') data = data.filter((r) => r.endpoint === q.endpoint);
    return { data: Number.isFinite(limit) && limit >= 0 ? data.slice(-limit) : data };
  });

  app.post('/__sim/reset', async (req) => {
    const all = isObj(req.body) && req.body.all === true;
    state.reset(all);
    faults.clear();
    return { ok: true };
  });

  app.get('/__sim/faults', async () => ({ data: faults.list() }));
  app.post('/__sim/faults', async (req, reply) => {
    const body = req.body;
    const specs = isObj(body) && Array.isArray(body.faults) ? body.faults : [body];
    for (const s of specs) {
      const err = checkFaultSpec(s);
      if (err) return badRequest(reply, err);
    }
    return { ids: specs.map((s) => faults.add(s as FaultSpec)) };
  });
  app.delete('/__sim/faults', async (req) => {
    const page = (req.query as Obj).page;
    faults.clear(typeof page === 'string' ? page : undefined);
    return { ok: true };
  });
  app.delete<{ Params: { id: string } }>('/__sim/faults/:id', async (req, reply) =>
    faults.remove(req.params.id)
      ? { ok: true }
      : reply.code(404).send({ error: { code: 'not_found', message: 'no such fault' } }),
  );

  app.get('/__sim/pages', async () => ({ data: [...state.pages.values()].map(({ token: _t, ...p }) => p) }));
  app.post('/__sim/pages', async (req, reply) => {
    const b = req.body;
    if (!isObj(b) || typeof b.id !== 'string' || typeof b.token !== 'string') {
      return badRequest(reply, 'page needs string id and token');
    }
    const { token: _t, ...page } = state.addPage(b as unknown as PageInput);
    return page;
  });

  /** Creates people; `lastInboundAt` (ms) seeds their window without sending webhooks. */
  app.post('/__sim/people', async (req, reply) => {
    const b = req.body;
    const list = isObj(b) && Array.isArray(b.people) ? b.people : [b];
    const lastInboundAt = isObj(b) && typeof b.lastInboundAt === 'number' ? b.lastInboundAt : null;
    const created: Obj[] = [];
    for (const item of list) {
      if (!isObj(item) || typeof item.pageId !== 'string' || !state.pages.has(item.pageId)) {
        return badRequest(reply, 'each person needs the pageId of a registered page');
      }
      const p = state.addPerson(item as unknown as PersonInput);
      const at = typeof item.lastInboundAt === 'number' ? item.lastInboundAt : lastInboundAt;
      if (at !== null) p.lastInboundAt = at;
      created.push({ pageId: p.pageId, psid: p.psid });
    }
    return { data: created };
  });

  app.get<{ Params: { pageId: string; psid: string } }>('/__sim/people/:pageId/:psid', async (req, reply) => {
    const p = state.person(req.params.pageId, req.params.psid);
    return p
      ? personView(p, true)
      : reply.code(404).send({ error: { code: 'not_found', message: 'no such person' } });
  });

  /** Acts as a person: `{ action: "text", text }`, `{ action: "postback", payload }`, ... */
  app.post<{ Params: { pageId: string; psid: string } }>(
    '/__sim/people/:pageId/:psid/actions',
    async (req, reply) => {
      const p = state.person(req.params.pageId, req.params.psid);
      if (!p) return reply.code(404).send({ error: { code: 'not_found', message: 'no such person' } });
      const b = isObj(req.body) ? req.body : {};
      const s = (k: string): string => (typeof b[k] === 'string' ? (b[k] as string) : '');
      let result: WebhookResult | null;
      switch (b.action) {
        case 'text':
          result = await people.sendText(p, s('text'));
          break;
        case 'quick_reply':
          result = await people.tapQuickReply(p, s('title'), s('payload'));
          break;
        case 'postback':
          result = await people.postback(p, s('payload'));
          break;
        case 'get_started':
          result = await people.getStarted(p, s('ref') || undefined);
          break;
        case 'referral':
          result = await people.referral(
            p,
            s('ref'),
            s('source') === 'ADS' ? 'ADS' : 'SHORTLINK',
            s('adId') || undefined,
          );
          break;
        case 'ad_message':
          result = await people.adMessage(p, s('text'), s('adId'));
          break;
        case 'react':
          result = await people.react(p, s('mid') || (p.inbox.at(-1)?.mid ?? ''), s('emoji') || '❤️');
          break;
        case 'opt_in_marketing':
          result = await people.optInMarketing(p, { title: s('title') || 'Updates', payload: s('payload') });
          break;
        case 'stop_marketing':
          result = await people.stopMarketing(p);
          break;
        case 'resume_marketing':
          result = await people.resumeMarketing(p);
          break;
        case 'opt_in_one_time':
          result = await people.optInOneTime(p, { payload: s('payload') });
          break;
        case 'comment':
          result = await people.comment(p, s('postId') || `${p.pageId}_1`, s('text'));
          break;
        case 'read':
          result = await people.read(p);
          break;
        case 'echo':
          result = await people.echoFromPageInbox(p, s('text'));
          break;
        case 'block':
          people.block(p);
          result = null;
          break;
        case 'unblock':
          people.unblock(p);
          result = null;
          break;
        default:
          return badRequest(reply, `unknown action ${String(b.action)}`);
      }
      return result ?? { ok: true };
    },
  );

  app.post('/__sim/clock', async (req, reply) => {
    const b = req.body;
    if (isObj(b) && typeof b.advanceMs === 'number') return { now: ctx.clock.advance(b.advanceMs) };
    if (isObj(b) && typeof b.set === 'number') return { now: ctx.clock.set(b.set) };
    if (isObj(b) && typeof b.set === 'string' && !Number.isNaN(Date.parse(b.set))) {
      return { now: ctx.clock.set(Date.parse(b.set)) };
    }
    return badRequest(reply, 'body needs advanceMs (number) or set (epoch ms or ISO date)');
  });
  app.get('/__sim/clock', async () => ({ now: ctx.now(), iso: new Date(ctx.now()).toISOString() }));
}
