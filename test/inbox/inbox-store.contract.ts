/**
 * The inbox storage contract (src/storage/inbox.ts, src/storage/overview.ts), run on SQLite and
 * PostgreSQL by inbox-store.sqlite.test.ts and inbox-store.postgres.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { windowThresholds } from '../../src/inbox/window-filter.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import {
  audit,
  contacts,
  conversations,
  type Database,
  inbox,
  messages,
  migrateToLatest,
  pages,
  workspaces,
} from '../../src/storage/index.ts';
import { overviewCounts } from '../../src/storage/overview.ts';

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.parse('2026-11-25T12:00:00Z');
const KEY = Buffer.alloc(32, 3);
const PAGE = '400000000000001';
const PAGE_NO_HA = '400000000000002';
const OTHER_PAGE = '400000000000009';
const rules = (() => {
  const r = createRuleBook().at(NOW);
  if (!r.ok) throw new Error('rules');
  return r.ruleSet;
})();

export function runInboxStoreContract(name: string, make: () => Promise<Database>): void {
  describe(`inbox storage: ${name}`, () => {
    let db: Database;

    beforeEach(async () => {
      db = await make();
      await migrateToLatest(db);
      await workspaces.createWorkspace(db, { id: 'w1', name: 'One', now: NOW });
      await workspaces.createWorkspace(db, { id: 'w2', name: 'Two', now: NOW });
      for (const [id, ws, humanAgent] of [
        [PAGE, 'w1', true],
        [PAGE_NO_HA, 'w1', false],
        [OTHER_PAGE, 'w2', true],
      ] as const) {
        await pages.upsertPage(db, KEY, {
          id,
          workspaceId: ws,
          name: id,
          accessToken: 't',
          permissions: { humanAgent },
          now: NOW,
        });
      }
    });
    afterEach(async () => {
      await db.close();
    });

    async function person(
      psid: string,
      hoursAgo: number | null,
      opts: { page?: string; first?: string; last?: string; ad?: boolean } = {},
    ) {
      const pageId = opts.page ?? PAGE;
      const workspaceId = pageId === OTHER_PAGE ? 'w2' : 'w1';
      let id: string;
      if (hoursAgo === null) {
        id = (await contacts.upsertContact(db, { workspaceId, pageId, psid, now: NOW - 1000 })).id;
      } else {
        const r = await contacts.recordInbound(db, {
          pageId,
          psid,
          at: NOW - hoursAgo * H,
          kind: opts.ad ? 'ad_message' : 'message',
          opensWindow: true,
          adReferral: opts.ad ?? false,
          now: NOW - hoursAgo * H,
        });
        if (!r.ok) throw new Error('not recorded');
        id = r.contactId;
      }
      if (opts.first !== undefined || opts.last !== undefined)
        await contacts.updateContactProfile(
          db,
          id,
          { firstName: opts.first ?? null, lastName: opts.last ?? null },
          NOW,
        );
      return id;
    }

    const ids = (r: { items: readonly { id: string }[] }) => r.items.map((i) => i.id);

    it('finds contacts by part of the name in any case, or by exact PSID, within one workspace', async () => {
      const ana = await person('1001', 2, { first: 'Ana', last: 'García' });
      await person('1002', 2, { first: 'Bea', last: 'López' });
      await person('1003', 2, { page: OTHER_PAGE, first: 'Ana', last: 'Otra' });
      expect(ids(await inbox.searchContacts(db, { workspaceId: 'w1', search: 'ANA gar' }))).toEqual([ana]);
      expect(ids(await inbox.searchContacts(db, { workspaceId: 'w1', search: '1001' }))).toEqual([ana]);
      expect((await inbox.searchContacts(db, { workspaceId: 'w1', search: '100' })).total).toBe(0);
    });

    it('filters by label literally, even when the label holds LIKE wildcards', async () => {
      const a = await person('2001', 1);
      const b = await person('2002', 1);
      await contacts.addLabels(db, a, ['50%_off'], NOW);
      await contacts.addLabels(db, b, ['50xxoff', 'vip'], NOW);
      expect(ids(await inbox.searchContacts(db, { workspaceId: 'w1', label: '50%_off' }))).toEqual([a]);
      expect(ids(await inbox.searchContacts(db, { workspaceId: 'w1', label: 'vip' }))).toEqual([b]);
      expect((await inbox.searchContacts(db, { workspaceId: 'w1', label: 'vi' })).total).toBe(0);
    });

    it('filters by window state as the rules in force see it, Human Agent only on Pages that hold it', async () => {
      const open = await person('3001', 1);
      const ha = await person('3002', 30);
      const haNoPermission = await person('3003', 30, { page: PAGE_NO_HA });
      const closed = await person('3004', 8 * 24);
      const never = await person('3005', null);
      const ad = await person('3006', 3 * 24, { ad: true });
      const w = (state: 'open' | 'human_agent' | 'closed') =>
        inbox.searchContacts(db, { workspaceId: 'w1', window: windowThresholds(state, rules, NOW, [PAGE]) });
      expect(new Set(ids(await w('open')))).toEqual(new Set([open, ad]));
      expect(ids(await w('human_agent'))).toEqual([ha]);
      expect(new Set(ids(await w('closed')))).toEqual(new Set([haNoPermission, closed, never]));
    });

    it('pages through contacts newest first with a keyset cursor and counts the total', async () => {
      const all: string[] = [];
      for (let i = 0; i < 5; i++) all.push(await person(`400${i}`, 10 - i));
      const first = await inbox.searchContacts(db, { workspaceId: 'w1', limit: 2 });
      expect(first.total).toBe(5);
      expect(ids(first)).toEqual([all[4], all[3]]);
      const cursor = inbox.decodeContactCursor(inbox.encodeContactCursor(first.nextCursor!))!;
      const second = await inbox.searchContacts(db, { workspaceId: 'w1', limit: 2, after: cursor });
      expect(ids(second)).toEqual([all[2], all[1]]);
      const third = await inbox.searchContacts(db, {
        workspaceId: 'w1',
        limit: 2,
        after: second.nextCursor!,
      });
      expect(ids(third)).toEqual([all[0]]);
      expect(third.nextCursor).toBeNull();
      expect(inbox.decodeContactCursor('garbage')).toBeUndefined();
    });

    async function conversationWith(psid: string, opts: { inbound?: number; outbound?: number } = {}) {
      const contactId = await person(psid, 1);
      const conv = await conversations.openConversation(db, {
        workspaceId: 'w1',
        contactId,
        pageId: PAGE,
        now: NOW,
      });
      if (opts.inbound !== undefined)
        await messages.insertMessage(db, {
          conversationId: conv.id,
          contactId,
          pageId: PAGE,
          direction: 'in',
          kind: 'text',
          text: 'hola',
          sender: 'contact',
          createdAt: opts.inbound,
        });
      if (opts.outbound !== undefined)
        await messages.insertMessage(db, {
          conversationId: conv.id,
          contactId,
          pageId: PAGE,
          direction: 'out',
          kind: 'text',
          text: 'hi',
          sender: 'human',
          createdAt: opts.outbound,
        });
      return { contactId, id: conv.id };
    }

    it('lists the inbox by filter: unassigned, mine, waiting, closed and all', async () => {
      const unanswered = await conversationWith('5001', { inbound: NOW - 3 * H });
      const answered = await conversationWith('5002', { inbound: NOW - 4 * H, outbound: NOW - 2 * H });
      const handedOff = await conversationWith('5003', { inbound: NOW - 5 * H, outbound: NOW - 4 * H });
      await db.db
        .updateTable('conversations')
        .set({ handoff_at: NOW - H })
        .where('id', '=', handedOff.id)
        .execute();
      const mine = await conversationWith('5004', { inbound: NOW - 6 * H, outbound: NOW - 5 * H });
      await conversations.assignConversation(db, mine.id, 'u1', NOW);
      const closed = await conversationWith('5005', { inbound: NOW - 7 * H });
      await conversations.closeConversation(db, closed.id, NOW);
      const list = (filter: inbox.InboxFilter, userId: string | null = 'u1') =>
        inbox.listInbox(db, { workspaceId: 'w1', filter, userId }).then(ids);
      expect(await list('unassigned')).toEqual([answered.id, unanswered.id, handedOff.id]);
      expect(await list('mine')).toEqual([mine.id]);
      expect(await list('mine', null)).toEqual([]);
      expect(await list('waiting')).toEqual([unanswered.id, handedOff.id]);
      expect(await list('closed')).toEqual([closed.id]);
      expect(await list('all')).toEqual([answered.id, unanswered.id, handedOff.id, mine.id, closed.id]);
      expect(await inbox.listInbox(db, { workspaceId: 'w2', filter: 'all', userId: null })).toMatchObject({
        items: [],
      });
      const firstPage = await inbox.listInbox(db, {
        workspaceId: 'w1',
        filter: 'all',
        userId: null,
        limit: 2,
      });
      const rest = await inbox.listInbox(db, {
        workspaceId: 'w1',
        filter: 'all',
        userId: null,
        after: firstPage.nextCursor!,
      });
      expect([...ids(firstPage), ...ids(rest)]).toEqual(await list('all'));
    });

    it('counts an inbound message once as unread', async () => {
      const c = await conversationWith('5101', { inbound: NOW - H });
      expect((await inbox.getInboxConversation(db, 'w1', c.id))?.unreadCount).toBe(1);
      expect(await inbox.getInboxConversation(db, 'w2', c.id)).toBeUndefined();
    });

    it('keeps notes on a conversation and changes its update time, so the live stream sees it', async () => {
      const c = await conversationWith('6001', { inbound: NOW - H });
      await inbox.addNote(db, {
        workspaceId: 'w1',
        conversationId: c.id,
        contactId: c.contactId,
        authorUserId: 'u1',
        text: 'VIP, be nice',
        now: NOW + 5,
      });
      expect((await inbox.listNotes(db, { conversationId: c.id })).map((n) => n.text)).toEqual([
        'VIP, be nice',
      ]);
      expect((await inbox.listNotes(db, { contactId: c.contactId })).length).toBe(1);
      expect((await inbox.getInboxConversation(db, 'w1', c.id))?.updatedAt).toBe(NOW + 5);
      const changed = await inbox.conversationsUpdatedSince(db, NOW + 1, 10);
      expect(changed.map((x) => x.id)).toEqual([c.id]);
    });

    it('reopens a closed conversation unless the contact has another open one', async () => {
      const c = await conversationWith('7001', { inbound: NOW - H });
      await conversations.closeConversation(db, c.id, NOW);
      expect(await inbox.reopenConversation(db, c.id, NOW + 1)).toEqual({ ok: true });
      expect((await inbox.getInboxConversation(db, 'w1', c.id))?.status).toBe('open');
      await conversations.closeConversation(db, c.id, NOW + 2);
      const other = await conversations.openConversation(db, {
        workspaceId: 'w1',
        contactId: c.contactId,
        pageId: PAGE,
        now: NOW + 3,
      });
      expect(await inbox.reopenConversation(db, c.id, NOW + 4)).toEqual({ ok: false, openId: other.id });
    });

    it('keeps canned replies per workspace', async () => {
      const r = await inbox.createCannedReply(db, {
        workspaceId: 'w1',
        title: 'Hours',
        text: 'Hola {{first_name}}, abrimos a las 9',
        shortcut: 'hours',
        createdBy: null,
        now: NOW,
      });
      expect(await inbox.listCannedReplies(db, 'w2')).toEqual([]);
      expect(await inbox.updateCannedReply(db, 'w2', r.id, { text: 'x', now: NOW })).toBe(false);
      expect(await inbox.deleteCannedReply(db, 'w2', r.id)).toBe(false);
      expect(await inbox.updateCannedReply(db, 'w1', r.id, { text: 'Abrimos a las 10', now: NOW + 1 })).toBe(
        true,
      );
      expect((await inbox.listCannedReplies(db, 'w1')).map((c) => [c.title, c.text])).toEqual([
        ['Hours', 'Abrimos a las 10'],
      ]);
      expect(await inbox.deleteCannedReply(db, 'w1', r.id)).toBe(true);
      expect(await inbox.listCannedReplies(db, 'w1')).toEqual([]);
    });

    it('journals label and field edits for the timeline, newest first', async () => {
      const id = await person('8001', 1);
      await inbox.recordContactChange(db, {
        workspaceId: 'w1',
        contactId: id,
        actorUserId: 'u1',
        change: { addLabels: ['vip'] },
        now: NOW,
      });
      await inbox.recordContactChange(db, {
        workspaceId: 'w1',
        contactId: id,
        actorUserId: null,
        change: { fields: { size: 'M' } },
        now: NOW + 1,
      });
      const list = await inbox.listContactChanges(db, id);
      expect(list.map((c) => c.change)).toEqual([{ fields: { size: 'M' } }, { addLabels: ['vip'] }]);
      expect(await inbox.listContactChanges(db, id, { before: NOW + 1 })).toHaveLength(1);
    });

    it('reads recent messages by id with their workspace, for the live stream', async () => {
      const c = await conversationWith('9001', { inbound: NOW - 10 });
      const recent = await inbox.messagesAfterId(db, '0', 10);
      expect(recent).toMatchObject([
        { workspaceId: 'w1', conversationId: c.id, direction: 'in', text: 'hola' },
      ]);
      expect(await inbox.messagesAfterId(db, recent[0]!.id, 10)).toEqual([]);
    });

    it('counts the overview per day: inbound, sends by route, refusals by reason, opt-ins and opt-outs', async () => {
      const day0 = Date.parse('2026-11-24T10:00:00Z');
      const c = await conversationWith('9501', { inbound: day0 });
      await conversationWith('9502', { inbound: day0 + D });
      const entry = (at: number, allowed: boolean, route: string | null, reasons: string[], ws = 'w1') =>
        audit.appendAudit(db, {
          workspaceId: ws,
          pageId: PAGE,
          contactId: c.contactId,
          at,
          ruleSet: rules.id,
          route,
          allowed,
          reasons: reasons.map((code) => ({ code })),
        });
      const sent = await entry(day0 + H, true, 'standard', []);
      await audit.recordAuditOutcome(db, sent, { graphStatus: 'sent' });
      const ha = await entry(day0 + D + H, true, 'human_agent', []);
      await audit.recordAuditOutcome(db, ha, { graphStatus: 'sent' });
      await entry(day0 + D + 2 * H, true, 'standard', []); // allowed but failed at Meta: not "sent"
      await entry(day0 + D + 3 * H, false, null, ['outside_window', 'promotional_content']);
      await entry(day0 + D + 4 * H, false, null, ['outside_window']);
      await entry(day0 + D + 4 * H, false, null, ['outside_window'], 'w2');
      await contacts.setOptedOut(db, c.contactId, true, day0 + 2 * H);
      const counts = await overviewCounts(db, {
        workspaceId: 'w1',
        from: Date.parse('2026-11-24T00:00:00Z'),
        to: Date.parse('2026-11-26T00:00:00Z'),
      });
      const day = Math.floor(day0 / D);
      expect(counts.inbound).toEqual([
        { day, count: 1 },
        { day: day + 1, count: 1 },
      ]);
      expect(counts.sent).toEqual([
        { day, count: 1 },
        { day: day + 1, count: 1 },
      ]);
      expect(counts.refused).toEqual([{ day: day + 1, count: 2 }]);
      expect(counts.byRoute).toEqual([
        { route: 'human_agent', count: 1 },
        { route: 'standard', count: 1 },
      ]);
      expect(counts.refusedByReason).toEqual([
        { code: 'outside_window', count: 2 },
        { code: 'promotional_content', count: 1 },
      ]);
      expect(counts.optOuts).toEqual([{ day, count: 1 }]);
    });
  });
}
