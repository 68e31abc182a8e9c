/**
 * Component figure for the processing backlog: how fast the inbound processor turns stored webhook
 * bodies into applied events (split + apply + automation + profile-job enqueue), with no HTTP load.
 * Bodies come from the peer bench's own generator (10 events per body, text messages, ~10 % "STOP").
 *
 *   npx tsx bench/webhook/apply.bench.ts [bodies=2000] [users=1000000] [eventsPerBody=10]
 *
 * users=1000000: almost every event is a new contact (the worst case the drain measurement saw);
 * users=10000: the peer bench's own pool, where a burst repeats people. BUSY=1: slices sized as
 * while webhooks arrive (3 ms), otherwise as when idle.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAutomation } from '../../src/automation/index.ts';
import { createInboundProcessor } from '../../src/ingest/processor.ts';
import { PROFILE_JOB } from '../../src/ingest/profiles.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { createQueue, type JobToEnqueue } from '../../src/queue/index.ts';
import { inbound, openDatabase, pages, workspaces } from '../../src/storage/index.ts';

const require = createRequire(import.meta.url);
const peers = process.env.PEERS_SRC ?? join(import.meta.dirname, '../../../../shared/bench-peers');
const { createGenerator, DEFAULT_PAGE_ID } = require(join(peers, 'lib/webhook.js')) as {
  createGenerator: (o: { secret: string; events: number; users: number }) => { next(): { body: string } };
  DEFAULT_PAGE_ID: string;
};

const bodies = Number(process.argv[2] ?? 2000);
const users = Number(process.argv[3] ?? 1_000_000);
const perBody = Number(process.argv[4] ?? 10);

const dir = mkdtempSync(join(tmpdir(), 'ventana-apply-'));
try {
  const database = await openDatabase(`sqlite:${join(dir, 'v.db')}`, { migrate: true });
  const now = Date.now;
  const secretKey = Buffer.alloc(32, 7);
  await workspaces.createWorkspace(database, { id: 'default', name: 'Bench', now: now() });
  await pages.upsertPage(database, secretKey, {
    id: DEFAULT_PAGE_ID,
    workspaceId: 'default',
    name: 'Bench',
    accessToken: 'token',
    now: now(),
  });
  const gen = createGenerator({ secret: 'bench-app-secret', events: perBody, users });
  for (let i = 0; i < bodies; i++) await inbound.storeWebhookBody(database, gen.next().body, now());

  const queue = await createQueue({ engine: 'embedded', database, pollIntervalMs: 250 });
  const rules = createRuleBook();
  let keywords = 0;
  let fresh: JobToEnqueue[] = [];
  const processor = createInboundProcessor({
    database,
    rules,
    secretKey,
    now,
    automation: createAutomation({ rules, now, queue, outboxTouched: () => {} }),
    busy: () => process.env.BUSY === '1',
    // As src/app/workers.ts does it: profile jobs of a slice queued together.
    onNewContact: (pageId, psid, contactId) => {
      if (fresh.push({ payload: { pageId, psid, contactId }, opts: { key: contactId, attempts: 5 } }) === 1)
        setImmediate(() => {
          const list = fresh;
          fresh = [];
          void queue.enqueueMany(PROFILE_JOB, list);
        });
    },
    onKeyword: () => {
      keywords++;
    },
  });
  const t0 = performance.now();
  await processor.drain();
  const ms = performance.now() - t0;
  const s = processor.stats;
  console.log(
    JSON.stringify({
      bodies,
      users,
      perBody,
      events: s.events,
      applied: s.applied,
      failed: s.failed,
      keywords,
      ms: Math.round(ms),
      eventsPerS: Math.round((s.applied / ms) * 1000),
    }),
  );
  await queue.close();
  await database.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
