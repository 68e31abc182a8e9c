import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE, type Runtime, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import { contacts } from '../../src/storage/index.ts';

let runtime: Runtime;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ventana-runtime-'));
  const parsed = parseConfig({ VENTANA_DATA_DIR: dir, PORT: '0', VENTANA_LOG_LEVEL: 'silent' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  runtime = await startRuntime(parsed.config);
  await runtime.settle();
});

afterAll(async () => {
  await runtime?.close();
});

describe('ventana start with no Page connected (demo mode)', () => {
  it('connects a demo Page on the simulator and records the demo people with their windows and profiles', async () => {
    expect(runtime.demo).not.toBeNull();
    const list = await contacts.listContacts(runtime.database, { workspaceId: DEFAULT_WORKSPACE });
    expect(list.map((c) => c.firstName).sort()).toEqual(['Emma', 'João', 'Lucía', 'Mateo']);
    const lucia = list.find((c) => c.firstName === 'Lucía')!;
    expect(lucia).toMatchObject({ locale: 'es_ES', country: 'ES', lastInboundKind: 'message' });
    expect(lucia.lastInboundAt).not.toBeNull();
  });

  it('unsubscribes a person who writes BAJA and confirms it in Spanish through the pipeline', async () => {
    const sim = runtime.demo!.simulator;
    const person = sim.people.createPerson({
      pageId: runtime.demo!.pageId,
      firstName: 'Carmen',
      locale: 'es_ES',
      country: 'ES',
    });
    const sent = await sim.people.sendText(person, 'BAJA');
    expect(sent.status).toBe(200);
    await runtime.settle();
    await runtime.settle();
    const contact = await contacts.getContactByPsid(runtime.database, runtime.demo!.pageId, person.psid);
    expect(contact?.optedOutAt).not.toBeNull();
    const replies = sim.state.requests
      .toArray()
      .filter((r) => r.endpoint === 'send' && r.psid === person.psid);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toMatchObject({
      messaging_type: 'RESPONSE',
      message: { text: expect.stringContaining('ya no recibirás mensajes de marketing') },
    });
    expect(sim.state.counters.violations).toBe(0);
  });

  it('answers the webhook handshake with the verify token it generated', async () => {
    const res = await fetch(
      `${runtime.webhookUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(runtime.secrets.verifyToken)}&hub.challenge=4242`,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('4242');
  });
});
