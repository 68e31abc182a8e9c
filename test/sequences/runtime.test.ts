/**
 * End to end on a running Ventana (demo mode: simulator and demo people): the REST API, the runner in
 * the workers and the automation in the inbound processor, wired as `ventana start` wires them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE, type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import { contacts, sequences } from '../../src/storage/index.ts';

let runtime: Runtime;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-sequences-'));
  const parsed = parseConfig({ VENTANA_DATA_DIR: dir, PORT: '0', VENTANA_LOG_LEVEL: 'silent' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  runtime = await startRuntime(parsed.config);
  await runtime.settle();
});

afterAll(async () => {
  await runtime?.close();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${runtime.secrets.apiToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { id?: string } };
}

describe('sequences on a running Ventana', () => {
  it('sends a step to an enrolled person and stops when the person replies', async () => {
    const created = await api('POST', '/api/v1/sequences', {
      name: 'Demo',
      exitOnReply: true,
      steps: [
        {
          delay: { amount: 0, unit: 'minutes' },
          content: { message: { type: 'text', text: 'Hola {{first_name|amigo}}, ¿te ayudo con algo?' } },
          intent: 'non_promotional',
        },
        {
          delay: { amount: 1, unit: 'days' },
          content: { message: { type: 'text', text: '¿Seguimos?' } },
          intent: 'non_promotional',
        },
      ],
    });
    expect(created.status).toBe(201);
    const id = created.json.id!;
    expect((await api('POST', `/api/v1/sequences/${id}/activate`)).status).toBe(200);

    // Demo profiles are fetched in the background: wait for Lucía's first name.
    let lucia: contacts.Contact | undefined;
    for (let i = 0; i < 100 && !lucia; i++) {
      await runtime.settle();
      lucia = (await contacts.listContacts(runtime.database, { workspaceId: DEFAULT_WORKSPACE })).find(
        (c) => c.firstName === 'Lucía',
      );
      if (!lucia) await new Promise((r) => setTimeout(r, 50));
    }
    if (!lucia) throw new Error('the demo contact Lucía never appeared');
    const enrolled = await api('POST', `/api/v1/sequences/${id}/enroll`, { contactIds: [lucia.id] });
    expect(enrolled.json).toMatchObject({ enrolled: 1 });
    await runtime.settle();

    const sim = runtime.demo!.simulator;
    const sent = sim.state.requests
      .toArray()
      .filter((r) => r.endpoint === 'send' && r.psid === lucia.psid)
      .map((r) => (r.body as { message?: { text?: string } }).message?.text);
    expect(sent).toContain('Hola Lucía, ¿te ayudo con algo?');

    const person = sim.people.get(runtime.demo!.pageId, lucia.psid)!;
    expect((await sim.people.sendText(person, 'Sí, una pregunta')).status).toBe(200);
    await runtime.settle();
    const [enrollment] = await sequences.listEnrollments(runtime.database, { sequenceId: id });
    expect(enrollment).toMatchObject({ status: 'left', leftReason: 'reply' });
    const stats = await api('GET', `/api/v1/sequences/${id}/stats`);
    expect(stats.json).toMatchObject({ enrollments: { left: 1, leftByReason: { reply: 1 } } });
    expect((stats.json.steps as { sent: number }[])[0]!.sent).toBe(1);
    expect(sim.state.counters.violations).toBe(0);
  });
});
