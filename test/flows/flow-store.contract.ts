/**
 * The flows repository's contract, run against SQLite and PostgreSQL (flow-store.sqlite.test.ts,
 * flow-store.postgres.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contacts, type Database, flows, pages, workspaces } from '../../src/storage/index.ts';

const KEY = Buffer.alloc(32, 3);
const T = Date.parse('2026-11-25T12:00:00Z');
const DOC = { name: 'Bienvenida', triggers: [{ type: 'keyword', match: 'exact', value: 'hola' }], steps: [] };

export function runFlowStoreContract(name: string, make: () => Promise<Database>): void {
  describe(`flows repository (${name})`, () => {
    let db: Database;
    let contactId: string;

    beforeEach(async () => {
      db = await make();
      for (const id of ['w1', 'w2']) await workspaces.createWorkspace(db, { id, name: id, now: T });
      await pages.upsertPage(db, KEY, { id: 'p1', workspaceId: 'w1', name: 'P', accessToken: 't', now: T });
      const r = await contacts.recordInbound(db, {
        pageId: 'p1',
        psid: 'u1',
        at: T,
        kind: 'message',
        opensWindow: true,
        now: T,
      });
      if (!r.ok) throw new Error('contact');
      contactId = r.contactId;
    });
    afterEach(async () => {
      await db.close();
    });

    it('keeps drafts per workspace and freezes numbered versions on publish', async () => {
      const f = await flows.insertFlow(db, { workspaceId: 'w1', name: 'Bienvenida', draft: DOC, now: T });
      expect(await flows.getFlow(db, 'w2', f.id)).toBeUndefined();
      expect((await flows.listFlows(db, 'w1')).map((x) => x.id)).toEqual([f.id]);
      const rev0 = await flows.getRevision(db, 'w1');
      expect(
        await flows.publishVersion(db, {
          workspaceId: 'w1',
          id: f.id,
          document: DOC,
          priority: 3,
          now: T + 1,
        }),
      ).toBe(1);
      await flows.updateDraft(db, {
        workspaceId: 'w1',
        id: f.id,
        name: 'Otra',
        draft: { ...DOC, name: 'Otra' },
        now: T + 2,
      });
      expect(
        await flows.publishVersion(db, {
          workspaceId: 'w1',
          id: f.id,
          document: { ...DOC, name: 'Otra' },
          priority: 3,
          now: T + 3,
        }),
      ).toBe(2);
      expect(await flows.getRevision(db, 'w1')).not.toBe(rev0);
      expect((await flows.listVersions(db, f.id)).map((v) => v.version)).toEqual([2, 1]);
      expect((await flows.getVersion(db, f.id, 1))?.document).toEqual(DOC);
      expect(await flows.listPublished(db, 'w1')).toEqual([
        { flowId: f.id, version: 2, priority: 3, document: { ...DOC, name: 'Otra' } },
      ]);
      expect(
        await flows.publishVersion(db, { workspaceId: 'w2', id: f.id, document: DOC, priority: 0, now: T }),
      ).toBeUndefined();
    });

    it('allows one unfinished run per flow and contact, saves runs only if unmoved, and recognises replayed events', async () => {
      const f = await flows.insertFlow(db, { workspaceId: 'w1', name: 'x', draft: DOC, now: T });
      const input = {
        workspaceId: 'w1',
        flowId: f.id,
        version: 1,
        contactId,
        pageId: 'p1',
        trigger: 'keyword:hola',
        eventKey: 'mid.1',
        now: T,
      };
      const run = await flows.insertRun(db, input);
      expect(run).toBeDefined();
      expect(await flows.insertRun(db, { ...input, eventKey: 'mid.2' })).toBeUndefined();
      expect(await flows.eventSeen(db, contactId, 'mid.1')).toBe(true);
      expect(await flows.eventSeen(db, contactId, 'mid.9')).toBe(false);
      const wait = {
        status: 'waiting',
        stepId: 'd',
        waitKind: 'delay',
        resumeAt: T + 60_000,
        attempts: 0,
        seq: 2,
        outcome: null,
        now: T,
      } as const;
      expect(await flows.saveRun(db, run!, 0, wait)).toBe(true);
      expect(await flows.saveRun(db, run!, 0, wait)).toBe(false);
      expect(await flows.listDueDelays(db, T + 59_999, 10)).toEqual([]);
      expect((await flows.listDueDelays(db, T + 60_000, 10)).map((r) => r.id)).toEqual([run!.id]);
      expect(
        await flows.saveRun(db, run!, 2, {
          ...wait,
          status: 'completed',
          stepId: null,
          waitKind: null,
          resumeAt: null,
          seq: 3,
          outcome: 'completed',
          goalReachedAt: T,
        }),
      ).toBe(true);
      const done = await flows.getRun(db, run!.id);
      expect(done).toMatchObject({
        status: 'completed',
        outcome: 'completed',
        goalReachedAt: T,
        finishedAt: T,
      });
      expect(await flows.findActiveRun(db, f.id, contactId)).toBeUndefined();
      expect(await flows.insertRun(db, { ...input, eventKey: 'mid.3' })).toBeDefined();
    });

    it('lists webhook waits until their job is queued, and archives a flow with its runs', async () => {
      const f = await flows.insertFlow(db, { workspaceId: 'w1', name: 'x', draft: DOC, now: T });
      const run = (await flows.insertRun(db, {
        workspaceId: 'w1',
        flowId: f.id,
        version: 1,
        contactId,
        pageId: 'p1',
        trigger: 't',
        eventKey: null,
        now: T,
      }))!;
      await flows.saveRun(db, run, 0, {
        status: 'waiting',
        stepId: 'w',
        waitKind: 'webhook',
        resumeAt: T,
        attempts: 0,
        seq: 1,
        outcome: null,
        now: T,
      });
      expect((await flows.listPendingWebhooks(db, 10)).map((r) => r.id)).toEqual([run.id]);
      expect(await flows.markWebhookQueued(db, run.id, 1)).toBe(true);
      expect(await flows.listPendingWebhooks(db, 10)).toEqual([]);
      expect((await flows.listActiveRuns(db, contactId)).map((r) => r.id)).toEqual([run.id]);
      expect(await flows.archiveFlow(db, { workspaceId: 'w1', id: f.id, now: T + 5 })).toBe(1);
      expect(await flows.getRun(db, run.id)).toMatchObject({ status: 'stopped', outcome: 'archived' });
      expect(await flows.listPublished(db, 'w1')).toEqual([]);
      expect(await flows.archiveFlow(db, { workspaceId: 'w2', id: f.id, now: T })).toBeUndefined();
    });

    it('counts runs, goals and steps for stats, and marks a conversation as waiting for a human', async () => {
      const f = await flows.insertFlow(db, { workspaceId: 'w1', name: 'x', draft: DOC, now: T });
      const run = (await flows.insertRun(db, {
        workspaceId: 'w1',
        flowId: f.id,
        version: 1,
        contactId,
        pageId: 'p1',
        trigger: 't',
        eventKey: null,
        now: T,
      }))!;
      await flows.insertStepEvents(db, [
        { flowId: f.id, version: 1, runId: run.id, stepId: 'a', kind: 'enter', at: T },
        { flowId: f.id, version: 1, runId: run.id, stepId: 'b', kind: 'enter', at: T },
        { flowId: f.id, version: 1, runId: run.id, stepId: 'b', kind: 'rejected', at: T },
        { flowId: f.id, version: 1, runId: run.id, stepId: 'b', kind: 'enter', at: T },
        { flowId: f.id, version: 1, runId: run.id, stepId: 'g', kind: 'goal', at: T },
      ]);
      await flows.saveRun(db, run, 0, {
        status: 'completed',
        stepId: null,
        waitKind: null,
        resumeAt: null,
        attempts: 0,
        seq: 4,
        outcome: 'handoff',
        goalReachedAt: T,
        now: T,
      });
      const s = await flows.flowStats(db, f.id);
      expect(s).toMatchObject({
        runsStarted: 1,
        runsCompleted: 1,
        runsActive: 0,
        goalReached: 1,
        byOutcome: { handoff: 1 },
      });
      expect(s.bySteps.find((x) => x.stepId === 'b')).toEqual({
        stepId: 'b',
        entered: 2,
        runs: 1,
        goals: 0,
        rejected: 1,
      });
      await flows.markHandoff(db, { workspaceId: 'w1', contactId, pageId: 'p1', now: T + 7 });
      await flows.markHandoff(db, { workspaceId: 'w1', contactId, pageId: 'p1', now: T + 9 });
      const conv = await db.db
        .selectFrom('conversations')
        .select(['handoff_at', 'status'])
        .where('contact_id', '=', contactId)
        .execute();
      expect(conv).toEqual([{ handoff_at: T + 7, status: 'open' }]);
    });
  });
}
