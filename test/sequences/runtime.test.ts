/**
 * End to end on a running Ventana (demo mode: simulator and demo people): the REST API, the runner in
 * the workers and the automation in the inbound processor, wired as `ventana start` wires them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKSPACE } from '../../src/app/runtime.ts';
import { contacts, sequences } from '../../src/storage/index.ts';
import { type DemoRuntime, startDemoRuntime } from '../support/demo-runtime.ts';

let demo: DemoRuntime;

beforeAll(async () => {
  demo = await startDemoRuntime('sequences');
});

afterAll(async () => {
  await demo?.close();
});

describe('sequences on a running Ventana', () => {
  it('sends a step to an enrolled person and stops when the person replies', async () => {
    const { runtime, api } = demo;
    const created = await api('POST', '/api/v1/sequences', {
      name: 'Demo',
      exitOnReply: true,
      steps: [
        {
          delay: { amount: 0, unit: 'minutes' },
          content: {
            message: {
              type: 'button_template',
              text: 'Hola {{first_name|amigo}}, ¿te ayudo con algo?',
              buttons: [{ type: 'web_url', title: 'Horarios', url: 'https://tienda.example.com/horarios' }],
            },
          },
          // A link to the shop is promotional (Meta's words): it goes while the window is open.
          intent: 'promotional',
        },
        {
          delay: { amount: 1, unit: 'days' },
          content: { message: { type: 'text', text: '¿Seguimos?' } },
          intent: 'non_promotional',
        },
      ],
    });
    expect(created.status).toBe(201);
    const id = created.body.id!;
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
    expect(enrolled.body).toMatchObject({ enrolled: 1 });
    await runtime.settle();

    const sim = runtime.demo!.simulator;
    const sent = sim.state.requests
      .toArray()
      .filter((r) => r.endpoint === 'send' && r.psid === lucia.psid)
      .map(
        (r) =>
          r.body as {
            message?: { attachment?: { payload?: { text?: string; buttons?: { url: string }[] } } };
          },
      )
      .map((b) => b.message?.attachment?.payload);
    expect(sent.map((p) => p?.text)).toContain('Hola Lucía, ¿te ayudo con algo?');
    // The button leaves as a tracked link; the person's click and Meta's delivery receipt are counted.
    const tracked = sent.find((p) => p?.buttons)?.buttons?.[0]?.url ?? '';
    expect(tracked).toMatch(new RegExp(`^${runtime.url}/r/[0-9A-Za-z]{12}$`));
    const click = await fetch(tracked, { redirect: 'manual' });
    expect(click.headers.get('location')).toBe('https://tienda.example.com/horarios');

    const person = sim.people.get(runtime.demo!.pageId, lucia.psid)!;
    expect((await sim.people.sendText(person, 'Sí, una pregunta')).status).toBe(200);
    // The demo simulator sends Meta's delivery and read receipts by itself; settle until all are applied.
    await demo.settle();
    const [enrollment] = await sequences.listEnrollments(runtime.database, { sequenceId: id });
    expect(enrollment).toMatchObject({ status: 'left', leftReason: 'reply' });
    const stats = await api('GET', `/api/v1/sequences/${id}/stats`);
    expect(stats.body).toMatchObject({ enrollments: { left: 1, leftByReason: { reply: 1 } } });
    expect((stats.body.steps as { sent: number }[])[0]!.sent).toBe(1);
    expect(stats.body).toMatchObject({ delivered: 1, clicked: { people: 1, total: 1 } });
    expect(sim.state.counters.violations).toBe(0);
  });
});
