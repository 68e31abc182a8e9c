/**
 * Schedules and audiences through the public entry points: the REST API (inject) and the CLI.
 * Schedule fields are validated with errors in es/en; local-time schedules put each person's due
 * moment on their outbox row; a paused scheduled broadcast resumes on its schedule; cancel before
 * the time cancels everyone; the audience size is counted live.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFanOut } from '../../src/broadcasts/fanout.ts';
import { broadcastReport } from '../../src/broadcasts/service.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { registerBroadcastRoutes } from '../../src/server/broadcast-routes.ts';
import { contacts, openDatabase, pages, workspaces } from '../../src/storage/index.ts';
import { createHarness, H, type Harness, PAGE_B } from './harness.ts';

const TEXT = { message: { type: 'text', text: 'Hola {{first_name|amigo}}, 2x1 hoy' } };

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

async function api(role: 'owner' | 'viewer' = 'owner') {
  const app = Fastify();
  app.addHook('onRequest', async (req) => {
    req.auth = { workspaceId: 'w1', role, userId: null, via: 'install_token' };
  });
  registerBroadcastRoutes(app, { database: h.database, rules: createRuleBook(), now: () => h.clock.t });
  await app.ready();
  return app;
}

async function dueTimes(broadcastId: string): Promise<Map<string, number>> {
  const rows = await h.database.db
    .selectFrom('outbox')
    .select(['contact_id', 'next_attempt_at', 'status'])
    .where('origin_id', '=', broadcastId)
    .execute();
  return new Map(
    rows.filter((r) => r.status === 'queued').map((r) => [r.contact_id, Number(r.next_attempt_at)]),
  );
}

describe('broadcast schedules through the API', () => {
  it('refuses bad schedule fields naming the field, in Spanish and English, and stores nothing', async () => {
    const app = await api();
    const post = (schedule: unknown, lang: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/broadcasts',
        headers: { 'accept-language': lang },
        payload: { name: 'x', intent: 'promotional', content: TEXT, schedule },
      });
    const cases: [unknown, string, string, string][] = [
      [{ at: '2026-12-24T09:00' }, 'schedule_needs_zone', 'add the time zone', 'indica la zona horaria'],
      [{ at: '2026-11-01T09:00Z' }, 'schedule_in_past', 'already passed', 'ya ha pasado'],
      [{ beforeWindowCloses: true }, 'schedule_needs_at', 'needs schedule.at', 'necesita schedule.at'],
      [
        { at: '2026-12-24T09:00Z', closedWindow: 'drop' },
        'invalid_value',
        'invalid value',
        'valor no válido',
      ],
      [
        { at: '2026-12-24T09:00Z', windowMarginMinutes: 0 },
        'invalid_value',
        'schedule.windowMarginMinutes',
        'schedule.windowMarginMinutes',
      ],
    ];
    for (const [schedule, code, en, es] of cases) {
      const r = await post(schedule, 'en');
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe(code);
      expect(r.json().error.message).toContain(en);
      expect(r.json().error.message).toMatch(/^schedule\./);
      expect((await post(schedule, 'es')).json().error.message).toContain(es);
    }
    const count = await h.database.db
      .selectFrom('broadcasts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    const ok = await post({ at: '2026-12-24T09:00', localTime: true, fallbackTimezone: -5 }, 'en');
    expect(ok.statusCode).toBe(201);
    expect(ok.json().schedule).toMatchObject({
      at: '2026-12-24T09:00',
      localTime: true,
      fallbackTimezone: -5,
    });
    await app.close();
  });

  it('is refused to a viewer (changing broadcasts needs admin)', async () => {
    const app = await api('viewer');
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/broadcasts',
      payload: { name: 'x', intent: 'promotional', content: TEXT },
    });
    expect(r.statusCode).toBe(403);
    await app.close();
  });

  it("puts each person's local 09:00 on their outbox row; no zone: the fallback, else the Page's usual zone", async () => {
    const madrid = await h.person({ hoursAgo: 1 });
    const mexico = await h.person({ hoursAgo: 1 });
    const unknownA = await h.person({ hoursAgo: 1 });
    const unknownB = await h.person({ hoursAgo: 1, page: PAGE_B });
    const onB = await h.person({ hoursAgo: 1, page: PAGE_B });
    const onB2 = await h.person({ hoursAgo: 1, page: PAGE_B });
    for (const [p, tz] of [
      [madrid, 1],
      [mexico, -6],
      [onB, 3],
      [onB2, 3],
    ] as const)
      await contacts.updateContactProfile(h.database, p.contactId, { timezone: tz }, h.clock.t);
    const app = await api();
    const create = async (schedule: unknown) =>
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/broadcasts',
          payload: { name: 'Navidad', intent: 'promotional', content: TEXT, schedule },
        })
      ).json().id as string;

    const id = await create({ at: '2026-12-24T09:00', localTime: true });
    expect((await app.inject({ method: 'POST', url: `/api/v1/broadcasts/${id}/send` })).statusCode).toBe(200);
    await runFanOut(h.database, id, { now: () => h.clock.t });
    const due = await dueTimes(id);
    expect(due.get(madrid.contactId)).toBe(Date.parse('2026-12-24T08:00:00Z'));
    expect(due.get(mexico.contactId)).toBe(Date.parse('2026-12-24T15:00:00Z'));
    // Page A's contacts with a zone: one at +1, one at −6 → the tie goes to the zone nearer UTC (+1).
    expect(due.get(unknownA.contactId)).toBe(Date.parse('2026-12-24T08:00:00Z'));
    // Page B's usual zone is +3.
    expect(due.get(unknownB.contactId)).toBe(Date.parse('2026-12-24T06:00:00Z'));

    const withFallback = await create({ at: '2026-12-24T09:00', localTime: true, fallbackTimezone: -3 });
    await app.inject({ method: 'POST', url: `/api/v1/broadcasts/${withFallback}/send` });
    await runFanOut(h.database, withFallback, { now: () => h.clock.t });
    const due2 = await dueTimes(withFallback);
    expect(due2.get(unknownA.contactId)).toBe(Date.parse('2026-12-24T12:00:00Z'));
    expect(due2.get(madrid.contactId)).toBe(Date.parse('2026-12-24T08:00:00Z'));

    // The preflight decides each person at their own moment: a month ahead, nobody's window is open.
    const pf = (await app.inject({ method: 'GET', url: `/api/v1/broadcasts/${id}/preflight` })).json();
    expect(pf.groups.map((g: { key: string; count: number }) => [g.key, g.count])).toEqual([
      ['refused:outside_window', 6],
    ]);
    expect(pf.schedule).toMatchObject({ at: '2026-12-24T09:00', localTime: true });
    await app.close();
  });

  it('resumes a paused scheduled broadcast on its schedule, and cancel before the time cancels everyone', async () => {
    const a = await h.person({ hoursAgo: 1 });
    const b = await h.person({ hoursAgo: 1 });
    const app = await api();
    const at = h.clock.t + 6 * H;
    const id = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/broadcasts',
        payload: {
          name: 'x',
          intent: 'promotional',
          content: TEXT,
          schedule: { at: new Date(at).toISOString() },
        },
      })
    ).json().id as string;
    await app.inject({ method: 'POST', url: `/api/v1/broadcasts/${id}/send` });
    await runFanOut(h.database, id, { now: () => h.clock.t });
    expect([...(await dueTimes(id)).values()]).toEqual([at, at]);
    await app.inject({ method: 'POST', url: `/api/v1/broadcasts/${id}/pause` });
    h.clock.t += H;
    const resumed = await app.inject({ method: 'POST', url: `/api/v1/broadcasts/${id}/resume` });
    expect(resumed.json()).toMatchObject({ status: 'sending', affected: 2 });
    expect([...(await dueTimes(id)).values()]).toEqual([at, at]);
    const report = (await app.inject({ method: 'GET', url: `/api/v1/broadcasts/${id}/report` })).json();
    expect(report).toMatchObject({ status: 'sending', sent: 0, nextDueAt: new Date(at).toISOString() });

    const cancelled = await app.inject({ method: 'POST', url: `/api/v1/broadcasts/${id}/cancel` });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', affected: 2 });
    expect(await dueTimes(id)).toEqual(new Map());
    h.clock.t = at + 1;
    expect(await broadcastReport(h.database, id, h.clock.t)).toMatchObject({
      sent: 0,
      failedByReason: { cancelled: 2 },
    });
    expect(h.sim.state.counters.sendsOk).toBe(0);
    expect([a.contactId, b.contactId]).toHaveLength(2);
    await app.close();
  });
});

describe('audience size, live', () => {
  it('counts by Page and last seen in SQL, and by labels, locale and window state through the filter', async () => {
    await h.person({ hoursAgo: 1, labels: ['vip'], locale: 'es_ES' });
    await h.person({ hoursAgo: 30, labels: ['vip'], locale: 'en_US' });
    await h.person({ hoursAgo: 24 * 10, locale: 'es_MX' });
    await h.person({ hoursAgo: 2, page: PAGE_B, locale: 'pt_BR' });
    const app = await api();
    const count = async (audience: unknown, lang = 'en') =>
      app.inject({
        method: 'POST',
        url: '/api/v1/broadcasts/audience/count',
        headers: { 'accept-language': lang },
        payload: { audience },
      });
    expect((await count({})).json()).toEqual({ count: 4, at: new Date(h.clock.t).toISOString() });
    expect((await count({ pageIds: [PAGE_B] })).json().count).toBe(1);
    expect((await count({ lastSeenWithinDays: 7 })).json().count).toBe(3);
    expect((await count({ notSeenForDays: 7 })).json().count).toBe(1);
    expect((await count({ labels: { all: ['vip'] } })).json().count).toBe(2);
    expect((await count({ localePrefixes: ['es'] })).json().count).toBe(2);
    expect((await count({ windowOpen: true })).json().count).toBe(2);
    expect((await count({ windowState: ['human_agent'] })).json().count).toBe(1);
    expect((await count({ windowState: ['closed'] })).json().count).toBe(1);
    expect((await count({ windowState: ['open', 'closed'] })).json().count).toBe(3);
    const bad = await count({ windowState: ['ajar'] }, 'es');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^audience\.windowState\[0\]: valor no válido/);
    await app.close();
  });
});

describe('ventana broadcast create with schedule flags', () => {
  it('takes --at --local-time --before-window-closes, and refuses a zoneless --at with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ventana-cli-'));
    try {
      const env = { VENTANA_DATA_DIR: dir, VENTANA_DATABASE_URL: `sqlite:${join(dir, 'v.db')}` };
      const database = await openDatabase(env.VENTANA_DATABASE_URL, { migrate: true });
      await workspaces.createWorkspace(database, { id: 'default', name: 'D', now: Date.now() });
      await pages.upsertPage(database, Buffer.alloc(32, 1), {
        id: '1',
        workspaceId: 'default',
        name: 'P',
        now: Date.now(),
      });
      await contacts.upsertContact(database, {
        workspaceId: 'default',
        pageId: '1',
        psid: 'p1',
        now: Date.now(),
      });
      await database.close();
      const run = async (args: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        let code = 0;
        const io = {
          stdin: process.stdin,
          out: (s: string) => out.push(s),
          err: (s: string) => err.push(s),
          defaultLang: 'en' as const,
          setExitCode: (c: number) => {
            code = c;
          },
        };
        await buildProgram(io, { env, untilStopped: async () => {} }).parseAsync([
          'node',
          'ventana',
          ...args,
        ]);
        return { out: out.join('\n'), err: err.join('\n'), code };
      };
      const file = join(dir, 'b.json');
      writeFileSync(file, JSON.stringify({ name: 'Navidad', intent: 'promotional', content: TEXT }));
      const year = new Date().getUTCFullYear() + 1;
      const ok = await run([
        'broadcast',
        'create',
        '--file',
        file,
        '--at',
        `${year}-12-24T09:00`,
        '--local-time',
        '--before-window-closes',
        '--window-margin',
        '30',
        '--skip-closed-window',
        '--no-track-links',
      ]);
      expect(ok.err).toBe('');
      expect(JSON.parse(ok.out)).toMatchObject({
        trackLinks: false,
        schedule: {
          localTime: true,
          beforeWindowCloses: true,
          windowMarginMinutes: 30,
          closedWindow: 'skip',
        },
      });
      const bad = await run([
        'broadcast',
        'create',
        '--file',
        file,
        '--at',
        `${year}-12-24T09:00`,
        '--lang',
        'es',
      ]);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('schedule.at: indica la zona horaria');
      const id = JSON.parse(ok.out).id as string;
      const preflight = await run(['broadcast', 'preflight', id]);
      // The one contact never wrote: no window, and the marketer chose to skip closed windows.
      expect(JSON.parse(preflight.out)).toMatchObject({ total: 1, skipped: 1 });
      const later = await run(['broadcast', 'create', '--file', file, '--at', `${year}-12-24T09:00Z`]);
      const sent = await run(['broadcast', 'send', JSON.parse(later.out).id, '--lang', 'es']);
      expect(sent.code).toBe(0);
      expect(sent.err).toContain(
        `programada: 1 personas esperan en la cola, la primera el ${year}-12-24T09:00:00.000Z`,
      );
      expect(JSON.parse(sent.out)).toMatchObject({
        status: 'sending',
        enqueued: 1,
        nextDueAt: `${year}-12-24T09:00:00.000Z`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
