/**
 * A running Ventana in demo mode for end-to-end tests: its own data folder, its built-in simulator
 * as Meta, a clock that tests can move (Ventana's and the simulator's together), the REST API over
 * real HTTP with the installation token, and a `settle()` that waits until webhooks, automation, jobs
 * and sends are all done.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Runtime, type RuntimeOptions, startRuntime } from '../../src/app/runtime.ts';
import { parseConfig } from '../../src/config/config.ts';
import type { Simulator } from '../../src/simulator/index.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers whose shape the assertions check
export type Json = any;

export interface DemoRuntime {
  readonly runtime: Runtime;
  readonly sim: Simulator;
  readonly pageId: string;
  now(): number;
  /** Moves Ventana's clock and the simulator's forward together. */
  advance(ms: number): void;
  /** Calls the REST API as the installation token; the body is parsed JSON (null when empty). */
  api(method: string, path: string, body?: unknown, lang?: string): Promise<{ status: number; body: Json }>;
  /** Webhooks, automation (which enqueues during a first pass), jobs and sends, until quiet. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startDemoRuntime(
  name: string,
  options: Omit<RuntimeOptions, 'now'> = {},
): Promise<DemoRuntime> {
  const dir = mkdtempSync(join(tmpdir(), `ventana-${name}-`));
  const parsed = parseConfig({ VENTANA_DATA_DIR: dir, PORT: '0', VENTANA_LOG_LEVEL: 'silent' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  let offset = 0;
  const now = () => Date.now() + offset;
  const runtime = await startRuntime(parsed.config, { ...options, now });
  if (!runtime.demo) throw new Error('the demo did not start');
  const sim = runtime.demo.simulator;
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await sim.people.flush();
      await runtime.settle();
    }
  };
  await settle();
  return {
    runtime,
    sim,
    pageId: runtime.demo.pageId,
    now,
    advance(ms) {
      offset += ms;
      sim.clock.advance(ms);
    },
    async api(method, path, body, lang = 'en') {
      const res = await fetch(`${runtime.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${runtime.secrets.apiToken}`,
          'accept-language': lang,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? null : JSON.parse(text) };
    },
    settle,
    async close() {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
