/**
 * The private reply of a comment entry point goes through the one send pipeline: decided at
 * dispatch (route private_reply), sent to `recipient.comment_id`, paced by the Page's private-reply
 * budget (750/h; a tiny budget here so the test can see it bite), never twice for one comment.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEntryPointAutomation, privateReplyKey } from '../../src/entry/automation.ts';
import { createGraphClient, createMemorySendRateLimiter, type GraphClient } from '../../src/graph/index.ts';
import { applyEvent } from '../../src/ingest/apply-event.ts';
import { normalizeWebhook } from '../../src/messenger/index.ts';
import { type DispatchDeps, dispatchOne } from '../../src/outbound/dispatch.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { createSimulator, type Simulator } from '../../src/simulator/index.ts';
import {
  type Database,
  entryPoints,
  inTransaction,
  openDatabase,
  outbox,
  pages,
  workspaces,
} from '../../src/storage/index.ts';

const PAGE = '200000000000042';
const TOKEN = 'page-token';
const KEY = Buffer.alloc(32, 4);
const HOUR = 3_600_000;
let t = Date.parse('2026-11-25T12:00:00Z');
let sim: Simulator;
let graph: GraphClient;
let database: Database;
let deps: DispatchDeps;

beforeEach(async () => {
  t = Date.parse('2026-11-25T12:00:00Z');
  sim = createSimulator({ appSecret: 's', now: () => t, pages: [{ id: PAGE, token: TOKEN }] });
  graph = createGraphClient({ baseUrl: await sim.listen(0), version: 'v26.0', timeoutMs: 1500 });
  database = await openDatabase(':memory:', { migrate: true });
  await workspaces.createWorkspace(database, { id: 'w1', name: 'W', now: t });
  await pages.upsertPage(database, KEY, {
    id: PAGE,
    workspaceId: 'w1',
    name: 'P',
    accessToken: TOKEN,
    now: t,
  });
  await entryPoints.createEntryPoint(database, {
    workspaceId: 'w1',
    pageId: PAGE,
    kind: 'comment',
    name: 'Sorteo',
    ref: null,
    slug: null,
    language: null,
    prefillText: null,
    labels: [],
    fields: {},
    flowId: null,
    sequenceId: null,
    config: { postIds: [], keywords: ['quiero'], replyText: '¡Hola! Aquí tienes los detalles.' },
    active: true,
    now: t,
  });
  deps = {
    database,
    graph,
    // One private reply per hour: Meta's 750/h scaled down so the budget shows within a test.
    limiter: createMemorySendRateLimiter({
      budgets: { private_reply: { limit: 2, windowMs: HOUR } },
      now: () => t,
    }),
    rules: createRuleBook(),
    secretKey: KEY,
    now: () => t,
    maxInlineWaitMs: 0,
  };
});

afterEach(async () => {
  await graph.close();
  await sim.close();
  await database.close();
});

/** A person comments on a post: the simulator knows the comment, Ventana gets the feed webhook. */
async function comment(text: string, createdAt = t): Promise<string> {
  const person = sim.people.createPerson({ pageId: PAGE, firstName: 'Ana' });
  const commentId = `777_${Math.floor(Math.random() * 1e12)}`;
  sim.state.comments.set(commentId, {
    id: commentId,
    postId: `${PAGE}_777`,
    pageId: PAGE,
    psid: person.psid,
    createdAt,
    repliedAt: null,
  });
  const parsed = normalizeWebhook({
    object: 'page',
    entry: [
      {
        id: PAGE,
        time: t,
        changes: [
          {
            field: 'feed',
            value: {
              item: 'comment',
              verb: 'add',
              comment_id: commentId,
              post_id: `${PAGE}_777`,
              parent_id: `${PAGE}_777`,
              created_time: Math.floor(createdAt / 1000),
              message: text,
              from: { id: person.userId, name: 'Ana Pérez' },
            },
          },
        ],
      },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.message);
  const rules = createRuleBook();
  const handle = createEntryPointAutomation({ rules, now: () => t, outboxTouched: () => {} });
  for (const event of parsed.events) {
    await inTransaction(database, async (db) => {
      const outcome = await applyEvent({ database: db, rules, secretKey: KEY, now: () => t }, event);
      if (outcome.ok) await handle(db, event);
    });
  }
  return commentId;
}

async function dispatchDue() {
  const items = await outbox.claimDueOutbox(database, { limit: 10, now: t });
  const results = [];
  for (const item of items) results.push(await dispatchOne(deps, item));
  return results;
}

describe('private replies of comment entry points', () => {
  it('sends the reply to the comment through the private_reply route', async () => {
    const id = await comment('Quiero participar');
    const [result] = await dispatchDue();
    expect(result).toMatchObject({ status: 'sent', decision: { route: 'private_reply' } });
    const sent = sim.state.requests.toArray().filter((r) => r.endpoint === 'send');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatchObject({
      recipient: { comment_id: id },
      message: { text: '¡Hola! Aquí tienes los detalles.' },
    });
    expect(sim.state.counters.privateReplies).toBe(1);
  });

  it('waits for the Page private-reply budget instead of exceeding it, then sends', async () => {
    await comment('quiero');
    await comment('QUIERO!!');
    const first = await dispatchDue();
    expect(first.map((r) => r.status).sort()).toEqual(['rescheduled', 'sent']);
    const waiting = first.find((r) => r.status === 'rescheduled');
    expect(waiting).toMatchObject({ reason: 'rate_limited_locally' });
    expect(sim.state.counters.privateReplies).toBe(1);
    t += HOUR;
    const later = await dispatchDue();
    expect(later.map((r) => r.status)).toEqual(['sent']);
    expect(sim.state.counters.privateReplies).toBe(2);
    expect(sim.state.counters.violations).toBe(0);
  });

  it('refuses a reply whose comment turned 7 days old before it could leave, with the reason', async () => {
    const id = await comment('quiero', t - 7 * 24 * HOUR + 60_000);
    t += 2 * 60_000;
    const [result] = await dispatchDue();
    expect(result).toMatchObject({
      status: 'refused',
      decision: { reasons: [{ code: 'private_reply_expired' }] },
    });
    expect((await outbox.getOutboxItemByKey(database, privateReplyKey(PAGE, id)))?.status).toBe('refused');
    expect(sim.state.counters.privateReplies).toBe(0);
  });
});
