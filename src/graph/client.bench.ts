// Loopback throughput of `sendMessage` against the simulator, which runs in a child process so the
// two do not share one event loop. Run: `npx tsx src/graph/client.bench.ts [seconds]`.
// 100 Pages take turns so the simulator's 300/s per-Page limit is not what gets measured.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSimulator } from '../simulator/index.ts';
import { createGraphClient } from './client.ts';

const PAGES = 100;
const pageId = (i: number) => String(2000 + i);
const token = (i: number) => `bench-token-${2000 + i}`;

async function serve(): Promise<void> {
  const sim = createSimulator({
    pages: Array.from({ length: PAGES }, (_, i) => ({ id: pageId(i), token: token(i) })),
    requestLogCap: 1000,
    inboxCap: 0,
  });
  for (let i = 0; i < PAGES; i++)
    sim.people.touch(sim.people.createPerson({ pageId: pageId(i), psid: `9${i}` }));
  process.stdout.write(`${await sim.listen(0)}\n`);
}

async function bench(seconds: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [url] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const graph = createGraphClient({ baseUrl: url, version: 'v26.0' });
  try {
    for (const inFlight of [50, 100, 200]) {
      for (const [label, ms] of [
        ['warm-up', 1000],
        ['measured', seconds * 1000],
      ] as const) {
        let ok = 0;
        let failed = 0;
        let next = 0;
        const until = performance.now() + ms;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: inFlight }, async () => {
            while (performance.now() < until) {
              const i = next++ % PAGES;
              const r = await graph.sendMessage(pageId(i), token(i), {
                recipient: { id: `9${i}` },
                messaging_type: 'RESPONSE',
                message: { text: 'Hola' },
              });
              if (r.ok) ok++;
              else failed++;
            }
          }),
        );
        const elapsed = (performance.now() - started) / 1000;
        if (label === 'measured') {
          console.log(
            `${inFlight} in flight: ${Math.round(ok / elapsed)} sends/s ok (${ok} ok, ${failed} failed in ${elapsed.toFixed(1)} s)`,
          );
        }
      }
    }
  } finally {
    await graph.close();
    child.kill();
  }
}

if (process.argv[2] === 'serve') await serve();
else await bench(Number(process.argv[2] ?? 5));
