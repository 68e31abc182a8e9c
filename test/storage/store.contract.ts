/**
 * The storage contract: every repository behaviour, run against every database the project
 * supports (sqlite.test.ts, postgres.test.ts). A behaviour that holds on one dialect only is a bug.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateSecretKey, parseSecretKey } from '../../src/lib/crypto.ts';
import {
  audit,
  contacts,
  conversations,
  type Database,
  inbound,
  inbox,
  inTransaction,
  messages,
  migrateToLatest,
  outbox,
  pages,
  settings,
  workspaces,
} from '../../src/storage/index.ts';

function makeKey(): Buffer {
  const parsed = parseSecretKey(generateSecretKey());
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.key;
}

const T0 = 1_760_000_000_000;
const HOUR = 3_600_000;

export function runStoreContract(name: string, make: () => Promise<Database>): void {
  describe(`storage contract: ${name}`, () => {
    let database: Database;
    const key = makeKey();

    beforeEach(async () => {
      database = await make();
      await migrateToLatest(database);
    });
    afterEach(async () => {
      await database.close();
    });

    async function seed(pageId = '1001'): Promise<{ workspaceId: string; pageId: string }> {
      const ws = await workspaces.createWorkspace(database, { name: 'Acme', now: T0 });
      const result = await pages.upsertPage(database, key, {
        id: pageId,
        workspaceId: ws.id,
        name: 'Acme Page',
        accessToken: 'EAAG-plaintext-access-token',
        appSecret: 'app-secret-plaintext',
        now: T0,
      });
      if (!result.ok) throw new Error(result.code);
      return { workspaceId: ws.id, pageId };
    }

    async function contactFor(pageId: string, psid = 'psid-1'): Promise<string> {
      const r = await contacts.recordInbound(database, {
        pageId,
        psid,
        at: T0,
        kind: 'message',
        opensWindow: true,
      });
      if (!r.ok) throw new Error(r.code);
      return r.contactId;
    }

    describe('migrations', () => {
      it('applies nothing the second time and leaves every table queryable', async () => {
        expect((await migrateToLatest(database)).applied).toEqual([]);
        for (const table of [
          'workspaces',
          'pages',
          'contacts',
          'conversations',
          'messages',
          'webhook_bodies',
          'inbound_log',
          'audit_log',
          'audit_reasons',
          'outbox',
          'settings',
        ] as const) {
          const row = await database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow();
          expect(row.n).toBe(0);
        }
      });

      it('returns counts and epoch-millisecond timestamps as numbers', async () => {
        const { workspaceId, pageId } = await seed();
        await contactFor(pageId);
        expect(await contacts.countContacts(database, { workspaceId })).toBe(1);
        const [c] = await contacts.listContacts(database, { workspaceId });
        expect(typeof c?.createdAt).toBe('number');
        expect(c?.lastInboundAt).toBe(T0);
      });
    });

    describe('workspaces and settings', () => {
      it('creates, lists and renames workspaces', async () => {
        const a = await workspaces.createWorkspace(database, { name: 'A', now: T0 });
        const b = await workspaces.createWorkspace(database, { name: 'B', now: T0 + 1 });
        expect((await workspaces.listWorkspaces(database)).map((w) => w.id)).toEqual([a.id, b.id]);
        expect(await workspaces.renameWorkspace(database, a.id, 'A2')).toBe(true);
        expect((await workspaces.getWorkspace(database, a.id))?.name).toBe('A2');
        expect(await workspaces.getWorkspace(database, 'missing')).toBeUndefined();
      });

      it('stores settings and keeps the first generated value when created twice', async () => {
        expect(await settings.getSetting(database, 'k')).toBeUndefined();
        await settings.setSetting(database, 'k', 'v1');
        await settings.setSetting(database, 'k', 'v2');
        expect(await settings.getSetting(database, 'k')).toBe('v2');
        const first = await settings.getOrCreateSetting(database, 'secret', () => 'generated-1');
        const second = await settings.getOrCreateSetting(database, 'secret', () => 'generated-2');
        expect([first, second]).toEqual(['generated-1', 'generated-1']);
        expect(await settings.deleteSetting(database, 'k')).toBe(true);
        expect(await settings.getSetting(database, 'k')).toBeUndefined();
      });
    });

    describe('pages', () => {
      it('encrypts secrets at rest and decrypts them only on request', async () => {
        const { workspaceId, pageId } = await seed();
        const raw = await database.db
          .selectFrom('pages')
          .selectAll()
          .where('id', '=', pageId)
          .executeTakeFirstOrThrow();
        expect(raw.access_token_enc).toMatch(/^v1:/);
        expect(raw.access_token_enc).not.toContain('EAAG-plaintext-access-token');
        expect(raw.app_secret_enc).not.toContain('app-secret-plaintext');
        expect(JSON.stringify(await pages.listPages(database, workspaceId))).not.toContain('plaintext');
        expect(JSON.stringify(await pages.getPage(database, pageId))).not.toContain('plaintext');
        const secrets = await pages.getPageSecrets(database, key, pageId);
        expect(secrets).toEqual({
          accessToken: 'EAAG-plaintext-access-token',
          appSecret: 'app-secret-plaintext',
          verifyToken: null,
        });
        await expect(pages.getPageSecrets(database, makeKey(), pageId)).rejects.toThrow(/different/);
      });

      it('keeps omitted secrets on update, erases null ones, and never moves a page to another workspace', async () => {
        const { workspaceId, pageId } = await seed();
        const updated = await pages.upsertPage(database, key, {
          id: pageId,
          workspaceId,
          name: 'Renamed',
          appSecret: null,
          permissions: { humanAgent: true },
          now: T0 + 5,
        });
        expect(updated.ok && updated.created).toBe(false);
        expect(updated.ok && updated.page.name).toBe('Renamed');
        expect(updated.ok && updated.page.hasAppSecret).toBe(false);
        expect((await pages.getPageSecrets(database, key, pageId))?.accessToken).toBe(
          'EAAG-plaintext-access-token',
        );
        const other = await workspaces.createWorkspace(database, { name: 'Other', now: T0 });
        const stolen = await pages.upsertPage(database, key, {
          id: pageId,
          workspaceId: other.id,
          name: 'x',
          now: T0,
        });
        expect(stolen).toEqual({ ok: false, code: 'page_in_other_workspace' });
        expect((await pages.getPage(database, pageId))?.workspaceId).toBe(workspaceId);
      });

      it('merges permissions, sets status, and reports the page facts', async () => {
        const { pageId } = await seed();
        await pages.setPagePermissions(database, pageId, { humanAgent: true }, T0 + 1);
        await pages.setPagePermissions(database, pageId, { marketingMessages: true }, T0 + 2);
        await pages.setPageStatus(database, pageId, 'restricted', 'policy violation', T0 + 3);
        await pages.upsertPage(database, key, {
          id: pageId,
          workspaceId: (await pages.getPage(database, pageId))?.workspaceId ?? '',
          name: 'Acme Page',
          businessCountry: 'ES',
          now: T0 + 4,
        });
        expect(await pages.pageFacts(database, pageId)).toEqual({
          humanAgent: true,
          utilityMessaging: false,
          marketingMessages: true,
          newsPageIndex: false,
          restricted: true,
          businessCountry: 'ES',
        });
        expect((await pages.getPage(database, pageId))?.statusReason).toBe('policy violation');
        await pages.setPageSecrets(database, key, pageId, { verifyToken: 'verify-me' }, T0 + 5);
        expect((await pages.getPageSecrets(database, key, pageId))?.verifyToken).toBe('verify-me');
        expect(await pages.pageFacts(database, 'nope')).toBeUndefined();
      });
    });

    describe('contacts', () => {
      it('upserts by (page, psid): the second call updates the same contact', async () => {
        const { workspaceId, pageId } = await seed();
        const a = await contacts.upsertContact(database, {
          workspaceId,
          pageId,
          psid: 'p1',
          now: T0,
          entryPoint: 'mme',
        });
        const b = await contacts.upsertContact(database, {
          workspaceId,
          pageId,
          psid: 'p1',
          now: T0 + 10,
          profile: { firstName: 'Ana', timezone: 5.5, locale: 'es_ES' },
          entryPoint: 'ad-42',
        });
        expect(b.id).toBe(a.id);
        expect(b).toMatchObject({
          firstName: 'Ana',
          timezone: 5.5,
          locale: 'es_ES',
          profileFetchedAt: T0 + 10,
          firstEntryPoint: 'mme',
          lastEntryPoint: 'ad-42',
        });
        expect(await contacts.countContacts(database, { workspaceId, pageId })).toBe(1);
      });

      it('rejects a second row for the same (page, psid) and a contact of an unknown page', async () => {
        const { pageId } = await seed();
        const id = await contactFor(pageId);
        const row = await database.db
          .selectFrom('contacts')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        await expect(
          database.db
            .insertInto('contacts')
            .values({ ...row, id: 'other' })
            .execute(),
        ).rejects.toThrow();
        await expect(
          database.db
            .insertInto('contacts')
            .values({ ...row, id: 'other2', psid: 'x', page_id: 'no-page' })
            .execute(),
        ).rejects.toThrow();
      });

      it('never moves last_inbound_at back when events arrive out of order', async () => {
        const { pageId } = await seed();
        const newer = await contacts.recordInbound(database, {
          pageId,
          psid: 'p1',
          at: T0 + 2 * HOUR,
          kind: 'postback',
          opensWindow: true,
        });
        const older = await contacts.recordInbound(database, {
          pageId,
          psid: 'p1',
          at: T0,
          kind: 'message',
          opensWindow: true,
        });
        expect(newer).toMatchObject({ ok: true, created: true });
        expect(older).toMatchObject({ ok: true, created: false, lastInboundAt: T0 + 2 * HOUR });
        const c = await contacts.getContactByPsid(database, pageId, 'p1');
        expect(c).toMatchObject({
          lastInboundAt: T0 + 2 * HOUR,
          lastInboundKind: 'postback',
          firstSeenAt: T0,
          lastSeenAt: T0 + 2 * HOUR,
        });
      });

      it('keeps the newest inbound when many writers race', async () => {
        const { pageId } = await seed();
        const times = Array.from({ length: 40 }, (_, i) => T0 + ((i * 7919) % 40) * 1000);
        const results = await Promise.all(
          times.map((at) =>
            contacts.recordInbound(database, {
              pageId,
              psid: 'racer',
              at,
              kind: 'message',
              opensWindow: true,
            }),
          ),
        );
        expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
        const c = await contacts.getContactByPsid(database, pageId, 'racer');
        expect(c?.lastInboundAt).toBe(Math.max(...times));
        expect(c?.firstSeenAt).toBe(Math.min(...times));
      });

      it('updates last_seen but not the window for actions that do not open it', async () => {
        const { pageId } = await seed();
        await contacts.recordInbound(database, {
          pageId,
          psid: 'p1',
          at: T0,
          kind: 'message',
          opensWindow: true,
        });
        await contacts.recordInbound(database, {
          pageId,
          psid: 'p1',
          at: T0 + HOUR,
          kind: 'reaction',
          opensWindow: false,
        });
        expect(await contacts.getContactByPsid(database, pageId, 'p1')).toMatchObject({
          lastInboundAt: T0,
          lastInboundKind: 'message',
          lastSeenAt: T0 + HOUR,
        });
        await contacts.recordInbound(database, {
          pageId,
          psid: 'p2',
          at: T0,
          kind: 'reaction',
          opensWindow: false,
        });
        expect((await contacts.getContactByPsid(database, pageId, 'p2'))?.lastInboundAt).toBeNull();
      });

      it('records a slice of actions for many people at once as one by one would, and says who is new', async () => {
        const { workspaceId, pageId } = await seed();
        const known = await contactFor(pageId, 'known');
        expect(await contacts.markWindowClosedByGraph(database, known, T0 + HOUR)).toBe(true);
        await contacts.markBlocked(database, known, T0 + HOUR);
        const stale = await contactFor(pageId, 'stale');
        expect(await contacts.markWindowClosedByGraph(database, stale, T0 + 3 * HOUR)).toBe(true);
        const result = await contacts.recordInboundMany(
          database,
          [
            // An older action than the stored ones: last_* stay, first_seen moves back.
            {
              workspaceId,
              pageId,
              psid: 'known',
              firstAt: T0 - HOUR,
              lastAt: T0 + 2 * HOUR,
              lastOpening: { at: T0 + 2 * HOUR, kind: 'postback' },
            },
            {
              workspaceId,
              pageId,
              psid: 'stale',
              firstAt: T0 + 2 * HOUR,
              lastAt: T0 + 2 * HOUR,
              lastOpening: { at: T0 + 2 * HOUR, kind: 'message' },
            },
            {
              workspaceId,
              pageId,
              psid: 'new-open',
              firstAt: T0,
              lastAt: T0 + 5,
              lastOpening: { at: T0 + 5, kind: 'message' },
            },
            { workspaceId, pageId, psid: 'new-quiet', firstAt: T0, lastAt: T0, lastOpening: null },
          ],
          T0 + 4 * HOUR,
        );
        expect(result.get(`${pageId}:known`)).toEqual({ contactId: known, created: false });
        expect(result.get(`${pageId}:stale`)).toEqual({ contactId: stale, created: false });
        expect(result.get(`${pageId}:new-open`)?.created).toBe(true);
        expect(result.get(`${pageId}:new-quiet`)?.created).toBe(true);
        expect(await contacts.getContact(database, known)).toMatchObject({
          firstSeenAt: T0 - HOUR,
          lastSeenAt: T0 + 2 * HOUR,
          lastInboundAt: T0 + 2 * HOUR,
          lastInboundKind: 'postback',
          windowClosedByGraphAt: null,
          blocked: false,
        });
        // A Graph "window closed" newer than the slice's last action stays.
        expect((await contacts.getContact(database, stale))?.windowClosedByGraphAt).toBe(T0 + 3 * HOUR);
        expect(await contacts.getContactByPsid(database, pageId, 'new-open')).toMatchObject({
          firstSeenAt: T0,
          lastSeenAt: T0 + 5,
          lastInboundAt: T0 + 5,
          lastInboundKind: 'message',
          workspaceId,
        });
        expect(await contacts.getContactByPsid(database, pageId, 'new-quiet')).toMatchObject({
          lastInboundAt: null,
          lastSeenAt: T0,
        });
        // An action that opens nothing never moves a window back or clears a mark.
        await contacts.recordInboundMany(
          database,
          [
            {
              workspaceId,
              pageId,
              psid: 'known',
              firstAt: T0 + 3 * HOUR,
              lastAt: T0 + 3 * HOUR,
              lastOpening: null,
            },
          ],
          T0 + 5 * HOUR,
        );
        expect(await contacts.getContact(database, known)).toMatchObject({
          lastInboundAt: T0 + 2 * HOUR,
          lastSeenAt: T0 + 3 * HOUR,
        });
        expect((await contacts.recordInboundMany(database, [], T0)).size).toBe(0);
      });

      it('reports an unknown page instead of creating an orphan contact', async () => {
        await seed();
        expect(
          await contacts.recordInbound(database, {
            pageId: 'nope',
            psid: 'p',
            at: T0,
            kind: 'message',
            opensWindow: true,
          }),
        ).toEqual({ ok: false, code: 'page_unknown' });
      });

      it('clears a window closed by the Graph API only with a newer inbound', async () => {
        const { pageId } = await seed();
        const id = await contactFor(pageId);
        expect(await contacts.markWindowClosedByGraph(database, id, T0 + HOUR)).toBe(true);
        await contacts.recordInbound(database, {
          pageId,
          psid: 'psid-1',
          at: T0 + 30 * 60_000,
          kind: 'message',
          opensWindow: true,
        });
        expect((await contacts.getContact(database, id))?.windowClosedByGraphAt).toBe(T0 + HOUR);
        await contacts.recordInbound(database, {
          pageId,
          psid: 'psid-1',
          at: T0 + 2 * HOUR,
          kind: 'message',
          opensWindow: true,
        });
        expect((await contacts.getContact(database, id))?.windowClosedByGraphAt).toBeNull();
        // A Graph answer about a send made before the newest inbound is stale.
        expect(await contacts.markWindowClosedByGraph(database, id, T0 + HOUR + 1)).toBe(false);
        expect((await contacts.getContact(database, id))?.windowClosedByGraphAt).toBeNull();
      });

      it('moves the ad window forward only, and only for ad referrals', async () => {
        const { pageId } = await seed();
        await contacts.recordInbound(database, {
          pageId,
          psid: 'p',
          at: T0 + HOUR,
          kind: 'ad_message',
          opensWindow: true,
          adReferral: true,
        });
        await contacts.recordInbound(database, {
          pageId,
          psid: 'p',
          at: T0,
          kind: 'ad_message',
          opensWindow: true,
          adReferral: true,
        });
        await contacts.recordInbound(database, {
          pageId,
          psid: 'p',
          at: T0 + 2 * HOUR,
          kind: 'message',
          opensWindow: true,
        });
        expect((await contacts.getContactByPsid(database, pageId, 'p'))?.adWindowStartedAt).toBe(T0 + HOUR);
      });

      it('marks blocked and unreachable, and a newer inbound lifts both', async () => {
        const { pageId } = await seed();
        const id = await contactFor(pageId);
        expect(await contacts.markBlocked(database, id, T0 + HOUR)).toBe(true);
        expect(await contacts.markUnreachable(database, id, T0 + HOUR)).toBe(true);
        expect(await contacts.factsForContact(database, id)).toMatchObject({ blocked: true });
        await contacts.recordInbound(database, {
          pageId,
          psid: 'psid-1',
          at: T0 + 1,
          kind: 'message',
          opensWindow: true,
        });
        expect(await contacts.getContact(database, id)).toMatchObject({
          blocked: true,
          unreachableAt: T0 + HOUR,
        });
        await contacts.recordInbound(database, {
          pageId,
          psid: 'psid-1',
          at: T0 + 2 * HOUR,
          kind: 'message',
          opensWindow: true,
        });
        expect(await contacts.getContact(database, id)).toMatchObject({
          blocked: false,
          blockedAt: null,
          unreachableAt: null,
        });
        expect(await contacts.markBlocked(database, id, T0 + HOUR)).toBe(false);
      });

      it('records opt-out and opt-back-in', async () => {
        const { pageId } = await seed();
        const id = await contactFor(pageId);
        await contacts.setOptedOut(database, id, true, T0 + 5);
        expect((await contacts.factsForContact(database, id))?.optedOut).toBe(true);
        await contacts.setOptedOut(database, id, false, T0 + 6);
        expect((await contacts.factsForContact(database, id))?.optedOut).toBe(false);
      });

      it('stores subscription tokens encrypted and exposes them as facts', async () => {
        const { pageId } = await seed();
        const id = await contactFor(pageId);
        await contacts.setMarketingToken(database, key, id, {
          token: 'mm-token-plain',
          expiresAt: T0 + 90 * 24 * HOUR,
          now: T0,
        });
        await contacts.setLegacyToken(database, key, id, { token: 'legacy-plain', now: T0 });
        await contacts.setOneTimeToken(database, key, id, { token: 'otn-plain', createdAt: T0 });
        const raw = await database.db
          .selectFrom('contacts')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        for (const column of [raw.marketing_token_enc, raw.legacy_token_enc, raw.otn_token_enc]) {
          expect(column).toMatch(/^v1:/);
          expect(column).not.toContain('plain');
        }
        expect(JSON.stringify(await contacts.getContact(database, id))).not.toContain('plain');
        expect(await contacts.getContactTokens(database, key, id)).toEqual({
          marketing: 'mm-token-plain',
          legacy: 'legacy-plain',
          oneTime: 'otn-plain',
        });
        expect(await contacts.markTokenUsed(database, id, 'marketing', T0 + 2 * HOUR)).toBe(true);
        expect(await contacts.markTokenUsed(database, id, 'marketing', T0 + HOUR)).toBe(false);
        expect(await contacts.markTokenUsed(database, id, 'one_time', T0 + HOUR)).toBe(true);
        expect(await contacts.markTokenUsed(database, id, 'one_time', T0 + 3 * HOUR)).toBe(false);
        await contacts.setMarketingStatus(database, id, 'stopped', T0 + 4 * HOUR);
        expect(await contacts.setLegacyTokenStatus(database, id, 'stopped', T0 + 4 * HOUR)).toBe(true);
        expect(await contacts.setLegacyTokenStatus(database, id, 'active', T0 + 4 * HOUR)).toBe(true);
        expect(await contacts.factsForContact(database, id)).toEqual({
          lastInboundAt: T0,
          lastInboundKind: 'message',
          adWindowStartedAt: null,
          country: null,
          blocked: false,
          optedOut: false,
          marketingSubscription: {
            status: 'stopped',
            lastSentAt: T0 + 2 * HOUR,
            expiresAt: T0 + 90 * 24 * HOUR,
          },
          legacyNotificationToken: { status: 'active', lastSentAt: null, expiresAt: null },
          oneTimeToken: { createdAt: T0, usedAt: T0 + HOUR },
          windowClosedByGraphAt: null,
        });
        await contacts.setMarketingToken(database, key, id, { token: null, now: T0 + 5 * HOUR });
        expect((await contacts.factsForContact(database, id))?.marketingSubscription).toBeNull();
      });

      it('adds and removes labels and merges fields without losing concurrent edits', async () => {
        const { pageId } = await seed();
        const id = await contactFor(pageId);
        await Promise.all(
          ['vip', 'lead', 'es', 'promo', 'b2b'].map((l) => contacts.addLabels(database, id, [l], T0)),
        );
        expect((await contacts.getContact(database, id))?.labels).toEqual([
          'b2b',
          'es',
          'lead',
          'promo',
          'vip',
        ]);
        expect(await contacts.removeLabels(database, id, ['promo', 'absent'], T0)).toEqual([
          'b2b',
          'es',
          'lead',
          'vip',
        ]);
        await contacts.setFields(database, id, { plan: 'gold', score: 3 }, T0);
        expect(await contacts.setFields(database, id, { score: null, city: 'Lima' }, T0)).toEqual({
          plan: 'gold',
          city: 'Lima',
        });
        expect(await contacts.addLabels(database, 'missing', ['x'], T0)).toBeUndefined();
      });

      it('lists contacts with keyset pagination in creation order', async () => {
        const { workspaceId, pageId } = await seed();
        const ids: string[] = [];
        for (let i = 0; i < 23; i++) ids.push(await contactFor(pageId, `p${i}`));
        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await contacts.listContacts(
            database,
            after === undefined ? { workspaceId, limit: 10 } : { workspaceId, after, limit: 10 },
          );
          if (page.length === 0) break;
          seen.push(...page.map((c) => c.id));
          after = page[page.length - 1]?.id;
        }
        expect(seen).toEqual(ids);
      });
    });

    describe('webhook intake', () => {
      it('stores raw bodies and hands them out once per lease, oldest first', async () => {
        const a = await inbound.storeWebhookBody(database, '{"object":"page","n":1}', T0);
        const b = await inbound.storeWebhookBody(database, '{"object":"page","n":2}', T0 + 1);
        const claimed = await inbound.claimUnprocessedBodies(database, {
          limit: 10,
          now: T0 + 10,
          leaseMs: 1000,
        });
        expect(claimed.map((c) => [c.id, c.raw, c.attempts])).toEqual([
          [a, '{"object":"page","n":1}', 1],
          [b, '{"object":"page","n":2}', 1],
        ]);
        expect(
          await inbound.claimUnprocessedBodies(database, { limit: 10, now: T0 + 20, leaseMs: 1000 }),
        ).toEqual([]);
        await inbound.markBodyProcessed(database, a, T0 + 30);
        const retried = await inbound.claimUnprocessedBodies(database, {
          limit: 10,
          now: T0 + 2000,
          leaseMs: 1000,
        });
        expect(retried.map((c) => [c.id, c.attempts])).toEqual([[b, 2]]);
        expect(await inbound.countPendingBodies(database)).toBe(1);
        await inbound.markBodyProcessed(database, b, T0 + 2001);
        expect(await inbound.pruneProcessedBodies(database, T0 + 1)).toBe(1);
      });

      it('keeps a stored body even when a concurrent transaction rolls back', async () => {
        let started!: () => void;
        let release!: () => void;
        const inside = new Promise<void>((r) => {
          started = r;
        });
        const gate = new Promise<void>((r) => {
          release = r;
        });
        const tx = inTransaction(database, async (t) => {
          await settings.setSetting(t, 'doomed', 'x');
          started();
          await gate;
          throw new Error('roll back');
        }).catch((e: unknown) => (e instanceof Error ? e.message : 'error'));
        await inside;
        const stored = inbound.storeWebhookBody(database, 'survivor', T0);
        // Let the body's write run while the transaction is still open (the hazard on one connection).
        for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
        release();
        expect(await tx).toBe('roll back');
        const id = await stored;
        const row = await database.db
          .selectFrom('webhook_bodies')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        expect(row?.raw).toBe('survivor');
        expect(await settings.getSetting(database, 'doomed')).toBeUndefined();
      });

      it('never gives the same body to two concurrent claimers', async () => {
        for (let i = 0; i < 60; i++) await inbound.storeWebhookBody(database, `b${i}`, T0 + i);
        const claims = await Promise.all(
          [0, 1, 2, 3].map(() => inbound.claimUnprocessedBodies(database, { limit: 20, now: T0 + 100 })),
        );
        const ids = claims.flat().map((c) => c.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(60);
        for (const claim of claims) expect(claim.length).toBeLessThanOrEqual(20);
      });

      it('deduplicates events across calls and within one batch', async () => {
        const event = (dedupeKey: string, eventTs: number) => ({
          pageId: '1001',
          dedupeKey,
          receivedAt: T0,
          eventTs,
          kind: 'message',
          psid: 'p1',
          payload: { mid: dedupeKey },
        });
        const first = await inbound.insertInboundEvents(database, [
          event('m1', 3),
          event('m2', 1),
          event('m1', 3),
        ]);
        expect(first.inserted.map((e) => e.dedupeKey)).toEqual(['m1', 'm2']);
        expect(first.duplicates).toEqual(['m1']);
        const second = await inbound.insertInboundEvents(database, [event('m2', 1), event('m3', 2)]);
        expect(second.inserted.map((e) => e.dedupeKey)).toEqual(['m3']);
        expect(second.duplicates).toEqual(['m2']);
        await expect(
          database.db
            .insertInto('inbound_log')
            .values({
              id: 'dup',
              page_id: '1001',
              body_id: null,
              dedupe_key: 'm1',
              received_at: T0,
              event_ts: 1,
              kind: 'message',
              psid: null,
              payload: '{}',
              processed_at: null,
              claimed_until: null,
              attempts: 0,
              error: null,
            })
            .execute(),
        ).rejects.toThrow();
        const claimed = await inbound.claimUnprocessedEvents(database, { limit: 10, now: T0 });
        expect(claimed.map((e) => e.dedupeKey)).toEqual(['m2', 'm3', 'm1']);
        expect(claimed[0]?.payload).toEqual({ mid: 'm2' });
        await inbound.markEventProcessed(database, claimed[0]?.id ?? '', T0 + 1);
        await inbound.releaseEvent(database, claimed[1]?.id ?? '', T0, 'transient');
        const again = await inbound.claimUnprocessedEvents(database, { limit: 10, now: T0 + 1 });
        expect(again.map((e) => [e.dedupeKey, e.attempts])).toEqual([['m3', 2]]);
      });

      it('inserts large batches beyond one statement', async () => {
        const events = Array.from({ length: 2500 }, (_, i) => ({
          pageId: '1001',
          dedupeKey: `k${i}`,
          receivedAt: T0,
          eventTs: T0 + i,
          kind: 'delivery',
          payload: { i },
        }));
        const result = await inbound.insertInboundEvents(database, events);
        expect(result.inserted).toHaveLength(2500);
        expect((await inbound.insertInboundEvents(database, events)).duplicates).toHaveLength(2500);
      });

      it('splits a body into events and marks it processed in one step', async () => {
        const bodyId = await inbound.storeWebhookBody(database, '{}', T0);
        const result = await inbound.splitBody(
          database,
          bodyId,
          [{ pageId: '1001', dedupeKey: 'mid.1', receivedAt: T0, eventTs: T0, kind: 'message', payload: {} }],
          T0 + 1,
        );
        expect(result.inserted).toHaveLength(1);
        expect(await inbound.countPendingBodies(database)).toBe(0);
        const event = await inbound.getInboundEvent(database, result.inserted[0]?.id ?? '');
        expect(event?.bodyId).toBe(bodyId);
      });
    });

    describe('conversations and messages', () => {
      it('opens one conversation per contact even under concurrent calls, and a new one after closing', async () => {
        const { workspaceId, pageId } = await seed();
        const contactId = await contactFor(pageId);
        const opened = await Promise.all(
          [0, 1, 2, 3, 4].map(() =>
            conversations.openConversation(database, { workspaceId, contactId, pageId, now: T0 }),
          ),
        );
        expect(new Set(opened.map((c) => c.id)).size).toBe(1);
        const first = opened[0]!;
        expect(await conversations.closeConversation(database, first.id, T0 + 1)).toBe(true);
        const next = await conversations.openConversation(database, {
          workspaceId,
          contactId,
          pageId,
          now: T0 + 2,
        });
        expect(next.id).not.toBe(first.id);
        expect((await conversations.getConversation(database, first.id))?.status).toBe('closed');
      });

      it('opens the conversations of many contacts at once, reusing those already open', async () => {
        const { workspaceId, pageId } = await seed();
        const a = await contactFor(pageId, 'a');
        const b = await contactFor(pageId, 'b');
        const c = await contactFor(pageId, 'c');
        const existing = await conversations.openConversation(database, {
          workspaceId,
          contactId: a,
          pageId,
          now: T0,
        });
        const closed = await conversations.openConversation(database, {
          workspaceId,
          contactId: c,
          pageId,
          now: T0,
        });
        await conversations.closeConversation(database, closed.id, T0 + 1);
        const open = await conversations.openConversations(
          database,
          [a, b, c, b].map((contactId) => ({ workspaceId, contactId, pageId })),
          T0 + 2,
        );
        expect(open.size).toBe(3);
        expect(open.get(a)?.id).toBe(existing.id);
        expect(open.get(b)).toMatchObject({ contactId: b, status: 'open', workspaceId, pageId });
        expect(open.get(c)?.id).not.toBe(closed.id);
        const again = await conversations.openConversations(
          database,
          [{ workspaceId, contactId: b, pageId }],
          T0 + 3,
        );
        expect(again.get(b)?.id).toBe(open.get(b)?.id);
        expect((await conversations.openConversations(database, [], T0)).size).toBe(0);
      });

      it('stores a message once per mid and keeps last_message_at moving forward', async () => {
        const { workspaceId, pageId } = await seed();
        const contactId = await contactFor(pageId);
        const conv = await conversations.openConversation(database, {
          workspaceId,
          contactId,
          pageId,
          now: T0,
        });
        const base = { conversationId: conv.id, contactId, pageId, kind: 'text' } as const;
        const a = await messages.insertMessage(database, {
          ...base,
          direction: 'in',
          sender: 'contact',
          mid: 'm.1',
          text: 'hola',
          createdAt: T0 + 10,
        });
        const dup = await messages.insertMessage(database, {
          ...base,
          direction: 'in',
          sender: 'contact',
          mid: 'm.1',
          text: 'hola',
          createdAt: T0 + 10,
        });
        expect(a.inserted).toBe(true);
        expect(dup).toMatchObject({ inserted: false, message: { id: a.message.id } });
        await messages.insertMessage(database, {
          ...base,
          direction: 'in',
          sender: 'contact',
          mid: 'm.0',
          createdAt: T0 + 5,
        });
        await messages.insertMessage(database, {
          ...base,
          direction: 'out',
          sender: 'bot',
          text: 'a',
          createdAt: T0 + 20,
          payload: { x: 1 },
        });
        await messages.insertMessage(database, {
          ...base,
          direction: 'out',
          sender: 'human',
          text: 'b',
          createdAt: T0 + 30,
        });
        const c = await conversations.getConversation(database, conv.id);
        expect(c).toMatchObject({ lastMessageAt: T0 + 30, lastInboundAt: T0 + 10, unreadCount: 2 });
        expect(
          await messages.applyWatermark(database, {
            contactId,
            kind: 'read',
            watermark: T0 + 25,
            at: T0 + 40,
          }),
        ).toBe(1);
        const page1 = await messages.listMessages(database, conv.id, { limit: 3 });
        expect(page1.items.map((m) => m.createdAt)).toEqual([T0 + 30, T0 + 20, T0 + 10]);
        expect(page1.items[1]).toMatchObject({ readAt: T0 + 40, deliveredAt: T0 + 40, payload: { x: 1 } });
        const page2 = await messages.listMessages(database, conv.id, { limit: 3, before: page1.nextCursor! });
        expect(page2.items.map((m) => m.mid)).toEqual(['m.0']);
        expect(page2.nextCursor).toBeNull();
      });

      it('lists the inbox newest first with keyset pagination and no duplicates', async () => {
        const { workspaceId, pageId } = await seed();
        for (let i = 0; i < 12; i++) {
          const contactId = await contactFor(pageId, `p${i}`);
          const conv = await conversations.openConversation(database, {
            workspaceId,
            contactId,
            pageId,
            now: T0,
          });
          // Two conversations share each timestamp, to exercise the id tie-break.
          await conversations.touchConversation(database, conv.id, T0 + Math.floor(i / 2), 'in');
        }
        const seen: number[] = [];
        const ids = new Set<string>();
        let after: inbox.ConversationListCursor | undefined;
        for (;;) {
          const page = await inbox.listInbox(database, {
            workspaceId,
            filter: 'all',
            userId: null,
            limit: 5,
            ...(after === undefined ? {} : { after }),
          });
          for (const c of page.items) {
            ids.add(c.id);
            seen.push(c.lastMessageAt ?? 0);
          }
          if (page.nextCursor === null) break;
          after = page.nextCursor;
        }
        expect(ids.size).toBe(12);
        expect(seen).toEqual([...seen].sort((x, y) => y - x));
      });
    });

    describe('audit log', () => {
      const entry = (i: number, overrides: Partial<audit.NewAuditEntry> = {}): audit.NewAuditEntry => ({
        workspaceId: 'w1',
        pageId: '1001',
        contactId: i % 2 === 0 ? 'c-even' : 'c-odd',
        messageRef: `out-${i}`,
        at: T0 + Math.floor(i / 3),
        ruleSet: 'messenger-2026-04-27',
        route: i % 5 === 0 ? null : 'standard',
        allowed: i % 5 !== 0,
        reasons: i % 5 === 0 ? [{ code: 'outside_window' }, { code: 'promotional_content' }] : [],
        evidence: { i },
        ...overrides,
      });

      it('appends entries and finds them by contact, message and reason code', async () => {
        await audit.appendAuditEntries(
          database,
          Array.from({ length: 30 }, (_, i) => entry(i)),
        );
        expect(
          (await audit.queryAudit(database, { contactId: 'c-even' }, { limit: 100 })).items,
        ).toHaveLength(15);
        const byRef = await audit.queryAudit(database, { messageRef: 'out-7' });
        expect(byRef.items.map((e) => e.evidence)).toEqual([{ i: 7 }]);
        const refused = await audit.queryAudit(database, { reasonCode: 'outside_window' }, { limit: 100 });
        expect(refused.items.map((e) => e.messageRef).sort()).toEqual([
          'out-0',
          'out-10',
          'out-15',
          'out-20',
          'out-25',
          'out-5',
        ]);
        expect(
          refused.items.every((e) => !e.allowed && e.reasons.some((r) => r.code === 'outside_window')),
        ).toBe(true);
        expect(
          (await audit.queryAudit(database, { reasonCode: 'outside_window', contactId: 'c-odd' })).items,
        ).toHaveLength(3);
        expect((await audit.queryAudit(database, { allowed: true, from: T0 + 9 })).items).toHaveLength(3);
        expect((await audit.queryAudit(database, { allowed: false, to: T0 + 2 })).items).toHaveLength(2);
      });

      it('pages through entries with a keyset cursor, newest first, without gaps or repeats', async () => {
        await audit.appendAuditEntries(
          database,
          Array.from({ length: 61 }, (_, i) => entry(i)),
        );
        const seen: audit.AuditEntry[] = [];
        let after: audit.AuditCursor | undefined;
        for (;;) {
          const page = await audit.queryAudit(
            database,
            { workspaceId: 'w1' },
            after === undefined ? { limit: 7 } : { after, limit: 7 },
          );
          seen.push(...page.items);
          if (page.nextCursor === null) break;
          const decoded = audit.decodeAuditCursor(audit.encodeAuditCursor(page.nextCursor));
          expect(decoded).toEqual(page.nextCursor);
          after = decoded;
        }
        expect(new Set(seen.map((e) => e.id)).size).toBe(61);
        const order = seen.map((e) => [e.at, e.id] as const);
        const sorted = [...order].sort((x, y) => y[0] - x[0] || (y[1] < x[1] ? -1 : y[1] > x[1] ? 1 : 0));
        expect(order).toEqual(sorted);
        expect(audit.decodeAuditCursor('garbage')).toBeUndefined();
      });

      it('records the Graph outcome once', async () => {
        const id = await audit.appendAudit(database, entry(1));
        expect(
          await audit.recordAuditOutcome(database, id, {
            graphStatus: 'sent',
            graphResponse: { message_id: 'm' },
            fbtraceId: 'AbC',
          }),
        ).toBe(true);
        expect(await audit.recordAuditOutcome(database, id, { graphStatus: 'failed' })).toBe(false);
        expect(await audit.getAuditEntry(database, id)).toMatchObject({
          graphStatus: 'sent',
          graphResponse: { message_id: 'm' },
          fbtraceId: 'AbC',
        });
      });

      it('exports matching entries as CSV lines through an async iterator', async () => {
        await audit.appendAuditEntries(database, [
          ...Array.from({ length: 12 }, (_, i) => entry(i)),
          entry(99, {
            contactId: 'c-csv',
            evidence: { note: 'say "hi", ok' },
            messageRef: '=HYPERLINK("x")',
          }),
        ]);
        const lines: string[] = [];
        for await (const line of audit.auditCsvLines(database, { workspaceId: 'w1' }, { batchSize: 5 }))
          lines.push(line);
        expect(lines).toHaveLength(14);
        expect(lines[0]).toBe(`${audit.AUDIT_CSV_COLUMNS.join(',')}\r\n`);
        const csvRow = lines.find((l) => l.includes('c-csv')) ?? '';
        expect(csvRow).toContain(`"'=HYPERLINK(""x"")"`);
        expect(csvRow).toContain('""say \\""hi\\"", ok""');
        const ids: string[] = [];
        for await (const e of audit.iterateAudit(database, { contactId: 'c-even' }, { batchSize: 2 }))
          ids.push(e.id);
        expect(new Set(ids).size).toBe(6);
      });
    });

    describe('outbox', () => {
      const item = (i: number, overrides: Partial<outbox.NewOutboxItem> = {}): outbox.NewOutboxItem => ({
        workspaceId: 'w1',
        pageId: '1001',
        contactId: `c${i}`,
        origin: 'broadcast',
        originId: 'b1',
        idempotencyKey: `broadcast-b1-c${i}`,
        content: { text: `hello ${i}` },
        now: T0,
        ...overrides,
      });

      it('enqueues each idempotency key once, even when a broadcast is resumed', async () => {
        const first = await outbox.enqueueOutbox(database, [item(1), item(2)]);
        const resumed = await outbox.enqueueOutbox(database, [item(1), item(2), item(3)]);
        expect(first.inserted).toHaveLength(2);
        expect(resumed.inserted.map((i) => i.idempotencyKey)).toEqual(['broadcast-b1-c3']);
        expect(resumed.existing).toEqual(['broadcast-b1-c1', 'broadcast-b1-c2']);
        expect((await outbox.getOutboxItemByKey(database, 'broadcast-b1-c1'))?.content).toEqual({
          text: 'hello 1',
        });
      });

      it('settles many attempts at once, each with its own values, and only rows still sending', async () => {
        await outbox.enqueueOutbox(
          database,
          Array.from({ length: 6 }, (_, i) => item(i)),
        );
        const claimed = await outbox.claimDueOutbox(database, { limit: 10, now: T0 });
        expect(claimed).toHaveLength(6);
        const [a, b, c, d, e, done] = claimed.map((i) => i.id) as [
          string,
          string,
          string,
          string,
          string,
          string,
        ];
        await outbox.completeOutbox(database, done, { status: 'sent', result: { mid: 'm_f' }, now: T0 + 1 });
        const changed = await outbox.settleOutboxMany(
          database,
          [
            { id: a, status: 'sent', result: { mid: 'm_a' } },
            { id: b, status: 'sent', result: { mid: 'm_b' } },
            { id: c, status: 'refused', decision: { allowed: false, why: 'c' } },
            { id: d, status: 'queued', retryAt: T0 + 50, result: { reason: 'rate_limited' } },
            { id: e, status: 'queued', result: { reason: 'page_paused' } },
            // No longer sending: left alone.
            { id: done, status: 'failed', result: { reason: 'nope' } },
          ],
          T0 + 7,
        );
        expect(changed).toBe(5);
        const get = async (id: string) => (await outbox.getOutboxItem(database, id))!;
        expect(await get(a)).toMatchObject({ status: 'sent', result: { mid: 'm_a' }, updatedAt: T0 + 7 });
        expect(await get(b)).toMatchObject({ status: 'sent', result: { mid: 'm_b' } });
        expect(await get(c)).toMatchObject({ status: 'refused', decision: { allowed: false, why: 'c' } });
        expect(await get(d)).toMatchObject({ status: 'queued', nextAttemptAt: T0 + 50 });
        expect(await get(e)).toMatchObject({ status: 'queued', nextAttemptAt: T0 + 7 });
        expect(await get(done)).toMatchObject({ status: 'sent', result: { mid: 'm_f' } });
      });

      it('claims due items once, completes, reschedules, and after a crash requeues undecided sends and flags decided ones unknown', async () => {
        await outbox.enqueueOutbox(database, [
          ...Array.from({ length: 40 }, (_, i) => item(i)),
          item(100, { runAt: T0 + HOUR }),
        ]);
        const claims = await Promise.all(
          [0, 1, 2].map(() => outbox.claimDueOutbox(database, { limit: 15, now: T0 })),
        );
        const ids = claims.flat().map((i) => i.id);
        expect(ids).toHaveLength(40);
        expect(new Set(ids).size).toBe(40);
        for (const claim of claims) expect(claim.length).toBeLessThanOrEqual(15);
        const [a, b, c] = claims.flat();
        expect(
          await outbox.completeOutbox(database, a!.id, {
            status: 'sent',
            result: { message_id: 'm' },
            now: T0 + 1,
          }),
        ).toBe(true);
        expect(await outbox.completeOutbox(database, a!.id, { status: 'failed', now: T0 + 2 })).toBe(false);
        expect(await outbox.rescheduleOutbox(database, b!.id, { retryAt: T0 + 10, now: T0 + 1 })).toBe(true);
        expect(
          await outbox.completeOutbox(database, c!.id, {
            status: 'refused',
            decision: { allowed: false },
            now: T0 + 1,
          }),
        ).toBe(true);
        // Of the 37 still 'sending', 30 had their decision on record (audit-before-send: they may have
        // reached Meta); 7 had not, one of them with only an earlier attempt's entry (before its claim).
        const left = claims.flat().slice(3);
        const decision = (ref: string, at: number): audit.NewAuditEntry => ({
          workspaceId: 'w1',
          pageId: '1001',
          contactId: 'c1',
          messageRef: ref,
          at,
          ruleSet: 'messenger-2026-04-27',
          route: 'standard',
          allowed: true,
          reasons: [],
          evidence: {},
        });
        await audit.appendAuditEntries(database, [
          ...left.slice(0, 30).map((i) => decision(i.id, T0)),
          decision(left[30]!.id, T0 - 1),
        ]);
        expect(await outbox.recoverStaleSending(database, T0 + 1, T0 + 5)).toEqual({
          requeued: 7,
          unknown: 30,
          confirmed: 0,
        });
        const undecided = left.slice(30).map((i) => i.id);
        expect(
          (await outbox.claimDueOutbox(database, { limit: 10, now: T0 + 10 })).map((i) => i.id).sort(),
        ).toEqual([b!.id, ...undecided].sort());
        expect(await outbox.countOutboxByStatus(database, 'broadcast', 'b1')).toEqual({
          queued: 1,
          sending: 8,
          sent: 1,
          refused: 1,
          failed: 0,
          unknown: 30,
        });
        const unknownIds = (
          await database.db.selectFrom('outbox').select('id').where('status', '=', 'unknown').execute()
        ).map((r) => r.id);
        expect(unknownIds.sort()).toEqual(
          left
            .slice(0, 30)
            .map((i) => i.id)
            .sort(),
        );
      });

      it("records 'sent' a send Meta echoed: after a crash from an echo already stored, later from the echo itself", async () => {
        const { workspaceId, pageId } = await seed();
        const contactId = await contactFor(pageId, 'psid-echo');
        const mine = (k: string) => item(0, { workspaceId, pageId, contactId, idempotencyKey: k });
        await outbox.enqueueOutbox(database, [mine('ka'), mine('kb'), mine('kc')]);
        const claimed = await outbox.claimDueOutbox(database, { limit: 10, now: T0 });
        const [a, b, c] = ['ka', 'kb', 'kc'].map((k) => claimed.find((i) => i.idempotencyKey === k)!);
        // All three decided (audit before send), none with its answer recorded when the process died.
        await audit.appendAuditEntries(
          database,
          [a!, b!, c!].map((i) => ({
            workspaceId,
            pageId,
            contactId,
            messageRef: i.id,
            at: T0,
            ruleSet: 'messenger-2026-04-27',
            route: 'standard',
            allowed: true,
            reasons: [],
            evidence: {},
          })),
        );
        // b's echo beat its Send API answer: stored before the crash, naming its outbox row.
        const conversation = await conversations.openConversation(database, {
          workspaceId,
          contactId,
          pageId,
          now: T0,
        });
        await messages.insertMessage(database, {
          conversationId: conversation.id,
          contactId,
          pageId,
          direction: 'out',
          mid: 'm_b',
          kind: 'text',
          sender: 'bot',
          outboxId: b!.id,
          createdAt: T0 + 1,
        });
        expect(await outbox.recoverStaleSending(database, T0 + 1, T0 + 5)).toEqual({
          requeued: 0,
          unknown: 2,
          confirmed: 1,
        });
        // a's echo arrives after the restart; one naming another person, or repeated, changes nothing.
        const echo = (id: string, mid: string, who = contactId) => ({
          outboxId: id,
          pageId,
          contactId: who,
          mid,
          at: T0 + 9,
        });
        expect(await outbox.settleUnknownByEcho(database, echo(c!.id, 'm_x', 'someone-else'))).toBe(false);
        expect(await outbox.settleUnknownByEcho(database, echo(a!.id, 'm_a'))).toBe(true);
        expect(await outbox.settleUnknownByEcho(database, echo(a!.id, 'm_a'))).toBe(false);

        const get = async (id: string) => (await outbox.getOutboxItem(database, id))!;
        expect(await get(a!.id)).toMatchObject({
          status: 'sent',
          result: { mid: 'm_a', at: T0 + 9, confirmedBy: 'echo' },
        });
        expect(await get(b!.id)).toMatchObject({
          status: 'sent',
          result: { mid: 'm_b', at: T0 + 1, confirmedBy: 'echo' },
        });
        expect(await get(c!.id)).toMatchObject({ status: 'unknown' });
        const outcomes = await database.db
          .selectFrom('audit_log')
          .select(['message_ref', 'graph_status', 'graph_response'])
          .where('contact_id', '=', contactId)
          .execute();
        const statusOf = new Map(outcomes.map((o) => [o.message_ref, o.graph_status]));
        expect([statusOf.get(a!.id), statusOf.get(b!.id), statusOf.get(c!.id)]).toEqual([
          'sent',
          'sent',
          null,
        ]);
      });
    });
  });
}
