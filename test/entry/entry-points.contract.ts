/** The entry-point repository's contract, run against SQLite and PostgreSQL. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EntryPointData } from '../../src/storage/entry-points.ts';
import {
  contacts,
  type Database,
  entryPoints,
  migrateToLatest,
  outbox,
  pages,
  workspaces,
} from '../../src/storage/index.ts';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const DAY = 86_400_000;
const KEY = Buffer.alloc(32, 3);

function link(pageId: string, ref: string, extra: Partial<EntryPointData> = {}): EntryPointData {
  return {
    pageId,
    kind: 'link',
    name: `Link ${ref}`,
    ref,
    slug: ref.replace(/_/g, '-'),
    language: null,
    prefillText: null,
    labels: ['qr'],
    fields: { source: 'qr' },
    flowId: null,
    sequenceId: null,
    config: {},
    active: true,
    ...extra,
  };
}

export function runEntryPointContract(name: string, make: () => Promise<Database>): void {
  describe(`entry point repository: ${name}`, () => {
    let database: Database;
    let ws: string;
    const PAGE = '3001';

    beforeEach(async () => {
      database = await make();
      await migrateToLatest(database);
      ws = (await workspaces.createWorkspace(database, { name: 'Acme', now: T0 })).id;
      const r = await pages.upsertPage(database, KEY, { id: PAGE, workspaceId: ws, name: 'Acme', now: T0 });
      if (!r.ok) throw new Error(r.code);
      await pages.upsertPage(database, KEY, { id: '3002', workspaceId: ws, name: 'Other', now: T0 });
    });
    afterEach(async () => {
      await database.close();
    });

    async function contact(psid: string): Promise<string> {
      const r = await contacts.recordInbound(database, {
        pageId: PAGE,
        psid,
        at: T0,
        kind: 'referral',
        opensWindow: true,
      });
      if (!r.ok) throw new Error(r.code);
      return r.contactId;
    }

    it('creates, reads, lists, updates and deletes an entry point of one workspace', async () => {
      const created = await entryPoints.createEntryPoint(database, {
        ...link(PAGE, 'qr_shop'),
        workspaceId: ws,
        now: T0,
      });
      expect(created.ok).toBe(true);
      if (!created.ok) return;
      const ep = created.entryPoint;
      expect(await entryPoints.getEntryPoint(database, ws, ep.id)).toEqual(ep);
      expect(await entryPoints.getEntryPoint(database, 'another-workspace', ep.id)).toBeUndefined();
      expect(ep).toMatchObject({ labels: ['qr'], fields: { source: 'qr' }, active: true, language: null });
      expect((await entryPoints.findByRef(database, PAGE, 'qr_shop'))?.id).toBe(ep.id);
      expect((await entryPoints.getEntryPointBySlug(database, 'qr-shop'))?.id).toBe(ep.id);

      const updated = await entryPoints.updateEntryPoint(database, {
        ...link(PAGE, 'qr_shop_2', { language: 'es', active: false }),
        id: ep.id,
        workspaceId: ws,
        now: T0 + 1,
      });
      expect(updated).toMatchObject({
        ok: true,
        entryPoint: { ref: 'qr_shop_2', language: 'es', active: false, updatedAt: T0 + 1 },
      });
      // Inactive entry points answer neither referrals nor landing pages.
      expect(await entryPoints.findByRef(database, PAGE, 'qr_shop_2')).toBeUndefined();
      expect(await entryPoints.getEntryPointBySlug(database, 'qr-shop-2')).toBeUndefined();
      expect((await entryPoints.listEntryPoints(database, { workspaceId: ws })).map((e) => e.id)).toEqual([
        ep.id,
      ]);
      expect(await entryPoints.deleteEntryPoint(database, 'another-workspace', ep.id)).toBe(false);
      expect(await entryPoints.deleteEntryPoint(database, ws, ep.id)).toBe(true);
      expect(await entryPoints.listEntryPoints(database, { workspaceId: ws })).toEqual([]);
    });

    it('keeps refs unique per Page and slugs unique everywhere', async () => {
      await entryPoints.createEntryPoint(database, { ...link(PAGE, 'promo'), workspaceId: ws, now: T0 });
      const sameRef = await entryPoints.createEntryPoint(database, {
        ...link(PAGE, 'promo', { slug: 'other-slug' }),
        workspaceId: ws,
        now: T0,
      });
      expect(sameRef).toEqual({ ok: false, code: 'ref_taken' });
      const otherPage = await entryPoints.createEntryPoint(database, {
        ...link('3002', 'promo', { slug: 'promo-3002' }),
        workspaceId: ws,
        now: T0,
      });
      expect(otherPage.ok).toBe(true);
      const sameSlug = await entryPoints.createEntryPoint(database, {
        ...link(PAGE, 'promo_b', { slug: 'promo' }),
        workspaceId: ws,
        now: T0,
      });
      expect(sameSlug).toEqual({ ok: false, code: 'slug_taken' });
      // Comment entry points have no ref: many of them on one Page do not collide.
      for (const n of [1, 2]) {
        const c = await entryPoints.createEntryPoint(database, {
          ...link(PAGE, 'x', { kind: 'comment', ref: null, slug: null, name: `c${n}` }),
          workspaceId: ws,
          now: T0,
        });
        expect(c.ok).toBe(true);
      }
      expect(await entryPoints.activeEntryPointsOfPage(database, PAGE, ['comment'])).toHaveLength(2);
    });

    it('records each attribution once and computes first and last touch by the time of the action', async () => {
      const a = await entryPoints.createEntryPoint(database, {
        ...link(PAGE, 'a'),
        workspaceId: ws,
        now: T0,
      });
      const b = await entryPoints.createEntryPoint(database, {
        ...link(PAGE, 'b'),
        workspaceId: ws,
        now: T0,
      });
      if (!a.ok || !b.ok) throw new Error('setup');
      const c = await contact('p1');
      const touch = (entryPointId: string, at: number, key: string) =>
        entryPoints.recordAttribution(database, {
          workspaceId: ws,
          entryPointId,
          contactId: c,
          kind: 'touch',
          via: 'referral',
          at,
          eventKey: key,
          now: T0,
        });
      expect(await touch(b.entryPoint.id, T0 + 2 * DAY, 'e2')).toBe(true);
      expect(await touch(b.entryPoint.id, T0 + 2 * DAY, 'e2')).toBe(false);
      // An older touch processed later still becomes the first touch.
      expect(await touch(a.entryPoint.id, T0 + DAY, 'e1')).toBe(true);
      await entryPoints.syncContactTouches(database, c, T0 + 3 * DAY);
      const saved = await contacts.getContact(database, c);
      expect(saved).toMatchObject({ firstEntryPoint: a.entryPoint.id, lastEntryPoint: b.entryPoint.id });
      expect(await entryPoints.lastTouchOf(database, c)).toBe(b.entryPoint.id);
    });

    it('answers per-day statistics with every day present and distinct people in the totals', async () => {
      const r = await entryPoints.createEntryPoint(database, {
        ...link(PAGE, 's'),
        workspaceId: ws,
        now: T0,
      });
      if (!r.ok) throw new Error('setup');
      const id = r.entryPoint.id;
      const c1 = await contact('s1');
      const c2 = await contact('s2');
      const record = (
        contactId: string,
        kind: 'touch' | 'opt_in' | 'opt_out',
        at: number,
        key: string,
        flags = {},
      ) =>
        entryPoints.recordAttribution(database, {
          workspaceId: ws,
          entryPointId: id,
          contactId,
          kind,
          via: 'referral',
          at,
          eventKey: key,
          now: T0,
          ...flags,
        });
      await record(c1, 'touch', T0, 'k1', { newContact: true, conversationOpened: true, windowOpened: true });
      await record(c1, 'touch', T0 + 60_000, 'k2', { windowOpened: false });
      await record(c2, 'touch', T0, 'k3', { newContact: true, windowOpened: true });
      await record(c1, 'opt_in', T0 + 120_000, 'k4');
      await record(c1, 'touch', T0 + 2 * DAY, 'k5');
      await record(c2, 'opt_out', T0 + 2 * DAY, 'k6');
      const stats = await entryPoints.entryPointStats(database, id, { from: '2026-11-19', to: '2026-11-22' });
      expect(stats.byDay.map((d) => d.day)).toEqual(['2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
      expect(stats.byDay[0]).toMatchObject({ reached: 0, newContacts: 0, optIns: 0 });
      expect(stats.byDay[1]).toEqual({
        day: '2026-11-20',
        reached: 2,
        newContacts: 2,
        conversationsOpened: 1,
        windowsOpened: 2,
        optIns: 1,
        optOuts: 0,
        flowGoals: 0,
      });
      expect(stats.byDay[3]).toMatchObject({ reached: 1, optOuts: 1 });
      expect(stats.totals).toEqual({
        reached: 2,
        newContacts: 2,
        conversationsOpened: 1,
        windowsOpened: 2,
        optIns: 1,
        optOuts: 1,
        flowGoals: 0,
      });
    });

    it('turns a commenter into the person, or merges it into the contact Ventana already knows', async () => {
      const r = await entryPoints.createEntryPoint(database, {
        ...link(PAGE, 'cm'),
        workspaceId: ws,
        now: T0,
      });
      if (!r.ok) throw new Error('setup');
      const commenter = async (fromId: string) => {
        const c = await contacts.upsertContact(database, {
          workspaceId: ws,
          pageId: PAGE,
          psid: `commenter:${fromId}`,
          now: T0,
        });
        await contacts.addLabels(database, c.id, ['comentó'], T0);
        await contacts.setFields(database, c.id, { origen: 'comentario', canal: 'post' }, T0);
        await entryPoints.recordAttribution(database, {
          workspaceId: ws,
          entryPointId: r.entryPoint.id,
          contactId: c.id,
          kind: 'touch',
          via: 'comment',
          at: T0,
          eventKey: `c-${fromId}`,
          now: T0,
        });
        return c.id;
      };
      // Unknown person: the commenter contact becomes theirs.
      const first = await commenter('u1');
      expect(
        await entryPoints.linkCommenter(database, {
          commenterId: first,
          pageId: PAGE,
          psid: 'real-1',
          now: T0,
        }),
      ).toBe(first);
      expect(await contacts.getContactByPsid(database, PAGE, 'real-1')).toMatchObject({
        id: first,
        labels: ['comentó'],
      });
      // Known person: labels, missing fields and touches move to their contact.
      const known = await contact('real-2');
      await contacts.setFields(database, known, { canal: 'web' }, T0);
      const second = await commenter('u2');
      expect(
        await entryPoints.linkCommenter(database, {
          commenterId: second,
          pageId: PAGE,
          psid: 'real-2',
          now: T0,
        }),
      ).toBe(known);
      expect(await contacts.getContact(database, known)).toMatchObject({
        labels: ['comentó'],
        fields: { origen: 'comentario', canal: 'web' },
        firstEntryPoint: r.entryPoint.id,
        lastEntryPoint: r.entryPoint.id,
      });
    });

    it("links the commenter a private reply's echo names, found by its outbox row, and moves the reply", async () => {
      const commenter = await contacts.upsertContact(database, {
        workspaceId: ws,
        pageId: PAGE,
        psid: 'commenter:u9',
        now: T0,
      });
      const reply = async (key: string, contactId: string) => {
        const q = await outbox.enqueueOutbox(database, [
          {
            workspaceId: ws,
            pageId: PAGE,
            contactId,
            origin: 'entry_point',
            idempotencyKey: key,
            content: {},
            now: T0,
          },
        ]);
        return q.inserted[0]!.id;
      };
      const toCommenter = await reply('pr-1', commenter.id);
      const known = await contact('real-9');
      const toKnown = await reply('other', known);
      const echo = { pageId: PAGE, psid: 'real-9', mid: null, now: T0 };
      // Another Page's echo, or one of a send to a person already known by their PSID, links nobody.
      expect(
        await entryPoints.linkCommenterOfEcho(database, { ...echo, pageId: '3002', outboxId: toCommenter }),
      ).toBeNull();
      expect(await entryPoints.linkCommenterOfEcho(database, { ...echo, outboxId: toKnown })).toBeNull();
      expect(await entryPoints.linkCommenterOfEcho(database, { ...echo, outboxId: toCommenter })).toBe(known);
      expect(await outbox.getOutboxItem(database, toCommenter)).toMatchObject({ contactId: known });
    });

    it('deletes the attribution rows with their entry point', async () => {
      const r = await entryPoints.createEntryPoint(database, {
        ...link(PAGE, 'gone'),
        workspaceId: ws,
        now: T0,
      });
      if (!r.ok) throw new Error('setup');
      const c = await contact('g1');
      await entryPoints.recordAttribution(database, {
        workspaceId: ws,
        entryPointId: r.entryPoint.id,
        contactId: c,
        kind: 'touch',
        via: 'referral',
        at: T0,
        eventKey: 'g',
        now: T0,
      });
      await entryPoints.deleteEntryPoint(database, ws, r.entryPoint.id);
      const left = await database.db.selectFrom('entry_point_events').select('id').execute();
      expect(left).toEqual([]);
    });
  });
}
