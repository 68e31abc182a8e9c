/**
 * The inbound processor applies a burst by the slice (one contact upsert and one conversation read
 * per slice, src/ingest/apply-slice.ts). These tests hold it to what applying the same events one by
 * one leaves: the same contacts, windows, conversations, unread counts and messages, the automation
 * hook run once per event inside the event's transaction, profile fetches asked once per new person.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createInboundProcessor, type ProcessorOptions } from '../../src/ingest/processor.ts';
import type { InboundEvent } from '../../src/messenger/events.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import {
  type Database,
  inbound,
  openDatabase,
  pages,
  settings,
  workspaces,
} from '../../src/storage/index.ts';

const PAGE = '106123456789012';
const T = Date.now() - 3_600_000;
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function freshDatabase(): Promise<{ database: Database; secretKey: Buffer }> {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-slices-'));
  dirs.push(dir);
  const database = await openDatabase(`sqlite:${join(dir, 'v.db')}`, { migrate: true });
  const secretKey = randomBytes(32);
  await workspaces.createWorkspace(database, { id: 'default', name: 'Test', now: T });
  await pages.upsertPage(database, secretKey, {
    id: PAGE,
    workspaceId: 'default',
    name: 'Slices',
    accessToken: 'token',
    now: T,
  });
  return { database, secretKey };
}

const messaging = (psid: string, ts: number, rest: Record<string, unknown>) => ({
  sender: { id: psid },
  recipient: { id: PAGE },
  timestamp: ts,
  ...rest,
});
const text = (psid: string, ts: number, words: string, mid = `m_${psid}_${ts}`) =>
  messaging(psid, ts, { message: { mid, text: words } });
const body = (...events: unknown[]) =>
  JSON.stringify({
    object: 'page',
    entry: events.map((e) => ({ id: PAGE, time: T + 10_000_000, messaging: [e] })),
  });

/** A burst mixing people, kinds and timestamp order (the same bodies go to every database). */
function burst(): string[] {
  return [
    body(text('p1', T + 50, 'segundo'), text('p2', T + 10, 'hola'), text('p1', T + 20, 'primero')),
    body(
      messaging('p2', T + 30, { reaction: { mid: 'm_p2_x', action: 'react', reaction: 'love', emoji: '❤' } }),
      messaging('p3', T + 40, { postback: { mid: 'm_p3_pb', title: 'Empezar', payload: 'GET_STARTED' } }),
      text('p1', T + 60, 'STOP'),
    ),
    body(
      messaging('p4', T + 5, { referral: { ref: 'qr_tienda', source: 'SHORTLINK', type: 'OPEN_THREAD' } }),
      text('p4', T + 70, 'vi el QR'),
      messaging('p2', T + 80, { read: { watermark: T + 75 } }),
      text('p5', T + 90, 'del anuncio', 'm_p5_ad'),
    ),
    // p6's first message came from an ad (order-sensitive: not folded), then a plain one.
    body(
      messaging('p6', T + 95, {
        message: {
          mid: 'm_p6_ad',
          text: 'quiero info',
          referral: { source: 'ADS', type: 'OPEN_THREAD', ad_id: '61' },
        },
      }),
      text('p6', T + 99, 'sigo aquí'),
      text('p2', T + 1, 'muy viejo'),
      // A retry of an event already in the burst.
      text('p2', T + 10, 'hola'),
    ),
  ];
}

async function applyBurst(options: Partial<ProcessorOptions>) {
  const { database, secretKey } = await freshDatabase();
  const seen: string[] = [];
  const fresh: string[] = [];
  const processor = createInboundProcessor({
    database,
    rules: createRuleBook(),
    secretKey,
    now: () => T + 20_000_000,
    onNewContact: (_page, psid) => fresh.push(psid),
    automation: async (db, event: InboundEvent) => {
      seen.push(`${event.kind}:${event.contactId}:${event.timestamp}`);
      // Writes in the event's transaction; must find the event's own contact already recorded.
      const contact = await db.db
        .selectFrom('contacts')
        .select('id')
        .where('psid', '=', event.contactId ?? '')
        .executeTakeFirst();
      if (event.kind === 'message' && event.contactId !== null)
        await settings.setSetting(db, `auto:${event.mid}`, contact ? 'contact' : 'none');
    },
    ...options,
  });
  for (const raw of burst()) await inbound.storeWebhookBody(database, raw, T + 10_000_000);
  await processor.drain();
  const contacts = await database.db
    .selectFrom('contacts')
    .select([
      'psid',
      'first_seen_at',
      'last_seen_at',
      'last_inbound_at',
      'last_inbound_kind',
      'ad_window_started_at',
      'first_entry_point',
      'last_entry_point',
      'opted_out_at',
    ])
    .orderBy('psid')
    .execute();
  const conversations = await database.db
    .selectFrom('conversations')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .select([
      'contacts.psid',
      'conversations.status',
      'conversations.last_message_at',
      'conversations.last_inbound_at',
      'conversations.unread_count',
    ])
    .orderBy('contacts.psid')
    .execute();
  const messages = await database.db
    .selectFrom('messages')
    .select(['mid', 'kind', 'text', 'direction', 'created_at', 'read_at'])
    .orderBy('mid')
    .execute();
  const automation = await database.db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'like', 'auto:%')
    .orderBy('key')
    .execute();
  const pending = await database.db
    .selectFrom('inbound_log')
    .select('id')
    .where((eb) => eb.or([eb('processed_at', 'is', null), eb('error', 'is not', null)]))
    .execute();
  await database.close();
  return { contacts, conversations, messages, automation, seen, fresh, pending, stats: processor.stats };
}

describe('applying a burst by the slice', () => {
  it('leaves exactly what applying the events one by one leaves', async () => {
    // One event per slice (the pre-slice behaviour) against the whole burst in one slice.
    const one = await applyBurst({ sliceMs: 1e-9, busy: () => true });
    const whole = await applyBurst({ idleSliceMs: 60_000, busy: () => false });
    expect(whole.contacts).toEqual(one.contacts);
    expect(whole.conversations).toEqual(one.conversations);
    expect(whole.messages).toEqual(one.messages);
    expect(whole.automation).toEqual(one.automation);
    expect(whole.seen).toEqual(one.seen);
    expect([...whole.fresh].sort()).toEqual([...one.fresh].sort());
    expect(whole.pending).toEqual([]);
    expect(one.pending).toEqual([]);
  });

  it('keeps the order-safe window, entry points, ad window, opt-out and one unread per message', async () => {
    const r = await applyBurst({ idleSliceMs: 60_000, busy: () => false });
    const by = Object.fromEntries(r.contacts.map((c) => [c.psid, c]));
    expect(by.p1).toMatchObject({
      first_seen_at: T + 20,
      last_inbound_at: T + 60,
      last_inbound_kind: 'message',
    });
    expect(by.p1?.opted_out_at).toBe(T + 60);
    // A reaction is seen but (per the rules) a message still is the latest window-opening action.
    expect(by.p2).toMatchObject({ first_seen_at: T + 1, last_seen_at: T + 30 });
    expect(by.p3).toMatchObject({ last_inbound_kind: 'postback', last_inbound_at: T + 40 });
    expect(by.p4).toMatchObject({ first_entry_point: 'ref:qr_tienda', last_inbound_at: T + 70 });
    expect(by.p6).toMatchObject({ ad_window_started_at: T + 95, last_inbound_at: T + 99 });
    const conv = Object.fromEntries(r.conversations.map((c) => [c.psid, c]));
    expect(conv.p1).toMatchObject({ unread_count: 3, last_message_at: T + 60, status: 'open' });
    expect(conv.p2).toMatchObject({ unread_count: 2, last_inbound_at: T + 10 });
    expect(r.conversations.map((c) => c.psid)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(r.messages.filter((m) => m.mid === 'm_p2_' + String(T + 10))).toHaveLength(1);
    // Every event reached the automation once, in timestamp order, with its contact already there.
    expect(r.seen).toHaveLength(13);
    const times = r.seen.map((s) => Number(s.split(':')[2]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(r.automation.every((a) => a.value === 'contact')).toBe(true);
    expect([...r.fresh].sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  it('replays a failing slice event by event: the others are applied, the bad one is retried later', async () => {
    const r = await applyBurst({
      idleSliceMs: 60_000,
      busy: () => false,
      automation: async (_db, event) => {
        if (event.kind === 'message' && event.text === 'vi el QR') throw new Error('automation broke');
      },
    });
    expect(r.pending).toHaveLength(1);
    expect(r.messages.map((m) => m.text)).toContain('hola');
    expect(r.stats.failed).toBe(0);
  });
});
