import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { registerBroadcastRoutes } from '../../src/server/broadcast-routes.ts';
import { openDatabase, outbox, pages, workspaces } from '../../src/storage/index.ts';
import { createHarness, type Harness } from './harness.ts';

const PROMO = {
  name: 'Promo',
  intent: 'promotional',
  content: { message: { type: 'text', text: 'Hola {{first_name|amigo}}, 2x1 solo hoy' } },
};

describe('the broadcasts REST API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function app() {
    const a = Fastify();
    // What the API authentication hook does for the installation token.
    a.addHook('onRequest', async (req) => {
      req.auth = { workspaceId: 'w1', role: 'owner', userId: null, via: 'install_token' };
    });
    registerBroadcastRoutes(a, {
      database: h.database,
      rules: createRuleBook(),
      now: () => h.clock.t,
    });
    await a.ready();
    return a;
  }

  it('creates, checks, sends and reports a broadcast, with errors in the request language', async () => {
    await h.person({ hoursAgo: 2, firstName: 'Ana' });
    await h.person({ hoursAgo: 30, firstName: 'Bea' });
    const a = await app();
    const bad = await a.inject({
      method: 'POST',
      url: '/api/v1/broadcasts',
      headers: { 'accept-language': 'es' },
      payload: { ...PROMO, intent: 'transactional' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'promotional_not_allowed' });
    expect(bad.json().error.message).toContain('promocional');

    const created = await a.inject({ method: 'POST', url: '/api/v1/broadcasts', payload: PROMO });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const list = await a.inject({ method: 'GET', url: '/api/v1/broadcasts' });
    expect(list.json().items.map((b: { id: string; name: string }) => [b.id, b.name])).toEqual([
      [id, 'Promo'],
    ]);
    const pf = await a.inject({ method: 'GET', url: `/api/v1/broadcasts/${id}/preflight` });
    expect(pf.json().groups.map((g: { key: string; count: number }) => [g.key, g.count])).toEqual([
      ['standard_now', 1],
      ['refused:outside_window', 1],
    ]);
    const file = await a.inject({ method: 'GET', url: `/api/v1/broadcasts/${id}/preflight/refused.csv` });
    expect(file.headers['content-type']).toContain('text/csv');
    expect(file.body.trim().split('\n')).toHaveLength(2);
    expect(file.body).toContain('Bea');

    expect((await a.inject({ method: 'POST', url: `/api/v1/broadcasts/${id}/send` })).statusCode).toBe(200);
    const again = await a.inject({
      method: 'POST',
      url: `/api/v1/broadcasts/${id}/send`,
      headers: { 'accept-language': 'es' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toContain('no se puede enviar');
    const missing = await a.inject({
      method: 'GET',
      url: '/api/v1/broadcasts/nope/report',
      headers: { 'accept-language': 'es' },
    });
    expect(missing.json()).toEqual({
      error: { code: 'broadcast_not_found', message: 'no existe la difusión nope' },
    });
    const report = await a.inject({ method: 'GET', url: `/api/v1/broadcasts/${id}/report` });
    expect(report.json()).toMatchObject({ id, status: 'sending' });
    await a.close();
  });
});

describe('ventana broadcast', () => {
  it('creates from a file and prints the preflight, refusing bad input with exit code 2', async () => {
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
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...PROMO, name: '' }));
      const bad = await run(['broadcast', 'create', '--file', join(dir, 'bad.json'), '--lang', 'es']);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('name');
      writeFileSync(join(dir, 'ok.json'), JSON.stringify(PROMO));
      const ok = await run(['broadcast', 'create', '--file', join(dir, 'ok.json')]);
      expect(ok.code).toBe(0);
      const id = JSON.parse(ok.out).id as string;
      const pf = await run(['broadcast', 'preflight', id]);
      expect(JSON.parse(pf.out)).toMatchObject({ total: 0 });
      const status = await run(['broadcast', 'status', id]);
      expect(JSON.parse(status.out)).toMatchObject({ status: 'draft' });

      // Resending what Meta never echoed: refused for a draft, in the asked language…
      const early = await run(['broadcast', 'resend-unconfirmed', id, '--lang', 'es']);
      expect(early.code).toBe(1);
      expect(early.err).toContain('no se puede reenviar');
      // …then, on a finished broadcast, one send left unknown 11 minutes ago goes back to the queue.
      const db = await openDatabase(env.VENTANA_DATABASE_URL);
      await db.db.updateTable('broadcasts').set({ status: 'done' }).where('id', '=', id).execute();
      await outbox.enqueueOutbox(db, [
        {
          workspaceId: 'default',
          pageId: '1',
          contactId: 'c1',
          origin: 'broadcast',
          originId: id,
          idempotencyKey: `broadcast-${id}-c1`,
          content: { message: { type: 'text', text: 'hola' } },
          now: Date.now(),
        },
      ]);
      await db.db
        .updateTable('outbox')
        .set({ status: 'unknown', updated_at: Date.now() - 11 * 60_000 })
        .execute();
      await db.close();
      const resent = await run(['broadcast', 'resend-unconfirmed', id, '--lang', 'es']);
      expect(resent.code).toBe(0);
      expect(resent.err).toContain('1 envíos de resultado desconocido');
      expect(JSON.parse(resent.out)).toMatchObject({ status: 'sending', affected: 1 });
      expect(JSON.parse((await run(['broadcast', 'status', id])).out).counts).toMatchObject({
        queued: 1,
        unknown: 0,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
