import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookIntake } from '../../src/ingest/intake.ts';
import { buildApp } from '../../src/server/app.ts';
import type { Role } from '../../src/server/auth-context.ts';
import { registerEntryPointRoutes } from '../../src/server/entry-point-routes.ts';
import {
  type Database,
  entryPoints,
  inbound,
  openDatabase,
  pages,
  workspaces,
} from '../../src/storage/index.ts';

const TOKEN = 'api-test-token';
const PAGE = '106000000000001';
const OTHER_WS_PAGE = '106000000000009';
const KEY = Buffer.alloc(32, 9);
const NOW = Date.parse('2026-11-25T12:00:00Z');
let database: Database;
let app: ReturnType<typeof buildApp>;

beforeAll(async () => {
  database = await openDatabase(':memory:', { migrate: true });
  await workspaces.createWorkspace(database, { id: 'default', name: 'Default', now: NOW });
  await workspaces.createWorkspace(database, { id: 'other', name: 'Other', now: NOW });
  await pages.upsertPage(database, KEY, { id: PAGE, workspaceId: 'default', name: 'Café Lola', now: NOW });
  await pages.upsertPage(database, KEY, {
    id: OTHER_WS_PAGE,
    workspaceId: 'other',
    name: 'Not ours',
    now: NOW,
  });
  const intake = createWebhookIntake({
    appSecrets: () => ['s'],
    store: (raw, at) => inbound.storeWebhookBody(database, raw, at),
    now: () => NOW,
    bodyLimit: 65536,
  });
  app = buildApp({ intake, verifyToken: () => 'v', apiToken: () => TOKEN, bodyLimit: 65536, logger: false });
  // Tests act with lower roles by narrowing the installation token's context (accounts are another branch).
  app.addHook('onRequest', async (req) => {
    const role = req.headers['x-test-role'];
    if (req.auth && typeof role === 'string') req.auth = { ...req.auth, role: role as Role };
  });
  registerEntryPointRoutes(app, { database, now: () => NOW, publicUrl: 'https://ventana.example' });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await database.close();
});

function call(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23). */
function pngSize(buffer: Buffer): { width: number; height: number } {
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

describe('the entry points API', () => {
  let id = '';

  it('creates an m.me entry point and answers it with its m.me and landing URLs', async () => {
    const res = await call('POST', '/api/v1/entry-points', {
      pageId: PAGE,
      kind: 'link',
      name: 'QR del mostrador',
      ref: 'qr_mostrador',
      slug: 'mostrador',
      prefillText: 'Hola, vi el cartel',
      labels: ['tienda'],
      fields: { canal: 'qr' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    id = body.id;
    expect(body).toMatchObject({
      kind: 'link',
      ref: 'qr_mostrador',
      mmeUrl: `https://m.me/${PAGE}?ref=qr_mostrador&text=Hola%2C%20vi%20el%20cartel`,
      landingUrl: 'https://ventana.example/l/mostrador',
      labels: ['tienda'],
      fields: { canal: 'qr' },
      active: true,
    });
  });

  it('lists, reads and updates it, keeping the m.me URL in every answer', async () => {
    const list = await call('GET', '/api/v1/entry-points');
    expect(
      list
        .json()
        .items.map((e: { id: string; mmeUrl: string }) => [e.id, e.mmeUrl.startsWith('https://m.me/')]),
    ).toEqual([[id, true]]);
    const patched = await call('PATCH', `/api/v1/entry-points/${id}`, { prefillText: null, language: 'es' });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      language: 'es',
      mmeUrl: `https://m.me/${PAGE}?ref=qr_mostrador`,
      slug: 'mostrador',
    });
    expect((await call('GET', `/api/v1/entry-points/${id}`)).json().language).toBe('es');
  });

  it('refuses a bad ref naming the field, in Spanish and in English, and changes nothing', async () => {
    const es = await call(
      'POST',
      '/api/v1/entry-points',
      { pageId: PAGE, kind: 'link', name: 'Mal', ref: 'con espacios' },
      { 'accept-language': 'es-ES' },
    );
    expect(es.statusCode).toBe(400);
    expect(es.json().error).toMatchObject({
      code: 'invalid_ref',
      field: 'ref',
      message: expect.stringMatching(/^ref: de 1 a 250/),
    });
    const en = await call('POST', '/api/v1/entry-points', {
      pageId: PAGE,
      kind: 'link',
      name: 'Bad',
      ref: 'a.b',
    });
    expect(en.json().error.message).toMatch(/^ref: 1 to 250 characters/);
    expect(await entryPoints.listEntryPoints(database, { workspaceId: 'default' })).toHaveLength(1);
  });

  it('refuses a ref another entry point of the Page uses, and a Page of another workspace', async () => {
    const taken = await call('POST', '/api/v1/entry-points', {
      pageId: PAGE,
      kind: 'link',
      name: 'Dup',
      ref: 'qr_mostrador',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'ref_taken', field: 'ref' });
    const foreign = await call(
      'POST',
      '/api/v1/entry-points',
      { pageId: OTHER_WS_PAGE, kind: 'link', name: 'Foreign', ref: 'f' },
      { 'accept-language': 'es' },
    );
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error).toMatchObject({ code: 'page_unknown', field: 'pageId' });
    expect(foreign.json().error.message).toContain('no hay ninguna página');
  });

  it('lets a viewer read but only an admin change', async () => {
    const viewer = { 'x-test-role': 'viewer' };
    expect((await call('GET', `/api/v1/entry-points/${id}`, undefined, viewer)).statusCode).toBe(200);
    const refused = await call('PATCH', `/api/v1/entry-points/${id}`, { name: 'x' }, viewer);
    expect(refused.statusCode).toBe(403);
    expect(
      (await call('DELETE', `/api/v1/entry-points/${id}`, undefined, { 'x-test-role': 'agent' })).statusCode,
    ).toBe(403);
    expect((await call('GET', `/api/v1/entry-points/${id}`)).json().name).toBe('QR del mostrador');
  });

  it('serves the QR code as a real PNG of the requested size', async () => {
    const res = await call('GET', `/api/v1/entry-points/${id}/qr.png?size=300&margin=2`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const png = res.rawPayload;
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pngSize(png)).toEqual({ width: 300, height: 300 });
    const big = await call('GET', `/api/v1/entry-points/${id}/qr.png?size=1024`);
    expect(pngSize(big.rawPayload)).toEqual({ width: 1024, height: 1024 });
  });

  it('serves the QR code as SVG, and refuses sizes and margins out of range', async () => {
    const res = await call('GET', `/api/v1/entry-points/${id}/qr.svg?size=256&margin=0`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(res.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(res.body).toContain('width="256"');
    const bad = await call('GET', `/api/v1/entry-points/${id}/qr.svg?size=10`, undefined, {
      'accept-language': 'es',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_qr_size', field: 'size' });
    const badMargin = await call('GET', `/api/v1/entry-points/${id}/qr.png?margin=-1`);
    expect(badMargin.json().error).toMatchObject({ code: 'invalid_qr_margin', field: 'margin' });
  });

  it('gives the website button snippet in the entry point language', async () => {
    const res = await call('GET', `/api/v1/entry-points/${id}/snippet`);
    expect(res.json()).toMatchObject({ lang: 'es', mmeUrl: `https://m.me/${PAGE}?ref=qr_mostrador` });
    expect(res.json().snippet).toContain(`href="https://m.me/${PAGE}?ref=qr_mostrador"`);
    expect(res.json().snippet).toContain('Meta cerró el plugin de chat');
  });

  it('answers statistics for every day of the range and refuses a bad range', async () => {
    const res = await call('GET', `/api/v1/entry-points/${id}/stats?from=2026-11-20&to=2026-11-25`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.byDay).toHaveLength(6);
    expect(body.totals).toEqual({
      reached: 0,
      newContacts: 0,
      conversationsOpened: 0,
      windowsOpened: 0,
      optIns: 0,
      optOuts: 0,
      flowGoals: 0,
    });
    expect((await call('GET', `/api/v1/entry-points/${id}/stats`)).json().byDay).toHaveLength(30);
    const backwards = await call('GET', `/api/v1/entry-points/${id}/stats?from=2026-11-25&to=2026-11-20`);
    expect(backwards.json().error).toMatchObject({ code: 'invalid_range', field: 'from' });
    const garbage = await call('GET', `/api/v1/entry-points/${id}/stats?to=yesterday`);
    expect(garbage.json().error).toMatchObject({ code: 'invalid_date', field: 'to' });
  });

  it('serves the public landing page in the entry point language, without a token', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/l/mostrador',
      headers: { 'accept-language': 'en' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain('<html lang="es">');
    expect(res.body).toContain('Habla con Café Lola');
    expect(res.body).toMatch(/<div class="qr">[^<]*<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(res.body).toContain(`href="https://m.me/${PAGE}?ref=qr_mostrador"`);
  });

  it('serves the landing page by Accept-Language when the entry point has no language', async () => {
    await call('PATCH', `/api/v1/entry-points/${id}`, { language: null });
    const en = await app.inject({
      method: 'GET',
      url: '/l/mostrador',
      headers: { 'accept-language': 'en-GB' },
    });
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('Message us on Messenger');
    const es = await app.inject({
      method: 'GET',
      url: '/l/mostrador',
      headers: { 'accept-language': 'es-MX,es;q=0.9' },
    });
    expect(es.body).toContain('Escríbenos por Messenger');
    expect((await app.inject({ method: 'GET', url: '/l/nope-nope' })).statusCode).toBe(404);
  });

  it('creates a comment entry point, which has no QR, and deletes entry points', async () => {
    const res = await call('POST', '/api/v1/entry-points', {
      pageId: PAGE,
      kind: 'comment',
      name: 'Sorteo',
      comment: { postIds: [`${PAGE}_555`], keywords: ['Quiero'], replyText: '¡Hola! Aquí tienes la info.' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      ref: null,
      slug: null,
      landingUrl: null,
      mmeUrl: `https://m.me/${PAGE}`,
      comment: { postIds: [`${PAGE}_555`], keywords: ['Quiero'] },
    });
    const qr = await call('GET', `/api/v1/entry-points/${res.json().id}/qr.png`);
    expect(qr.statusCode).toBe(409);
    expect(qr.json().error.code).toBe('no_link');
    const changeKind = await call('PATCH', `/api/v1/entry-points/${res.json().id}`, { kind: 'link' });
    expect(changeKind.json().error).toMatchObject({ code: 'invalid_value', field: 'kind' });
    expect((await call('DELETE', `/api/v1/entry-points/${res.json().id}`)).statusCode).toBe(204);
    expect((await call('GET', `/api/v1/entry-points/${res.json().id}`)).statusCode).toBe(404);
  });
});
