/**
 * End to end through the simulator: a running Ventana (demo mode: the simulator is the Graph API
 * and fake people send signed webhooks), entry points created through the REST API, people who
 * scan a QR, click an ad, comment on posts; the outbox, the pipeline and the audit do the rest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import { commenterPsid, privateReplyKey } from '../../src/entry/automation.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { audit, contacts, outbox } from '../../src/storage/index.ts';

const DAY = 86_400_000;
let runtime: Runtime;
let sim: Simulator;
let pageId: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ventana-entry-e2e-'));
  const parsed = parseConfig({ VENTANA_DATA_DIR: dir, PORT: '0', VENTANA_LOG_LEVEL: 'silent' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  runtime = await startRuntime(parsed.config);
  await runtime.settle();
  sim = runtime.demo!.simulator;
  pageId = runtime.demo!.pageId;
});

afterAll(async () => {
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly body: { readonly id: string; readonly totals: Record<string, number> };
}

async function api(method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${runtime.secrets.apiToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

/**
 * Pending work: journaled and stored bodies, events not yet applied, messages not yet decided. Private replies
 * are paced by the Page's 750/h budget (one slot about every 4.8 s), so a queued reply due within
 * the next slot still counts as pending.
 */
async function pending(): Promise<number> {
  const db = runtime.database.db;
  const bodies = await db
    .selectFrom('webhook_bodies')
    .select('id')
    .where('processed_at', 'is', null)
    .execute();
  const events = await db.selectFrom('inbound_log').select('id').where('processed_at', 'is', null).execute();
  const due = await db
    .selectFrom('outbox')
    .select('id')
    .where('status', 'in', ['queued', 'sending'])
    .where('next_attempt_at', '<=', Date.now() + 6000)
    .execute();
  // Bodies still in the webhook journal have not reached webhook_bodies yet.
  const journaled = runtime.database.webhookJournal?.backlog() ?? 0;
  return journaled + bodies.length + events.length + due.length;
}

/**
 * Lets the processor apply the webhooks and the sender dispatch what automation enqueued. The
 * background workers run too, so wait until nothing is left rather than trusting one pass.
 */
async function settle(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await runtime.settle();
    // The webhooks the simulator sends on its own (echoes of what the Page sent) are work too.
    await sim.people.flush();
    if ((await pending()) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('work still pending after 20 s');
}

const today = () => new Date().toISOString().slice(0, 10);

async function statsOf(id: string) {
  const r = await api('GET', `/api/v1/entry-points/${id}/stats?from=${today()}&to=${today()}`);
  return r.body.totals;
}

function privateRepliesTo(commentId: string) {
  return sim.state.requests
    .toArray()
    .filter(
      (r) =>
        r.endpoint === 'send' &&
        (r.body as { recipient?: { comment_id?: string } } | null)?.recipient?.comment_id === commentId,
    );
}

describe('a person who scans a QR code and comes back through the website button', () => {
  it('is labelled, gets the fields, keeps first and last touch, and is counted', async () => {
    const qr = await api('POST', '/api/v1/entry-points', {
      pageId,
      kind: 'link',
      name: 'QR mostrador',
      ref: 'qr_mostrador',
      labels: ['tienda', 'qr'],
      fields: { canal: 'qr' },
    });
    expect(qr.status).toBe(201);
    const web = await api('POST', '/api/v1/entry-points', {
      pageId,
      kind: 'link',
      name: 'Botón web',
      ref: 'web_home',
      labels: ['web'],
    });
    const person = sim.people.createPerson({ pageId, firstName: 'Sofía', locale: 'es_ES', country: 'ES' });

    // Scanning the QR opens a new thread: Get Started carries the ref.
    expect((await sim.people.getStarted(person, 'qr_mostrador')).status).toBe(200);
    await settle();
    let contact = await contacts.getContactByPsid(runtime.database, pageId, person.psid);
    expect(contact).toMatchObject({
      labels: ['qr', 'tienda'],
      fields: { canal: 'qr' },
      firstEntryPoint: qr.body.id,
      lastEntryPoint: qr.body.id,
    });
    expect(await statsOf(qr.body.id)).toMatchObject({
      reached: 1,
      newContacts: 1,
      conversationsOpened: 1,
      windowsOpened: 1,
    });

    // Later, the website button: a referral into the existing thread, with the window still open.
    expect((await sim.people.referral(person, 'web_home')).status).toBe(200);
    await settle();
    contact = await contacts.getContactByPsid(runtime.database, pageId, person.psid);
    expect(contact).toMatchObject({
      labels: ['qr', 'tienda', 'web'],
      firstEntryPoint: qr.body.id,
      lastEntryPoint: web.body.id,
    });
    expect(await statsOf(web.body.id)).toMatchObject({
      reached: 1,
      newContacts: 0,
      conversationsOpened: 0,
      windowsOpened: 0,
    });

    // An opt-out counts for the last touch.
    await sim.people.sendText(person, 'STOP');
    await settle();
    expect(await statsOf(web.body.id)).toMatchObject({ optOuts: 1 });
    expect(await statsOf(qr.body.id)).toMatchObject({ reached: 1, optOuts: 0 });
  });

  it('does not count the same referral twice when Meta delivers it again', async () => {
    const ep = await api('POST', '/api/v1/entry-points', {
      pageId,
      kind: 'link',
      name: 'Flyer',
      ref: 'flyer',
    });
    const person = sim.people.createPerson({ pageId, firstName: 'Iker', locale: 'es_ES', country: 'ES' });
    const first = await sim.people.getStarted(person, 'flyer');
    await sim.people.post(first.payload);
    await settle();
    expect(await statsOf(ep.body.id)).toMatchObject({ reached: 1, newContacts: 1 });
    const rows = await runtime.database.db
      .selectFrom('entry_point_events')
      .select('id')
      .where('entry_point_id', '=', ep.body.id)
      .execute();
    expect(rows).toHaveLength(1);
  });
});

describe('a person who clicks a Click-to-Messenger ad', () => {
  it('is attributed to the ad entry point by ad id and gets the 7-day ad window', async () => {
    const ad = await api('POST', '/api/v1/entry-points', {
      pageId,
      kind: 'ad',
      name: 'Campaña Black Friday',
      ad: { adIds: ['23850000000001'] },
      labels: ['anuncio'],
    });
    expect(ad.status).toBe(201);
    const person = sim.people.createPerson({ pageId, firstName: 'Marta', locale: 'es_ES', country: 'ES' });
    await sim.people.adMessage(person, 'Hola, ¿sigue la oferta?', '23850000000001');
    await settle();
    const contact = await contacts.getContactByPsid(runtime.database, pageId, person.psid);
    expect(contact).toMatchObject({ labels: ['anuncio'], lastEntryPoint: ad.body.id });
    expect(contact?.adWindowStartedAt).not.toBeNull();
    expect(await statsOf(ad.body.id)).toMatchObject({ reached: 1, newContacts: 1, windowsOpened: 1 });
  });
});

describe('comment-to-Messenger', () => {
  let commentEntry: Answer['body'];

  beforeAll(async () => {
    commentEntry = (
      await api('POST', '/api/v1/entry-points', {
        pageId,
        kind: 'comment',
        name: 'Post del sorteo',
        labels: ['comentó'],
        comment: {
          postIds: ['777'],
          keywords: ['precio', 'información'],
          replyText: '¡Hola! Te paso el precio por aquí.',
        },
      })
    ).body;
    expect(commentEntry.id).toBeTruthy();
  });

  it('sends exactly one private reply to a comment with the keyword, even when the webhook comes twice', async () => {
    const person = sim.people.createPerson({
      pageId,
      firstName: 'Lucas',
      lastName: 'Gil',
      locale: 'es_ES',
      country: 'ES',
    });
    const first = await sim.people.comment(person, `${pageId}_777`, '¿Cuál es el PRECIO? 😍');
    expect(first.status).toBe(200);
    // Identical redelivery, and a redelivery whose change object differs (another dedupe key).
    await sim.people.post(first.payload);
    const change = first.payload.entry[0]!.changes![0]! as { field: string; value: Record<string, unknown> };
    await sim.people.post({
      ...first.payload,
      entry: [
        {
          ...first.payload.entry[0]!,
          changes: [{ ...change, value: { ...change.value, is_hidden: false } }],
        },
      ],
    });
    await settle();

    expect(privateRepliesTo(first.commentId)).toHaveLength(1);
    expect(privateRepliesTo(first.commentId)[0]).toMatchObject({ outcome: 'ok' });
    expect(sim.state.comments.get(first.commentId)?.repliedAt).not.toBeNull();
    expect(person.inbox.at(-1)).toMatchObject({ via: 'private_reply' });
    const row = await outbox.getOutboxItemByKey(runtime.database, privateReplyKey(pageId, first.commentId));
    expect(row).toMatchObject({ status: 'sent', origin: 'entry_point', originId: commentEntry.id });
    const audited = await audit.queryAudit(runtime.database, { workspaceId: 'default', messageRef: row!.id });
    expect(audited.items).toHaveLength(1);
    expect(audited.items[0]).toMatchObject({ allowed: true, route: 'private_reply' });
    // Meta echoes the reply with the person's real PSID (the simulator does, right after its answer):
    // the commenter, known until then by the feed's user id, becomes their Messenger contact.
    expect(
      await contacts.getContactByPsid(runtime.database, pageId, commenterPsid(person.userId)),
    ).toBeUndefined();
    const commenter = await contacts.getContactByPsid(runtime.database, pageId, person.psid);
    expect(commenter).toMatchObject({
      id: row!.contactId,
      firstName: 'Lucas',
      lastName: 'Gil',
      labels: ['comentó'],
      firstEntryPoint: commentEntry.id,
    });
    expect(await statsOf(commentEntry.id)).toMatchObject({ reached: 1, windowsOpened: 0 });
    // When they answer, it is the same contact, now with an open window.
    await sim.people.sendText(person, '¡Gracias! Me interesa');
    await settle();
    const answered = await contacts.getContactByPsid(runtime.database, pageId, person.psid);
    expect(answered).toMatchObject({ id: commenter!.id, lastInboundKind: 'message' });
    // Their answer opens the conversation and the window the comment itself did not.
    expect(await statsOf(commentEntry.id)).toMatchObject({
      reached: 1,
      conversationsOpened: 1,
      windowsOpened: 1,
    });
  });

  it('matches keywords without accents or case, on the configured post only', async () => {
    const person = sim.people.createPerson({ pageId, firstName: 'Ana', locale: 'es_ES', country: 'ES' });
    const other = await sim.people.comment(person, `${pageId}_888`, 'precio?');
    const accentless = await sim.people.comment(person, `${pageId}_777`, 'mas INFORMACION porfa');
    await settle();
    expect(privateRepliesTo(other.commentId)).toHaveLength(0);
    expect(privateRepliesTo(accentless.commentId)).toHaveLength(1);
  });

  it('sends nothing to a comment without the keyword', async () => {
    const person = sim.people.createPerson({ pageId, firstName: 'Raúl', locale: 'es_ES', country: 'ES' });
    const r = await sim.people.comment(person, `${pageId}_777`, 'Qué foto tan bonita');
    await settle();
    expect(privateRepliesTo(r.commentId)).toHaveLength(0);
    expect(
      await outbox.getOutboxItemByKey(runtime.database, privateReplyKey(pageId, r.commentId)),
    ).toBeUndefined();
    expect(
      await contacts.getContactByPsid(runtime.database, pageId, commenterPsid(person.userId)),
    ).toBeUndefined();
  });

  it('sends nothing to a comment older than 7 days and keeps the reason in the audit', async () => {
    const person = sim.people.createPerson({ pageId, firstName: 'Elena', locale: 'es_ES', country: 'ES' });
    // The comment was made 8 days ago; Meta delivers (or Ventana processes) it only now.
    sim.clock.set(Date.now() - 8 * DAY);
    const r = await sim.people.comment(person, `${pageId}_777`, 'precio por favor');
    sim.clock.set(Date.now());
    await settle();
    expect(privateRepliesTo(r.commentId)).toHaveLength(0);
    const row = await outbox.getOutboxItemByKey(runtime.database, privateReplyKey(pageId, r.commentId));
    expect(row?.status).toBe('refused');
    const audited = await audit.queryAudit(runtime.database, { workspaceId: 'default', messageRef: row!.id });
    expect(audited.items[0]).toMatchObject({ allowed: false });
    expect(JSON.stringify(audited.items[0]?.reasons)).toContain('private_reply_expired');
    expect(sim.state.counters.violations).toBe(0);
  });
});
