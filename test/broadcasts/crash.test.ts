import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  broadcastReport,
  controlBroadcast,
  createBroadcast,
  UNCONFIRMED_GRACE_MS,
} from '../../src/broadcasts/service.ts';
import { createInboundProcessor } from '../../src/ingest/processor.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { createSimulator } from '../../src/simulator/index.ts';
import { inbound, newId, openDatabase, pages, workspaces } from '../../src/storage/index.ts';

const PEOPLE = 100_000;
const PAGES = 40;
const KEY = Buffer.alloc(32, 5);
const dir = mkdtempSync(join(tmpdir(), 'ventana-crash-'));
const dbPath = join(dir, 'crash.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runChild(simUrl: string, id: string, killWhen?: (p: { counts: { sent: number } }) => boolean) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/broadcasts/crash-child.ts', dbPath, simUrl, id],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let killed = false;
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    const p = JSON.parse(line) as { counts?: { sent: number } };
    if (!killed && killWhen && p.counts && killWhen(p as { counts: { sent: number } })) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
}

/**
 * Applies Meta's echoes the way the server does (stored, split, applied), in bodies of 100 events as
 * Meta batches them; returns the broadcast's counts after, and how many unknown rows have an echo.
 */
async function applyEchoes(echoes: readonly string[]) {
  const database = await openDatabase(`sqlite:${dbPath}`);
  const entries = echoes.flatMap((raw) => (JSON.parse(raw) as { entry: unknown[] }).entry);
  for (let i = 0; i < entries.length; i += 100) {
    const body = JSON.stringify({ object: 'page', entry: entries.slice(i, i + 100) });
    await inbound.storeWebhookBody(database, body, Date.now());
  }
  await createInboundProcessor({ database, rules: createRuleBook(), secretKey: KEY, now: Date.now }).drain();
  const broadcast = await database.db.selectFrom('broadcasts').select('id').executeTakeFirstOrThrow();
  const report = await broadcastReport(database, broadcast.id, Date.now());
  const unknownWithAnEcho = await database.db
    .selectFrom('outbox')
    .innerJoin('messages', 'messages.outbox_id', 'outbox.id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('outbox.status', '=', 'unknown')
    .executeTakeFirstOrThrow();
  await database.close();
  return {
    counts: report!.counts,
    confirmedByEcho: report!.confirmedByEcho,
    unknownWithAnEcho: Number(unknownWithAnEcho.n),
  };
}

describe('a broadcast killed with SIGKILL mid-dispatch', () => {
  it("resumes after a restart with no duplicate and no loss, settles unknowns by Meta's echo and resends only the rest", {
    timeout: 240_000,
  }, async () => {
    const now = Date.now();
    // Meta's message_echoes of every accepted send, held as if the server were down when they came:
    // Meta retries them, and they are applied after the restart (below).
    const echoes: string[] = [];
    const sim = createSimulator({
      inboxCap: 0,
      echoSends: true,
      webhookUrl: 'http://ventana.test/webhooks/messenger',
      webhookTransport: async (req) => {
        if (req.body !== undefined) echoes.push(req.body);
        return { status: 200, body: 'EVENT_RECEIVED' };
      },
      pages: Array.from({ length: PAGES }, (_, i) => ({ id: String(500000000000000 + i), token: `t${i}` })),
    });
    const simUrl = await sim.listen(0);
    const database = await openDatabase(`sqlite:${dbPath}`, { migrate: true });
    await workspaces.createWorkspace(database, { id: 'w1', name: 'Crash', now });
    for (let i = 0; i < PAGES; i++)
      await pages.upsertPage(database, KEY, {
        id: String(500000000000000 + i),
        workspaceId: 'w1',
        name: `P${i}`,
        accessToken: `t${i}`,
        now,
      });
    await database.close();
    // 100,000 people: 3 in 5 inside their window (sent), the rest outside (refused).
    const raw = new BetterSqlite3(dbPath);
    const insert = raw.prepare(
      `insert into contacts (id, workspace_id, page_id, psid, first_name, labels, fields, first_seen_at, last_seen_at, last_inbound_at, last_inbound_kind, created_at, updated_at)
       values (?, 'w1', ?, ?, 'Ana', '[]', '{}', ?, ?, ?, 'message', ?, ?)`,
    );
    raw.transaction(() => {
      for (let i = 0; i < PEOPLE; i++) {
        const pageId = String(500000000000000 + (i % PAGES));
        const psid = String(8_000_000_000_000_000 + i);
        const last = now - (i % 5 < 3 ? 2 : 40) * 3_600_000;
        const person = sim.state.addPerson({ pageId, psid, firstName: 'Ana' });
        person.lastInboundAt = last;
        insert.run(newId(now - PEOPLE + i), pageId, psid, last, last, last, now, now);
      }
    })();
    raw.close();

    const db = await openDatabase(`sqlite:${dbPath}`);
    const created = await createBroadcast(db, {
      workspaceId: 'w1',
      lang: 'en',
      now,
      body: {
        name: 'Crash',
        intent: 'promotional',
        content: { message: { type: 'text', text: 'Hola {{first_name}}, 15% de descuento hoy' } },
      },
    });
    if (!created.ok) throw new Error('create');
    const id = created.broadcast.id;
    await controlBroadcast(db, id, 'send', now);
    await db.close();

    const first = await runChild(simUrl, id, (p) => p.counts.sent >= 8_000);
    expect(first.signal).toBe('SIGKILL');
    const sentBeforeRestart = sim.state.counters.sendsOk;
    expect(sentBeforeRestart).toBeGreaterThan(0);
    expect(sentBeforeRestart).toBeLessThan(PEOPLE * 0.6);

    const second = await runChild(simUrl, id);
    expect(second.code).toBe(0);

    // 0 duplicates: nobody received the broadcast twice.
    const histogram = sim.state.messagesHistogram();
    expect(histogram.max).toBeLessThanOrEqual(1);
    expect(sim.state.counters.violations).toBe(0);

    // 0 lost: one row per person, every one ended.
    const check = await openDatabase(`sqlite:${dbPath}`);
    const report = await broadcastReport(check, id, Date.now());
    const rows = await check.db
      .selectFrom('outbox')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.count<number>('contact_id').distinct().as('people'),
      ])
      .where('origin_id', '=', id)
      .executeTakeFirstOrThrow();
    // An 'unknown' is only ever a send whose decision was on record before the kill (it may have
    // left); rows claimed but not yet decided were queued again and ended like the others.
    const unknownUndecided = await check.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('origin_id', '=', id)
      .where('status', '=', 'unknown')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('audit_log')
              .select('audit_log.id')
              .whereRef('audit_log.message_ref', '=', 'outbox.id'),
          ),
        ),
      )
      .executeTakeFirstOrThrow();
    await check.close();
    expect(Number(unknownUndecided.n)).toBe(0);
    await sim.people.flush();
    expect(Number(rows.n)).toBe(PEOPLE);
    expect(Number(rows.people)).toBe(PEOPLE);
    expect(report?.status).toBe('done');
    const c = report!.counts;
    expect(c.queued + c.sending).toBe(0);
    expect(c.sent + c.refused + c.failed + c.unknown).toBe(PEOPLE);
    expect(c.refused).toBe(PEOPLE * 0.4);
    // Every send Meta accepted is either recorded 'sent' or reported 'unknown' (in flight at the kill).
    const received = sim.state.counters.sendsOk;
    expect(received).toBeGreaterThanOrEqual(c.sent);
    expect(received).toBeLessThanOrEqual(c.sent + c.unknown);
    expect(report?.unknown).toBe(c.unknown);
    expect(report?.confirmedByEcho).toBe(0);
    expect(c.sent + c.unknown).toBe(PEOPLE * 0.6);

    // The echoes arrive: each unknown that reached Meta becomes 'sent'; what stays unknown never left.
    expect(echoes).toHaveLength(received);
    const afterEchoes = await applyEchoes(echoes);
    const e = afterEchoes.counts;
    expect(e.sent).toBe(received);
    expect(afterEchoes.confirmedByEcho).toBe(received - c.sent);
    expect(e.unknown).toBe(c.sent + c.unknown - received);
    expect(e.sent + e.refused + e.failed + e.unknown).toBe(PEOPLE);
    expect(afterEchoes.unknownWithAnEcho).toBe(0);

    // The operator sends again what Meta never echoed: nothing before the grace, then exactly those,
    // and everybody ends with one message.
    const db2 = await openDatabase(`sqlite:${dbPath}`);
    const tooSoon = await controlBroadcast(db2, id, 'resend-unconfirmed', Date.now());
    expect(tooSoon.ok && tooSoon.affected).toBe(0);
    await db2.db
      .updateTable('outbox')
      .set((eb) => ({ updated_at: eb('updated_at', '-', UNCONFIRMED_GRACE_MS + 1) }))
      .where('status', '=', 'unknown')
      .execute();
    const resend = await controlBroadcast(db2, id, 'resend-unconfirmed', Date.now());
    expect(resend.ok && resend.affected).toBe(e.unknown);
    await db2.close();
    const third = await runChild(simUrl, id);
    expect(third.code).toBe(0);
    await sim.people.flush();
    await sim.close();
    expect(sim.state.messagesHistogram().max).toBeLessThanOrEqual(1);
    expect(sim.state.counters.violations).toBe(0);
    expect(sim.state.counters.sendsOk).toBe(PEOPLE * 0.6);
    const db3 = await openDatabase(`sqlite:${dbPath}`);
    const final = (await broadcastReport(db3, id, Date.now()))!;
    await db3.close();
    expect(final.status).toBe('done');
    expect(final.counts).toMatchObject({ sent: PEOPLE * 0.6, refused: PEOPLE * 0.4, unknown: 0, failed: 0 });
    process.stdout.write(
      `crash test: sent ${c.sent}, refused ${c.refused}, unknown ${c.unknown} (reached Meta: ${received - c.sent}), failed ${c.failed}; after the echoes: sent ${e.sent}, unknown ${e.unknown}; after resending those: sent ${final.counts.sent}\n`,
    );
  });
});
