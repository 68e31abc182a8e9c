import { beforeEach, describe, expect, it } from 'vitest';
import { createEntryPointAutomation, type EntryPorts, privateReplyKey } from '../../src/entry/automation.ts';
import { applyEvent } from '../../src/ingest/apply-event.ts';
import type { InboundEvent } from '../../src/messenger/events.ts';
import { normalizeWebhook } from '../../src/messenger/index.ts';
import { sendMetadata } from '../../src/outbound/send-metadata.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { recordOutboundMessages } from '../../src/storage/broadcasts.ts';
import {
  contacts,
  type Database,
  entryPoints,
  inTransaction,
  messages,
  newId,
  openDatabase,
  outbox,
  pages,
  workspaces,
} from '../../src/storage/index.ts';

const PAGE = '555000000000001';
const KEY = Buffer.alloc(32, 5);
const NOW = Date.parse('2026-11-25T12:00:00Z');
const DAY = 86_400_000;
let database: Database;
let calls: { port: string; input: unknown }[];
let touched: number;

function fakePorts(answer: 'ok' | 'fail' = 'ok'): EntryPorts {
  return {
    startFlowRun: async (_db, input) => {
      calls.push({ port: 'flow', input });
      return answer === 'ok' ? { ok: true, runId: 'run-1' } : { ok: false, code: 'flow_not_published' };
    },
    enrollInSequence: async (_db, input) => {
      calls.push({ port: 'sequence', input });
      return answer === 'ok' ? { ok: true, enrollmentId: 'enr-1' } : { ok: false, code: 'sequence_unknown' };
    },
    enrollByLabels: async (_db, input) => {
      calls.push({ port: 'labels', input });
      return 0;
    },
  };
}

function eventsOf(entry: Record<string, unknown>): InboundEvent[] {
  const r = normalizeWebhook({ object: 'page', entry: [{ id: PAGE, time: NOW, ...entry }] });
  if (!r.ok) throw new Error(r.message);
  return [...r.events];
}

/** What the processor does per event: apply it, then automation, in one transaction. */
async function process(events: readonly InboundEvent[], ports: EntryPorts): Promise<void> {
  const rules = createRuleBook();
  const handle = createEntryPointAutomation(
    { rules, now: () => NOW, outboxTouched: () => void touched++ },
    ports,
  );
  for (const event of events) {
    await inTransaction(database, async (db) => {
      const outcome = await applyEvent({ database: db, rules, secretKey: KEY, now: () => NOW }, event);
      if (outcome.ok) await handle(db, event);
    });
  }
}

beforeEach(async () => {
  database = await openDatabase(':memory:', { migrate: true });
  await workspaces.createWorkspace(database, { id: 'w1', name: 'W', now: NOW });
  await pages.upsertPage(database, KEY, { id: PAGE, workspaceId: 'w1', name: 'P', now: NOW });
  calls = [];
  touched = 0;
});

async function entry(data: Partial<Parameters<typeof entryPoints.createEntryPoint>[1]>) {
  const r = await entryPoints.createEntryPoint(database, {
    workspaceId: 'w1',
    pageId: PAGE,
    kind: 'link',
    name: 'QR',
    ref: 'qr_1',
    slug: 'qr-1',
    language: null,
    prefillText: null,
    labels: ['qr'],
    fields: { canal: 'qr' },
    flowId: 'flow-bienvenida',
    sequenceId: 'seq-onboarding',
    config: {},
    active: true,
    now: NOW,
    ...data,
  });
  if (!r.ok) throw new Error(r.code);
  return r.entryPoint;
}

const referral = (psid: string, ref: string) => ({
  messaging: [
    {
      sender: { id: psid },
      recipient: { id: PAGE },
      timestamp: NOW - 1000,
      referral: { ref, source: 'SHORTLINK', type: 'OPEN_THREAD' },
    },
  ],
});

/** A comment entry point answering every comment, and one comment a minute old on a post of the Page. */
async function commentEntryAnswering(comment: {
  commentId: string;
  fromId: string;
  name: string;
  message: string;
}) {
  const ep = await entry({
    kind: 'comment',
    ref: null,
    slug: null,
    config: { postIds: [], keywords: [], replyText: 'Te escribo por privado' },
  });
  const post = comment.commentId.split('_')[0];
  await process(
    eventsOf({
      changes: [
        {
          field: 'feed',
          value: {
            item: 'comment',
            verb: 'add',
            comment_id: comment.commentId,
            post_id: `${PAGE}_${post}`,
            created_time: Math.floor((NOW - 60_000) / 1000),
            message: comment.message,
            from: { id: comment.fromId, name: comment.name },
          },
        },
      ],
    }),
    fakePorts(),
  );
  return ep;
}

describe('the entry point automation', () => {
  it('starts the flow and the sequence and reports new labels, once, whatever the replays', async () => {
    const ep = await entry({});
    const events = eventsOf(referral('psid-1', 'qr_1'));
    await process(events, fakePorts());
    await process(events, fakePorts());
    const contact = await contacts.getContactByPsid(database, PAGE, 'psid-1');
    expect(calls).toEqual([
      { port: 'labels', input: { workspaceId: 'w1', contactId: contact!.id, labels: ['qr'], now: NOW } },
      {
        port: 'flow',
        input: {
          workspaceId: 'w1',
          contactId: contact!.id,
          flowId: 'flow-bienvenida',
          trigger: `entry_point:${ep.id}`,
          now: NOW,
        },
      },
      {
        port: 'sequence',
        input: {
          workspaceId: 'w1',
          contactId: contact!.id,
          sequenceId: 'seq-onboarding',
          source: `entry_point:${ep.id}`,
          now: NOW,
        },
      },
    ]);
    expect(contact).toMatchObject({
      labels: ['qr'],
      fields: { canal: 'qr' },
      firstEntryPoint: ep.id,
      lastEntryPoint: ep.id,
    });
  });

  it('still labels the person when the flow or the sequence cannot start', async () => {
    await entry({});
    await process(eventsOf(referral('psid-2', 'qr_1')), fakePorts('fail'));
    expect(calls.map((c) => c.port)).toEqual(['labels', 'flow', 'sequence']);
    expect((await contacts.getContactByPsid(database, PAGE, 'psid-2'))?.labels).toEqual(['qr']);
  });

  it('ignores refs no entry point knows and inactive entry points, keeping the raw ref on the contact', async () => {
    await entry({ active: false });
    await process(eventsOf(referral('psid-3', 'qr_1')), fakePorts());
    await process(eventsOf(referral('psid-3', 'unknown_ref')), fakePorts());
    expect(calls).toEqual([]);
    expect((await contacts.getContactByPsid(database, PAGE, 'psid-3'))?.lastEntryPoint).toBe(
      'ref:unknown_ref',
    );
  });

  it('queues one private reply for a matching comment and starts no flow for a commenter', async () => {
    const ep = await entry({
      kind: 'comment',
      ref: null,
      slug: null,
      config: { postIds: [], keywords: ['precio'], replyText: 'Te escribo por privado' },
    });
    const comment = {
      changes: [
        {
          field: 'feed',
          value: {
            item: 'comment',
            verb: 'add',
            comment_id: '777_1',
            post_id: `${PAGE}_777`,
            parent_id: `${PAGE}_777`,
            created_time: Math.floor((NOW - 3600_000) / 1000),
            message: 'Precio??',
            from: { id: '9001', name: 'Ana Ruiz' },
          },
        },
      ],
    };
    await process(eventsOf(comment), fakePorts());
    await process(eventsOf(comment), fakePorts());
    expect(calls).toEqual([]);
    expect(touched).toBe(1);
    const row = await outbox.getOutboxItemByKey(database, privateReplyKey(PAGE, '777_1'));
    expect(row).toMatchObject({
      origin: 'entry_point',
      originId: ep.id,
      status: 'queued',
      content: {
        message: { type: 'text', text: 'Te escribo por privado' },
        purpose: 'response',
        privateReply: { commentId: '777_1', createdAt: NOW - 3600_000 },
      },
    });
  });

  it('starts the comment entry point flow when the commenter first answers, and only then', async () => {
    const ep = await commentEntryAnswering({
      commentId: '9_9',
      fromId: '4242',
      name: 'Leo',
      message: 'me apunto',
    });
    expect(calls).toEqual([]);
    const commenter = await contacts.getContactByPsid(database, PAGE, 'commenter:4242');
    // (The private reply's echo links the commenter to their PSID; see the e2e test.)
    await entryPoints.linkCommenter(database, {
      commenterId: commenter!.id,
      pageId: PAGE,
      psid: 'psid-leo',
      now: NOW,
    });
    const message = (mid: string, text: string) => ({
      messaging: [
        { sender: { id: 'psid-leo' }, recipient: { id: PAGE }, timestamp: NOW, message: { mid, text } },
      ],
    });
    await process(eventsOf(message('m1', 'hola!')), fakePorts());
    await process(eventsOf(message('m2', 'sigo aquí')), fakePorts());
    expect(calls.map((c) => c.port)).toEqual(['flow', 'sequence']);
    expect(calls[0]?.input).toMatchObject({ contactId: commenter!.id, trigger: `entry_point:${ep.id}` });
  });

  describe("the private reply's echo, which names the person's real PSID", () => {
    async function commentAndReplyQueued() {
      await commentEntryAnswering({ commentId: '5_5', fromId: '7777', name: 'Eva', message: 'info' });
      const reply = await outbox.getOutboxItemByKey(database, privateReplyKey(PAGE, '5_5'));
      return reply!;
    }
    const echo = (message: Record<string, unknown>, pageId = PAGE) => ({
      id: pageId,
      messaging: [
        {
          sender: { id: pageId },
          recipient: { id: 'psid-eva' },
          timestamp: NOW,
          message: { is_echo: true, app_id: 1234, text: 'Te escribo por privado', ...message },
        },
      ],
    });

    it('links the commenter when it comes before the Send API answer, by the outbox id it carries', async () => {
      const reply = await commentAndReplyQueued();
      // Nothing is stored for the reply yet: only its outbox row, still queued, knows the commenter.
      expect(reply.status).toBe('queued');
      await process(eventsOf(echo({ mid: 'm_eva', metadata: sendMetadata(reply.id) })), fakePorts());
      expect(await contacts.getContactByPsid(database, PAGE, 'commenter:7777')).toBeUndefined();
      expect(await contacts.getContactByPsid(database, PAGE, 'psid-eva')).toMatchObject({
        id: reply.contactId,
        firstEntryPoint: expect.any(String),
      });
    });

    it('links the commenter by the mid of the stored reply when the echo carries no metadata', async () => {
      const reply = await commentAndReplyQueued();
      await recordOutboundMessages(
        database,
        [
          {
            workspaceId: 'w1',
            contactId: reply.contactId,
            pageId: PAGE,
            mid: 'm_eva',
            kind: 'text',
            text: 'Te escribo por privado',
            payload: null,
            sender: 'bot',
            outboxId: reply.id,
            at: NOW,
          },
        ],
        newId,
      );
      await process(eventsOf(echo({ mid: 'm_eva' })), fakePorts());
      expect(await contacts.getContactByPsid(database, PAGE, 'psid-eva')).toMatchObject({
        id: reply.contactId,
      });
    });

    it('links nobody when the echo comes from another Page', async () => {
      const reply = await commentAndReplyQueued();
      const other = '555000000000002';
      await pages.upsertPage(database, KEY, { id: other, workspaceId: 'w1', name: 'Q', now: NOW });
      await process(eventsOf(echo({ mid: 'm_eva', metadata: sendMetadata(reply.id) }, other)), fakePorts());
      expect(await contacts.getContactByPsid(database, PAGE, 'commenter:7777')).toMatchObject({
        id: reply.contactId,
      });
    });

    /** The reply's attempt ended without an answer (a timeout): its outcome is unknown. */
    async function replyUnknown(id: string) {
      const claimed = await outbox.claimDueOutbox(database, { limit: 10, now: NOW + DAY });
      expect(claimed.map((c) => c.id)).toEqual([id]);
      expect(await outbox.completeOutbox(database, id, { status: 'unknown', result: null, now: NOW })).toBe(
        true,
      );
    }

    it('settles a reply whose outcome was unknown, on the commenter now named by their PSID', async () => {
      const reply = await commentAndReplyQueued();
      await replyUnknown(reply.id);
      await process(eventsOf(echo({ mid: 'm_eva', metadata: sendMetadata(reply.id) })), fakePorts());
      expect(await outbox.getOutboxItem(database, reply.id)).toMatchObject({
        status: 'sent',
        result: { mid: 'm_eva', confirmedBy: 'echo' },
      });
      expect(await messages.getMessageByMid(database, 'm_eva')).toMatchObject({
        contactId: reply.contactId,
        outboxId: reply.id,
      });
    });

    it('moves the reply to the contact the person already had, and settles it there', async () => {
      await process(
        eventsOf({
          messaging: [
            {
              sender: { id: 'psid-eva' },
              recipient: { id: PAGE },
              timestamp: NOW - 5000,
              message: { mid: 'm_hola', text: 'hola' },
            },
          ],
        }),
        fakePorts(),
      );
      const known = await contacts.getContactByPsid(database, PAGE, 'psid-eva');
      const reply = await commentAndReplyQueued();
      expect(reply.contactId).not.toBe(known!.id);
      await replyUnknown(reply.id);
      await process(eventsOf(echo({ mid: 'm_eva', metadata: sendMetadata(reply.id) })), fakePorts());
      expect(await outbox.getOutboxItem(database, reply.id)).toMatchObject({
        contactId: known!.id,
        status: 'sent',
        result: { mid: 'm_eva', confirmedBy: 'echo' },
      });
      // The comment entry point's label moved too.
      expect(await contacts.getContactByPsid(database, PAGE, 'psid-eva')).toMatchObject({
        id: known!.id,
        labels: ['qr'],
      });
    });
  });

  it('does nothing for the Page commenting on its own post', async () => {
    await commentEntryAnswering({ commentId: '1_2', fromId: PAGE, name: 'P', message: 'hola' });
    expect(await outbox.getOutboxItemByKey(database, privateReplyKey(PAGE, '1_2'))).toBeUndefined();
  });
});
