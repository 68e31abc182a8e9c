/**
 * Several runners on one PostgreSQL database (as with `ventana worker` processes): every due step is
 * handled by exactly one of them, and every step is enqueued once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRuleBook } from '../../src/policy/index.ts';
import { enrollInSequence } from '../../src/sequences/enroll.ts';
import { runDueSteps, type SequenceRunnerDeps } from '../../src/sequences/runner.ts';
import { controlSequence, createSequence, sequenceStats } from '../../src/sequences/service.ts';
import { contacts, type Database, openDatabase, pages, workspaces } from '../../src/storage/index.ts';
import { setupPostgresTestDatabase } from '../storage/pg-fixture.ts';

const requireServer = setupPostgresTestDatabase();
const H = 3_600_000;
const KEY = Buffer.alloc(32, 5);

describe('sequence runners sharing PostgreSQL', () => {
  let databases: Database[];
  const clock = { t: Date.parse('2026-11-25T12:00:00Z') };

  beforeEach(async () => {
    const url = await requireServer().freshSchemaUrl();
    databases = [
      await openDatabase(url, { migrate: true, poolMax: 4 }),
      await openDatabase(url, { poolMax: 4 }),
    ];
  });
  afterEach(async () => {
    for (const d of databases) await d.close();
  });

  it('enqueues each due step exactly once when three runners scan at the same time', async () => {
    const [db] = databases as [Database];
    await workspaces.createWorkspace(db, { id: 'w1', name: 'W', now: clock.t });
    await pages.upsertPage(db, KEY, {
      id: '4001',
      workspaceId: 'w1',
      name: 'P',
      accessToken: 't',
      now: clock.t,
    });
    const created = await createSequence(db, {
      workspaceId: 'w1',
      lang: 'en',
      now: clock.t,
      body: {
        name: 'Dos pasos',
        steps: [
          {
            delay: { amount: 0, unit: 'minutes' },
            content: { message: { type: 'text', text: 'Uno' } },
            intent: 'non_promotional',
          },
          {
            delay: { amount: 1, unit: 'hours' },
            content: { message: { type: 'text', text: 'Dos' } },
            intent: 'non_promotional',
          },
        ],
      },
    });
    if (!created.ok) throw new Error('not created');
    await controlSequence(db, created.sequence.id, 'w1', 'activate', clock.t);
    for (let i = 0; i < 60; i++) {
      const r = await contacts.recordInbound(db, {
        pageId: '4001',
        psid: `psid-${i}`,
        at: clock.t - (i % 2 === 0 ? 1 : 30) * H,
        kind: 'message',
        opensWindow: true,
      });
      if (!r.ok) throw new Error('contact');
      const e = await enrollInSequence(db, {
        workspaceId: 'w1',
        contactId: r.contactId,
        sequenceId: created.sequence.id,
        source: 'api',
        now: clock.t,
      });
      expect(e.ok).toBe(true);
    }
    const rules = createRuleBook();
    const runner = (database: Database): SequenceRunnerDeps => ({
      database,
      rules,
      now: () => clock.t,
      batch: 7,
    });
    const scan = () =>
      Promise.all(
        [runner(databases[0]!), runner(databases[1]!), runner(databases[0]!)].map((d) => runDueSteps(d)),
      );

    const first = (await scan()).flat();
    expect(first.filter((o) => o.kind === 'enqueued')).toHaveLength(30);
    expect(first.filter((o) => o.kind === 'skipped')).toHaveLength(30);
    expect(first.filter((o) => o.kind === 'lost_claim')).toHaveLength(0);
    clock.t += H;
    const second = (await scan()).flat();
    expect(second).toHaveLength(60);

    const rows = await db.db
      .selectFrom('outbox')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        eb.fn.count<number>('idempotency_key').distinct().as('keys'),
      ])
      .where('origin', '=', 'sequence')
      .executeTakeFirstOrThrow();
    // 30 people in the window got step 1; everybody's step 2 falls due after 1 h more (30 still open).
    expect(Number(rows.n)).toBe(Number(rows.keys));
    expect(Number(rows.n)).toBe(60);
    const stats = await sequenceStats(db, created.sequence);
    expect(stats.enrollments).toMatchObject({ completed: 60 });
  });
});
