/**
 * Fails when src/ has a runtime import cycle. Reads relative `.ts` imports and re-exports, leaving out
 * `import type` / `export type` (erased at run time), and runs a depth-first search.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const graph = new Map<string, string[]>();
for (const file of files(root)) {
  const text = readFileSync(file, 'utf8');
  const deps = [
    ...text.matchAll(/^(import|export)(?!\s+type\b)[^;]*?(?:from\s*)?'(\.{1,2}\/[^']+\.ts)'/gms),
  ].map((m) => resolve(dirname(file), m[2]!));
  graph.set(file, deps);
}

const state = new Map<string, 'visiting' | 'done'>();
const cycles: string[][] = [];
function visit(node: string, path: string[]): void {
  if (state.get(node) === 'done') return;
  if (state.get(node) === 'visiting') {
    cycles.push([...path.slice(path.indexOf(node)), node]);
    return;
  }
  state.set(node, 'visiting');
  for (const dep of graph.get(node) ?? []) visit(dep, [...path, node]);
  state.set(node, 'done');
}
for (const node of graph.keys()) visit(node, []);

if (cycles.length > 0) {
  for (const c of cycles) console.error(`import cycle: ${c.map((f) => relative(root, f)).join(' -> ')}`);
  process.exit(1);
}
console.log(`no import cycles in ${graph.size} files`);
