/**
 * The tracked-link and schedule storage contract, run on SQLite and PostgreSQL: minting is
 * idempotent, clicks count people once and clicks every time, a broadcast's schedule round-trips,
 * queued rows get their due moments, Page time zones and audience counts agree.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  countContacts,
  getBroadcast,
  insertBroadcast,
  nextDueAt,
  pageTimezones,
  queuedRows,
  setQueuedDue,
} from '../../src/storage/broadcasts.ts';
import { contacts, type Database, links, outbox, pages, workspaces } from '../../src/storage/index.ts';

const T0 = 1_780_000_000_000;
const KEY = Buffer.alloc(32, 3);

export function runLinksContract(name: string, make: () => Promise<Database>): void {
  describe(`links and schedules storage: ${name}`, () => {
    let database: Database;
    let codes = 0;
    const newCode = () => `Code${String(++codes).padStart(8, '0')}`;

    beforeEach(async () => {
      database = await make();
      await workspaces.createWorkspace(database, { id: 'w1', name: 'W', now: T0 });
      for (const id of ['p1', 'p2'])
        await pages.upsertPage(database, KEY, { id, workspaceId: 'w1', name: id, now: T0 });
    });
    afterEach(async () => {
      await database.close();
    });

    async function person(psid: string, page = 'p1', timezone: number | null = null, seenAt = T0) {
      const c = await contacts.upsertContact(database, {
        workspaceId: 'w1',
        pageId: page,
        psid,
        now: seenAt,
        profile: timezone === null ? {} : { timezone },
      });
      return c.id;
    }

    const origin = { originKind: 'broadcast' as const, originId: 'b1' };

    it('mints one code per origin, person and URL, and gives a retry the same code', async () => {
      const ana = await person('ana');
      const bea = await person('bea');
      const req = (contactId: string, url: string) => ({ workspaceId: 'w1', ...origin, contactId, url });
      const first = await links.ensureLinks(
        database,
        [
          req(ana, 'https://a.example.com'),
          req(ana, 'https://b.example.com'),
          req(bea, 'https://a.example.com'),
          req(ana, 'https://a.example.com'),
        ],
        { newCode, now: T0 },
      );
      expect(new Set(first).size).toBe(3);
      expect(first[3]).toBe(first[0]);
      const again = await links.ensureLinks(
        database,
        [req(bea, 'https://a.example.com'), req(ana, 'https://a.example.com')],
        {
          newCode,
          now: T0 + 1,
        },
      );
      expect(again).toEqual([first[2], first[0]]);
      const other = await links.ensureLinks(
        database,
        [
          {
            workspaceId: 'w1',
            originKind: 'sequence',
            originId: 'b1',
            contactId: ana,
            url: 'https://a.example.com',
          },
        ],
        { newCode, now: T0 },
      );
      expect(first).not.toContain(other[0]);
      expect(await links.getLink(database, first[1]!)).toMatchObject({
        contactId: ana,
        url: 'https://b.example.com',
        clicks: 0,
        firstClickedAt: null,
      });
    });

    it('counts every click, and each person once in the unique count', async () => {
      const ana = await person('ana');
      const bea = await person('bea');
      const [a1, a2, b1] = await links.ensureLinks(
        database,
        [
          { workspaceId: 'w1', ...origin, contactId: ana, url: 'https://a.example.com' },
          { workspaceId: 'w1', ...origin, contactId: ana, url: 'https://b.example.com' },
          { workspaceId: 'w1', ...origin, contactId: bea, url: 'https://a.example.com' },
        ],
        { newCode, now: T0 },
      );
      expect(await links.clickStats(database, 'broadcast', 'b1')).toEqual({ people: 0, total: 0, byUrl: [] });
      await links.recordClick(database, a1!, T0 + 10);
      const twice = await links.recordClick(database, a1!, T0 + 20);
      await links.recordClick(database, a2!, T0 + 30);
      await links.recordClick(database, b1!, T0 + 40);
      expect(twice).toMatchObject({ clicks: 2, firstClickedAt: T0 + 10, lastClickedAt: T0 + 20 });
      expect(await links.recordClick(database, 'NoSuchCode00', T0)).toBeUndefined();
      expect(await links.clickStats(database, 'broadcast', 'b1')).toEqual({
        people: 2,
        total: 4,
        byUrl: [
          { url: 'https://a.example.com', people: 2, total: 3 },
          { url: 'https://b.example.com', people: 1, total: 1 },
        ],
      });
      expect(await links.clickStats(database, 'broadcast', 'other')).toMatchObject({ people: 0, total: 0 });
      expect(
        (await links.linksOfContact(database, ana, { kind: 'broadcast', id: 'b1' }))
          .map((l) => l.clicks)
          .sort(),
      ).toEqual([1, 2]);
      const clickers = await links.listClickers(database, { kind: 'broadcast', id: 'b1' });
      expect(clickers.map((c) => [c.psid, c.url, c.clicks]).sort()).toEqual(
        [
          ['ana', 'https://a.example.com', 2],
          ['ana', 'https://b.example.com', 1],
          ['bea', 'https://a.example.com', 1],
        ].sort(),
      );
      const page = await links.listClickers(database, { kind: 'broadcast', id: 'b1' }, { limit: 2 });
      const next = await links.listClickers(
        database,
        { kind: 'broadcast', id: 'b1' },
        { after: page[1]!.code },
      );
      expect([...page, ...next].map((c) => c.code)).toEqual(clickers.map((c) => c.code));
    });

    it("keeps a broadcast's schedule and its link-tracking choice", async () => {
      const schedule = {
        at: T0 + 5000,
        localTime: false,
        fallbackTimezone: null,
        beforeWindowCloses: true,
        windowMarginMinutes: 30,
        closedWindow: 'skip',
      };
      await insertBroadcast(database, {
        id: 'b1',
        workspaceId: 'w1',
        name: 'n',
        audience: {},
        content: { message: { type: 'text', text: 'x' } },
        intent: 'promotional',
        verdict: {},
        now: T0,
        schedule,
        trackLinks: false,
      });
      await insertBroadcast(database, {
        id: 'b2',
        workspaceId: 'w1',
        name: 'n',
        audience: {},
        content: null,
        intent: 'promotional',
        verdict: {},
        now: T0,
      });
      expect(await getBroadcast(database, 'b1')).toMatchObject({ schedule, trackLinks: false, skipped: 0 });
      expect(await getBroadcast(database, 'b2')).toMatchObject({ schedule: null, trackLinks: true });
    });

    it('lists queued rows, sets their due moments and reports the next one (held rows excluded)', async () => {
      const ids = [await person('a'), await person('b'), await person('c')];
      await outbox.enqueueOutbox(
        database,
        ids.map((contactId, i) => ({
          workspaceId: 'w1',
          pageId: 'p1',
          contactId,
          origin: 'broadcast' as const,
          originId: 'b1',
          idempotencyKey: `k${i}`,
          content: { broadcast: 'b1' },
          runAt: T0 + 1000 * (i + 1),
          now: T0,
        })),
      );
      expect(await nextDueAt(database, 'b1')).toBe(T0 + 1000);
      const rows = await queuedRows(database, 'b1', '', 2);
      expect(rows).toHaveLength(2);
      expect(rows.map((r) => r.contactId).sort()).toEqual(ids.slice(0, 2).sort());
      const rest = await queuedRows(database, 'b1', rows[1]!.id, 2);
      expect(rest).toHaveLength(1);
      expect(
        await setQueuedDue(
          database,
          rows.map((r) => r.id),
          T0 + 9000,
          T0,
        ),
      ).toBe(2);
      expect(await nextDueAt(database, 'b1')).toBe(T0 + 3000);
      await outbox.holdOutboxByOrigin(database, 'broadcast', 'b1', T0);
      expect(await nextDueAt(database, 'b1')).toBeNull();
    });

    it("finds each Page's most common contact time zone, and counts contacts by Page and last seen", async () => {
      await person('a', 'p1', 1);
      await person('b', 'p1', 1);
      await person('c', 'p1', -5);
      await person('d', 'p2', -5, T0 - 40 * 86_400_000);
      await person('e', 'p2', null);
      const zones = await pageTimezones(database, 'w1');
      expect(Object.fromEntries(zones)).toEqual({ p1: 1, p2: -5 });
      expect(await countContacts(database, { workspaceId: 'w1' })).toBe(5);
      expect(await countContacts(database, { workspaceId: 'w1', pageIds: ['p2'] })).toBe(2);
      expect(await countContacts(database, { workspaceId: 'w1', pageIds: [] })).toBe(0);
      expect(await countContacts(database, { workspaceId: 'w1', seenBefore: T0 - 30 * 86_400_000 })).toBe(1);
      expect(await countContacts(database, { workspaceId: 'w1', seenSince: T0 - 30 * 86_400_000 })).toBe(4);
    });
  });
}
