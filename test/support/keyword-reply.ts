/**
 * A new person on the demo Page writes an opt-out or opt-in keyword; the Send API calls Ventana then
 * made to them (its confirmation goes through the whole pipeline: processor, outbox, limiter, Graph).
 */
import type { Runtime } from '../../src/app/runtime.ts';
import type { RecordedRequest } from '../../src/simulator/types.ts';

export async function repliesToKeyword(
  runtime: Runtime,
  keyword: string,
  person: { readonly locale: string; readonly country: string },
): Promise<RecordedRequest[]> {
  const sim = runtime.demo!.simulator;
  const someone = sim.people.createPerson({ pageId: runtime.demo!.pageId, firstName: 'Ana', ...person });
  await sim.people.sendText(someone, keyword);
  await runtime.settle();
  await runtime.settle();
  return sim.state.requests.toArray().filter((r) => r.endpoint === 'send' && r.psid === someone.psid);
}
