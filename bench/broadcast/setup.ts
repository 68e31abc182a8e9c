/**
 * What both broadcast benches (SQLite `run.ts`, PostgreSQL `pg.ts`) set up the same way: the simulator
 * in its own process, the workspace and its Pages, and the broadcast itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createBroadcast } from '../../src/broadcasts/service.ts';
import { pages, type Queryable, workspaces } from '../../src/storage/index.ts';
import { benchPageId } from './population.ts';

/** The first three figures of /proc/loadavg, printed with every run (the machine may be shared). */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** Starts `sim.ts` with the same synthetic population; resolves with its URL once it listens. */
export async function startBenchSimulator(opts: {
  readonly contacts: number;
  readonly pages: number;
  readonly inside: number;
  readonly now: number;
}): Promise<{ readonly process: ChildProcess; readonly url: string }> {
  const sim = spawn(
    process.execPath,
    [
      'scripts/run-built.mjs',
      'bench/broadcast/sim.ts',
      '--contacts',
      String(opts.contacts),
      '--pages',
      String(opts.pages),
      '--inside',
      String(opts.inside),
      '--now',
      String(opts.now),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: sim.stdout! });
    rl.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    sim.once('exit', (code) => reject(new Error(`simulator exited ${code}`)));
  });
  return { process: sim, url };
}

/** Workspace `w1` and Pages 0..n-1 with their bench tokens. */
export async function createBenchPages(database: Queryable, key: Buffer, n: number, now: number) {
  await workspaces.createWorkspace(database, { id: 'w1', name: 'Bench', now });
  for (let i = 0; i < n; i++)
    await pages.upsertPage(database, key, {
      id: benchPageId(i),
      workspaceId: 'w1',
      name: `Page ${i}`,
      accessToken: `bench-token-${i}`,
      now,
    });
}

/** The benched broadcast: a personalised promotion to everyone. */
export async function createBenchBroadcast(database: Queryable, now: number) {
  const created = await createBroadcast(database, {
    workspaceId: 'w1',
    lang: 'en',
    now,
    body: {
      name: 'Bench',
      intent: 'promotional',
      audience: {},
      content: {
        message: {
          type: 'text',
          text: 'Hola {{first_name|amigo}}, esta semana 20% de descuento en toda la tienda',
        },
      },
    },
  });
  if (!created.ok) throw new Error(JSON.stringify(created.problems));
  return created.broadcast;
}
