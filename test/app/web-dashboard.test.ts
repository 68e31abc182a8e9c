import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebhookIntake } from '../../src/ingest/intake.ts';
import { buildApp } from '../../src/server/app.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function appWith(webRoot: string) {
  const intake = createWebhookIntake({
    appSecrets: () => ['secret'],
    store: async () => undefined,
    now: Date.now,
    bodyLimit: 1_000_000,
  });
  return buildApp({
    intake,
    verifyToken: () => 'verify',
    apiToken: () => 'token',
    bodyLimit: 1_000_000,
    logger: false,
    webRoot,
  });
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ventana-web-'));
  dirs.push(d);
  return d;
}

describe('the dashboard at /', () => {
  it('serves the built files, answers index.html for any page path, and leaves API and webhook 404s alone', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(root, 'assets', 'app-123.js'), 'console.log(1)');
    const app = appWith(root);
    const home = await app.inject({ url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('id="root"');
    const asset = await app.inject({ url: '/assets/app-123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    const deep = await app.inject({ url: '/contacts?window=open' });
    expect(deep.statusCode).toBe(200);
    expect(deep.headers['content-type']).toContain('text/html');
    expect(deep.headers['cache-control']).toBe('no-cache');
    expect((await app.inject({ url: '/assets/gone.js' })).statusCode).toBe(404);
    const api = await app.inject({ url: '/api/v1/nope', headers: { authorization: 'Bearer token' } });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: { code: 'not_found', message: 'No such route' } });
    const post = await app.inject({ method: 'POST', url: '/contacts' });
    expect(post.statusCode).toBe(404);
    expect(post.json().error.code).toBe('not_found');
    const hook = await app.inject({ url: '/webhooks/other' });
    expect(hook.json().error.code).toBe('not_found');
    await app.close();
  });

  it('explains how to build the dashboard when it is missing, in the reader’s language', async () => {
    const app = appWith(join(tempDir(), 'missing'));
    const es = await app.inject({ url: '/inbox', headers: { 'accept-language': 'es-ES' } });
    expect(es.statusCode).toBe(503);
    expect(es.body).toContain('npm run build:web');
    expect(es.body).toContain('El panel no está compilado');
    const en = await app.inject({ url: '/' });
    expect(en.body).toContain('The dashboard is not built');
    const api = await app.inject({ url: '/api/v1/nope', headers: { authorization: 'Bearer token' } });
    expect(api.json().error.code).toBe('not_found');
    await app.close();
  });
});
