/**
 * Runs a TypeScript program from its JavaScript build, as production runs the CLI:
 *
 *   node scripts/run-built.mjs bench/broadcast/run.ts --contacts 100000
 *
 * The build goes to dist/run/<path>.mjs (rebuilt when a source changed); the program sees its own
 * arguments in process.argv as if started directly.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt, ROOT } from './build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry?.endsWith('.ts')) {
  console.error('usage / uso: node scripts/run-built.mjs <program.ts> [arguments]');
  process.exit(2);
}
const outfile = join(ROOT, 'dist/run', entry.replace(/\.ts$/, '.mjs'));
await ensureBuilt(entry, outfile);
process.setSourceMapsEnabled(true);
process.argv = [process.argv[0], outfile, ...args];
await import(pathToFileURL(outfile).href);
