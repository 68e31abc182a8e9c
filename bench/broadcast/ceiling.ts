/**
 * This machine's send ceiling: how many Send API calls a bare undici loop gets through a bench
 * simulator when it does nothing else — no database, no policy, no rate limiter, no audit. It is to
 * dispatch what bare node:http is to the webhook bench: the line that says what the machine allows,
 * so a dispatch figure can be read against it. The client and the simulator share the machine's
 * cores, as they do in the broadcast bench, and each one's CPU per send is printed.
 *
 *   node scripts/run-built.mjs bench/broadcast/ceiling.ts --sends 50000 --pages 200 \
 *     --connections 128 --in-flight 1000
 *
 * Prints one JSON line: { sends, accepted, seconds, perSecond, clientCpuUsPerSend, simulatorCpuUsPerSend }.
 * Its own simulator, so the broadcast's simulator counts only the broadcast's sends.
 */
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { benchPerson } from './population.ts';
import { processCpuMs, startBenchSimulator } from './setup.ts';

const { values } = parseArgs({
  options: {
    sends: { type: 'string', default: '50000' },
    // Pages the sends are spread over: enough that none nears its 300 sends/s at the machine's pace.
    pages: { type: 'string', default: '200' },
    connections: { type: 'string', default: '128' },
    'in-flight': { type: 'string', default: '1000' },
  },
});
const sends = Number(values.sends);
const pages = Number(values.pages);
const now = Date.now();

// Everyone inside the window, so every send is accepted and the loop measures only the exchange.
const { process: sim, url } = await startBenchSimulator({ contacts: sends, pages, inside: 1, now });
const pool = new Pool(url, { connections: Number(values.connections) });

let next = 0;
let accepted = 0;
/** One of `in-flight` lanes: take the next person, send, read the answer, until none is left. */
async function lane() {
  while (next < sends) {
    const i = next++;
    const person = benchPerson(i, pages, now, 1);
    const res = await pool.request({
      path: '/v26.0/me/messages',
      method: 'POST',
      headers: {
        authorization: `Bearer bench-token-${i % pages}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({
        recipient: { id: person.psid },
        messaging_type: 'RESPONSE',
        message: {
          text: `Hola ${person.firstName ?? 'amigo'}, esta semana 20% de descuento en toda la tienda`,
        },
      }),
    });
    await res.body.text();
    if (res.statusCode === 200) accepted++;
  }
}

const simCpu0 = processCpuMs(sim.pid!);
const ownCpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(Array.from({ length: Number(values['in-flight']) }, lane));
const ms = performance.now() - t0;
const ownCpu = process.cpuUsage(ownCpu0);
const simCpuMs = processCpuMs(sim.pid!) - simCpu0;
await pool.close();
sim.kill('SIGTERM');
process.stdout.write(
  `${JSON.stringify({
    sends,
    // Anything else is still a full exchange (a 613 costs what a send costs); counted, so it shows.
    accepted,
    seconds: ms / 1000,
    perSecond: Math.round(sends / (ms / 1000)),
    clientCpuUsPerSend: Math.round((ownCpu.user + ownCpu.system) / sends),
    simulatorCpuUsPerSend: Math.round((simCpuMs * 1000) / sends),
  })}\n`,
);
