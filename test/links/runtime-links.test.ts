/**
 * End to end through `ventana start` (demo mode, real HTTP): a broadcast's link leaves as
 * `${server}/r/<code>` (VENTANA_PUBLIC_URL defaults to the server's own address), the redirect is
 * public (no API token), and the click shows in the report.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';

let runtime: Runtime;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-links-'));
  const parsed = parseConfig({ VENTANA_DATA_DIR: dir, PORT: '0', VENTANA_LOG_LEVEL: 'silent' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  runtime = await startRuntime(parsed.config);
  await runtime.settle();
});

afterAll(async () => {
  await runtime?.close();
});

it('sends tracked links through the running server and counts a click on its public redirect', async () => {
  const headers = { authorization: `Bearer ${runtime.secrets.apiToken}` };
  const created = await fetch(`${runtime.url}/api/v1/broadcasts`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Demo',
      intent: 'promotional',
      audience: { windowOpen: true },
      content: { message: { type: 'text', text: 'Novedades: https://tienda.example.com/novedades' } },
    }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  expect(
    (await fetch(`${runtime.url}/api/v1/broadcasts/${id}/send`, { method: 'POST', headers })).status,
  ).toBe(200);
  let report: { status: string; sent: number; clicked: { people: number; total: number } } | undefined;
  for (let i = 0; i < 50; i++) {
    await runtime.settle();
    report = (await (
      await fetch(`${runtime.url}/api/v1/broadcasts/${id}/report`, { headers })
    ).json()) as typeof report;
    if (report?.status === 'done') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(report?.status).toBe('done');
  expect(report!.sent).toBeGreaterThan(0);

  const sim = runtime.demo!.simulator;
  const sends = sim.state.requests.toArray().filter((r) => r.endpoint === 'send');
  const text = JSON.stringify(sends.at(-1)?.body);
  const prefix = `${runtime.url}/r/`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const code = new RegExp(`${prefix}([0-9A-Za-z]{12})`).exec(text)?.[1];
  expect(code).toBeDefined();
  expect(text).not.toContain('tienda.example.com');

  const click = await fetch(`${runtime.url}/r/${code}`, { redirect: 'manual' });
  expect(click.status).toBe(302);
  expect(click.headers.get('location')).toBe('https://tienda.example.com/novedades');
  const after = (await (
    await fetch(`${runtime.url}/api/v1/broadcasts/${id}/report`, { headers })
  ).json()) as {
    clicked: { people: number; total: number };
  };
  expect(after.clicked).toMatchObject({ people: 1, total: 1 });
  expect(sim.state.counters.violations).toBe(0);
});
