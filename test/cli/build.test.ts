import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module without types (scripts/ run before any build).
import { buildEntry, ensureBuilt, isFresh, ROOT } from '../../scripts/build.mjs';

// Sources inside the checkout (builds record their inputs relative to it), in a folder of their own.
const sources = join(ROOT, 'test', `.build-fixture-${process.pid}`);
const out = mkdtempSync(join(tmpdir(), 'ventana-build-'));
afterAll(() => {
  rmSync(sources, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

function writeSources(greeting: string): string {
  mkdirSync(sources, { recursive: true });
  writeFileSync(
    join(sources, 'greeting.ts'),
    `export const greeting: string = ${JSON.stringify(greeting)};\n`,
  );
  writeFileSync(
    join(sources, 'entry.ts'),
    "import { greeting } from './greeting.ts';\nexport const hello = (name: string): string => greeting + ', ' + name;\n",
  );
  return relative(ROOT, join(sources, 'entry.ts'));
}

describe('the JavaScript build of a TypeScript entry', () => {
  it('bundles the entry with its imports, and is fresh until one of them changes or goes', async () => {
    const entry = writeSources('Hola');
    const outfile = join(out, 'entry.mjs');
    expect(isFresh(outfile)).toBe(false);
    await buildEntry(entry, outfile);
    expect(isFresh(outfile)).toBe(true);
    const inputs = Object.keys(JSON.parse(readFileSync(`${outfile}.inputs.json`, 'utf8')));
    expect(inputs.sort()).toEqual([entry, entry.replace('entry.ts', 'greeting.ts')].sort());
    const built = await import(`${pathToFileURL(outfile).href}?v=1`);
    expect(built.hello('Ana')).toBe('Hola, Ana');

    // Same size, other content: the modification time alone tells.
    writeSources('Olá!');
    expect(isFresh(outfile)).toBe(false);
    await ensureBuilt(entry, outfile);
    expect(isFresh(outfile)).toBe(true);
    expect((await import(`${pathToFileURL(outfile).href}?v=2`)).hello('Ana')).toBe('Olá!, Ana');

    rmSync(join(sources, 'greeting.ts'));
    expect(isFresh(outfile)).toBe(false);
  });

  it('runs the CLI from its build, and from the sources when asked, with the same answer', () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [join(ROOT, 'bin/ventana.js'), 'policy', 'rules', '--lang', 'es'], {
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
    const built = run({});
    const fromSource = run({ VENTANA_FROM_SOURCE: '1' });
    expect(built.status).toBe(0);
    expect(built.stdout).toContain('messenger-2026-04-27');
    expect(fromSource.status).toBe(0);
    expect(fromSource.stdout).toBe(built.stdout);
    expect(isFresh(join(ROOT, 'dist/server/ventana.mjs'))).toBe(true);
  });
});
