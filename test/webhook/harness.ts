/**
 * A Ventana webhook edge wired like `startRuntime` does it (SQLite file, intake, processor, buildApp),
 * listening on loopback so a test can reach the same app two ways: a real socket (the node:http fast
 * path) and Fastify `inject()` (the Fastify route). The processor is not started: tests call
 * `drain()` so every assertion sees a settled database.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWebhookIntake, type WebhookIntake } from '../../src/ingest/intake.ts';
import { createInboundProcessor, type InboundProcessor } from '../../src/ingest/processor.ts';
import { createRuleBook } from '../../src/policy/index.ts';
import { buildApp } from '../../src/server/app.ts';
import { createSimulator, type Simulator, type WebhookTransport } from '../../src/simulator/index.ts';
import { type Database, inbound, openDatabase, pages, workspaces } from '../../src/storage/index.ts';

export type Via = 'http' | 'inject';
export const BOTH_PATHS: readonly Via[] = ['http', 'inject'];

export const PAGE_ID = '106123456789012';
export const APP_SECRET = 'harness-app-secret-0123456789';
export const VERIFY_TOKEN = 'harness-verify-token';

export interface Answer {
  readonly status: number;
  readonly body: string;
}

export interface Counts {
  readonly bodies: number;
  readonly events: number;
  readonly contacts: number;
  readonly messages: number;
}

export interface HarnessOptions {
  /** VENTANA_WEBHOOK_BODY_LIMIT equivalent. Default 64 KiB. */
  readonly bodyLimit?: number;
}

export interface Harness {
  readonly database: Database;
  readonly dbPath: string;
  readonly url: string;
  readonly webhookUrl: string;
  readonly intake: WebhookIntake;
  readonly processor: InboundProcessor;
  readonly sim: Simulator;
  readonly secretKey: Buffer;
  /** Sends a raw request to POST /webhooks/messenger through one of the two paths. */
  post(via: Via, body: string | Buffer, headers?: Record<string, string>): Promise<Answer>;
  /** Same, signed with the app secret (SHA-256 header only). */
  postSigned(via: Via, body: string | Buffer): Promise<Answer>;
  get(via: Via, pathAndQuery: string): Promise<Answer>;
  /** Makes the simulator's fake people deliver through `via`. */
  use(via: Via): void;
  counts(): Promise<Counts>;
  /** Runs the inbound processor until nothing is pending. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export function sign(body: string | Buffer, secret = APP_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function countRows(database: Database): Promise<Counts> {
  const n = async (table: 'webhook_bodies' | 'inbound_log' | 'contacts' | 'messages') => {
    const row = await database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    bodies: await n('webhook_bodies'),
    events: await n('inbound_log'),
    contacts: await n('contacts'),
    messages: await n('messages'),
  };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { bodyLimit = 64 * 1024 } = options;
  const dir = mkdtempSync(join(tmpdir(), 'ventana-webhook-'));
  const dbPath = join(dir, 'ventana.db');
  const database = await openDatabase(`sqlite:${dbPath}`, { migrate: true, webhookJournal: true });
  const secretKey = randomBytes(32);
  const now = Date.now;
  const workspace = await workspaces.createWorkspace(database, { id: 'default', name: 'Test', now: now() });
  await pages.upsertPage(database, secretKey, {
    id: PAGE_ID,
    workspaceId: workspace.id,
    name: 'Harness Page',
    accessToken: 'harness-page-token',
    now: now(),
  });
  const processor = createInboundProcessor({ database, rules: createRuleBook(), secretKey, now });
  const intake = createWebhookIntake({
    appSecrets: () => [APP_SECRET],
    store: (raw, at) => inbound.storeWebhookBody(database, raw, at),
    now,
    bodyLimit,
  });
  const app = buildApp({ intake, verifyToken: () => VERIFY_TOKEN, bodyLimit, logger: false });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const url = address.replace('[::1]', '127.0.0.1');
  const webhookUrl = `${url}/webhooks/messenger`;

  async function request(
    via: Via,
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: string | Buffer,
  ): Promise<Answer> {
    if (via === 'inject') {
      const res = await app.inject({
        method,
        url: path,
        headers,
        ...(body === undefined ? {} : { payload: body }),
      });
      return { status: res.statusCode, body: res.body };
    }
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, body: await res.text() };
  }

  const transports: Record<Via, WebhookTransport> = {
    http: async (req) =>
      request(
        'http',
        req.method,
        new URL(req.url).pathname + new URL(req.url).search,
        { ...req.headers },
        req.body,
      ),
    inject: async (req) =>
      request(
        'inject',
        req.method,
        new URL(req.url).pathname + new URL(req.url).search,
        { ...req.headers },
        req.body,
      ),
  };
  const sim = createSimulator({
    appSecret: APP_SECRET,
    webhookUrl,
    webhookTransport: transports.http,
    pages: [{ id: PAGE_ID, token: 'harness-page-token' }],
  });

  return {
    database,
    dbPath,
    url,
    webhookUrl,
    intake,
    processor,
    sim,
    secretKey,
    post: (via, body, headers = {}) =>
      request(via, 'POST', '/webhooks/messenger', { 'content-type': 'application/json', ...headers }, body),
    postSigned: (via, body) =>
      request(
        via,
        'POST',
        '/webhooks/messenger',
        { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) },
        body,
      ),
    get: (via, pathAndQuery) => request(via, 'GET', pathAndQuery, {}),
    use(via) {
      sim.people.transport = transports[via];
    },
    counts: () => countRows(database),
    drain: () => processor.drain(),
    async close() {
      await sim.close();
      await app.close();
      await processor.stop();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A signed-shape Meta envelope with the given messaging events on the harness Page. */
export function envelope(messaging: readonly Record<string, unknown>[], time = Date.now()): string {
  return JSON.stringify({
    object: 'page',
    entry: messaging.map((m) => ({ id: PAGE_ID, time, messaging: [m] })),
  });
}

/** One text message event from `psid`. */
export function textEvent(psid: string, mid: string, text: string, timestamp = Date.now()) {
  return {
    sender: { id: psid },
    recipient: { id: PAGE_ID },
    timestamp,
    message: { mid, text },
  };
}
