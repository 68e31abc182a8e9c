#!/usr/bin/env node
// Runs the CLI from its JavaScript build (dist/server/ventana.mjs), rebuilt here in a fraction of a
// second whenever a source file changed, so a checkout needs no build step and production does not
// compile TypeScript in the process. VENTANA_FROM_SOURCE=1, or a build that cannot be made (no
// esbuild, a read-only checkout), runs the TypeScript sources through tsx instead.
import { pathToFileURL } from 'node:url';
import { CLI_BUILD, ensureBuilt } from '../scripts/build.mjs';

async function loadMain() {
  if (process.env.VENTANA_FROM_SOURCE !== '1') {
    try {
      await ensureBuilt('src/cli/main.ts', CLI_BUILD);
      // Stack traces then name the TypeScript sources, through the build's source map.
      process.setSourceMapsEnabled(true);
      return (await import(pathToFileURL(CLI_BUILD).href)).main;
    } catch (error) {
      if (process.env.VENTANA_DEBUG_BUILD === '1') console.error(error);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../src/cli/main.ts')).main;
}

const main = await loadMain();
process.exitCode = await main(process.argv);
