/** The accounts repositories' contract, run on SQLite and PostgreSQL alike. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accounts, type Database, workspaces } from '../../src/storage/index.ts';

const { apiKeys, invitations, sessions, throttle, users } = accounts;
const T = Date.parse('2026-11-25T12:00:00Z');

export function runAccountsStoreContract(name: string, open: () => Promise<Database>): void {
  describe(`accounts storage on ${name}`, () => {
    let db: Database;
    beforeEach(async () => {
      db = await open();
      await workspaces.createWorkspace(db, { id: 'w1', name: 'Uno', now: T });
      await workspaces.createWorkspace(db, { id: 'w2', name: 'Dos', now: T });
    });
    afterEach(async () => {
      await db.close();
    });

    it('keeps emails unique whatever their case and finds users by any case', async () => {
      const a = await users.createUser(db, {
        email: 'Ana@Example.com',
        name: 'Ana',
        lang: 'es',
        passwordHash: 'h',
        now: T,
      });
      expect(a).toMatchObject({ ok: true, user: { email: 'Ana@Example.com', hasPassword: true } });
      expect(
        await users.createUser(db, {
          email: 'ana@example.COM',
          name: 'Otra',
          lang: 'en',
          passwordHash: null,
          now: T,
        }),
      ).toEqual({ ok: false, code: 'email_taken' });
      expect((await users.findUserByEmail(db, ' ANA@example.com '))?.name).toBe('Ana');
      expect(await users.countUsers(db)).toBe(1);
      expect(await users.getPasswordHash(db, a.ok ? a.user.id : '')).toBe('h');
    });

    it('lists memberships oldest first, changes roles in place and counts owners', async () => {
      const r = await users.createUser(db, {
        email: 'a@x.test',
        name: 'A',
        lang: 'en',
        passwordHash: null,
        now: T,
      });
      const id = r.ok ? r.user.id : '';
      await users.setMembership(db, { workspaceId: 'w2', userId: id, role: 'viewer', now: T });
      await users.setMembership(db, { workspaceId: 'w1', userId: id, role: 'owner', now: T + 1 });
      await users.setMembership(db, { workspaceId: 'w2', userId: id, role: 'admin', now: T + 2 });
      expect(await users.membershipsOf(db, id)).toEqual([
        { workspaceId: 'w2', workspaceName: 'Dos', role: 'admin', createdAt: T },
        { workspaceId: 'w1', workspaceName: 'Uno', role: 'owner', createdAt: T + 1 },
      ]);
      expect(await users.countOwners(db, 'w1')).toBe(1);
      expect(await users.listMembers(db, 'w2')).toMatchObject([
        { userId: id, email: 'a@x.test', role: 'admin' },
      ]);
      expect(await users.removeMembership(db, 'w2', id)).toBe(true);
      expect(await users.roleIn(db, 'w2', id)).toBeUndefined();
    });

    it('finds a session only while live: not revoked, not idle, not past its absolute expiry', async () => {
      const r = await users.createUser(db, {
        email: 's@x.test',
        name: 'S',
        lang: 'en',
        passwordHash: null,
        now: T,
      });
      const userId = r.ok ? r.user.id : '';
      const s = await sessions.createSession(db, {
        userId,
        tokenHash: 'h1',
        expiresAt: T + 1000,
        ip: '1.2.3.4',
        userAgent: null,
        now: T,
      });
      expect((await sessions.findLiveSession(db, 'h1', T + 10, 100))?.id).toBe(s.id);
      expect(await sessions.findLiveSession(db, 'h1', T + 200, 100)).toBeUndefined();
      await sessions.touchSession(db, s.id, T + 150);
      expect(await sessions.findLiveSession(db, 'h1', T + 200, 100)).toBeDefined();
      expect(await sessions.findLiveSession(db, 'h1', T + 1000, 10_000)).toBeUndefined();
      await sessions.createSession(db, {
        userId,
        tokenHash: 'h2',
        expiresAt: T + 1000,
        ip: null,
        userAgent: null,
        now: T + 1,
      });
      expect((await sessions.listUserSessions(db, userId, T + 2)).map((x) => x.id)).toHaveLength(2);
      expect(await sessions.revokeOtherSessions(db, userId, s.id, T + 3)).toBe(1);
      expect(await sessions.revokeSession(db, userId, s.id, T + 4)).toBe(true);
      expect(await sessions.revokeSession(db, userId, s.id, T + 5)).toBe(false);
      expect(await sessions.findLiveSession(db, 'h1', T + 6, 10_000)).toBeUndefined();
    });

    it('revokes API keys per workspace and never finds a revoked one', async () => {
      const k = await apiKeys.createApiKey(db, {
        workspaceId: 'w1',
        name: 'k',
        prefix: 'vk_abc',
        keyHash: 'kh',
        role: 'agent',
        createdBy: null,
        now: T,
      });
      expect((await apiKeys.findActiveKey(db, 'kh'))?.role).toBe('agent');
      expect(await apiKeys.revokeApiKey(db, 'w2', k.id, T)).toBe(false);
      expect(await apiKeys.revokeApiKey(db, 'w1', k.id, T)).toBe(true);
      expect(await apiKeys.findActiveKey(db, 'kh')).toBeUndefined();
      expect(await apiKeys.listApiKeys(db, 'w1')).toMatchObject([{ id: k.id, revokedAt: T }]);
    });

    it('accepts an invitation once and only before it expires', async () => {
      const inv = await invitations.createInvitation(db, {
        workspaceId: 'w1',
        email: 'i@x.test',
        role: 'viewer',
        tokenHash: 'ih',
        invitedBy: null,
        expiresAt: T + 100,
        now: T,
      });
      expect(await invitations.findPendingInvitation(db, 'ih', T + 100)).toBeUndefined();
      expect((await invitations.findPendingInvitation(db, 'ih', T + 99))?.id).toBe(inv.id);
      expect(await invitations.markAccepted(db, inv.id, T + 1)).toBe(true);
      expect(await invitations.markAccepted(db, inv.id, T + 2)).toBe(false);
      expect(await invitations.findPendingInvitation(db, 'ih', T + 3)).toBeUndefined();
    });

    it('counts failures in a fixed window and starts over after it', async () => {
      expect(await throttle.recordFailure(db, 'email:a', T, 1000)).toEqual({
        failures: 1,
        windowStartedAt: T,
      });
      expect(await throttle.recordFailure(db, 'email:a', T + 10, 1000)).toEqual({
        failures: 2,
        windowStartedAt: T,
      });
      expect(await throttle.getThrottle(db, 'email:a', T + 999, 1000)).toEqual({
        failures: 2,
        windowStartedAt: T,
      });
      expect(await throttle.getThrottle(db, 'email:a', T + 1000, 1000)).toBeUndefined();
      expect(await throttle.recordFailure(db, 'email:a', T + 1000, 1000)).toEqual({
        failures: 1,
        windowStartedAt: T + 1000,
      });
      await throttle.clearThrottle(db, 'email:a');
      expect(await throttle.getThrottle(db, 'email:a', T + 1001, 1000)).toBeUndefined();
    });
  });
}
