/**
 * Compiles a TypeScript entry point into one JavaScript file for Node (npm packages stay external).
 * The CLI (`bin/ventana.js`) and the benchmarks run these builds instead of compiling TypeScript
 * in the process: the loader of tsx costs about 70 MB of resident memory and start-up time.
 *
 * A build is reused while it is fresh: next to it, `<out>.inputs.json` lists every source file it
 * was made from with its size and modification time; any difference means build again. Types are
 * not checked here (`npm run typecheck` does that); esbuild only strips them.
 *
 *   node scripts/build.mjs               builds the CLI into dist/server/ventana.mjs
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The CLI's build. It lives two levels below the root, like `src/<dir>/`, so paths the code
 * computes from its own location (the dashboard in `dist/web/`) mean the same in both. */
export const CLI_BUILD = join(ROOT, 'dist/server/ventana.mjs');

const inputsFile = (outfile) => `${outfile}.inputs.json`;

function fingerprint(path) {
  const s = statSync(path);
  return [s.size, s.mtimeMs];
}

/** True when `outfile` exists and none of the sources it was built from has changed or gone. */
export function isFresh(outfile) {
  let inputs;
  try {
    statSync(outfile);
    inputs = JSON.parse(readFileSync(inputsFile(outfile), 'utf8'));
  } catch {
    return false;
  }
  for (const [path, [size, mtimeMs]] of Object.entries(inputs)) {
    try {
      const [s, m] = fingerprint(join(ROOT, path));
      if (s !== size || m !== mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Bundles `entry` (a path from the root) into `outfile`. Concurrent builds of the same file are
 * safe: each writes its own temporary files and renames them into place.
 */
export async function buildEntry(entry, outfile) {
  const esbuild = await import('esbuild');
  const result = await esbuild
    .build({
      entryPoints: [join(ROOT, entry)],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      metafile: true,
      write: false,
      logLevel: 'silent',
    })
    // esbuild keeps a helper process for further builds: there will be none in this process.
    .finally(() => esbuild.stop());
  mkdirSync(dirname(outfile), { recursive: true });
  const inputs = {};
  for (const path of Object.keys(result.metafile.inputs)) {
    // Paths are relative to the working directory; store them relative to the root.
    const fromRoot = relative(ROOT, resolve(path));
    inputs[fromRoot] = fingerprint(join(ROOT, fromRoot));
  }
  const tmp = `.${process.pid}.${Date.now()}.tmp`;
  for (const file of result.outputFiles) writeFileSync(file.path + tmp, file.contents);
  writeFileSync(inputsFile(outfile) + tmp, JSON.stringify(inputs));
  // The inputs list goes last: a reader that sees it also sees the finished build.
  for (const file of result.outputFiles) renameSync(file.path + tmp, file.path);
  renameSync(inputsFile(outfile) + tmp, inputsFile(outfile));
  return outfile;
}

/** The build of `entry` at `outfile`, made first if it is missing or stale. */
export async function ensureBuilt(entry, outfile) {
  if (!isFresh(outfile)) await buildEntry(entry, outfile);
  return outfile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = performance.now();
  await buildEntry('src/cli/main.ts', CLI_BUILD);
  console.log(`${relative(ROOT, CLI_BUILD)} (${Math.round(performance.now() - started)} ms)`);
}
