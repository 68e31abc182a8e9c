/**
 * End to end through `ventana start` (demo mode, real HTTP): a broadcast's link leaves as
 * `${server}/r/<code>` (VENTANA_PUBLIC_URL defaults to the server's own address), the redirect is
 * public (no API token), and the click shows in the report.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DemoRuntime, startDemoRuntime } from '../support/demo-runtime.ts';

let demo: DemoRuntime;

beforeAll(async () => {
  demo = await startDemoRuntime('links');
});

afterAll(async () => {
  await demo?.close();
});

it('sends tracked links through the running server and counts a click on its public redirect', async () => {
  const { runtime, sim, api } = demo;
  const created = await api('POST', '/api/v1/broadcasts', {
    name: 'Demo',
    intent: 'promotional',
    audience: { windowOpen: true },
    content: { message: { type: 'text', text: 'Novedades: https://tienda.example.com/novedades' } },
  });
  expect(created.status).toBe(201);
  const { id } = created.body as { id: string };
  expect((await api('POST', `/api/v1/broadcasts/${id}/send`)).status).toBe(200);
  let report: { status: string; sent: number; clicked: { people: number; total: number } } | undefined;
  for (let i = 0; i < 50; i++) {
    await demo.settle();
    report = (await api('GET', `/api/v1/broadcasts/${id}/report`)).body;
    if (report?.status === 'done') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(report?.status).toBe('done');
  expect(report!.sent).toBeGreaterThan(0);

  const sends = sim.state.requests.toArray().filter((r) => r.endpoint === 'send');
  const text = JSON.stringify(sends.at(-1)?.body);
  const prefix = `${runtime.url}/r/`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const code = new RegExp(`${prefix}([0-9A-Za-z]{12})`).exec(text)?.[1];
  expect(code).toBeDefined();
  expect(text).not.toContain('tienda.example.com');

  const click = await fetch(`${runtime.url}/r/${code}`, { redirect: 'manual' });
  expect(click.status).toBe(302);
  expect(click.headers.get('location')).toBe('https://tienda.example.com/novedades');
  const after = (await api('GET', `/api/v1/broadcasts/${id}/report`)).body;
  expect(after.clicked).toMatchObject({ people: 1, total: 1 });
  expect(sim.state.counters.violations).toBe(0);
});
