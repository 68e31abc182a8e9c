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

/**
 * CPU time (user + system, ms) a process has used so far, from /proc: for the simulator, whose
 * process.cpuUsage() the benchmark cannot call. /proc counts in USER_HZ ticks, 100 per second on Linux.
 */
export function processCpuMs(pid: number): number {
  // Fields after the command name, which may hold spaces and parentheses itself: state is the 1st,
  // utime the 12th, stime the 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
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

export interface SendCeiling {
  readonly sends: number;
  readonly accepted: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly clientCpuUsPerSend: number;
  readonly simulatorCpuUsPerSend: number;
}

/** Runs `ceiling.ts` (this machine's bare send loop against its own simulator) and returns its figures. */
export async function measureSendCeiling(opts: {
  readonly sends: number;
  readonly connections: number;
  readonly inFlight: number;
}): Promise<SendCeiling> {
  const child = spawn(
    process.execPath,
    [
      'scripts/run-built.mjs',
      'bench/broadcast/ceiling.ts',
      ...['--sends', String(opts.sends)],
      ...['--connections', String(opts.connections), '--in-flight', String(opts.inFlight)],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`ceiling.ts exited ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as SendCeiling;
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
