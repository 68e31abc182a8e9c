/**
 * The sequences repository contract, run on SQLite and PostgreSQL (repository-*.test.ts): one row
 * per (enrollment, step), one enrollment per (sequence, person), claims with a lease that a second
 * runner cannot share, and a crashed claim taken over after its lease.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  audit,
  contacts,
  type Database,
  migrateToLatest,
  outbox,
  pages,
  sequences,
  workspaces,
} from '../../src/storage/index.ts';

const T0 = 1_780_000_000_000;
const KEY = Buffer.alloc(32, 3);
const LEASE = 60_000;

export function runSequencesRepositoryContract(name: string, make: () => Promise<Database>): void {
  describe(`sequences repository: ${name}`, () => {
    let database: Database;
    let workspaceId: string;
    let contactId: string;
    let sequenceId: string;

    beforeEach(async () => {
      database = await make();
      await migrateToLatest(database);
      workspaceId = (await workspaces.createWorkspace(database, { name: 'Acme', now: T0 })).id;
      await pages.upsertPage(database, KEY, {
        id: '2001',
        workspaceId,
        name: 'P',
        accessToken: 't',
        now: T0,
      });
      contactId = (
        await contacts.upsertContact(database, { workspaceId, pageId: '2001', psid: 'p1', now: T0 })
      ).id;
      sequenceId = (
        await sequences.insertSequence(database, {
          workspaceId,
          name: 'Welcome',
          exitOnReply: true,
          steps: [{ id: 'a' }, { id: 'b' }],
          settings: {},
          now: T0,
        })
      ).id;
      expect(await sequences.setSequenceStatus(database, sequenceId, ['draft'], 'active', T0)).toBe(true);
    });
    afterEach(async () => {
      await database.close();
    });

    async function enroll(contact = contactId) {
      const e = await sequences.insertEnrollment(database, {
        workspaceId,
        sequenceId,
        contactId: contact,
        source: 'api',
        now: T0,
      });
      if (!e) throw new Error('not enrolled');
      return e;
    }
    const schedule = (enrollmentId: string, stepId: string, dueAt: number, contact = contactId) =>
      sequences.scheduleStep(database, {
        enrollmentId,
        sequenceId,
        contactId: contact,
        stepId,
        stepIndex: stepId === 'a' ? 0 : 1,
        dueAt,
        now: T0,
      });

    it('stores a sequence and lists it by workspace and status', async () => {
      const s = await sequences.getSequence(database, sequenceId);
      expect(s).toMatchObject({
        name: 'Welcome',
        status: 'active',
        exitOnReply: true,
        steps: [{ id: 'a' }, { id: 'b' }],
      });
      expect((await sequences.listSequences(database, workspaceId, 'active')).map((x) => x.id)).toEqual([
        sequenceId,
      ]);
      expect(await sequences.listSequences(database, workspaceId, 'paused')).toEqual([]);
      expect(await sequences.setSequenceStatus(database, sequenceId, ['draft'], 'active', T0)).toBe(false);
    });

    it('enrolls a person once per sequence', async () => {
      const first = await enroll();
      expect(first.status).toBe('active');
      expect(
        await sequences.insertEnrollment(database, {
          workspaceId,
          sequenceId,
          contactId,
          source: 'label:x',
          now: T0,
        }),
      ).toBeUndefined();
      expect((await sequences.activeEnrollmentsOf(database, contactId))[0]).toMatchObject({
        id: first.id,
        exitOnReply: true,
      });
    });

    it('keeps one row per (enrollment, step): scheduling twice changes nothing', async () => {
      const e = await enroll();
      expect(await schedule(e.id, 'a', T0)).toBe(true);
      expect(await schedule(e.id, 'a', T0 + 5)).toBe(false);
      const rows = await sequences.listStepRows(database, e.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ stepId: 'a', status: 'scheduled', dueAt: T0 });
    });

    it('claims only due rows of active sequences, and a claim holds until its lease ends', async () => {
      const e = await enroll();
      await schedule(e.id, 'a', T0 + 1000);
      expect(await sequences.claimDueSteps(database, { now: T0, limit: 10, leaseMs: LEASE })).toEqual([]);
      await sequences.setSequenceStatus(database, sequenceId, ['active'], 'paused', T0);
      expect(await sequences.claimDueSteps(database, { now: T0 + 1000, limit: 10, leaseMs: LEASE })).toEqual(
        [],
      );
      await sequences.setSequenceStatus(database, sequenceId, ['paused'], 'active', T0);

      const [claimed] = await sequences.claimDueSteps(database, {
        now: T0 + 1000,
        limit: 10,
        leaseMs: LEASE,
      });
      expect(claimed).toMatchObject({ stepId: 'a', attempts: 1, claimedUntil: T0 + 1000 + LEASE });
      // A second runner during the lease gets nothing.
      expect(await sequences.claimDueSteps(database, { now: T0 + 2000, limit: 10, leaseMs: LEASE })).toEqual(
        [],
      );
      // The first runner died: after the lease another takes the row over, and the old claim is void.
      const [again] = await sequences.claimDueSteps(database, {
        now: T0 + 1000 + LEASE,
        limit: 10,
        leaseMs: LEASE,
      });
      expect(again).toMatchObject({ id: claimed!.id, attempts: 2 });
      expect(again!.claimToken).not.toBe(claimed!.claimToken);
      expect(
        await sequences.settleStep(database, claimed!.id, claimed!.claimToken!, {
          status: 'skipped',
          now: T0,
        }),
      ).toBe(false);
      expect(
        await sequences.settleStep(database, again!.id, again!.claimToken!, {
          status: 'skipped',
          note: 'window_closed',
          decision: { reasons: ['outside_window'] },
          now: T0,
        }),
      ).toBe(true);
      expect(await sequences.getStepRow(database, again!.id)).toMatchObject({
        status: 'skipped',
        note: 'window_closed',
        decision: { reasons: ['outside_window'] },
        claimedUntil: null,
      });
      // Settled rows are never claimed again.
      expect(
        await sequences.claimDueSteps(database, { now: T0 + 10 * LEASE, limit: 10, leaseMs: LEASE }),
      ).toEqual([]);
    });

    it('never gives the same row to two claims running at once', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const c = await contacts.upsertContact(database, {
          workspaceId,
          pageId: '2001',
          psid: `q${i}`,
          now: T0,
        });
        const e = await enroll(c.id);
        await schedule(e.id, 'a', T0, c.id);
        ids.push(e.id);
      }
      const claims = await Promise.all(
        [0, 1, 2].map(() => sequences.claimDueSteps(database, { now: T0, limit: 12, leaseMs: LEASE })),
      );
      const claimed = claims.flat().map((r) => r.enrollmentId);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed.length).toBe(30);
    });

    it('releases waiting rows of active enrollments when the person writes', async () => {
      const e = await enroll();
      await schedule(e.id, 'a', T0);
      const [row] = await sequences.claimDueSteps(database, { now: T0, limit: 1, leaseMs: LEASE });
      await sequences.settleStep(database, row!.id, row!.claimToken!, { status: 'waiting', now: T0 });
      expect(
        await sequences.claimDueSteps(database, { now: T0 + LEASE * 2, limit: 1, leaseMs: LEASE }),
      ).toEqual([]);
      expect(await sequences.releaseWaitingSteps(database, contactId, T0 + 5000)).toBe(1);
      const [released] = await sequences.claimDueSteps(database, {
        now: T0 + 5000,
        limit: 1,
        leaseMs: LEASE,
      });
      expect(released).toMatchObject({ id: row!.id, status: 'scheduled', dueAt: T0 + 5000 });
    });

    it('ends an enrollment once, cancels its open rows, and counts by status and reason', async () => {
      const e = await enroll();
      await schedule(e.id, 'a', T0);
      expect(
        await sequences.finishEnrollment(database, e.id, { status: 'left', reason: 'reply', now: T0 }),
      ).toBe(true);
      expect(await sequences.finishEnrollment(database, e.id, { status: 'completed', now: T0 })).toBe(false);
      expect(await sequences.cancelOpenSteps(database, e.id, 'left_reply', T0)).toBe(1);
      expect(await sequences.releaseWaitingSteps(database, contactId, T0)).toBe(0);
      expect(await sequences.enrollmentCounts(database, sequenceId)).toEqual([
        { status: 'left', reason: 'reply', n: 1 },
      ]);
      expect(await sequences.stepGroups(database, sequenceId)).toEqual([
        { stepId: 'a', status: 'cancelled', variant: null, note: 'left_reply', outboxStatus: null, n: 1 },
      ]);
    });

    it('joins enqueued rows with their outbox row for stats, refusals with their decision', async () => {
      const e = await enroll();
      await schedule(e.id, 'a', T0);
      const [row] = await sequences.claimDueSteps(database, { now: T0, limit: 1, leaseMs: LEASE });
      const { inserted } = await outbox.enqueueOutbox(database, [
        {
          workspaceId,
          pageId: '2001',
          contactId,
          origin: 'sequence',
          originId: e.id,
          idempotencyKey: `sequence-${e.id}-a`,
          content: { message: { type: 'text', text: 'hola' } },
          now: T0,
        },
      ]);
      await sequences.settleStep(database, row!.id, row!.claimToken!, {
        status: 'enqueued',
        variant: 'primary',
        outboxId: inserted[0]!.id,
        now: T0,
      });
      const [item] = await outbox.claimDueOutbox(database, { limit: 1, now: T0 });
      await outbox.completeOutbox(database, item!.id, {
        status: 'refused',
        decision: { reasons: [{ code: 'contact_blocked' }] },
        now: T0,
      });
      expect(await sequences.stepGroups(database, sequenceId)).toEqual([
        { stepId: 'a', status: 'enqueued', variant: 'primary', note: null, outboxStatus: 'refused', n: 1 },
      ]);
      const refused = [];
      for await (const r of sequences.refusedDecisions(database, sequenceId)) refused.push(r);
      expect(refused).toEqual([{ stepId: 'a', decision: { reasons: [{ code: 'contact_blocked' }] } }]);
    });

    it('reopens a step whose primary message was refused at dispatch because the window had closed', async () => {
      const refuse = async (contact: string, stepId: string, code: string) => {
        const e = await enroll(contact);
        await schedule(e.id, stepId, T0, contact);
        const [row] = await sequences.claimDueSteps(database, { now: T0, limit: 1, leaseMs: LEASE });
        const { inserted } = await outbox.enqueueOutbox(database, [
          {
            workspaceId,
            pageId: '2001',
            contactId: contact,
            origin: 'sequence',
            originId: e.id,
            idempotencyKey: `sequence-${e.id}-${stepId}`,
            content: { message: { type: 'text', text: 'hola' } },
            now: T0,
          },
        ]);
        await sequences.settleStep(database, row!.id, row!.claimToken!, {
          status: 'enqueued',
          variant: 'primary',
          outboxId: inserted[0]!.id,
          now: T0,
        });
        const [item] = await outbox.claimDueOutbox(database, { limit: 1, now: T0 + 10 });
        await audit.appendAudit(database, {
          workspaceId,
          messageRef: item!.id,
          at: T0 + 10,
          ruleSet: 'r',
          route: null,
          allowed: false,
          reasons: [{ code }],
        });
        await outbox.completeOutbox(database, item!.id, { status: 'refused', now: T0 + 10 });
        return row!.id;
      };
      const closed = await refuse(contactId, 'a', 'outside_window');
      const other = await contacts.upsertContact(database, {
        workspaceId,
        pageId: '2001',
        psid: 'p2',
        now: T0,
      });
      const blocked = await refuse(other.id, 'a', 'contact_blocked');
      expect(
        await sequences.reopenWindowRefusedSteps(database, { since: T0 + 11, now: T0 + 20, limit: 10 }),
      ).toBe(0);
      expect(await sequences.reopenWindowRefusedSteps(database, { since: T0, now: T0 + 20, limit: 10 })).toBe(
        1,
      );
      expect(await sequences.getStepRow(database, closed)).toMatchObject({
        status: 'scheduled',
        variant: 'primary_refused',
        note: 'window_closed_at_dispatch',
        dueAt: T0 + 20,
      });
      expect(await sequences.getStepRow(database, blocked)).toMatchObject({
        status: 'enqueued',
        variant: 'primary',
      });
      expect(await sequences.reopenWindowRefusedSteps(database, { since: T0, now: T0 + 30, limit: 10 })).toBe(
        0,
      );
    });

    it('deletes a sequence with its enrollments and rows', async () => {
      const e = await enroll();
      await schedule(e.id, 'a', T0);
      expect(await sequences.deleteSequence(database, sequenceId)).toBe(true);
      expect(await sequences.getEnrollment(database, e.id)).toBeUndefined();
      expect(await sequences.listStepRows(database, e.id)).toEqual([]);
    });
  });
}
