/**
 * The growth repositories' contract (src/storage/growth.ts), run on SQLite and PostgreSQL:
 * Messenger profiles, marketing setup and holds, subscriber counts, utility templates.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  contacts,
  type Database,
  growth,
  migrateToLatest,
  pages,
  workspaces,
} from '../../src/storage/index.ts';

const T0 = 1_780_000_000_000;
const H = 3_600_000;
const KEY = Buffer.alloc(32, 5);

export function runGrowthContract(name: string, make: () => Promise<Database>): void {
  describe(`growth storage contract: ${name}`, () => {
    let database: Database;
    let workspaceId: string;
    const pageId = '2001';

    beforeEach(async () => {
      database = await make();
      await migrateToLatest(database);
      workspaceId = (await workspaces.createWorkspace(database, { name: 'Acme', now: T0 })).id;
      await pages.upsertPage(database, KEY, {
        id: pageId,
        workspaceId,
        name: 'Acme',
        accessToken: 'tok',
        now: T0,
      });
    });
    afterEach(async () => {
      await database.close();
    });

    async function subscriber(
      psid: string,
      status: 'active' | 'stopped',
      expiresAt: number,
    ): Promise<string> {
      const r = await contacts.recordInbound(database, {
        pageId,
        psid,
        at: T0,
        kind: 'message',
        opensWindow: true,
      });
      if (!r.ok) throw new Error(r.code);
      await contacts.setMarketingToken(database, KEY, r.contactId, {
        token: `tok-${psid}`,
        expiresAt,
        now: T0,
      });
      if (status === 'stopped') await contacts.setMarketingStatus(database, r.contactId, 'stopped', T0);
      return r.contactId;
    }

    it('versions the desired profile and records apply, failure and drift', async () => {
      const first = await growth.saveDesiredProfile(database, {
        pageId,
        workspaceId,
        desired: { a: 1 },
        now: T0,
      });
      expect(first).toMatchObject({
        version: 1,
        appliedVersion: null,
        applyStatus: 'never',
        desired: { a: 1 },
      });
      const second = await growth.saveDesiredProfile(database, {
        pageId,
        workspaceId,
        desired: { a: 2 },
        now: T0 + 1,
      });
      expect(second).toMatchObject({ version: 2, desired: { a: 2 } });
      await growth.markProfileQueued(database, pageId, T0 + 2);
      expect((await growth.getProfile(database, pageId))?.applyStatus).toBe('queued');
      await growth.recordProfileFailed(database, { pageId, error: 'boom', now: T0 + 3 });
      expect(await growth.getProfile(database, pageId)).toMatchObject({
        applyStatus: 'failed',
        lastError: 'boom',
      });
      await growth.recordProfileApplied(database, { pageId, version: 2, now: T0 + 4 });
      await growth.recordProfileObserved(database, {
        pageId,
        observed: { greeting: [] },
        drift: ['greeting'],
        now: T0 + 5,
      });
      expect(await growth.getProfile(database, pageId)).toMatchObject({
        applyStatus: 'applied',
        appliedVersion: 2,
        lastError: null,
        appliedAt: T0 + 4,
        observed: { greeting: [] },
        drift: ['greeting'],
        checkedAt: T0 + 5,
      });
    });

    it('stores the marketing setup with the system token encrypted, and keeps what an update leaves out', async () => {
      const c = await growth.upsertMarketingConfig(database, KEY, {
        pageId,
        workspaceId,
        adAccountId: '42',
        campaignName: 'Invierno',
        campaignId: '777',
        campaignCreatedAt: T0,
        systemToken: 'system-user-secret',
        now: T0,
      });
      expect(c).toMatchObject({ adAccountId: '42', campaignId: '777', hasSystemToken: true });
      const raw = await database.db
        .selectFrom('marketing_configs')
        .select('system_token_enc')
        .executeTakeFirst();
      expect(raw?.system_token_enc).not.toContain('system-user-secret');
      expect(await growth.getMarketingSystemToken(database, KEY, pageId)).toBe('system-user-secret');
      await growth.upsertMarketingConfig(database, KEY, {
        pageId,
        workspaceId,
        adAccountId: '42',
        campaignName: 'Invierno 2',
        minGapSeconds: 3600,
        now: T0 + 1,
      });
      expect(await growth.getMarketingConfig(database, pageId)).toMatchObject({
        campaignId: '777',
        campaignCreatedAt: T0,
        campaignName: 'Invierno 2',
        minGapSeconds: 3600,
        hasSystemToken: true,
      });
    });

    it('holds a contact after a cap and replaces the hold on the next one', async () => {
      const id = await subscriber('p1', 'active', T0 + 1000 * H);
      expect(await growth.getMarketingHold(database, id)).toBeUndefined();
      await growth.holdMarketing(database, {
        contactId: id,
        until: T0 + 24 * H,
        reason: 'mm/weekly-cap',
        now: T0,
      });
      await growth.holdMarketing(database, {
        contactId: id,
        until: T0 + 48 * H,
        reason: 'mm/daily-cap',
        now: T0 + 1,
      });
      expect(await growth.getMarketingHold(database, id)).toEqual({
        until: T0 + 48 * H,
        reason: 'mm/daily-cap',
      });
    });

    it('counts and lists subscribers by status, expired ones by their expiry', async () => {
      await subscriber('a1', 'active', T0 + 100 * H);
      await subscriber('a2', 'active', T0 + 100 * H);
      await subscriber('s1', 'stopped', T0 + 100 * H);
      await subscriber('e1', 'active', T0 + H);
      await contacts.recordInbound(database, {
        pageId,
        psid: 'nobody',
        at: T0,
        kind: 'message',
        opensWindow: true,
      });
      const now = T0 + 2 * H;
      expect(await growth.countSubscribers(database, { workspaceId, pageId, now })).toEqual({
        active: 2,
        stopped: 1,
        expired: 1,
        total: 4,
      });
      const list = await growth.listSubscribers(database, { workspaceId, pageId, now, limit: 10 });
      expect(list.map((s) => `${s.psid}:${s.status}`).sort()).toEqual([
        'a1:active',
        'a2:active',
        'e1:expired',
        's1:stopped',
      ]);
      const page1 = await growth.listSubscribers(database, { workspaceId, pageId, now, limit: 3 });
      const page2 = await growth.listSubscribers(database, {
        workspaceId,
        pageId,
        now,
        limit: 3,
        cursor: page1.at(-1)!.contactId,
      });
      expect([...page1, ...page2].map((s) => s.psid).sort()).toEqual(['a1', 'a2', 'e1', 's1']);
    });

    it('keeps one template per Page, name and language, and follows its status', async () => {
      const made = await growth.insertTemplate(database, {
        workspaceId,
        pageId,
        name: 'order_shipped',
        language: 'es',
        category: 'UTILITY',
        definition: { kind: 'authored', body: 'Tu pedido {{1}}' },
        now: T0,
      });
      if (!made.ok) throw new Error(made.code);
      expect(made.template).toMatchObject({ status: 'DRAFT', metaId: null });
      const again = await growth.insertTemplate(database, {
        workspaceId,
        pageId,
        name: 'order_shipped',
        language: 'es',
        category: 'UTILITY',
        definition: {},
        now: T0,
      });
      expect(again).toEqual({ ok: false, code: 'template_exists' });
      const id = made.template.id;
      await growth.recordTemplateSubmitted(database, id, {
        metaId: 'm-1',
        status: 'PENDING',
        rejectedReason: null,
        now: T0 + 1,
      });
      const at = T0 + 10_000;
      expect(
        await growth.applyTemplateStatus(database, {
          pageId,
          metaId: 'm-1',
          name: null,
          language: null,
          status: 'APPROVED',
          reason: null,
          at,
        }),
      ).toBe(1);
      // An older event arriving late does not undo a newer status.
      expect(
        await growth.applyTemplateStatus(database, {
          pageId,
          metaId: 'm-1',
          name: null,
          language: null,
          status: 'PENDING',
          reason: null,
          at: at - 5000,
        }),
      ).toBe(0);
      // Without Meta's id, the name and language find it.
      await growth.applyTemplateStatus(database, {
        pageId,
        metaId: null,
        name: 'order_shipped',
        language: 'es',
        status: 'REJECTED',
        reason: 'TAG_SHOULD_BE_MARKETING',
        at: at + 1,
      });
      expect(await growth.findTemplate(database, pageId, 'order_shipped', 'es')).toMatchObject({
        status: 'REJECTED',
        rejectedReason: 'TAG_SHOULD_BE_MARKETING',
        definition: { kind: 'authored', body: 'Tu pedido {{1}}' },
      });
      expect(
        (await growth.listTemplates(database, workspaceId, { status: 'REJECTED' })).map((t) => t.id),
      ).toEqual([id]);
      expect(await growth.listTemplates(database, 'other-workspace')).toEqual([]);
      expect(await growth.getTemplate(database, 'other-workspace', id)).toBeUndefined();
      expect(await growth.deleteTemplate(database, 'other-workspace', id)).toBe(false);
      expect(await growth.deleteTemplate(database, workspaceId, id)).toBe(true);
      expect(await growth.listTemplates(database, workspaceId)).toEqual([]);
    });
  });
}
