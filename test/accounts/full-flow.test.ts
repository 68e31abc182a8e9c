/**
 * Through a real `ventana start` runtime (demo simulator, real pino logger with its redaction):
 * first owner by setup token, login, a Page connected, an API key, an invitation. Afterwards no
 * password, session, CSRF token, API key, setup or invitation token, Page token, app secret or
 * verify token may appear in the logs, and none but the one meant to be shown once in any answer.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import { pages } from '../../src/storage/index.ts';

const PASSWORD = 'una contraseña muy secreta';
const INVITEE_PASSWORD = 'otra contraseña secreta';
const PAGE = '500000000000001';
const PAGE_TOKEN = 'EAAGpagetokenSECRETvalue0001';
const APP_SECRET = 'appsecretSECRETvalue0002';
const VERIFY_TOKEN = 'verifytokenSECRETvalue0003';

let runtime: Runtime;
const logLines: string[] = [];
const answers: { url: string; status: number; body: string }[] = [];
let cookie = '';
let csrf = '';

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(cookie ? { cookie: `ventana_session=${cookie}` } : {}),
      ...(csrf && method !== 'GET' ? { 'x-csrf-token': csrf } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  answers.push({
    url: `${method} ${path}`,
    status: res.status,
    body: `${JSON.stringify([...res.headers])}\n${text}`,
  });
  const setCookie = res.headers.get('set-cookie');
  const m = setCookie ? /ventana_session=([^;]*)/.exec(setCookie) : null;
  return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : null, newCookie: m?.[1] };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-accounts-'));
  const parsed = parseConfig({ VENTANA_DATA_DIR: dir, PORT: '0', VENTANA_LOG_LEVEL: 'trace' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  runtime = await startRuntime(parsed.config, { logDestination: sink });
  runtime.demo!.simulator.state.addPage({
    id: PAGE,
    token: PAGE_TOKEN,
    name: 'Tienda Real',
    permissions: { humanAgent: true },
  });
});

afterAll(async () => {
  await runtime?.close();
});

describe('a whole account and Page setup through the running server', () => {
  const secrets: Record<string, string> = {};

  it('creates the first owner with the one-time setup token, once', async () => {
    expect(runtime.setupToken).toMatch(/^[\w-]{20,}$/);
    secrets.setup = runtime.setupToken!;
    expect((await call('GET', '/api/v1/setup/status')).json).toEqual({ needsOwner: true });
    const wrong = await call('POST', '/api/v1/setup', {
      token: 'guess',
      email: 'ana@tienda.test',
      name: 'Ana',
      password: PASSWORD,
    });
    expect(wrong.status).toBe(403);
    const made = await call('POST', '/api/v1/setup', {
      token: runtime.setupToken,
      email: 'ana@tienda.test',
      name: 'Ana',
      password: PASSWORD,
      workspaceName: 'Tienda',
    });
    expect(made.status).toBe(201);
    expect(made.json.workspaces).toEqual([{ id: 'default', name: 'Tienda', role: 'owner' }]);
    expect((await call('GET', '/api/v1/setup/status')).json).toEqual({ needsOwner: false });
    const again = await call('POST', '/api/v1/setup', {
      token: runtime.setupToken,
      email: 'eve@x.test',
      name: 'Eve',
      password: PASSWORD,
    });
    expect(again.status).toBe(409);
  });

  it('logs in, connects a Page (subscribed, secrets encrypted, never returned) and checks its health', async () => {
    const bad = await call('POST', '/api/v1/auth/login', {
      email: 'ana@tienda.test',
      password: `${PASSWORD}!`,
    });
    expect(bad.status).toBe(401);
    const ok = await call('POST', '/api/v1/auth/login', { email: 'ana@tienda.test', password: PASSWORD });
    expect(ok.status).toBe(200);
    cookie = ok.newCookie!;
    csrf = ok.json.csrfToken;
    secrets.cookie = cookie;
    secrets.csrf = csrf;

    const connected = await call('POST', '/api/v1/pages', {
      id: PAGE,
      name: 'Tienda Real',
      accessToken: PAGE_TOKEN,
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
    });
    expect(connected.status).toBe(201);
    expect(connected.json).toMatchObject({
      id: PAGE,
      hasToken: true,
      subscribed: true,
      webhookUrl: runtime.webhookUrl,
    });
    const simPage = runtime.demo!.simulator.state.pages.get(PAGE)!;
    expect(simPage.subscribedFields).toEqual(
      expect.arrayContaining(['messages', 'messaging_postbacks', 'messaging_optins', 'message_echoes']),
    );
    const row = await runtime.database.db
      .selectFrom('pages')
      .selectAll()
      .where('id', '=', PAGE)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(PAGE_TOKEN);
    expect(row.access_token_enc).toMatch(/^v1:/);
    expect((await pages.getPageSecrets(runtime.database, runtime.secrets.secretKey, PAGE))?.appSecret).toBe(
      APP_SECRET,
    );

    // Meta's handshake now succeeds with the verify token the Page was connected with.
    const handshake = await fetch(
      `${runtime.webhookUrl}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=77`,
    );
    expect(await handshake.text()).toBe('77');
    const wrong = await fetch(
      `${runtime.webhookUrl}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=77`,
    );
    expect(wrong.status).toBe(403);

    const health = await call('GET', `/api/v1/pages/${PAGE}/health`);
    expect(health.json).toMatchObject({
      token: { valid: true },
      subscribed: true,
      missingFields: [],
      permissions: { humanAgent: true },
      status: 'active',
    });
    const list = await call('GET', '/api/v1/pages');
    expect(list.json.items.find((p: { id: string }) => p.id === PAGE)).toMatchObject({
      name: 'Tienda Real',
      hasToken: true,
      status: 'active',
    });
  });

  it('reports a Page whose token Meta no longer accepts', async () => {
    runtime.demo!.simulator.state.addPage({ id: '500000000000002', token: 'EAAGtokenTWO', name: 'Dos' });
    expect(
      (
        await call('POST', '/api/v1/pages', {
          id: '500000000000002',
          name: 'Dos',
          accessToken: 'EAAGrevokedTOKEN',
        })
      ).json,
    ).toMatchObject({ subscribed: false });
    const health = await call('GET', '/api/v1/pages/500000000000002/health');
    expect(health.json).toMatchObject({
      token: { valid: false, reason: expect.any(String) },
      subscribed: false,
    });
    const removed = await call('DELETE', '/api/v1/pages/500000000000002');
    expect(removed.json).toMatchObject({ hasToken: false, status: 'needs_reconnect' });
    const again = await call('POST', '/api/v1/pages', {
      id: '500000000000002',
      name: 'Dos',
      accessToken: 'EAAGtokenTWO',
    });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({
      token: { valid: true },
      subscribed: true,
      hasToken: true,
      status: 'active',
    });
  });

  it('issues an API key that works as a bearer token, and an invitation a new person accepts', async () => {
    const key = await call('POST', '/api/v1/api-keys', { name: 'script', role: 'admin' });
    secrets.apiKey = key.json.key;
    const viaKey = await fetch(`${runtime.url}/api/v1/pages`, {
      headers: { authorization: `Bearer ${secrets.apiKey}` },
    });
    expect(viaKey.status).toBe(200);
    const inv = await call('POST', '/api/v1/invitations', { email: 'luis@tienda.test', role: 'agent' });
    secrets.invitation = inv.json.token;
    const saved = { cookie, csrf };
    cookie = '';
    csrf = '';
    const accepted = await call('POST', '/api/v1/invitations/accept', {
      token: secrets.invitation,
      name: 'Luis',
      password: INVITEE_PASSWORD,
    });
    expect(accepted.status).toBe(200);
    secrets.inviteeCookie = accepted.newCookie!;
    ({ cookie, csrf } = saved);
    expect((await call('POST', '/api/v1/auth/logout')).status).toBe(200);
    await runtime.settle();
  });

  it('never writes a secret to the logs, nor returns one except where it is shown once', async () => {
    const logs = logLines.join('');
    expect(logs).toContain('page connected');
    expect(logs).toContain('API key created');
    const all = {
      ...secrets,
      password: PASSWORD,
      inviteePassword: INVITEE_PASSWORD,
      pageToken: PAGE_TOKEN,
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
    };
    for (const [name, value] of Object.entries(all)) {
      expect(value.length, name).toBeGreaterThan(8);
      expect(logs.includes(value), `${name} in the logs`).toBe(false);
    }
    const shownOnce: Record<string, string> = {
      apiKey: 'POST /api/v1/api-keys',
      invitation: 'POST /api/v1/invitations',
    };
    const sessionAnswers = new Set([
      'POST /api/v1/setup',
      'POST /api/v1/auth/login',
      'POST /api/v1/invitations/accept',
    ]);
    for (const a of answers) {
      for (const [name, value] of Object.entries(all)) {
        if (shownOnce[name] === a.url && a.status === 201) continue;
        if ((name === 'cookie' || name === 'inviteeCookie' || name === 'csrf') && sessionAnswers.has(a.url))
          continue;
        if (name === 'csrf' && a.url === 'GET /api/v1/auth/me') continue;
        expect(a.body.includes(value), `${name} in the answer to ${a.url}`).toBe(false);
      }
    }
  });
});
