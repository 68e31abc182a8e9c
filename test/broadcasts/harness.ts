/** A Ventana database, two Pages and an in-process simulator that knows the same people. */
import { createGraphClient, createMemorySendRateLimiter, type GraphClient } from '../../src/graph/index.ts';
import type { DispatchDeps } from '../../src/outbound/dispatch.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import { contacts, type Database, openDatabase, pages, workspaces } from '../../src/storage/index.ts';

export const H = 3_600_000;
export const PAGE_A = '300000000000001';
export const PAGE_B = '300000000000002';
export const KEY = Buffer.alloc(32, 9);

export interface Harness {
  readonly sim: Simulator;
  readonly graph: GraphClient;
  readonly database: Database;
  readonly deps: DispatchDeps;
  readonly clock: { t: number };
  person(opts: {
    page?: string;
    hoursAgo: number | null;
    firstName?: string;
    locale?: string;
    country?: string;
    labels?: readonly string[];
  }): Promise<{ readonly psid: string; readonly contactId: string }>;
  close(): Promise<void>;
}

export async function createHarness(
  opts: {
    readonly permissions?: { humanAgent?: boolean; utilityMessaging?: boolean; marketingMessages?: boolean };
    /** Default: SQLite in memory. A file lets a test open it again, as a restarted process would. */
    readonly databaseUrl?: string;
  } = {},
): Promise<Harness> {
  const clock = { t: Date.parse('2026-11-25T12:00:00Z') };
  const permissions = opts.permissions ?? {};
  const sim = createSimulator({
    appSecret: 'test-app-secret',
    now: () => clock.t,
    pages: [
      { id: PAGE_A, token: 'token-a', permissions },
      { id: PAGE_B, token: 'token-b', permissions },
    ],
  });
  const url = await sim.listen(0);
  const graph = createGraphClient({ baseUrl: url, version: 'v26.0', timeoutMs: 3000 });
  const database = await openDatabase(opts.databaseUrl ?? ':memory:', { migrate: true });
  await workspaces.createWorkspace(database, { id: 'w1', name: 'Test', now: clock.t });
  for (const [id, token] of [
    [PAGE_A, 'token-a'],
    [PAGE_B, 'token-b'],
  ] as const) {
    await pages.upsertPage(database, KEY, {
      id,
      workspaceId: 'w1',
      name: id,
      accessToken: token,
      permissions,
      now: clock.t,
    });
  }
  const deps: DispatchDeps = {
    database,
    graph,
    limiter: createMemorySendRateLimiter(),
    rules: createRuleBook(),
    secretKey: KEY,
    now: () => clock.t,
  };
  return {
    sim,
    graph,
    database,
    deps,
    clock,
    async person({ page = PAGE_A, hoursAgo, firstName = 'Ana', locale = 'es_ES', country = 'ES', labels }) {
      const p = sim.people.createPerson({ pageId: page, firstName, locale, country });
      let contactId: string;
      if (hoursAgo === null) {
        const c = await contacts.upsertContact(database, {
          workspaceId: 'w1',
          pageId: page,
          psid: p.psid,
          now: clock.t,
          profile: { firstName, locale, country },
        });
        contactId = c.id;
      } else {
        sim.people.touch(p, clock.t - hoursAgo * H);
        const r = await contacts.recordInbound(database, {
          pageId: page,
          psid: p.psid,
          at: clock.t - hoursAgo * H,
          kind: 'message',
          opensWindow: true,
          now: clock.t,
        });
        if (!r.ok) throw new Error('contact not recorded');
        contactId = r.contactId;
        await contacts.updateContactProfile(database, contactId, { firstName, locale, country }, clock.t);
      }
      if (labels) await contacts.addLabels(database, contactId, labels, clock.t);
      return { psid: p.psid, contactId };
    },
    async close() {
      await graph.close();
      await sim.close();
      await database.close();
    },
  };
}
